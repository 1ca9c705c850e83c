//! 时长: service hours per day from the check-ins, confirmed by staff or not.

use leptos::prelude::*;
use linli_shared::model::{
    civil::Day,
    service_hours::{self, DAILY_CAP_MINUTES},
    service_report,
};

use super::mine::{Mine, RECENT_DAYS};
use crate::{
    components::shift_card::{date_words, day_words},
    i18n::*,
    text::labels,
};

/// The hours tab's figures.
#[derive(Clone, Debug, PartialEq)]
struct Summary {
    /// Days of the last two weeks with service, newest first: the day, its
    /// minutes, whether staff confirmed exactly those.
    recent: Vec<(Day, i64, bool)>,
    recent_minutes: i64,
    total_minutes: i64,
    confirmed_minutes: i64,
    /// Checked in now: that session counts once it is closed.
    on_duty: bool,
}

#[component]
pub(super) fn HoursTab(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let summary = Memo::new(move |_| {
        let (today, offset) = (mine.today.get(), mine.offset.get());
        mine.me.with(|v| {
            let v = v.as_ref()?;
            let days: Vec<(Day, i64, bool)> = v
                .hours(offset)
                .into_iter()
                .filter(|h| h.minutes > 0)
                .map(|h| {
                    (
                        h.day,
                        h.minutes,
                        v.confirmed_minutes(h.day) == Some(h.minutes),
                    )
                })
                .collect();
            let recent: Vec<_> = days
                .iter()
                .rev()
                .filter(|(d, _, _)| *d <= today && today.0 - d.0 < RECENT_DAYS)
                .copied()
                .collect();
            Some(Summary {
                recent_minutes: recent.iter().map(|(_, m, _)| m).sum(),
                recent,
                total_minutes: days.iter().map(|(_, m, _)| m).sum(),
                confirmed_minutes: days.iter().filter(|(_, _, c)| *c).map(|(_, m, _)| m).sum(),
                on_duty: service_hours::sessions(&v.attendance)
                    .last()
                    .is_some_and(|s| s.end.is_none()),
            })
        })
    });
    view! {
        <section class="card me-hours">
            <h2>{t!(i18n, me_hours_title)}</h2>
            <p class="muted">{t!(i18n, me_hours_explain)}</p>
            {move || summary.get().map(|s| {
                let en = labels::english();
                let today = mine.today.get();
                view! {
                    <div class="figures me-figures">
                        <div class="figure" data-total-minutes=s.total_minutes.to_string()>
                            <span class="n">{service_report::hours(s.total_minutes)}</span>
                            <span>{t!(i18n, me_hours_total)}</span>
                        </div>
                        <div class="figure" data-confirmed-minutes=s.confirmed_minutes.to_string()>
                            <span class="n">{service_report::hours(s.confirmed_minutes)}</span>
                            <span>{t!(i18n, me_hours_confirmed_total)}</span>
                        </div>
                        <div class="figure" data-recent-minutes=s.recent_minutes.to_string()>
                            <span class="n">{service_report::hours(s.recent_minutes)}</span>
                            <span>{t!(i18n, me_hours_recent)}</span>
                        </div>
                    </div>
                    {s.on_duty.then(|| view! { <p class="hint" data-on-duty>{t!(i18n, me_hours_open)}</p> })}
                    {if s.recent.is_empty() {
                        view! { <p class="muted" data-days="none">{t!(i18n, me_hours_none)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list me-days">
                                {s.recent.into_iter().map(|(day, minutes, confirmed)| {
                                    let relative = (today.0 - day.0 <= 1).then(|| day_words(day, today, en));
                                    view! {
                                        <li class="list-item me-day" data-day=day.iso() data-minutes=minutes.to_string() data-confirmed=confirmed.to_string()>
                                            <div class="me-day-head">
                                                <span class="title">
                                                    {date_words(day, en)}
                                                    {relative.map(|r| view! { <span class="muted">" · "{r}</span> })}
                                                </span>
                                                <strong class="me-day-hours">{labels::hours(minutes, en)}</strong>
                                            </div>
                                            <div class="me-day-flags">
                                                {if confirmed {
                                                    view! { <span class="badge badge-done">{t!(i18n, me_confirmed)}</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge badge-waiting">{t!(i18n, me_unconfirmed)}</span> }.into_any()
                                                }}
                                                {(minutes > DAILY_CAP_MINUTES).then(|| view! { <span class="flag" data-over-cap>{t!(i18n, me_over_cap_badge)}</span> })}
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
        </section>
    }
}
