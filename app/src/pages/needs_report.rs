//! 需求台账 (staff; a lead for their building): every open need of the
//! ledgers on this phone, most urgent first, with the door and phone to call
//! — to print or save as CSV or Excel and work through.

use std::collections::BTreeMap;

use leptos::prelude::*;
use linli_shared::model::{doc::DocKind, ledger, needs_report};

use crate::{
    components::report_table::{ReportActions, ReportTable},
    i18n::*,
    reading,
};

#[component]
pub fn NeedsReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let repo = match super::staff_or_lead::admitted(move || {
        t_string!(i18n, needs_report_title).to_string()
    }) {
        Ok(repo) => repo,
        Err(refused) => return refused,
    };
    let community = reading::community(&repo);
    let ledgers = reading::listings(community, &repo, DocKind::Ledger);
    let rows = {
        let repo = repo.clone();
        Signal::derive(move || {
            repo.signals.revision.track();
            let held: BTreeMap<String, std::rc::Rc<ledger::Ledger>> = ledgers.with(|l| {
                l.iter()
                    .filter_map(|(id, l)| {
                        let b = l.building.clone()?;
                        Some((b, repo.parsed(id, |d| ledger::read(d).ok())?))
                    })
                    .collect()
            });
            let held: BTreeMap<String, &ledger::Ledger> =
                held.iter().map(|(b, l)| (b.clone(), &**l)).collect();
            community.with(|c| {
                c.as_ref()
                    .map(|c| needs_report::table(c, &held))
                    .unwrap_or_default()
            })
        })
    };
    let count = move || rows.with(|r| r.len().saturating_sub(1));
    let name = move || community.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let stem = Signal::derive(move || {
        crate::pages::service_hours::file_part(&format!(
            "{}需求台账{}",
            name(),
            reading::today(community.get().as_ref()).iso()
        ))
    });
    view! {
        <section class="sheet" data-report-page="needs">
            <div class="sheet-actions">
                <a class="button button-quiet" href="/reports" data-action="back-to-reports">{t!(i18n, reports_back)}</a>
            </div>
            <header class="sheet-head">
                <h1>{name}" "{t!(i18n, needs_report_title)}</h1>
                <p data-open-needs=count>{move || crate::fill(t_string!(i18n, needs_report_count), &[("n", count().to_string())])}</p>
            </header>
            <ReportTable rows=rows report="needs" />
            <ReportActions rows=rows stem=stem sheet="需求台账" />
        </section>
    }
    .into_any()
}
