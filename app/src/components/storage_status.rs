//! Whether the browser keeps this phone's data: persistent storage, asked
//! for once the phone has joined (a phone that has not joined holds nothing
//! worth keeping).
//!
//! Said in full on 我的设备, with why it matters. Elsewhere it stays quiet
//! (`quiet`) unless it matters now: storage was refused *and* this phone
//! holds changes the relay has not got — the one case where the browser
//! clearing its data would lose work.

use leptos::prelude::*;

use crate::{
    browser::persistent_storage::{self, Persistence},
    context::use_repo,
    i18n::*,
};

#[component]
pub fn StorageStatus(#[prop(optional)] quiet: bool) -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return ().into_any();
    };
    let book = repo.signals.book;
    let answer = LocalResource::new(persistent_storage::request);
    if quiet {
        let unsynced = move || book.with(|b| b.unsynced());
        let at_risk = move || {
            matches!(
                answer.get(),
                Some(Persistence::NotPersisted | Persistence::Unsupported)
            ) && unsynced() > 0
        };
        return view! {
            <Show when=at_risk>
                <p class="storage-status" data-state="at-risk" role="alert">
                    {move || crate::text::fill(t_string!(i18n, storage_at_risk), &[("n", unsynced().to_string())])}
                </p>
            </Show>
        }
        .into_any();
    }
    let state = move || match answer.get() {
        None => "checking",
        Some(Persistence::Persisted) => "persisted",
        Some(Persistence::NotPersisted) => "not-persisted",
        Some(Persistence::Unsupported) => "unsupported",
    };
    let text = move || match answer.get() {
        None => t_string!(i18n, storage_checking),
        Some(Persistence::Persisted) => t_string!(i18n, storage_persisted),
        Some(Persistence::NotPersisted) => t_string!(i18n, storage_not_persisted),
        Some(Persistence::Unsupported) => t_string!(i18n, storage_unsupported),
    };
    view! {
        <p class="storage-status" data-state=state>{text}</p>
        <p class="muted">{t!(i18n, storage_why)}</p>
    }
    .into_any()
}
