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
    documents::{self, overview},
    i18n::*,
    text::labels,
};

#[component]
pub fn DailySummaryPage() -> impl IntoView {
    let i18n = use_i18n();
    let repo = match crate::components::staff_or_lead::admitted(move || {
        t_string!(i18n, daysum_title).to_string()
    }) {
        Ok(repo) => repo,
        Err(refused) => return refused,
    };
    let community = documents::community(&repo);
    let team = documents::team(&repo, community);
    let now = RwSignal::new(documents::now());
    let today = move || community.with(|c| documents::today(c.as_ref()));
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
    // The table in the screen's language; the file saved is in Chinese.
    let table = move |repo: &crate::repo::Repo, en: bool| {
        data.with(|d| {
            d.as_ref()
                .map(|(o, sources)| {
                    let as_of: BTreeMap<String, String> = o
                        .buildings
                        .iter()
                        .filter_map(|b| {
                            let docs = sources.get(&b.line.building).cloned().unwrap_or_default();
                            let at = overview::as_of(repo, &docs)?;
                            Some((b.line.building.clone(), stamp(at)))
                        })
                        .collect();
                    daily_summary::table(o, &as_of, &words(en))
                })
                .unwrap_or_default()
        })
    };
    let rows = {
        let repo = repo.clone();
        Signal::derive(move || table(&repo, labels::english()))
    };
    let file_rows = {
        let repo = repo.clone();
        Signal::derive(move || table(&repo, false))
    };
    let service = move || {
        data.with(|d| {
            d.as_ref().map(|(o, _)| {
                crate::text::fill(
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
        crate::browser::files::file_part(&format!(
            "{}{}{}",
            name(),
            td_string!(Locale::zh_CN, daysum_title),
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
            <ReportTable rows=rows report="daily-summary" total=true />
            <p data-summary-service>{service}</p>
            <p class="sheet-hint">{t!(i18n, daysum_hint)}</p>
            <ReportActions rows=file_rows stem=stem sheet=td_string!(Locale::zh_CN, daysum_title) />
        </section>
    }
    .into_any()
}

/// The table's words in the screen's language (`en`) or Chinese.
fn words(en: bool) -> daily_summary::Words<'static> {
    let l = labels::locale(en);
    daily_summary::Words {
        header: [
            td_string!(l, daysum_columns.building),
            td_string!(l, daysum_columns.zone),
            td_string!(l, daysum_columns.deliveries_done),
            td_string!(l, daysum_columns.deliveries_doors),
            td_string!(l, daysum_columns.deliveries_problems),
            td_string!(l, daysum_columns.disinfection_done),
            td_string!(l, daysum_columns.disinfection_points),
            td_string!(l, daysum_columns.disinfection_overdue),
            td_string!(l, daysum_columns.testing_covered),
            td_string!(l, daysum_columns.testing_households),
            td_string!(l, daysum_columns.needs_urgent),
            td_string!(l, daysum_columns.needs_soon),
            td_string!(l, daysum_columns.needs_routine),
            td_string!(l, daysum_columns.needs_done),
            td_string!(l, daysum_columns.people_needed),
            td_string!(l, daysum_columns.people_scheduled),
            td_string!(l, daysum_columns.as_of),
        ],
        total: td_string!(l, daysum_total),
        not_synced: td_string!(l, daysum_not_synced),
        english: en,
    }
}
