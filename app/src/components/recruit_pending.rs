//! The screen of a phone registered through a recruitment link and waiting
//! for staff to approve it: what was registered, whether it has reached the
//! community, and the answer when it comes (then the volunteer home opens).

use leptos::prelude::*;
use linli_shared::model::volunteer;

use crate::{
    api::{self, ApiError},
    components::ProfileFacts,
    i18n::*,
    repo::{Repo, tabs},
};

/// The screen of a phone waiting for approval: what was registered, whether
/// it has reached the community, and the answer when it comes.
#[component]
pub fn RecruitPending(repo: Repo) -> impl IntoView {
    let i18n = use_i18n();
    let session = repo.session();
    let id = session.volunteer_document();
    let profile = {
        let repo = repo.clone();
        Memo::new(move |_| {
            repo.signals.revision.track();
            repo.read(&id, |d| volunteer::read(d).ok())
                .flatten()
                .map(|v| v.profile)
        })
    };
    let book = repo.signals.book;
    let delivered = Memo::new(move |_| {
        book.with(|b| {
            b.documents
                .get(&id)
                .is_some_and(|d| !d.unsynced && d.last_synced.is_some())
        })
    });
    let rejected = RwSignal::new(false);
    let approved = RwSignal::new(false);
    let checking = RwSignal::new(false);
    let check = {
        let repo = repo.clone();
        move || {
            if checking.get_untracked() || approved.get_untracked() || rejected.get_untracked() {
                return;
            }
            if !window().navigator().on_line() {
                return;
            }
            checking.set(true);
            let repo = repo.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let token = repo.session().token;
                let me = api::me(&token).await;
                checking.set(false);
                match me {
                    Ok(me) if !me.device.pending => {
                        approved.set(true);
                        if !enter(repo).await {
                            approved.set(false);
                        }
                    }
                    Err(ApiError::Refused { status: 401, .. }) => rejected.set(true),
                    // Still waiting, or no answer: ask again later.
                    _ => {}
                }
            });
        }
    };
    let every = {
        let check = check.clone();
        set_interval_with_handle(check, std::time::Duration::from_secs(15)).ok()
    };
    let on_online = {
        let check = check.clone();
        window_event_listener(leptos::ev::online, move |_| check())
    };
    let on_visible = {
        let check = check.clone();
        window_event_listener_untyped("visibilitychange", move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                check();
            }
        })
    };
    on_cleanup(move || {
        if let Some(h) = every {
            h.clear();
        }
        on_online.remove();
        on_visible.remove();
    });
    view! {
        <section class="card recruit-pending" data-pending=move || (!approved.get() && !rejected.get()).to_string()>
            {move || {
                if rejected.get() {
                    view! {
                        <h1>{t!(i18n, recruit_rejected_title)}</h1>
                        <p data-recruit-rejected>{t!(i18n, recruit_rejected_body)}</p>
                        <a class="button button-block" href="/device">{t!(i18n, recruit_rejected_clear)}</a>
                    }
                        .into_any()
                } else if approved.get() {
                    view! {
                        <h1>{t!(i18n, recruit_approved_title)}</h1>
                        <p>{t!(i18n, recruit_approved_body)}</p>
                    }
                        .into_any()
                } else {
                    view! {
                        <h1 data-recruit-pending>{t!(i18n, recruit_pending_title)}</h1>
                        <p>{t!(i18n, recruit_pending_body, community = session.community_name.clone())}</p>
                    }
                        .into_any()
                }
            }}
            <p class="recruit-delivery" data-delivered=move || delivered.get().to_string()>
                {move || if delivered.get() {
                    t_string!(i18n, recruit_delivered).to_string()
                } else {
                    t_string!(i18n, recruit_not_delivered).to_string()
                }}
            </p>
        </section>
        <section class="card">
            <h2>{t!(i18n, recruit_summary)}</h2>
            <ProfileFacts profile />
        </section>
    }
}

/// Approved: the session says so from now on, and the app starts over as
/// the volunteer's (the community document is asked for then). False when
/// the session could not be written: the next check tries again.
async fn enter(repo: Repo) -> bool {
    let store = repo.store();
    let mut session = repo.session();
    session.pending = false;
    if session.save(&store).await.is_err() {
        return false;
    }
    store.until_stored(&session.volunteer_document()).await;
    tabs::membership_changed();
    let _ = window().location().replace("/");
    true
}
