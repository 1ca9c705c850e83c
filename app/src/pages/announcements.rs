//! 政策宣传: the community's announcements, newest first, for everyone; staff
//! post new ones at the top. Each opens on a tap, which marks it read on this
//! phone (see [`announcement_read`](crate::components::announcement_read)).
//! Posting is a change to the community document, so it shows at once and
//! works offline; the relay passes it on when the phone is back online.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linli_shared::model::{
    ModelError, Role,
    community::{self, Announcement},
};

use crate::{
    actions,
    components::{
        announcement_read::{ReadAnnouncements, read_announcements},
        time::clock_time,
    },
    context::use_repo,
    documents,
    i18n::*,
    repo::Repo,
};

#[component]
pub fn AnnouncementsPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let staff = repo.session().role == Role::Staff;
    let community = documents::community(&repo);
    let read = read_announcements(&repo);
    let announcements = Memo::new(move |_| {
        community.with(|c| {
            let mut list: Vec<Announcement> = c
                .as_ref()
                .map(|c| c.announcements.clone())
                .unwrap_or_default();
            list.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
            list
        })
    });
    let unread = Memo::new(move |_| community.with(|c| read.unread(c.as_ref())));
    let mark_all = move |_| {
        read.mark(
            announcements.with_untracked(|l| l.iter().map(|a| a.id.clone()).collect::<Vec<_>>()),
        );
    };
    let open = RwSignal::new(BTreeSet::<String>::new());
    view! {
        <section class="card">
            <h1>{t!(i18n, ann_title)}</h1>
            <p class="muted">{t!(i18n, ann_explain)}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
            {staff.then(|| view! { <AnnouncementForm repo=repo.clone() read /> })}
        </section>
        <section class="card">
            <div class="announcements-head">
                <p class="announcements-unread" data-unread-count=move || unread.get()>
                    {move || match unread.get() {
                        0 => t_string!(i18n, ann_all_read).to_string(),
                        n => crate::text::fill(t_string!(i18n, ann_unread_count), &[("n", n.to_string())]),
                    }}
                </p>
                <button
                    class="button button-quiet"
                    type="button"
                    data-action="mark-all-read"
                    on:click=mark_all
                >
                    {t!(i18n, ann_mark_all_read)}
                </button>
            </div>
            <Show
                when=move || !announcements.with(Vec::is_empty)
                fallback=move || view! { <p class="muted" data-announcements="none">{t!(i18n, ann_none)}</p> }
            >
                <ul class="list announcements">
                    <For
                        each=move || announcements.get()
                        key=|a| a.id.clone()
                        children=move |a| view! { <AnnouncementItem announcement=a read open /> }
                    />
                </ul>
            </Show>
        </section>
    }
    .into_any()
}

/// One announcement: a title row that opens the body and marks it read.
#[component]
fn AnnouncementItem(
    announcement: Announcement,
    read: ReadAnnouncements,
    open: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let Announcement {
        id,
        title,
        body,
        by,
        at,
        ..
    } = announcement;
    let who = move || community.with(|c| documents::person_name(c.as_ref(), &by));
    let is_open = {
        let id = id.clone();
        Signal::derive(move || open.with(|o| o.contains(&id)))
    };
    let is_unread = {
        let id = id.clone();
        Signal::derive(move || !read.is_read(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            let opening = !open.with_untracked(|o| o.contains(&id));
            open.update(|o| {
                if opening {
                    o.insert(id.clone());
                } else {
                    o.remove(&id);
                }
            });
            if opening {
                read.mark([id.clone()]);
            }
        }
    };
    let body_id = format!("announcement-body-{id}");
    let controls = body_id.clone();
    let when = clock_time(at as f64);
    view! {
        <li
            class="announcement"
            data-announcement=id.clone()
            data-unread=move || is_unread.get().to_string()
            data-open=move || is_open.get().to_string()
        >
            <button
                class="announcement-head"
                type="button"
                aria-expanded=move || is_open.get().to_string()
                aria-controls=controls
                on:click=toggle
            >
                <span class="unread-dot" aria-hidden="true"></span>
                <span class="announcement-title">{title}</span>
                <Show when=move || is_unread.get()>
                    <span class="badge announcement-new">{t!(i18n, ann_new)}</span>
                </Show>
                <span class="announcement-meta">{who} " · " {when}</span>
            </button>
            <Show when=move || is_open.get()>
                <div class="announcement-body" id=body_id.clone()>
                    {if body.is_empty() {
                        view! { <p class="muted">{t!(i18n, ann_no_body)}</p> }.into_any()
                    } else {
                        view! { <p>{body.clone()}</p> }.into_any()
                    }}
                </div>
            </Show>
        </li>
    }
}

/// Staff post an announcement: title and body, both required.
#[component]
fn AnnouncementForm(repo: Repo, read: ReadAnnouncements) -> impl IntoView {
    let i18n = use_i18n();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let title_error = RwSignal::new(None::<String>);
    let body_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let posted = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        posted.set(false);
        error.set(None);
        let (t, b) = (title.get_untracked(), body.get_untracked());
        title_error.set(
            t.trim()
                .is_empty()
                .then(|| t_string!(i18n, ann_error_title).to_string()),
        );
        body_error.set(
            b.trim()
                .is_empty()
                .then(|| t_string!(i18n, ann_error_body).to_string()),
        );
        if t.trim().is_empty() || b.trim().is_empty() {
            return;
        }
        let at = documents::now();
        let community_doc = repo.session().community_document();
        match repo.change(&community_doc, |d, actor| {
            community::announce(d, actor, at, &t, &b)
        }) {
            Ok(id) => {
                // One's own announcement needs no "unread" mark.
                read.mark([id]);
                title.set(String::new());
                body.set(String::new());
                posted.set(true);
            }
            Err(ModelError::Missing(_)) => {
                error.set(Some(t_string!(i18n, ann_error_not_here).to_string()))
            }
            Err(e) => error.set(Some(actions::said(&e))),
        }
    };
    view! {
        <form class="stack announcement-form" on:submit=submit novalidate>
            <h2>{t!(i18n, ann_post_title)}</h2>
            <label for="announcement-title">{t!(i18n, ann_field_title)}</label>
            <input
                id="announcement-title"
                name="announcement-title"
                placeholder=move || t_string!(i18n, ann_field_title_placeholder).to_string()
                aria-invalid=move || title_error.with(Option::is_some).to_string()
                prop:value=move || title.get()
                on:input=move |ev| {
                    title.set(event_target_value(&ev));
                    posted.set(false);
                }
            />
            {move || {
                title_error
                    .get()
                    .map(|e| view! { <p class="error field-error" role="alert" data-error="title">{e}</p> })
            }}
            <label for="announcement-body">{t!(i18n, ann_field_body)}</label>
            <textarea
                id="announcement-body"
                name="announcement-body"
                rows="5"
                placeholder=move || t_string!(i18n, ann_field_body_placeholder).to_string()
                aria-invalid=move || body_error.with(Option::is_some).to_string()
                prop:value=move || body.get()
                on:input=move |ev| {
                    body.set(event_target_value(&ev));
                    posted.set(false);
                }
            ></textarea>
            {move || {
                body_error
                    .get()
                    .map(|e| view! { <p class="error field-error" role="alert" data-error="body">{e}</p> })
            }}
            <button class="button button-primary button-block" type="submit" data-action="post-announcement">
                {t!(i18n, ann_post)}
            </button>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <Show when=move || posted.get()>
                <p class="ann-posted" role="status">{t!(i18n, ann_posted)}</p>
            </Show>
        </form>
    }
}
