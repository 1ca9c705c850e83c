//! Staff recruit volunteers with one link per community: a recruitment
//! invite (volunteer, approval required, 500 uses, 30 days) shown as a large
//! QR code and as a ready-to-paste group-chat message; the last link minted
//! is kept on the phone and shown again. Below it, the applications waiting
//! for approval (the list needs the network): each with what the person
//! registered, read from their volunteer document, and 通过 / 不通过.

use leptos::prelude::*;
use linli_shared::{
    api::{Application, MintRequest},
    model::{
        Role,
        community::{self, RosterEntry},
        volunteer::{self, Profile},
    },
    vocabulary::DocumentId,
};
use serde::{Deserialize, Serialize};

use crate::{
    actions,
    api::{self, ApiError},
    components::ProfileFacts,
    components::{qr_code::QrCode, time::clock_time},
    context::use_repo,
    documents,
    i18n::*,
    repo::Repo,
    text::labels,
};

/// The meta record keeping the last recruitment link minted on this phone.
const LINK_KEY: &str = "recruitment-link";
const USES: u32 = 500;
const DAYS: u32 = 30;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Kept {
    link: String,
    /// Milliseconds since 1970.
    expires_at: f64,
}

#[derive(Clone, Debug, PartialEq)]
enum Applications {
    Loading,
    /// No network: the list lives on the relay.
    Offline,
    Failed(String),
    Loaded(Vec<Application>),
}

/// A day as people write it: `12月28日` / `Dec 28`.
fn day_text(ms: f64, en: bool) -> String {
    let d = js_sys::Date::new(&ms.into());
    crate::text::labels::month_day(d.get_month() + 1, d.get_date(), en)
}

/// Copies the text with the clipboard API (not every browser has it, and
/// it needs a secure page); false when it could not.
async fn copy_to_clipboard(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let navigator = window().navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return false;
    };
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return false;
    };
    let Ok(write) = write.dyn_into::<js_sys::Function>() else {
        return false;
    };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else {
        return false;
    };
    let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Selects the message so that a long press copies it (and tries the old
/// copy command).
fn select_message() -> bool {
    use wasm_bindgen::JsCast;
    let Some(area) = document()
        .get_element_by_id("recruit-message")
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return false;
    };
    let _ = area.focus();
    area.select();
    document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false)
}

