//! What the volunteer wrote after service (read-only here).

use leptos::prelude::*;
use linli_shared::model::{
    civil::{Day, clock},
    volunteer::Volunteer,
};

use super::card::offset_of;
use crate::{
    components::schedule_form::day_label, context::use_repo, documents, i18n::*, text::labels,
};

/// What the volunteer wrote after service (read-only here).
#[component]
pub(super) fn FeedbackList(vol: Memo<Option<Volunteer>>) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    view! {
        <section class="card vol-feedback">
            <h2>{t!(i18n, vol_feedback_title)}</h2>
            {move || {
                let en = labels::english();
                let offset = community.with(|c| offset_of(c.as_ref()));
                let mut list = vol.with(|v| v.as_ref().map(|v| v.feedback.clone()).unwrap_or_default());
                list.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
                if list.is_empty() {
                    return view! { <p class="muted" data-feedback="0">{t!(i18n, vol_feedback_none)}</p> }.into_any();
                }
                let n = list.len();
                view! {
                    <ul class="list" data-feedback=n>
                        {list
                            .into_iter()
                            .map(|f| view! {
                                <li class="vol-story">
                                    <p class="muted vol-meta">
                                        {labels::feedback_kind(f.kind, en)} " · "
                                        {format!("{} {}", day_label(Day::of(f.at, offset), en), clock(f.at, offset))}
                                    </p>
                                    <p>{f.text}</p>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}
