//! Linli's phone app. Layers, top to bottom; a module imports only the
//! layers below it (no page imports another page, no component a page, and
//! `repo/` knows no feature):
//!
//! - [`app`]: the root component: i18n, router, and the frame every screen
//!   shares. [`boot`]: what happens before the first screen (the store, the
//!   membership, every document read, the features started).
//! - [`pages`]: one file per screen, a folder per screen with tabs
//!   (`me/`, `volunteer/`, `home/`). Pages read documents and call actions.
//! - [`components`]: pieces used by several screens (sync status, banners,
//!   QR codes, the shift card, the gates for staff and leads).
//! - [`features`]: what the app does by itself when documents change (opening
//!   the volunteer documents a device holds, the introduction of a newly
//!   joined person, welfare checks' "needs help" becoming ledger needs),
//!   following the repo's news.
//! - [`actions`]: every write to documents beyond a single model operation:
//!   recording at a door, starting a round, a listed document, a building.
//! - [`documents`]: what screens read, as memos following every change; a
//!   day's overview; reading ahead on idle staff phones.
//! - [`text`]: words for people: labels of the model's values, refusals,
//!   course names, times and days, from the locale files.
//! - [`context`]: what every screen asks for (the start state, the repo, the
//!   route's parameters).
//! - [`enrol`]: joining with an invite or recruitment code.
//! - [`session`]: the device's membership (token, role, building) and which
//!   volunteer documents it holds.
//! - [`repo`]: the sync driver: the shared sync engine over IndexedDB and a
//!   WebSocket to the relay, with signals the screens follow and news the
//!   features follow.
//! - [`store`]: IndexedDB: chunks, snapshots, meta records, migrations.
//! - [`api`]: the relay's HTTP API, one function per endpoint over
//!   `linli_shared::api`'s types.
//! - [`browser`]: the browser, each part reached in one place (online state,
//!   persistent storage, the camera, files, performance marks).
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