#[component]
pub fn RecruitmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
            .into_any();
    };
    let session = repo.session();
    if session.role != Role::Staff || session.pending {
        return view! { <section class="card"><p class="error">{t!(i18n, recruit_staff_only)}</p></section> }
            .into_any();
    }
    let community = documents::community(&repo);
    let community_name = {
        let fallback = session.community_name.clone();
        move || {
            community
                .with(|c| c.as_ref().map(|c| c.name.clone()))
                .unwrap_or_else(|| fallback.clone())
        }
    };
    let kept = RwSignal::new(None::<Kept>);
    let mint_error = RwSignal::new(None::<String>);
    let minting = RwSignal::new(false);
    let copied = RwSignal::new(None::<bool>);
    {
        let store = repo.store();
        wasm_bindgen_futures::spawn_local(async move {
            let found = store
                .get_meta(LINK_KEY)
                .await
                .ok()
                .flatten()
                .and_then(|t| serde_json::from_str::<Kept>(&t).ok())
                // One that is about to expire is not worth pasting anywhere.
                .filter(|k| k.expires_at > crate::repo::now_ms() + 86_400_000.0);
            if found.is_some() {
                kept.set(found);
            }
        });
    }
    let mint = {
        let repo = repo.clone();
        move |_| {
            if minting.get_untracked() {
                return;
            }
            let body = MintRequest {
                role: Role::Volunteer,
                building: None,
                uses: Some(USES),
                expires_in_hours: Some(DAYS * 24),
                approval: true,
            };
            let token = repo.session().token;
            let store = repo.store();
            minting.set(true);
            mint_error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::mint_invite(&token, &body).await;
                minting.set(false);
                match result {
                    Ok(m) => {
                        let k = Kept {
                            link: m.link,
                            expires_at: m.invite.expires_at as f64,
                        };
                        if let Ok(text) = serde_json::to_string(&k) {
                            // Shown even if it cannot be kept for next time.
                            let _ = store.put_meta(LINK_KEY, &text).await;
                        }
                        copied.set(None);
                        kept.set(Some(k));
                    }
                    Err(ApiError::Network) => {
                        mint_error.set(Some(t_string!(i18n, recruit_mint_network).to_string()))
                    }
                    Err(e) => mint_error.set(Some(crate::text::fill(
                        t_string!(i18n, recruit_mint_failed),
                        &[("code", e.code().to_owned())],
                    ))),
                }
            });
        }
    };
    let message = {
        let community_name = community_name.clone();
        Memo::new(move |_| {
            kept.get().map(|k| {
                let en = crate::text::labels::english();
                crate::text::fill(
                    t_string!(i18n, recruit_message),
                    &[
                        ("community", community_name()),
                        ("link", k.link.clone()),
                        ("date", day_text(k.expires_at, en)),
                    ],
                )
            })
        })
    };
    // Tall enough to read the whole message without scrolling inside it.
    let message_rows = move || {
        let chars = message.with(|m| m.as_ref().map_or(0, |m| m.chars().count()));
        let per_line = if crate::text::labels::english() {
            26
        } else {
            18
        };
        (chars / per_line + 1).clamp(6, 18).to_string()
    };
    let copy = move |_| {
        let Some(text) = message.get_untracked() else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let done = copy_to_clipboard(&text).await || select_message();
            copied.set(Some(done));
        });
    };
    view! {
        <section class="card recruitment">
            <h1>{t!(i18n, recruit_staff_title)}</h1>
            <p class="muted">{t!(i18n, recruit_staff_explain)}</p>
            {move || match kept.get() {
                None => view! {
                    <button class="button button-primary button-block" type="button" data-action="mint-recruitment"
                        disabled=move || minting.get() on:click=mint.clone()>
                        {t!(i18n, recruit_mint)}
                    </button>
                }
                    .into_any(),
                Some(k) => {
                    let link = k.link.clone();
                    let text = Signal::derive({
                        let link = link.clone();
                        move || link.clone()
                    });
                    view! {
                        <QrCode text label=t_string!(i18n, recruit_qr_label).to_string() />
                        <p class="link recruit-link" data-recruit-link=link.clone()><a href=link.clone()>{link.clone()}</a></p>
                        <p class="muted">
                            {move || crate::text::fill(
                                t_string!(i18n, recruit_valid_until),
                                &[("date", day_text(k.expires_at, crate::text::labels::english())), ("uses", USES.to_string())],
                            )}
                        </p>
                        <label for="recruit-message">{t!(i18n, recruit_message_label)}</label>
                        <textarea id="recruit-message" class="recruit-message" readonly rows=message_rows
                            prop:value=move || message.get().unwrap_or_default()></textarea>
                        <button class="button button-primary button-block" type="button" data-action="copy-message" on:click=copy>
                            {t!(i18n, recruit_copy)}
                        </button>
                        {move || copied.get().map(|done| if done {
                            view! { <p class="recruit-copied" role="status">{t!(i18n, recruit_copied)}</p> }.into_any()
                        } else {
                            view! { <p class="notice" role="status">{t!(i18n, recruit_copy_by_hand)}</p> }.into_any()
                        })}
                        <button class="button button-quiet button-block" type="button" data-action="mint-recruitment"
                            disabled=move || minting.get() on:click=mint.clone()>
                            {t!(i18n, recruit_mint_again)}
                        </button>
                    }
                        .into_any()
                }
            }}
            {move || mint_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
        <ApplicationList repo />
    }
    .into_any()
}

