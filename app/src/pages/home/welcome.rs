//! The home screen of a phone that has not joined a community yet: what Linli
//! is, who uses it, and how to join — scan the invite's QR code here, or
//! paste the link someone sent.

use leptos::prelude::*;

use crate::{components::qr_scanner::QrScanner, enrol::invite_code, i18n::*};

/// Goes to the join screen for a scanned or pasted invite link (or bare
/// code), or to the sign-up form for a recruitment link.
fn open_invite(text: &str) -> bool {
    if text.contains("/recruit#")
        && let Some(code) = crate::enrol::recruit_code(text)
    {
        let _ = window().location().set_href(&format!("/recruit#{code}"));
        return true;
    }
    match invite_code(text) {
        Some(code) => {
            let _ = window().location().set_href(&format!("/join#{code}"));
            true
        }
        None => false,
    }
}

#[component]
pub fn Welcome() -> impl IntoView {
    let i18n = use_i18n();
    let scanning = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    let bad_link = RwSignal::new(false);
    let on_code = Callback::new(move |text: String| {
        scanning.set(false);
        bad_link.set(!open_invite(&text));
    });
    let on_close = Callback::new(move |()| scanning.set(false));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        bad_link.set(!open_invite(&pasted.get_untracked()));
    };
    view! {
        <section class="card intro">
            <h1>{t!(i18n, home_title)}</h1>
            <p class="lead">{t!(i18n, tagline)}</p>
            <p class="notice">{t!(i18n, home_not_joined)}</p>
            <Show
                when=move || scanning.get()
                fallback=move || {
                    view! {
                        <button
                            class="button button-primary button-block"
                            type="button"
                            data-action="scan"
                            on:click=move |_| scanning.set(true)
                        >
                            {t!(i18n, join_scan)}
                        </button>
                    }
                }
            >
                <QrScanner on_code on_close />
            </Show>
            <form class="stack" on:submit=submit>
                <label for="invite-link">{t!(i18n, join_paste_label)}</label>
                <input
                    id="invite-link"
                    name="invite-link"
                    type="text"
                    inputmode="url"
                    autocomplete="off"
                    placeholder="https://…/join#…"
                    prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))
                />
                <button class="button button-block" type="submit">
                    {t!(i18n, join_paste_open)}
                </button>
                <Show when=move || bad_link.get()>
                    <p class="error" role="alert">{t!(i18n, join_bad_link)}</p>
                </Show>
            </form>
        </section>
        <section class="card">
            <h2>{t!(i18n, home_offline_title)}</h2>
            <p>{t!(i18n, home_offline_body)}</p>
        </section>
        <section class="card">
            <h2>{t!(i18n, home_who_title)}</h2>
            <ul class="roles">
                <li>
                    <strong>{t!(i18n, role_volunteer_name)}</strong>
                    <span>{t!(i18n, role_volunteer_does)}</span>
                </li>
                <li>
                    <strong>{t!(i18n, role_lead_name)}</strong>
                    <span>{t!(i18n, role_lead_does)}</span>
                </li>
                <li>
                    <strong>{t!(i18n, role_staff_name)}</strong>
                    <span>{t!(i18n, role_staff_does)}</span>
                </li>
            </ul>
        </section>
    }
}
