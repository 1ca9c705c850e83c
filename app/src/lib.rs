//! Linli's phone app.
//!
//! - [`app`]: the root component: i18n, router, and the frame every screen shares.
//! - [`boot`]: what is read before the first screen (store, membership, documents).
//! - [`pages`]: one file per screen.
//! - [`components`]: pieces used across screens (sync status, banners, QR codes).
//! - [`repo`]: the phone's documents: the shared sync engine over IndexedDB and
//!   a WebSocket to the relay.
//! - [`store`]: IndexedDB: chunks, snapshots, schema migrations.
//! - [`session`]: the device's membership (token, role, building).
//! - [`api`]: the relay's HTTP API, one function per endpoint over
//!   `linli_shared::api`'s types.
//! - [`enrol`]: joining with an invite code, for the join and recruitment
//!   pages alike.
//! - [`browser`]: the browser facts the UI follows (online state, persistent
//!   storage, the camera), each read in one place.
//! - `i18n`: generated from `locales/*.json` by `leptos_i18n` (zh-CN first, en).

// leptos_i18n 0.6 prefers codegen in build.rs, but its build crate brings ICU's
// data exporter (with networking) into every build; the macro generates the same
// `i18n` module from the same files, so we keep it and allow its deprecation here.
#[allow(deprecated)]
mod locales {
    leptos_i18n::load_locales!();
}
pub use locales::i18n;

pub mod actions;
pub mod api;
pub mod app;
pub mod boot;
pub mod browser;
pub mod components;
pub mod context;
pub mod documents;
pub mod enrol;
pub mod features;
pub mod pages;
pub mod repo;
pub mod session;
pub mod store;
pub mod text;

/// Entry point: reads the store, then replaces the loading splash with the app.
pub fn start() {
    console_error_panic_hook::set_once();
    browser::mark("linli:wasm-started");
    wasm_bindgen_futures::spawn_local(async {
        let boot = boot::boot().await;
        browser::mark("linli:documents-loaded");
        if let Some(splash) = leptos::prelude::document().get_element_by_id("splash") {
            splash.remove();
        }
        leptos::mount::mount_to_body(move || leptos::prelude::view! { <app::App boot /> });
        browser::mark("linli:first-screen");
    });
}