/// The applications waiting for approval, with what each person registered.
#[component]
fn ApplicationList(repo: Repo) -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(Applications::Loading);
    let loading = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);
    let load = {
        let repo = repo.clone();
        move || {
            if loading.get_untracked() {
                return;
            }
            if !window().navigator().on_line() {
                state.set(Applications::Offline);
                return;
            }
            loading.set(true);
            let repo = repo.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let session = repo.session();
                let result = api::applications(&session.token).await;
                loading.set(false);
                match result {
                    Ok(list) => {
                        // Staff may sync every document: bring each
                        // applicant's registration to this phone.
                        for a in &list {
                            repo.open(DocumentId::for_volunteer(&session.community, &a.id));
                        }
                        state.set(Applications::Loaded(list));
                    }
                    Err(ApiError::Network) => state.set(Applications::Offline),
                    Err(e) => state.set(Applications::Failed(crate::text::fill(
                        t_string!(i18n, recruit_list_failed),
                        &[("code", e.code().to_owned())],
                    ))),
                }
            });
        }
    };
    load();
    // New applications while the page is open; at once when the network
    // returns or the phone is looked at again.
    let every = {
        let load = load.clone();
        set_interval_with_handle(
            move || {
                if document().visibility_state() == web_sys::VisibilityState::Visible {
                    load();
                }
            },
            std::time::Duration::from_secs(30),
        )
        .ok()
    };
    let on_online = {
        let load = load.clone();
        window_event_listener(leptos::ev::online, move |_| load())
    };
    let on_offline = window_event_listener(leptos::ev::offline, move |_| {
        state.set(Applications::Offline)
    });
    on_cleanup(move || {
        if let Some(h) = every {
            h.clear();
        }
        on_online.remove();
        on_offline.remove();
    });
    let remove = move |id: &str| {
        state.update(|s| {
            if let Applications::Loaded(list) = s {
                list.retain(|a| a.id != id);
            }
        })
    };
    let count = move || match state.get() {
        Applications::Loaded(list) => Some(list.len()),
        _ => None,
    };
    view! {
        <section class="card applications">
            <div class="applications-head">
                <h2>{t!(i18n, recruit_applications)}</h2>
                {move || count().map(|n| view! { <span class="badge" data-applications=n.to_string()>{n}</span> })}
                <button class="button button-quiet applications-refresh" type="button" data-action="refresh-applications"
                    disabled=move || loading.get() on:click={
                        let load = load.clone();
                        move |_| load()
                    }>
                    {t!(i18n, recruit_refresh)}
                </button>
            </div>
            {move || done.get().map(|d| view! { <p class="recruit-copied" role="status" data-decided>{d}</p> })}
            {move || match state.get() {
                Applications::Loading => view! { <p class="muted">{t!(i18n, recruit_list_loading)}</p> }.into_any(),
                Applications::Offline => view! { <p class="notice" data-applications-offline>{t!(i18n, recruit_list_offline)}</p> }.into_any(),
                Applications::Failed(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Applications::Loaded(list) if list.is_empty() => view! { <p class="muted" data-applications-none>{t!(i18n, recruit_list_empty)}</p> }.into_any(),
                Applications::Loaded(_) => ().into_any(),
            }}
            <ul class="list application-list">
                <For
                    each=move || match state.get() {
                        Applications::Loaded(list) => list,
                        _ => Vec::new(),
                    }
                    key=|a| a.id.clone()
                    children={
                        let repo = repo.clone();
                        move |a| view! { <ApplicationItem repo=repo.clone() application=a done on_decided=Callback::new(move |id: String| remove(&id)) /> }
                    }
                />
            </ul>
        </section>
    }
}

