//! 需求台账 (staff; a lead for their building): every open need of the
//! ledgers on this phone, most urgent first, with the door and phone to call
//! — to print or save as CSV or Excel and work through.

use std::collections::BTreeMap;

use leptos::prelude::*;
use linli_shared::model::{doc::DocKind, ledger, needs_report};

use crate::{
    components::report_table::{ReportActions, ReportTable},
    documents,
    i18n::*,
    text::labels,
};

#[component]
pub fn NeedsReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let repo = match crate::components::staff_or_lead::admitted(move || {
        t_string!(i18n, needs_report_title).to_string()
    }) {
        Ok(repo) => repo,
        Err(refused) => return refused,
    };
    let community = documents::community(&repo);
    let ledgers = documents::listings(community, &repo, DocKind::Ledger);
    // The table in the screen's language; the file saved is in Chinese.
    let table = {
        let repo = repo.clone();
        move |en: bool| {
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
                    .map(|c| needs_report::table(c, &held, &words(en)))
                    .unwrap_or_default()
            })
        }
    };
    let rows = {
        let table = table.clone();
        Signal::derive(move || table(labels::english()))
    };
    let file_rows = Signal::derive(move || table(false));
    let count = move || rows.with(|r| r.len().saturating_sub(1));
    let name = move || community.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let stem = Signal::derive(move || {
        crate::browser::files::file_part(&format!(
            "{}{}{}",
            name(),
            td_string!(Locale::zh_CN, needs_report_title),
            documents::today(community.get().as_ref()).iso()
        ))
    });
    view! {
        <section class="sheet" data-report-page="needs">
            <div class="sheet-actions">
                <a class="button button-quiet" href="/reports" data-action="back-to-reports">{t!(i18n, reports_back)}</a>
            </div>
            <header class="sheet-head">
                <h1>{name}" "{t!(i18n, needs_report_title)}</h1>
                <p data-open-needs=count>{move || crate::text::fill(t_string!(i18n, needs_report_count), &[("n", count().to_string())])}</p>
            </header>
            <ReportTable rows=rows report="needs" />
            <ReportActions rows=file_rows stem=stem sheet=td_string!(Locale::zh_CN, needs_report_title) />
        </section>
    }
    .into_any()
}

/// The table's words in the screen's language (`en`) or Chinese.
fn words(en: bool) -> needs_report::Words<'static> {
    let l = labels::locale(en);
    needs_report::Words {
        header: [
            td_string!(l, needs_report_columns.building),
            td_string!(l, needs_report_columns.unit),
            td_string!(l, needs_report_columns.room),
            td_string!(l, needs_report_columns.phone),
            td_string!(l, needs_report_columns.groups),
            td_string!(l, needs_report_columns.kind),
            td_string!(l, needs_report_columns.detail),
            td_string!(l, needs_report_columns.urgency),
            td_string!(l, needs_report_columns.status),
            td_string!(l, needs_report_columns.registered),
        ],
        planned: td_string!(l, needs_report_planned),
        open: td_string!(l, needs_report_open),
        english: en,
    }
}
