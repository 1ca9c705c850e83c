//! 反馈: feedback and suggestions, and what the volunteer sent before.

use leptos::prelude::*;
use linli_shared::model::volunteer::{self, FeedbackKind};

use super::mine::Mine;
use crate::{
    components::shift_card::moment, context::use_repo, documents, i18n::*, text::labels,
    text::refusals,
};

/// The longest feedback the model takes.
const FEEDBACK_MAX: usize = 2000;

#[component]
pub(super) fn FeedbackTab(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let doc = repo.session().volunteer_document();
    let kind = RwSignal::new(FeedbackKind::Feedback);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(false);
    let count = Memo::new(move |_| text.with(|t| t.chars().count()));
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(false);
        let body = text.get_untracked();
        if body.trim().is_empty() {
            error.set(Some(t_string!(i18n, me_feedback_error_empty).to_string()));
            return;
        }
        if body.trim().chars().count() > FEEDBACK_MAX {
            error.set(Some(t_string!(i18n, me_feedback_error_long).to_string()));
            return;
        }
        let (k, at) = (kind.get_untracked(), documents::now());
        match repo.change(&doc, |d, actor| {
            volunteer::give_feedback(d, actor, at, k, &body)
        }) {
            Ok(()) => {
                error.set(None);
                text.set(String::new());
                sent.set(true);
            }
            // What was typed stays in the box.
            Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
        }
    };
    let mine_sent = Memo::new(move |_| {
        mine.me.with(|v| {
            let mut all = v.as_ref().map(|v| v.feedback.clone()).unwrap_or_default();
            all.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
            all
        })
    });
    let kind_button = move |k: FeedbackKind| {
        view! {
            <button
                class="button"
                type="button"
                data-kind=k.as_str()
                aria-pressed=move || (kind.get() == k).to_string()
                on:click=move |_| kind.set(k)
            >
                {move || labels::feedback_kind(k, labels::english())}
            </button>
        }
    };
    view! {
        <form class="card stack me-feedback-form" on:submit=send novalidate>
            <h2>{t!(i18n, me_feedback_title)}</h2>
            <p class="muted">{t!(i18n, me_feedback_explain)}</p>
            <div class="toggle-row me-kinds" role="group" aria-label=move || t_string!(i18n, me_feedback_kind).to_string()>
                {kind_button(FeedbackKind::Feedback)}
                {kind_button(FeedbackKind::Suggestion)}
            </div>
            <label for="me-feedback">{t!(i18n, me_feedback_text)}</label>
            <textarea
                id="me-feedback"
                name="feedback"
                rows="5"
                maxlength=FEEDBACK_MAX.to_string()
                placeholder=move || t_string!(i18n, me_feedback_placeholder).to_string()
                aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    sent.set(false);
                }
            ></textarea>
            <p class="muted me-count" data-count=move || count.get().to_string()>
                {move || format!("{}/{FEEDBACK_MAX}", count.get())}
            </p>
            {move || error.get().map(|e| view! { <p class="error field-error" role="alert" data-error="feedback">{e}</p> })}
            <button class="button button-primary button-block" type="submit" data-action="send-feedback">
                {t!(i18n, me_feedback_send)}
            </button>
            {move || sent.get().then(|| view! { <p class="me-saved" role="status" data-sent>{t!(i18n, me_feedback_sent)}</p> })}
        </form>
        <section class="card">
            <h2>{t!(i18n, me_feedback_mine)}</h2>
            {move || {
                let all = mine_sent.get();
                if all.is_empty() {
                    return view! { <p class="muted" data-feedback="none">{t!(i18n, me_feedback_none)}</p> }.into_any();
                }
                let en = labels::english();
                let (today, offset) = (mine.today.get(), mine.offset.get());
                view! {
                    <ul class="list me-feedback-list">
                        {all.into_iter().map(|f| view! {
                            <li class="list-item me-feedback-item" data-feedback=f.id.clone() data-kind=f.kind.as_str()>
                                <div class="me-feedback-head">
                                    <span class="badge">{labels::feedback_kind(f.kind, en)}</span>
                                    <span class="muted">{moment(f.at, today, offset, en)}</span>
                                </div>
                                <p class="me-feedback-text">{f.text.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}