#[component]
fn ApplicationItem(
    repo: Repo,
    application: Application,
    done: RwSignal<Option<String>>,
    on_decided: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = repo.session();
    let document = DocumentId::for_volunteer(&session.community, &application.id);
    let profile: Memo<Option<Profile>> = {
        let repo = repo.clone();
        Memo::new(move |_| {
            repo.signals.revision.track();
            repo.read(&document, |d| volunteer::read(d).ok())
                .flatten()
                .map(|v| v.profile)
        })
    };
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let failure = move |e: &ApiError| -> String {
        match e {
            ApiError::Network => t_string!(i18n, recruit_decide_network).to_string(),
            ApiError::Refused { code, .. }
                if code == "device_revoked" || code == "device_unknown" =>
            {
                t_string!(i18n, recruit_decide_gone).to_string()
            }
            e => crate::text::fill(
                t_string!(i18n, recruit_decide_failed),
                &[("code", e.code().to_owned())],
            ),
        }
    };
    let id = application.id.clone();
    let name = application.name.clone();
    let approve = {
        let (repo, id, name) = (repo.clone(), id.clone(), name.clone());
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            error.set(None);
            let (repo, id, name) = (repo.clone(), id.clone(), name.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let token = repo.session().token;
                let result = api::approve(&token, &id).await;
                let approved = match &result {
                    Ok(()) => true,
                    // Someone else approved it a moment ago: enrol anyway.
                    Err(ApiError::Refused { code, .. }) => {
                        code == linli_shared::api::code::NOT_PENDING
                    }
                    Err(_) => false,
                };
                if !approved {
                    busy.set(false);
                    if let Err(e) = &result {
                        error.set(Some(failure(e)));
                    }
                    return;
                }
                let profile = profile.get_untracked();
                let display_name = profile
                    .as_ref()
                    .map(|p| p.name.clone())
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| name.clone());
                let entry = RosterEntry {
                    display_name: display_name.clone(),
                    role: Role::Volunteer,
                    source: profile.as_ref().and_then(|p| p.source),
                    building: None,
                };
                let community_doc = repo.session().community_document();
                let at = documents::now();
                let enrolled = repo.change(&community_doc, |d, actor| {
                    community::enrol(d, actor, at, &id, &entry)
                });
                busy.set(false);
                match enrolled {
                    Ok(()) => {
                        done.set(Some(crate::text::fill(
                            t_string!(i18n, recruit_approved_note),
                            &[("name", display_name)],
                        )));
                        on_decided.run(id);
                    }
                    Err(e) => error.set(Some(labels::with_detail(
                        t_string!(i18n, recruit_enrol_failed),
                        &actions::said(&e),
                        labels::english_untracked(),
                    ))),
                }
            });
        }
    };
    let reject = {
        let (repo, id, name) = (repo.clone(), id.clone(), name.clone());
        move |_| {
            if busy.get_untracked() {
                return;
            }
            let question = crate::text::fill(
                t_string!(i18n, recruit_reject_confirm),
                &[("name", name.clone())],
            );
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
            busy.set(true);
            error.set(None);
            let (repo, id, name) = (repo.clone(), id.clone(), name.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let token = repo.session().token;
                let result = api::revoke(&token, &id).await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        done.set(Some(crate::text::fill(
                            t_string!(i18n, recruit_rejected_note),
                            &[("name", name)],
                        )));
                        on_decided.run(id);
                    }
                    Err(e) => error.set(Some(failure(&e))),
                }
            });
        }
    };
    let when = clock_time(application.created_at as f64);
    view! {
        <li class="application" data-application=application.id.clone()>
            <div class="application-head">
                <strong class="application-name">{application.name.clone()}</strong>
                <span class="muted">{t!(i18n, recruit_applied_at, time = when)}</span>
            </div>
            <Show
                when=move || profile.with(Option::is_some)
                fallback=move || view! { <p class="muted" data-profile="missing">{t!(i18n, recruit_profile_missing)}</p> }
            >
                <ProfileFacts profile with_name=false />
            </Show>
            <div class="application-actions">
                <button class="button button-primary" type="button" data-action="approve"
                    disabled=move || busy.get() on:click=approve.clone()>
                    {t!(i18n, recruit_approve)}
                </button>
                <button class="button button-danger" type="button" data-action="reject"
                    disabled=move || busy.get() on:click=reject.clone()>
                    {t!(i18n, recruit_reject)}
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </li>
    }
}
