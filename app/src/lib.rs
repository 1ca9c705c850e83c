//! Linli's phone app.
//!
//! - [`app`]: the root component: i18n, router, and the frame every screen shares.
//! - [`pages`]: one file per screen.
//! - [`components`]: pieces used across screens (connection, language, storage).
//! - [`browser`]: the browser facts the UI follows (online state, persistent
//!   storage), each read in one place.
//! - `i18n`: generated from `locales/*.json` by `leptos_i18n` (zh-CN first, en).

// leptos_i18n 0.6 prefers codegen in build.rs, but its build crate brings ICU's
// data exporter (with networking) into every build; the macro generates the same
// `i18n` module from the same files, so we keep it and allow its deprecation here.
#[allow(deprecated)]
mod locales {
    leptos_i18n::load_locales!();
}
pub use locales::i18n;

pub mod app;
pub mod browser;
pub mod components;
pub mod pages;

/// Entry point: replaces the loading splash with the app.
pub fn start() {
    console_error_panic_hook::set_once();
    if let Some(splash) = leptos::prelude::document().get_element_by_id("splash") {
        splash.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
