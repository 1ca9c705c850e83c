//! A report as people take it away: the table on screen (scrolling sideways
//! on a phone), printed black on white on A4, or saved as CSV (UTF-8 with
//! BOM, so Excel and WPS show Chinese) or XLSX — the same rows every way.

use leptos::prelude::*;
use linli_shared::table::{self, Rows};

use crate::{browser::files, i18n::*};

/// The rows as a table: the first row is the header; with `total`, the last
/// row is the total line.
#[component]
pub fn ReportTable(
    rows: Signal<Rows>,
    #[prop(into)] report: String,
    #[prop(optional)] total: bool,
) -> impl IntoView {
    let header = move || rows.with(|r| r.first().cloned().unwrap_or_default());
    let body = move || {
        rows.with(|r| {
            let last = r.len().saturating_sub(2);
            r.iter()
                .skip(1)
                .cloned()
                .enumerate()
                .map(|(i, row)| (i, total && i == last, row))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="report-scroll">
            <table class="sheet-table report-table" data-report=report>
                <thead>
                    <tr>{move || header().into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    <For
                        each=body
                        key=|(i, total, row)| (*i, *total, row.clone())
                        children=|(_, total, row)| {
                            view! {
                                <tr class:total=total>
                                    {row.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </div>
    }
}

/// Print, CSV and Excel buttons for a report; `stem` names the files.
#[component]
pub fn ReportActions(
    rows: Signal<Rows>,
    stem: Signal<String>,
    #[prop(into)] sheet: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let said = RwSignal::new(None::<(bool, String)>);
    let export = move |xlsx: bool| {
        let rows = rows.get_untracked();
        if rows.len() <= 1 {
            said.set(Some((false, t_string!(i18n, report_empty).to_string())));
            return;
        }
        let stem = stem.get_untracked();
        let result = if xlsx {
            files::download(
                &format!("{stem}.xlsx"),
                files::XLSX,
                &table::xlsx::write(&sheet, &rows),
            )
        } else {
            files::download(
                &format!("{stem}.csv"),
                files::CSV,
                table::csv::write(&rows).as_bytes(),
            )
        };
        said.set(Some(match result {
            Ok(()) => (true, t_string!(i18n, report_saved).to_string()),
            Err(_) => (false, t_string!(i18n, report_save_failed).to_string()),
        }));
    };
    let export_xlsx = export.clone();
    view! {
        <div class="sheet-actions report-actions">
            <button class="button button-primary" type="button" data-action="print" on:click=move |_| {
                let _ = window().print();
            }>{t!(i18n, sheet_print)}</button>
            <button class="button" type="button" data-action="export-csv" on:click=move |_| export(false)>
                {t!(i18n, report_csv)}
            </button>
            <button class="button" type="button" data-action="export-xlsx" on:click=move |_| export_xlsx(true)>
                {t!(i18n, report_xlsx)}
            </button>
        </div>
        {move || said.get().map(|(ok, text)| view! {
            <p class=if ok { "notice" } else { "error" } role="status" data-report-said=ok.to_string()>{text}</p>
        })}
    }
}
