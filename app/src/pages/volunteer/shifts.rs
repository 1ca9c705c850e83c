//! Shifts: the days over 8 hours after offline schedules merged, the
//! schedule form, and the active shifts with cancelling.

use leptos::prelude::*;
use linli_shared::{
    model::{
        civil::{Day, Millis},
        scheduling,
        service_hours::{self},
        volunteer::{self, Volunteer},
    },
    vocabulary::DocumentId,
};

use super::card::{Refusal, offset_of, refusal_view, run};
use crate::{
    components::schedule_form::{ScheduleForm, day_label, span},
    context::use_repo,
    documents,
    i18n::*,
    text::labels,
};

/// Shifts: the days over 8 hours after offline schedules merged, the
/// schedule form, and the active shifts with cancelling.
#[component]
pub(super) fn Shifts(doc: DocumentId, vol: Memo<Option<Volunteer>>) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let refusal: Refusal = RwSignal::new(None);
    let offset = move || community.with(|c| offset_of(c.as_ref()));
    let over = Memo::new(move |_| {
        let offset = offset();
        vol.with(|v| {
            v.as_ref()
                .map(|v| scheduling::days_over_cap(v, offset))
                .unwrap_or_default()
        })
    });
    let cancel = Callback::new(move |(id, what): (String, String)| {
        let question = crate::text::fill(t_string!(i18n, vol_cancel_question), &[("shift", what)]);
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        let at = documents::now();
        run(&repo, &doc, refusal, |d, a| {
            volunteer::cancel_shift(d, a, at, &id)
        });
    });
    view! {
        <section class="card vol-shifts">
            <h2>{t!(i18n, vol_shifts_title)}</h2>
            {move || {
                let en = labels::english();
                over.get()
                    .into_iter()
                    .map(|(day, minutes)| view! {
                        <p class="error vol-over-cap" role="alert" data-over-cap=day.iso()>
                            {crate::text::fill(
                                t_string!(i18n, vol_over_cap),
                                &[("day", day_label(day, en)), ("hours", linli_shared::model::service_report::hours(minutes))],
                            )}
                        </p>
                    })
                    .collect_view()
            }}
            {move || {
                let en = labels::english();
                let offset = offset();
                let over_days: Vec<Day> = over.with(|o| o.iter().map(|(d, _)| *d).collect());
                let shifts: Vec<(String, String, Millis, Millis, String)> = vol.with(|v| {
                    v.as_ref()
                        .map(|v| {
                            v.active_shifts()
                                .into_iter()
                                .map(|(id, s)| (id.clone(), s.post.clone(), s.start, s.end, s.scheduled_by.clone()))
                                .collect()
                        })
                        .unwrap_or_default()
                });
                if shifts.is_empty() {
                    return view! { <p class="muted" data-shifts="0">{t!(i18n, vol_shifts_none)}</p> }.into_any();
                }
                let count = shifts.len();
                view! {
                    <ul class="list" data-shifts=count>
                        {shifts
                            .into_iter()
                            .map(|(id, post, start, end, by)| {
                                let title = community.with(|c| {
                                    c.as_ref()
                                        .and_then(|c| c.posts.get(&post))
                                        .map_or_else(|| t_string!(i18n, vol_post_gone).to_string(), |p| p.title.clone())
                                });
                                let who = community.with(|c| documents::person_name(c.as_ref(), &by));
                                let when = span(start, end, offset, en);
                                let flagged = service_hours::split_by_day(start, end, offset)
                                    .iter()
                                    .any(|(d, _)| over_days.contains(d));
                                let what = format!("{when} {title}");
                                let shift = id.clone();
                                view! {
                                    <li class="vol-shift" data-shift=id.clone() data-over=flagged.to_string()>
                                        <div class="vol-shift-head">
                                            <span class="title">{when.clone()}</span>
                                            {flagged.then(|| view! { <span class="badge badge-missing">{t!(i18n, vol_over_badge)}</span> })}
                                        </div>
                                        <span>{title.clone()}</span>
                                        <span class="muted vol-meta">{crate::text::fill(t_string!(i18n, vol_scheduled_by), &[("name", who)])}</span>
                                        <button class="button button-quiet vol-cancel" type="button" data-action="cancel-shift"
                                            on:click=move |_| cancel.run((shift.clone(), what.clone()))>
                                            {t!(i18n, vol_cancel_shift)}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {refusal_view(refusal)}
            <ScheduleForm document=doc />
        </section>
    }
}
