//! The root component and the frame (header, content, footer) of every screen.

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::{
    browser,
    components::{ConnectionStatus, LanguageSwitch, StorageStatus},
    i18n::*,
    pages::{Home, NotFound},
};

#[component]
pub fn App() -> impl IntoView {
    // Online state is shared through context: the indicator shows it now, and
    // the sync client will follow the same signal.
    provide_context(browser::online::watch());
    view! {
        <I18nContextProvider>
            <Router>
                <Frame />
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn Frame() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <img src="/icons/icon.svg" alt="" width="32" height="32" />
                <span class="brand-name">{t!(i18n, app_name)}</span>
            </a>
            <ConnectionStatus />
            <LanguageSwitch />
        </header>
        <main class="content">
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Home />
            </Routes>
        </main>
        <footer class="footer">
            <StorageStatus />
            <p class="version">
                {t!(i18n, version, v = linli_shared::release::VERSION)}
            </p>
        </footer>
    }
}
