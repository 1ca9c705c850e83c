//! 服务时长 (staff): every volunteer's service on the days chosen, from
//! their check-ins (a night shift is split at midnight), by day and
//! volunteer, with totals per volunteer. Staff confirm a volunteer's day
//! (确认) or every day's pending ones at once (全部确认); a day that gets more
//! check-ins after it was confirmed shows as changed. The table exports as
//! CSV (UTF-8 with BOM, for Excel and WPS) or Excel in the city volunteer
//! platform's layout: 姓名, 手机号, 项目名称, 服务日期, 开始时间, 结束时间,
//! 服务时长（小时）; optionally only the confirmed rows.
//!
//! All of it runs on the volunteer documents on this phone, offline too.

use leptos::prelude::*;
use linli_shared::{
    model::{
        ModelError, Role,
        civil::{Day, clock_minutes},
        hours_review::{self, Standing, VolunteerDay},
        service_hours::DAILY_CAP_MINUTES,
        service_report::{self, ServiceRow},
        volunteer::{self},
    },
    table,
    vocabulary::DocumentId,
};

use crate::{browser::files, context::use_repo, documents, i18n::*, repo::Repo, text::labels};
use crate::{browser::files::file_part, text::Said};

/// How many days one view may span (a year): the page stays quick on a phone.
const MAX_DAYS: i64 = 366;

/// Confirms one volunteer's day on their document; the error as a sentence.
fn confirm(repo: &Repo, volunteer: &str, day: Day, offset: i64) -> Result<(), Said> {
    let doc = DocumentId::for_volunteer(&repo.session().community, volunteer);
    let at = documents::now();
    repo.change(&doc, |d, actor| {
        volunteer::confirm_hours(d, actor, at, day, offset)
    })
    .map(|_| ())
    .map_err(|e| match e {
        ModelError::Missing(_) => Said::new(
            td_string!(Locale::zh_CN, hours_volunteer_not_here),
            td_string!(Locale::en, hours_volunteer_not_here),
        ),
        e => Said::refusal(&e),
    })
}

/// What the export buttons say afterwards.
#[derive(Clone, Debug, PartialEq)]
enum Exported {
    Rows(usize),
    Nothing,
    NothingConfirmed,
    Failed,
}

/// What confirming a day said: how many were confirmed, or who could not be.
#[derive(Clone, Debug, PartialEq)]
enum Confirmed {
    Day(Day, usize),
    Failed(Day, Vec<(String, Said)>),
}

