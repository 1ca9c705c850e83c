//! 工作进度 (staff; a lead for their building): everyone's work merged, for
//! the community and per building, on a day and the six days before it —
//! deliveries done / pending / problems, disinfection points done / overdue,
//! testing coverage, open needs by urgency and special group, staffing
//! against posts, volunteers on duty now, service hours. Drawn from the
//! documents on the phone, so it works offline; each building says as of
//! when this phone last heard from the relay about it.

use leptos::prelude::*;
use linli_shared::model::{
    catalogue::SpecialGroup,
    dashboard::{BuildingProgress, Overview},
    progress::{FieldDay, OpenNeeds},
    service_report,
};
use linli_shared::vocabulary::DocumentId;

use crate::{
    components::{
        charts::{Bar, BarChart, Part, TrendChart, TrendDay},
        day_picker::{self, DayPicker},
        time::clock_time,
    },
    context::use_repo,
    documents::{self, overview},
    i18n::*,
    text::labels,
};

/// How often "now" moves on (on duty, service so far, overdue).
const REFRESH_MS: u32 = 30_000;

/// A figure the e2e tests and people read: its number in its own element.
fn figure(name: &'static str, value: String) -> impl IntoView {
    view! { <b class="num" data-figure=name>{value}</b> }
}

/// A bar per building with work of this kind: `pick` gives (done, a
/// problem or overdue, total) from the building's day.
fn bars(o: &Overview, pick: fn(&FieldDay) -> (usize, usize, usize)) -> Vec<Bar> {
    o.buildings
        .iter()
        .filter_map(|b| {
            let (done, problem, total) = pick(&b.line.field);
            (total > 0).then(|| Bar {
                key: b.line.building.clone(),
                label: b.line.name.clone(),
                total,
                parts: vec![
                    Part {
                        value: done,
                        class: "done",
                    },
                    Part {
                        value: problem,
                        class: "problem",
                    },
                ],
                note: format!("{done}/{total}"),
            })
        })
        .collect()
}

