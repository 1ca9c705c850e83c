//! Training: every course a post requires and every course with a record;
//! staff confirm a course or record an assessment.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linli_shared::{
    model::{
        training_status::{TrainingAction, TrainingState},
        volunteer::{self, Volunteer},
    },
    vocabulary::DocumentId,
};

use super::card::{Refusal, refusal_view, run};
use crate::{context::use_repo, documents, i18n::*, text::courses::state_code, text::labels};

/// Training: every course a post requires, and every course with a record;
/// staff confirm a course or record an assessment.
#[component]
pub(super) fn Training(
    doc: DocumentId,
    vol: Memo<Option<Volunteer>>,
    staff: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let refusal: Refusal = RwSignal::new(None);
    let courses = Memo::new(move |_| {
        let required: BTreeSet<String> = community.with(|c| {
            c.as_ref()
                .map(linli_shared::model::courses::required_courses)
                .unwrap_or_default()
                .into_iter()
                .collect()
        });
        let recorded: BTreeSet<String> = vol.with(|v| {
            v.as_ref()
                .map(|v| v.training.iter().map(|e| e.course.clone()).collect())
                .unwrap_or_default()
        });
        let mut list: Vec<(String, bool)> = required.iter().map(|c| (c.clone(), true)).collect();
        list.extend(
            recorded
                .into_iter()
                .filter(|c| !required.contains(c))
                .map(|c| (c, false)),
        );
        list
    });
    let record = Callback::new(
        move |(course, action, passed): (String, TrainingAction, Option<bool>)| {
            let at = documents::now();
            run(&repo, &doc, refusal, |d, a| {
                volunteer::record_training(d, a, at, &course, action, passed)
            });
        },
    );
    view! {
        <section class="card vol-training">
            <h2>{t!(i18n, vol_training_title)}</h2>
            <p class="muted vol-hint">{t!(i18n, vol_training_hint)}</p>
            {move || {
                let en = labels::english();
                let list = courses.get();
                if list.is_empty() {
                    return view! { <p class="muted">{t!(i18n, vol_training_empty)}</p> }.into_any();
                }
                view! {
                    <ul class="list">
                        {list
                            .into_iter()
                            .map(|(course, required)| {
                                let (title, section) = community.with(|c| {
                                    c.as_ref()
                                        .map(|c| {
                                            (
                                                c.course_title(&course),
                                                c.courses.get(&course).map(|x| x.section.clone()).unwrap_or_default(),
                                            )
                                        })
                                        .unwrap_or_else(|| (course.clone(), String::new()))
                                });
                                let state = vol.with(|v| {
                                    v.as_ref().map_or(TrainingState::NotStarted, |v| v.training_state(&course))
                                });
                                let badge = match state {
                                    TrainingState::Passed => "badge badge-done",
                                    TrainingState::AwaitingConfirmation => "badge badge-waiting",
                                    TrainingState::Failed => "badge badge-missing",
                                    TrainingState::NotStarted => "badge",
                                };
                                let buttons = staff.then(|| {
                                    let (c1, c2, c3) = (course.clone(), course.clone(), course.clone());
                                    let passed = state == TrainingState::Passed;
                                    view! {
                                        <div class="button-row vol-course-actions">
                                            {(!passed).then(|| view! {
                                                <button class="button button-primary" type="button" data-action="confirm-course"
                                                    on:click=move |_| record.run((c1.clone(), TrainingAction::Confirmed, None))>
                                                    {t!(i18n, vol_course_confirm)}
                                                </button>
                                                <button class="button" type="button" data-action="assess-pass"
                                                    on:click=move |_| record.run((c2.clone(), TrainingAction::Assessed, Some(true)))>
                                                    {t!(i18n, vol_course_pass)}
                                                </button>
                                            })}
                                            <button class="button button-quiet" type="button" data-action="assess-fail"
                                                on:click=move |_| record.run((c3.clone(), TrainingAction::Assessed, Some(false)))>
                                                {t!(i18n, vol_course_fail)}
                                            </button>
                                        </div>
                                    }
                                });
                                view! {
                                    <li class="vol-course" data-course=course.clone() data-course-title=title.clone() data-state=state_code(state).replace('_', "-")>
                                        <div class="vol-course-head">
                                            <span class="title">{title.clone()}</span>
                                            <span class=badge>{labels::training_state(state, en)}</span>
                                        </div>
                                        <span class="muted vol-meta">
                                            {section}
                                            {required.then(|| view! { " · " {t!(i18n, vol_course_required)} })}
                                        </span>
                                        {buttons}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {refusal_view(refusal)}
        </section>
    }
}