#[component]
pub fn ServiceHoursPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
            .into_any();
    };
    let session = repo.session();
    if session.role != Role::Staff || session.pending {
        return view! {
            <section class="card">
                <h1>{t!(i18n, hours_title)}</h1>
                <p class="error" data-hours="not-allowed">{t!(i18n, hours_staff_only)}</p>
            </section>
        }
        .into_any();
    }
    let community = documents::community(&repo);
    let team = documents::team(&repo, community);
    let today = community.with_untracked(|c| documents::today(c.as_ref()));
    let from = RwSignal::new(Day(today.0 - 6).iso());
    let to = RwSignal::new(today.iso());
    let only_confirmed = RwSignal::new(false);
    let exported = RwSignal::new(None::<Exported>);
    let confirmed = RwSignal::new(None::<Confirmed>);

    // The range, or what is wrong with it (shown next to the field).
    let range = Memo::new(move |_| {
        let _ = labels::english();
        let f = Day::parse(from.get().trim());
        let t = Day::parse(to.get().trim());
        match (f, t) {
            (None, _) => Err(("from", t_string!(i18n, hours_error_from).to_string())),
            (_, None) => Err(("to", t_string!(i18n, hours_error_to).to_string())),
            (Some(f), Some(t)) if f > t => {
                Err(("to", t_string!(i18n, hours_error_order).to_string()))
            }
            (Some(f), Some(t)) if t.0 - f.0 >= MAX_DAYS => {
                Err(("to", t_string!(i18n, hours_error_span).to_string()))
            }
            (Some(f), Some(t)) => Ok((f, t)),
        }
    });
    let rows = Memo::new(move |_| {
        let Ok((f, t)) = range.get() else {
            return Vec::new();
        };
        community.with(|c| {
            c.as_ref()
                .map(|c| team.with(|team| service_report::rows(c, team, f, t)))
                .unwrap_or_default()
        })
    });
    let days = Memo::new(move |_| rows.with(|r| team.with(|t| hours_review::by_day(r, t))));
    let sums = Memo::new(move |_| rows.with(|r| hours_review::totals(r)));
    let offset = move || {
        community.with_untracked(|c| {
            c.as_ref()
                .map_or(linli_shared::model::civil::BEIJING_OFFSET_MINUTES, |c| {
                    c.utc_offset_minutes
                })
        })
    };
    let missing = {
        let session = session.clone();
        Memo::new(move |_| {
            let held = community.with(|c| {
                c.as_ref()
                    .map_or(0, |c| session.volunteer_documents(&c.roster).len())
            });
            held.saturating_sub(team.with(Vec::len))
        })
    };

    let export = move |xlsx: bool| {
        exported.set(None);
        let Ok((f, t)) = range.get_untracked() else {
            return;
        };
        let only = only_confirmed.get_untracked();
        let chosen: Vec<ServiceRow> =
            rows.with_untracked(|r| r.iter().filter(|r| !only || r.confirmed).cloned().collect());
        if chosen.is_empty() {
            exported.set(Some(if only {
                Exported::NothingConfirmed
            } else {
                Exported::Nothing
            }));
            return;
        }
        let name = community
            .with_untracked(|c| c.as_ref().map(|c| c.name.clone()))
            .unwrap_or_default();
        let stem = crate::text::fill(
            td_string!(Locale::zh_CN, export.service_hours_file),
            &[
                ("community", file_part(&name)),
                ("from", f.iso()),
                ("to", t.iso()),
            ],
        );
        let table = service_report::table(&chosen);
        let result = if xlsx {
            files::download(
                &format!("{stem}.xlsx"),
                files::XLSX,
                &table::xlsx::write(td_string!(Locale::zh_CN, export.service_hours), &table),
            )
        } else {
            files::download(
                &format!("{stem}.csv"),
                files::CSV,
                table::csv::write(&table).as_bytes(),
            )
        };
        exported.set(Some(match result {
            Ok(()) => Exported::Rows(chosen.len()),
            Err(_) => Exported::Failed,
        }));
    };

    let confirm_all = {
        let repo = repo.clone();
        move |day: Day| {
            confirmed.set(None);
            let pending: Vec<(String, String)> = days.with_untracked(|d| {
                d.iter()
                    .filter(|(d, _)| *d == day)
                    .flat_map(|(_, list)| list.iter())
                    .filter(|v| v.standing != Standing::Confirmed)
                    .map(|v| (v.volunteer.clone(), v.name.clone()))
                    .collect()
            });
            let mut failed = Vec::new();
            for (id, name) in &pending {
                if let Err(e) = confirm(&repo, id, day, offset()) {
                    failed.push((name.clone(), e));
                }
            }
            confirmed.set(Some(if failed.is_empty() {
                Confirmed::Day(day, pending.len())
            } else {
                Confirmed::Failed(day, failed)
            }));
        }
    };
    let confirm_one = {
        let repo = repo.clone();
        move |volunteer: String, name: String, day: Day| {
            confirmed.set(None);
            if let Err(e) = confirm(&repo, &volunteer, day, offset()) {
                confirmed.set(Some(Confirmed::Failed(day, vec![(name, e)])));
            }
        }
    };

    let field_error = move |field: &'static str| {
        move || {
            range.with(|r| match r {
                Err((f, e)) if *f == field => Some(
                    view! { <p class="error field-error" role="alert" data-error=field>{e.clone()}</p> },
                ),
                _ => None,
            })
        }
    };
    view! {
        <section class="card hours">
            <h1>{t!(i18n, hours_title)}</h1>
            <p class="muted">{t!(i18n, hours_explain)}</p>
            <div class="row2 hours-range">
                <label>
                    {t!(i18n, hours_from)}
                    <input
                        type="date"
                        name="hours-from"
                        aria-invalid=move || range.with(|r| matches!(r, Err(("from", _)))).to_string()
                        prop:value=move || from.get()
                        on:change=move |ev| from.set(event_target_value(&ev))
                        on:input=move |ev| from.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    {t!(i18n, hours_to)}
                    <input
                        type="date"
                        name="hours-to"
                        aria-invalid=move || range.with(|r| matches!(r, Err(("to", _)))).to_string()
                        prop:value=move || to.get()
                        on:change=move |ev| to.set(event_target_value(&ev))
                        on:input=move |ev| to.set(event_target_value(&ev))
                    />
                </label>
            </div>
            {field_error("from")}
            {field_error("to")}
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
            <Show when=move || { missing.get() > 0 }>
                <p class="notice" data-hours="missing">
                    {move || crate::text::fill(t_string!(i18n, hours_missing_docs), &[("n", missing.get().to_string())])}
                </p>
            </Show>
        </section>
        <section class="card hours-export">
            <h2>{t!(i18n, hours_export_title)}</h2>
            <p class="muted">{t!(i18n, hours_export_explain)}</p>
            <label class="choice">
                <input
                    type="checkbox"
                    name="only-confirmed"
                    prop:checked=move || only_confirmed.get()
                    on:change=move |ev| only_confirmed.set(event_target_checked(&ev))
                />
                {t!(i18n, hours_only_confirmed)}
            </label>
            <div class="button-row">
                <button class="button" type="button" data-action="export-hours-csv" on:click=move |_| export(false)>
                    {t!(i18n, hours_export_csv)}
                </button>
                <button class="button" type="button" data-action="export-hours-xlsx" on:click=move |_| export(true)>
                    {t!(i18n, hours_export_xlsx)}
                </button>
            </div>
            {move || exported.get().map(exported_line)}
        </section>
        <Show
            when=move || !rows.with(Vec::is_empty)
            fallback=move || view! {
                <section class="card">
                    <p class="muted" data-hours="none">
                        {move || if range.with(Result::is_ok) {
                            t_string!(i18n, hours_none).to_string()
                        } else {
                            t_string!(i18n, hours_fix_range).to_string()
                        }}
                    </p>
                </section>
            }
        >
            <Totals sums />
            {
                let confirm_all = confirm_all.clone();
                let confirm_one = confirm_one.clone();
                move || {
                    days.get()
                        .into_iter()
                        .map(|(day, list)| {
                            let pending = list.iter().filter(|v| v.standing != Standing::Confirmed).count();
                            let confirm_all = confirm_all.clone();
                            let confirm_one = confirm_one.clone();
                            view! {
                                <section class="card hours-day" data-day=day.iso()>
                                    <div class="hours-day-head">
                                        <h2>{day.iso()}</h2>
                                        <span class="muted">
                                            {move || crate::text::fill(t_string!(i18n, hours_day_pending), &[("n", pending.to_string())])}
                                        </span>
                                    </div>
                                    <button
                                        class="button button-block"
                                        type="button"
                                        data-action="confirm-day"
                                        disabled={pending == 0}
                                        on:click=move |_| confirm_all(day)
                                    >
                                        {t!(i18n, hours_confirm_all)}
                                    </button>
                                    {move || {
                                        confirmed.get().and_then(|c| match c {
                                            Confirmed::Day(d, n) if d == day => {
                                                let text = crate::text::fill(
                                                    t_string!(i18n, hours_confirmed_day),
                                                    &[("day", d.iso()), ("n", n.to_string())],
                                                );
                                                Some(view! { <p class="ann-posted" role="status" data-hours-confirmed=n>{text}</p> }.into_any())
                                            }
                                            Confirmed::Failed(d, failed) if d == day => {
                                                let text = failed
                                                    .iter()
                                                    .map(|(name, said)| format!("{name}：{}", said.text()))
                                                    .collect::<Vec<_>>()
                                                    .join(" ");
                                                Some(view! { <p class="error" role="alert" data-hours-confirm-error>{text}</p> }.into_any())
                                            }
                                            _ => None,
                                        })
                                    }}
                                    <ul class="list hours-list">
                                        {list
                                            .into_iter()
                                            .map(|v| {
                                                let confirm_one = confirm_one.clone();
                                                view! { <DayEntry entry=v on_confirm=confirm_one /> }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                            }
                        })
                        .collect_view()
                }
            }
        </Show>
    }
    .into_any()
}

/// Totals per volunteer over the range.
#[component]
fn Totals(sums: Memo<Vec<(String, i64, i64, usize)>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card hours-totals">
            <h2>{t!(i18n, hours_totals_title)}</h2>
            <table class="counts hours-totals-table">
                <thead>
                    <tr>
                        <th>{t!(i18n, hours_col_name)}</th>
                        <th>{t!(i18n, hours_col_days)}</th>
                        <th>{t!(i18n, hours_col_total)}</th>
                        <th>{t!(i18n, hours_col_confirmed)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let en = labels::english();
                        sums.get()
                            .into_iter()
                            .map(|(name, m, c, n)| view! {
                                <tr data-total=name.clone() data-minutes=m data-confirmed-minutes=c>
                                    <td>{name.clone()}</td>
                                    <td>{n}</td>
                                    <td>{labels::hours(m, en)}</td>
                                    <td>{labels::hours(c, en)}</td>
                                </tr>
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </section>
    }
}

/// What the export buttons say afterwards.
fn exported_line(e: Exported) -> AnyView {
    let i18n = use_i18n();
    let (ok, text) = match e {
        Exported::Rows(n) => (
            true,
            crate::text::fill(t_string!(i18n, hours_exported), &[("n", n.to_string())]),
        ),
        Exported::Nothing => (false, t_string!(i18n, hours_export_none).to_string()),
        Exported::NothingConfirmed => (
            false,
            t_string!(i18n, hours_export_none_confirmed).to_string(),
        ),
        Exported::Failed => (false, t_string!(i18n, hours_export_failed).to_string()),
    };
    if ok {
        view! { <p class="ann-posted" role="status" data-hours-message="ok">{text}</p> }.into_any()
    } else {
        view! { <p class="error" role="alert" data-hours-message="error">{text}</p> }.into_any()
    }
}

/// One volunteer's day: the sessions, the day's total, its standing, 确认.
#[component]
fn DayEntry(
    entry: VolunteerDay,
    on_confirm: impl Fn(String, String, Day) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let VolunteerDay {
        volunteer,
        name,
        day,
        rows,
        minutes,
        standing,
    } = entry;
    let state = match standing {
        Standing::Confirmed => "confirmed",
        Standing::Changed => "changed",
        Standing::Pending => "pending",
    };
    let badge = move || match standing {
        Standing::Confirmed => t_string!(i18n, hours_confirmed).to_string(),
        Standing::Changed => t_string!(i18n, hours_changed).to_string(),
        Standing::Pending => t_string!(i18n, hours_pending).to_string(),
    };
    let badge_class = match standing {
        Standing::Confirmed => "badge badge-done",
        _ => "badge badge-waiting",
    };
    let over = minutes > DAILY_CAP_MINUTES;
    let total = move || {
        let en = labels::english();
        crate::text::fill(
            t_string!(i18n, hours_day_total),
            &[("hours", labels::hours(minutes, en))],
        )
    };
    let sessions = rows
        .into_iter()
        .map(|r| {
            let span = format!("{}–{}", clock_minutes(r.start_minute), clock_minutes(r.end_minute));
            let m = r.minutes();
            view! {
                <li class="hours-session" data-start=clock_minutes(r.start_minute) data-end=clock_minutes(r.end_minute)>
                    <span class="hours-span">{span}</span>
                    <span class="hours-project">{r.project}</span>
                    <span class="hours-h">{move || labels::hours(m, labels::english())}</span>
                </li>
            }
        })
        .collect_view();
    let click = {
        let (volunteer, name) = (volunteer.clone(), name.clone());
        move |_| on_confirm(volunteer.clone(), name.clone(), day)
    };
    view! {
        <li class="list-item hours-entry" data-volunteer=name.clone() data-day=day.iso() data-state=state data-minutes=minutes>
            <div class="hours-entry-head">
                <span class="title">{name.clone()}</span>
                <span class=badge_class data-standing=state>{badge}</span>
            </div>
            <ul class="hours-sessions">{sessions}</ul>
            <p class="meta hours-total">
                {total}
                {over.then(|| view! { " " <span class="flag" data-over-cap>{t!(i18n, hours_over_cap)}</span> })}
            </p>
            {(standing != Standing::Confirmed).then(|| view! {
                <button class="button button-primary button-block" type="button" data-action="confirm-hours" on:click=click>
                    {t!(i18n, hours_confirm)}
                </button>
            })}
        </li>
    }
}