fn share(done: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| done as f64 / of as f64)
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let repo = match crate::components::staff_or_lead::admitted(move || {
        t_string!(i18n, dash_title).to_string()
    }) {
        Ok(repo) => repo,
        Err(refused) => return refused,
    };
    let community = documents::community(&repo);
    let team = documents::team(&repo, community);
    let now = RwSignal::new(documents::now());
    if let Ok(h) = set_interval_with_handle(
        move || now.set(documents::now()),
        std::time::Duration::from_millis(REFRESH_MS.into()),
    ) {
        on_cleanup(move || h.clear());
    }
    let today = move || community.with(|c| documents::today(c.as_ref()));
    let day = RwSignal::new(day_picker::asked().unwrap_or_else(today));
    let data = overview::follow(&repo, community, team, day.into(), now.into());
    let o = Memo::new(move |_| data.with(|d| d.as_ref().map(|(o, _)| o.clone())));

    let totals = move || {
        o.get().map(|o| {
            view! { <Totals o=o /> }
        })
    };
    let delivery_bars = Signal::derive(move || {
        o.with(|o| {
            o.as_ref()
                .map(|o| {
                    bars(o, |f| {
                        (f.deliveries.done, f.deliveries.problems, f.deliveries.doors)
                    })
                })
                .unwrap_or_default()
        })
    });
    let disinfection_bars = Signal::derive(move || {
        o.with(|o| {
            o.as_ref()
                .map(|o| {
                    bars(o, |f| {
                        (
                            f.disinfection.done,
                            f.disinfection.overdue,
                            f.disinfection.points,
                        )
                    })
                })
                .unwrap_or_default()
        })
    });
    let trend = Signal::derive(move || {
        o.with(|o| {
            o.as_ref()
                .map(|o| {
                    o.trend
                        .iter()
                        .map(|(d, f)| TrendDay {
                            label: d.iso()[5..].to_owned(),
                            first: share(f.deliveries.done, f.deliveries.doors),
                            second: share(f.disinfection.done, f.disinfection.points),
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let legend = move |problem: &str| {
        vec![
            (t_string!(i18n, dash_done).to_string(), "done"),
            (problem.to_owned(), "problem"),
            (t_string!(i18n, dash_not_yet).to_string(), "bar-empty"),
        ]
    };
    let buildings = move || {
        data.with(|d| {
            d.as_ref()
                .map(|(o, sources)| {
                    o.buildings
                        .iter()
                        .map(|b| {
                            let docs = sources.get(&b.line.building).cloned().unwrap_or_default();
                            (b.clone(), docs)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let report_link = move || format!("/reports/daily?day={}", day.get().iso());
    view! {
        <section class="card dashboard-head">
            <h1>{t!(i18n, dash_title)}</h1>
            <DayPicker day=day today=Signal::derive(today) />
            <a class="button button-block button-quiet" href=report_link data-action="daily-summary">
                {t!(i18n, dash_daily_summary)}
            </a>
        </section>
        <Show
            when=move || o.with(Option::is_some)
            fallback=move || view! { <section class="card"><p class="notice">{t!(i18n, community_not_here)}</p></section> }
        >
            {totals}
            <section class="card">
                <h2>{t!(i18n, dash_deliveries)}</h2>
                <Show
                    when=move || !delivery_bars.with(Vec::is_empty)
                    fallback=move || view! { <p class="muted">{t!(i18n, dash_no_rounds)}</p> }
                >
                    <BarChart bars=delivery_bars legend=Signal::derive(move || legend(t_string!(i18n, dash_problems))) chart="deliveries" />
                </Show>
            </section>
            <section class="card">
                <h2>{t!(i18n, dash_disinfection)}</h2>
                <Show
                    when=move || !disinfection_bars.with(Vec::is_empty)
                    fallback=move || view! { <p class="muted">{t!(i18n, dash_no_rounds)}</p> }
                >
                    <BarChart bars=disinfection_bars legend=Signal::derive(move || legend(t_string!(i18n, dash_overdue))) chart="disinfection" />
                </Show>
            </section>
            <section class="card">
                <h2>{t!(i18n, dash_trend)}</h2>
                <TrendChart
                    days=trend
                    names=Signal::derive(move || (t_string!(i18n, dash_deliveries).to_string(), t_string!(i18n, dash_disinfection).to_string()))
                    chart="trend"
                    title=Signal::derive(move || t_string!(i18n, dash_trend).to_string())
                />
            </section>
            <section class="card">
                <h2>{t!(i18n, dash_buildings)}</h2>
                <ul class="list building-progress">
                    <For
                        each=buildings
                        key=|(b, docs)| format!("{b:?}{docs:?}")
                        children=move |(b, sources)| view! { <BuildingCard b=b sources=sources /> }
                    />
                </ul>
            </section>
        </Show>
    }
    .into_any()
}

/// The community's (or the lead's building's) figures at the top.
#[component]
fn Totals(o: Overview) -> impl IntoView {
    let i18n = use_i18n();
    let en = labels::english();
    let f = o.field;
    let groups = needs_by_group(&o.needs, en);
    let on_duty = o
        .on_duty
        .map(|n| n.to_string())
        .unwrap_or_else(|| "—".into());
    view! {
        <section class="card" data-scope="community" data-dashboard-day=o.day.iso()>
            <div class="tiles">
                <div class="tile">
                    <span class="tile-label">{t!(i18n, dash_deliveries)}</span>
                    <span>{figure("deliveries-done", f.deliveries.done.to_string())}"/"{figure("deliveries-doors", f.deliveries.doors.to_string())}</span>
                    <span class="tile-note">{t!(i18n, dash_pending)}" "{figure("deliveries-pending", f.deliveries.pending.to_string())}" · "{t!(i18n, dash_problems)}" "{figure("deliveries-problems", f.deliveries.problems.to_string())}</span>
                </div>
                <div class="tile">
                    <span class="tile-label">{t!(i18n, dash_disinfection)}</span>
                    <span>{figure("disinfection-done", f.disinfection.done.to_string())}"/"{figure("disinfection-points", f.disinfection.points.to_string())}</span>
                    <span class="tile-note">{t!(i18n, dash_overdue)}" "{figure("disinfection-overdue", f.disinfection.overdue.to_string())}</span>
                </div>
                <div class="tile">
                    <span class="tile-label">{t!(i18n, dash_testing)}</span>
                    <span>{figure("testing-covered", f.testing.covered.to_string())}"/"{figure("testing-households", f.testing.households.to_string())}</span>
                    <span class="tile-note">{t!(i18n, dash_testing_note)}</span>
                </div>
                <div class="tile" data-urgent=(o.needs.urgent > 0).to_string()>
                    <span class="tile-label">{t!(i18n, dash_open_needs)}</span>
                    <span>{figure("needs-open", o.needs.total().to_string())}</span>
                    <span class="tile-note">{t!(i18n, dash_urgent)}" "{figure("needs-urgent", o.needs.urgent.to_string())}" · "{t!(i18n, dash_soon)}" "{figure("needs-soon", o.needs.soon.to_string())}" · "{t!(i18n, dash_routine)}" "{figure("needs-routine", o.needs.routine.to_string())}</span>
                </div>
                <div class="tile">
                    <span class="tile-label">{t!(i18n, dash_staffing)}</span>
                    <span>{figure("staffing-scheduled", o.staffing.scheduled.to_string())}"/"{figure("staffing-needed", o.staffing.needed.to_string())}</span>
                    <span class="tile-note">{t!(i18n, dash_gap)}" "{figure("staffing-gap", o.staffing.gap.to_string())}</span>
                </div>
                <div class="tile">
                    <span class="tile-label">{t!(i18n, dash_on_duty)}</span>
                    <span>{figure("on-duty", on_duty)}</span>
                    <span class="tile-note">{t!(i18n, dash_service)}" "{figure("service-hours", service_report::hours(o.service_minutes))}" h · "{figure("serving", o.serving.to_string())}" "{t!(i18n, dash_people)}</span>
                </div>
            </div>
            {(o.needs_missing > 0).then(|| view! {
                <p class="muted" data-needs-missing=o.needs_missing>{t!(i18n, dash_needs_missing, n = o.needs_missing)}</p>
            })}
            <h2>{t!(i18n, dash_needs_groups)}</h2>
            {if groups.is_empty() {
                view! { <p class="muted">{t!(i18n, dash_no_group_needs)}</p> }.into_any()
            } else {
                view! {
                    <ul class="group-needs" data-needs-groups>
                        {groups
                            .into_iter()
                            .map(|(key, label, n)| view! {
                                <li data-group=key>{label}" "<b class="num">{n}</b></li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <p class="muted">{t!(i18n, dash_done_today)}" "{figure("needs-done-today", o.needs.done_since.to_string())}</p>
        </section>
    }
}

/// Special groups with open needs, in the catalogue's order: (key, label, count).
fn needs_by_group(n: &OpenNeeds, en: bool) -> Vec<(&'static str, &'static str, usize)> {
    SpecialGroup::ALL
        .iter()
        .filter_map(|g| {
            let k = *n.by_group.get(g.as_str())?;
            (k > 0).then(|| (g.as_str(), labels::group(*g, en), k))
        })
        .collect()
}

/// One building's day.
#[component]
fn BuildingCard(b: BuildingProgress, sources: Vec<DocumentId>) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let en = labels::english();
    let line = b.line.clone();
    let f: FieldDay = line.field;
    let building = line.building.clone();
    let as_of = move || match overview::as_of(&repo, &sources) {
        Some(t) => crate::text::fill(t_string!(i18n, dash_as_of), &[("time", clock_time(t))]),
        None => t_string!(i18n, dash_never_synced).to_string(),
    };
    let needs = line.needs.clone();
    let zone = line
        .zone
        .map(|z| labels::zone(z, en).to_owned())
        .unwrap_or_else(|| t_string!(i18n, dash_no_zone).to_string());
    view! {
        <li class="building-day" data-building=building.clone() data-zone=line.zone.map(|z| z.as_str()).unwrap_or("none")>
            <div class="building-day-head">
                <span class="title">{line.name.clone()}</span>
                <span class="chip">{zone}</span>
                <span class="muted as-of" data-as-of>{as_of}</span>
            </div>
            <dl class="building-figures">
                <dt>{t!(i18n, dash_deliveries)}</dt>
                <dd>{figure("deliveries-done", f.deliveries.done.to_string())}"/"{figure("deliveries-doors", f.deliveries.doors.to_string())}
                    " · "{t!(i18n, dash_problems)}" "{figure("deliveries-problems", f.deliveries.problems.to_string())}</dd>
                <dt>{t!(i18n, dash_disinfection)}</dt>
                <dd>{figure("disinfection-done", f.disinfection.done.to_string())}"/"{figure("disinfection-points", f.disinfection.points.to_string())}
                    " · "{t!(i18n, dash_overdue)}" "{figure("disinfection-overdue", f.disinfection.overdue.to_string())}</dd>
                <dt>{t!(i18n, dash_testing)}</dt>
                <dd>{figure("testing-covered", f.testing.covered.to_string())}"/"{figure("testing-households", f.testing.households.to_string())}</dd>
                <dt>{t!(i18n, dash_open_needs)}</dt>
                <dd>{match needs {
                    Some(n) => view! {
                        {t!(i18n, dash_urgent)}" "{figure("needs-urgent", n.urgent.to_string())}
                        " · "{t!(i18n, dash_soon)}" "{figure("needs-soon", n.soon.to_string())}
                        " · "{t!(i18n, dash_routine)}" "{figure("needs-routine", n.routine.to_string())}
                    }.into_any(),
                    None => view! { <span class="muted" data-figure="needs-unknown">{t!(i18n, dash_ledger_not_here)}</span> }.into_any(),
                }}</dd>
                <dt>{t!(i18n, dash_staffing)}</dt>
                <dd>{figure("staffing-scheduled", b.staffing.scheduled.to_string())}"/"{figure("staffing-needed", b.staffing.needed.to_string())}
                    {b.on_duty.map(|n| view! { " · "{t!(i18n, dash_on_duty)}" "{figure("on-duty", n.to_string())} })}</dd>
            </dl>
        </li>
    }
}
