//! The sync indicator in the top bar of every screen of a joined phone:
//! offline / connecting / synced / "N not synced yet", and when the relay
//! last confirmed everything. Tapping it opens the device page (per-document
//! status, "sync now").

use leptos::prelude::*;

use crate::{components::time::clock_time, context::use_repo, i18n::*, repo::Link};

#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("shown only on a joined phone");
    let s = repo.signals;
    let unsynced = move || s.book.with(|b| b.unsynced());
    let state = move || match s.link.get() {
        Link::Offline => "offline",
        Link::Connecting => "connecting",
        Link::Online if unsynced() > 0 => "syncing",
        Link::Online => "synced",
        Link::Revoked => "revoked",
    };
    let text = move || match s.link.get() {
        Link::Offline => t_string!(i18n, offline).to_string(),
        Link::Connecting => t_string!(i18n, sync_connecting).to_string(),
        Link::Online if unsynced() > 0 => t_string!(i18n, sync_syncing).to_string(),
        Link::Online => t_string!(i18n, sync_synced).to_string(),
        Link::Revoked => t_string!(i18n, sync_revoked).to_string(),
    };
    let pending = move || {
        let n = unsynced();
        (n > 0).then(|| {
            crate::text::fill(
                t_string!(i18n, sync_unsynced_count),
                &[("n", (n).to_string())],
            )
            .to_string()
        })
    };
    let last = move || last_sync_text(i18n, s.book.with(|b| b.last_synced()));
    view! {
        <a
            class="sync-status"
            href="/device"
            role="status"
            aria-live="polite"
            data-state=state
            data-unsynced=move || unsynced().to_string()
            title=last
        >
            <span class="dot" aria-hidden="true"></span>
            <span class="sync-text">{text}</span>
            {move || pending().map(|p| view! { <span class="sync-pending">{p}</span> })}
        </a>
    }
}

/// "上次同步 14:05", or "尚未同步" when the relay never confirmed anything.
pub fn last_sync_text(i18n: leptos_i18n::I18nContext<Locale>, last: Option<f64>) -> String {
    match last {
        Some(t) => crate::text::fill(t_string!(i18n, sync_last), &[("time", clock_time(t))]),
        None => t_string!(i18n, sync_never).to_string(),
    }
}
