//! This device: who it belongs to, each document's sync state (changes not
//! yet on the relay, when it last confirmed everything), "sync now", export,
//! and leaving — which wipes the phone and warns first about anything the
//! relay has not got.

use leptos::prelude::*;
use linli_shared::{model::Role, vocabulary::DocumentId};

use crate::{
    components::{StorageStatus, last_sync_text, time::clock_time},
    context::use_repo,
    documents,
    i18n::*,
    repo::{Link, tabs},
    text::labels,
};

#[component]
pub fn DevicePage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! {
            <section class="card"><p>{t!(i18n, not_joined_short)}</p><a class="button" href="/">{t!(i18n, back_home)}</a></section>
        }
        .into_any();
    };
    let session = repo.session();
    let s = repo.signals;
    let community = documents::community(&repo);
    let role = match session.role {
        Role::Staff => t_string!(i18n, role_staff_name),
        Role::Lead => t_string!(i18n, role_lead_name),
        Role::Volunteer => t_string!(i18n, role_volunteer_name),
    };
    let community_doc = session.community_document();
    let rows = {
        let repo = repo.clone();
        move || {
            s.revision.track();
            let book = s.book.get();
            let unavailable = s.unavailable.get();
            let c = community.get();
            repo.documents()
                .into_iter()
                .map(|id: DocumentId| {
                    let title = if id == community_doc {
                        t_string!(i18n, doc_community).to_string()
                    } else {
                        c.as_ref()
                            .and_then(|c| c.documents.get(&id.to_string()))
                            .map_or_else(
                                || id.to_string().chars().take(8).collect(),
                                |l| l.title.clone(),
                            )
                    };
                    let state = book.documents.get(&id).cloned().unwrap_or_default();
                    let here = repo.has(&id);
                    let (key, text) = if !here && unavailable.contains(&id) {
                        ("missing", t_string!(i18n, doc_not_on_relay).to_string())
                    } else if !here {
                        ("waiting", t_string!(i18n, doc_waiting).to_string())
                    } else if state.unsynced {
                        ("unsynced", t_string!(i18n, doc_unsynced).to_string())
                    } else if let Some(t) = state.last_synced {
                        (
                            "synced",
                            crate::text::fill(
                                t_string!(i18n, doc_synced_at),
                                &[("time", (clock_time(t)).to_string())],
                            )
                            .to_string(),
                        )
                    } else {
                        ("never", t_string!(i18n, sync_never).to_string())
                    };
                    view! {
                        <li class="doc-sync" data-doc-state=key>
                            <span class="title">{title}</span>
                            <span class=format!("badge badge-{key}")>{text}</span>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let sync_now = {
        let repo = repo.clone();
        move |_| repo.wake()
    };
    let export = {
        let repo = repo.clone();
        move |_| {
            let _ = repo.download_export();
        }
    };
    let leave_error = RwSignal::new(None::<String>);
    let leave = {
        let repo = repo.clone();
        move |_| {
            let unsynced = s.book.with_untracked(|b| b.unsynced());
            let question = if unsynced > 0 {
                crate::text::fill(
                    t_string!(i18n, leave_confirm_unsynced),
                    &[("n", (unsynced).to_string())],
                )
                .to_string()
            } else {
                t_string!(i18n, leave_confirm).to_string()
            };
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
            let store = repo.store();
            repo.drop_socket();
            wasm_bindgen_futures::spawn_local(async move {
                match store.wipe().await {
                    Ok(()) => {
                        tabs::membership_changed();
                        let _ = window().location().replace("/");
                    }
                    Err(_) => leave_error.set(Some(labels::with_detail(
                        t_string!(i18n, leave_failed),
                        t_string!(i18n, storage_unavailable),
                        labels::english_untracked(),
                    ))),
                }
            });
        }
    };
    let link_text = move || match s.link.get() {
        Link::Offline => t_string!(i18n, offline).to_string(),
        Link::Connecting => t_string!(i18n, sync_connecting).to_string(),
        Link::Online => t_string!(i18n, online).to_string(),
        Link::Revoked => t_string!(i18n, sync_revoked).to_string(),
    };
    let last = move || last_sync_text(i18n, s.book.with(|b| b.last_synced()));
    view! {
        <section class="card">
            <h1>{t!(i18n, device_title)}</h1>
            <dl class="facts">
                <dt>{t!(i18n, device_person)}</dt><dd>{session.name.clone()}</dd>
                <dt>{t!(i18n, device_role)}</dt><dd data-role=session.role.as_str()>{role}</dd>
                <dt>{t!(i18n, device_community)}</dt><dd>{session.community_name.clone()}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>{t!(i18n, sync_title)}</h2>
            <p data-link=move || format!("{:?}", s.link.get()).to_lowercase()>{link_text} " · " {last}</p>
            <StorageStatus />
            <ul class="list docs">{rows}</ul>
            <button class="button button-primary button-block" type="button" data-action="sync-now" on:click=sync_now
                disabled=move || s.link.get() == Link::Revoked>
                {t!(i18n, sync_now)}
            </button>
        </section>
        <section class="card">
            <h2>{t!(i18n, export_title)}</h2>
            <p class="muted">{t!(i18n, export_explain)}</p>
            <button class="button button-block" type="button" data-action="export" on:click=export>
                {t!(i18n, export_button)}
            </button>
        </section>
        <section class="card danger-zone">
            <h2>{t!(i18n, leave_title)}</h2>
            <p class="muted">{t!(i18n, leave_explain)}</p>
            <button class="button button-danger button-block" type="button" data-action="leave" on:click=leave>
                {t!(i18n, leave_button)}
            </button>
            {move || leave_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
    .into_any()
}
