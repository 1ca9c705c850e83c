//! The connection indicator in the top bar: green when a network exists, grey
//! and reassuring when not (offline is the normal case, not an error).

use leptos::prelude::*;

use crate::{browser::online::Online, i18n::*};

#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let i18n = use_i18n();
    let Online(online) = expect_context::<Online>();
    let title = move || {
        if online.get() {
            String::new()
        } else {
            t_string!(i18n, offline_hint).to_string()
        }
    };
    view! {
        <span
            class="connection"
            class:is-offline=move || !online.get()
            role="status"
            aria-live="polite"
            title=title
            data-online=move || online.get().to_string()
        >
            <span class="dot" aria-hidden="true"></span>
            <Show when=move || online.get() fallback=move || t!(i18n, offline)>
                {t!(i18n, online)}
            </Show>
        </span>
    }
}
