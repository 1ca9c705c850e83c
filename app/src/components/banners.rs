//! Messages that stay on every screen until resolved: this device was
//! revoked (export what has not synced), the phone's storage refused a
//! write (the data is still in memory and still syncing), or the relay
//! refused what this phone sent (a quota, damaged changes; the records stay
//! on the phone).

use leptos::prelude::*;

use crate::{
    context::use_repo,
    i18n::*,
    repo::{Link, Refusal},
};

#[component]
pub fn Banners() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return ().into_any();
    };
    let s = repo.signals;
    let revoked = move || s.link.get() == Link::Revoked;
    let export = {
        let repo = repo.clone();
        move |_| {
            let _ = repo.download_export();
        }
    };
    let storage = move || {
        s.storage_error.get().map(|e| {
            let text = if e.quota {
                t_string!(i18n, storage_full).to_string()
            } else {
                t_string!(i18n, storage_write_failed).to_string()
            };
            view! {
                <div class="banner banner-warn" role="alert" data-banner="storage">
                    <p>{text}</p>
                    <p class="detail">{e.message}</p>
                </div>
            }
        })
    };
    let refused = move || {
        s.refusal.get().map(|r| {
            let text = match r {
                Refusal::Documents => t_string!(i18n, refused_documents).to_string(),
                Refusal::DailyBytes => t_string!(i18n, refused_daily_bytes).to_string(),
                Refusal::CommunityBytes => t_string!(i18n, refused_community_bytes).to_string(),
                Refusal::Damaged => t_string!(i18n, refused_damaged).to_string(),
            };
            view! {
                <div class="banner banner-warn" role="alert" data-banner="refused">
                    <p><strong>{t!(i18n, refused_title)}</strong></p>
                    <p>{text}</p>
                </div>
            }
        })
    };
    view! {
        <Show when=revoked>
            <div class="banner banner-error" role="alert" data-banner="revoked">
                <p><strong>{t!(i18n, revoked_title)}</strong></p>
                <p>{t!(i18n, revoked_body)}</p>
                <button class="button" type="button" on:click=export.clone()>
                    {t!(i18n, export_button)}
                </button>
            </div>
        </Show>
        {storage}
        {refused}
    }
    .into_any()
}
