//! The home screen of a phone that has not joined a community yet: what Linli
//! is, who uses it, and how to join.

use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card intro">
            <h1>{t!(i18n, home_title)}</h1>
            <p class="lead">{t!(i18n, tagline)}</p>
            <p class="notice">{t!(i18n, home_not_joined)}</p>
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
