//! Switches between Chinese and English. `leptos_i18n` remembers the choice in
//! a cookie and keeps `<html lang>` in step.

use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |_| {
        let next = match i18n.get_locale() {
            Locale::zh_CN => Locale::en,
            Locale::en => Locale::zh_CN,
        };
        i18n.set_locale(next);
    };
    view! {
        <button
            class="language-switch"
            type="button"
            on:click=toggle
            aria-label=move || t_string!(i18n, switch_language_label).to_string()
        >
            {t!(i18n, switch_language)}
        </button>
    }
}
