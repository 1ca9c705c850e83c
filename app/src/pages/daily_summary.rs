//! 每日工作汇总 (staff; a lead for their building): the day's summary as a
//! table — a line per building with its zone, deliveries, disinfection,
//! testing, open needs, staffing and as of when this phone last heard from
//! the relay about it, then 合计 — to print or save as CSV or Excel.

use std::collections::BTreeMap;

use leptos::prelude::*;
use linli_shared::model::{
    civil::{self, Day},
    daily_summary, service_report,
};

use crate::{
    components::{
        day_picker::{self, DayPicker},
        report_table::{ReportActions, ReportTable},
    },
    i18n::*,
    overview, reading,
};

#[component]
pub fn DailySummaryPage() -> impl IntoView {
    let i18n = use_i18n();
    let repo =
        match super::staff_or_lead::admitted(move || t_string!(i18n, daysum_title).to_string()) {
            Ok(repo) => repo,
            Err(refused) => return refused,
        };
    let community = reading::community(&repo);
    let team = reading::team(&repo, community);
    let now = RwSignal::new(reading::now());
    let today = move || community.with(|c| reading::today(c.as_ref()));
    let day = RwSignal::new(day_picker::asked().unwrap_or_else(today));
    let data = overview::follow(&repo, community, team, day.into(), now.into());
    let offset = move || {
        community.with(|c| {
            c.as_ref()
                .map_or(civil::BEIJING_OFFSET_MINUTES, |c| c.utc_offset_minutes)
        })
    };
    let stamp = move |ms: f64| {
        let at = ms as i64;
        format!(
            "{} {}",
            Day::of(at, offset()).iso(),
            civil::clock(at, offset())
        )
    };
    let rows = {
        let repo = repo.clone();
        Signal::derive(move || {
            data.with(|d| {
                d.as_ref()
                    .map(|(o, sources)| {
                        let as_of: BTreeMap<String, String> = o
                            .buildings
                            .iter()
                            .map(|b| {
                                let docs =
                                    sources.get(&b.line.building).cloned().unwrap_or_default();
                                let text = overview::as_of(&repo, &docs)
                                    .map(stamp)
                                    .unwrap_or_else(|| "尚未同步".to_owned());
                                (b.line.building.clone(), text)
                            })
                            .collect();
                        daily_summary::table(o, &as_of)
                    })
                    .unwrap_or_default()
            })
        })
    };
    let service = move || {
        data.with(|d| {
            d.as_ref().map(|(o, _)| {
                crate::fill(
                    t_string!(i18n, daysum_service),
                    &[
                        ("hours", service_report::hours(o.service_minutes)),
                        ("people", o.serving.to_string()),
                    ],
                )
            })
        })
    };
    let name = move || community.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let stem = Signal::derive(move || {
        crate::pages::service_hours::file_part(&format!(
            "{}每日工作汇总{}",
            name(),
            day.get().iso()
        ))
    });
    view! {
        <section class="sheet" data-summary-day=move || day.get().iso()>
            <div class="sheet-actions">
                <a class="button button-quiet" href=move || format!("/dashboard?day={}", day.get().iso()) data-action="back-to-dashboard">
                    {t!(i18n, daysum_back)}
                </a>
            </div>
            <div class="sheet-actions">
                <DayPicker day=day today=Signal::derive(today) />
            </div>
            <header class="sheet-head">
                <h1>{name}" "{t!(i18n, daysum_title)}</h1>
                <p>{move || day.get().iso()}" · "{t!(i18n, daysum_printed_at)}" "{move || stamp(now.get() as f64)}</p>
            </header>
            <ReportTable rows=rows report="daily-summary" />
            <p data-summary-service>{service}</p>
            <p class="sheet-hint">{t!(i18n, daysum_hint)}</p>
            <ReportActions rows=rows stem=stem sheet="每日工作汇总" />
        </section>
    }
    .into_any()
}
