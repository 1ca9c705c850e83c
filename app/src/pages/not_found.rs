//! Shown for any address the router does not know.

use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h1>{t!(i18n, not_found_title)}</h1>
            <p>{t!(i18n, not_found_body)}</p>
            <a class="button" href="/">{t!(i18n, back_home)}</a>
        </section>
    }
}
