//! The browser, each part reached in exactly one place: the facts the UI
//! follows (online state, persistent storage), the camera, and files handed
//! in and out.

pub mod camera;
pub mod files;
pub mod online;
pub mod persistent_storage;
