//! Browser facts the UI follows, each read in exactly one place.

pub mod camera;
pub mod online;
pub mod persistent_storage;
