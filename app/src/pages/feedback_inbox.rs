//! 反馈与建议 (staff): what volunteers wrote after service — feedback on how
//! it went and suggestions for the work — from every volunteer document on
//! this phone, newest first, with the volunteer's name and the time, and a
//! filter by kind. Read offline from what the phone has.

use leptos::prelude::*;
use linli_shared::model::{
    Role,
    volunteer::{Feedback, FeedbackKind},
};

use crate::text::when::local_date_time;
use crate::{context::use_repo, documents, i18n::*, text::labels};

/// One note as shown.
#[derive(Clone, Debug, PartialEq)]
struct Note {
    name: String,
    feedback: Feedback,
}

#[component]
pub fn FeedbackInboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
            .into_any();
    };
    let session = repo.session();
    if session.role != Role::Staff || session.pending {
        return view! {
            <section class="card">
                <h1>{t!(i18n, feedback_title)}</h1>
                <p class="error" data-feedback="not-allowed">{t!(i18n, feedback_staff_only)}</p>
            </section>
        }
        .into_any();
    }
    let community = documents::community(&repo);
    let team = documents::team(&repo, community);
    let notes = Memo::new(move |_| {
        team.with(|t| {
            let mut v: Vec<Note> = t
                .iter()
                .flat_map(|vol| {
                    vol.feedback.iter().map(|f| Note {
                        name: vol.profile.name.clone(),
                        feedback: f.clone(),
                    })
                })
                .collect();
            v.sort_by(|a, b| (b.feedback.at, &b.feedback.id).cmp(&(a.feedback.at, &a.feedback.id)));
            v
        })
    });
    let filter = RwSignal::new(None::<FeedbackKind>);
    let shown = Memo::new(move |_| {
        let f = filter.get();
        notes.with(|n| {
            n.iter()
                .filter(|n| f.is_none_or(|k| n.feedback.kind == k))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let count = move |k: Option<FeedbackKind>| {
        notes.with(|n| {
            n.iter()
                .filter(|n| k.is_none_or(|k| n.feedback.kind == k))
                .count()
        })
    };
    let offset = move || {
        community.with(|c| {
            c.as_ref()
                .map_or(linli_shared::model::civil::BEIJING_OFFSET_MINUTES, |c| {
                    c.utc_offset_minutes
                })
        })
    };
    let chip = move |k: Option<FeedbackKind>| {
        let label = move || {
            let en = labels::english();
            let name = match k {
                None => t_string!(i18n, feedback_all).to_string(),
                Some(k) => labels::feedback_kind(k, en).to_owned(),
            };
            format!("{name} {}", count(k))
        };
        let value = k.map_or("all", FeedbackKind::as_str);
        view! {
            <button
                class="chip"
                type="button"
                data-filter=value
                aria-pressed=move || (filter.get() == k).to_string()
                on:click=move |_| filter.set(k)
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="card feedback-inbox">
            <h1>{t!(i18n, feedback_title)}</h1>
            <p class="muted">{t!(i18n, feedback_explain)}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
            <div class="chips" role="group" aria-label=move || t_string!(i18n, feedback_filter).to_string()>
                {chip(None)}
                {chip(Some(FeedbackKind::Feedback))}
                {chip(Some(FeedbackKind::Suggestion))}
            </div>
            <Show
                when=move || !shown.with(Vec::is_empty)
                fallback=move || view! {
                    <p class="muted" data-feedback="none">
                        {move || if notes.with(Vec::is_empty) {
                            t_string!(i18n, feedback_none).to_string()
                        } else {
                            t_string!(i18n, feedback_none_of_kind).to_string()
                        }}
                    </p>
                }
            >
                <ul class="list feedback-list">
                    {move || {
                        let offset = offset();
                        shown
                            .get()
                            .into_iter()
                            .map(|n| {
                                let kind = n.feedback.kind;
                                let when = local_date_time(n.feedback.at, offset);
                                view! {
                                    <li class="list-item feedback-item" data-kind=kind.as_str() data-volunteer=n.name.clone()>
                                        <div class="feedback-head">
                                            <span class="badge feedback-kind" data-kind=kind.as_str()>
                                                {move || labels::feedback_kind(kind, labels::english())}
                                            </span>
                                            <span class="title">{n.name.clone()}</span>
                                        </div>
                                        <p class="feedback-text">{n.feedback.text.clone()}</p>
                                        <span class="meta">{when}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
    .into_any()
}
