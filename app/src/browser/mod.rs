//! The browser, each part reached in exactly one place: the facts the UI
//! follows (online state, persistent storage), the camera, files handed in
//! and out, and performance marks.

pub mod camera;
pub mod files;
pub mod online;
pub mod persistent_storage;

/// A performance mark (`performance.getEntriesByType("mark")`), so the
/// first-screen benchmark can say where the time goes.
pub fn mark(name: &str) {
    if let Some(p) = leptos::prelude::window().performance() {
        let _ = p.mark(name);
    }
}
