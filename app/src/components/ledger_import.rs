//! Bringing a building's households in from a spreadsheet (CSV or XLSX, with
//! a template to start from) and taking the ledger out again. An import
//! checks every row first and shows each problem with its row number; only a
//! file without problems is added, in one change — never half of it.

use leptos::prelude::*;
use linli_shared::{
    model::{ModelError, catalogue::SpecialGroup, household_table, ledger, ledger::HouseholdDraft},
    table::{self, Rows, TableError},
    vocabulary::DocumentId,
};
use wasm_bindgen::JsCast;

use crate::{
    actions, browser::files, context::use_repo, documents, i18n::*, text::labels, text::refusals,
};

/// Reads a chosen file by its content: a workbook, UTF-8 CSV, or the GBK CSV
/// that Excel saves on Chinese Windows (decoded by the browser).
fn drafts_of(
    bytes: &[u8],
) -> Result<Vec<(usize, HouseholdDraft)>, household_table::ImportProblems> {
    let is_zip = bytes.starts_with(b"PK");
    if !is_zip && table::could_be_text(bytes) && std::str::from_utf8(bytes).is_err() {
        let text = web_sys::TextDecoder::new_with_label("gb18030")
            .and_then(|d| d.decode_with_u8_array(bytes))
            .ok();
        if let Some(text) = text {
            let text: String = text;
            let rows: Rows = table::csv::parse(&text)?;
            return household_table::parse(&rows);
        }
    }
    household_table::read(bytes)
}

#[derive(Clone)]
enum Stage {
    Idle,
    /// The file's problems, one line each.
    Problems(Vec<String>),
    /// Checked and ready: the households to add.
    Ready(Vec<(usize, HouseholdDraft)>),
    Done(usize),
}

#[component]
pub fn LedgerImport(ledger_id: Memo<Option<DocumentId>>, building: String) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let stage = RwSignal::new(Stage::Idle);
    let file_name = move || {
        community
            .with(|c| documents::building_name(c.as_ref(), &building))
            .replace(['/', '\\', ' '], "-")
    };
    let template = move |xlsx: bool| {
        let rows = household_table::template();
        let _ = if xlsx {
            files::download(
                &format!("{}.xlsx", td_string!(Locale::zh_CN, export.ledger_template)),
                files::XLSX,
                &table::xlsx::write(
                    td_string!(Locale::zh_CN, export.ledger_template_sheet),
                    &rows,
                ),
            )
        } else {
            files::download(
                &format!("{}.csv", td_string!(Locale::zh_CN, export.ledger_template)),
                files::CSV,
                table::csv::write(&rows).as_bytes(),
            )
        };
    };
    let export = {
        let repo = repo.clone();
        let file_name = file_name.clone();
        move |xlsx: bool| {
            let Some(id) = ledger_id.get_untracked() else {
                return;
            };
            let Some(rows) = repo
                .read(&id, |d| {
                    ledger::read(d).ok().map(|l| household_table::export(&l))
                })
                .flatten()
            else {
                return;
            };
            let day = community
                .with_untracked(|c| documents::today(c.as_ref()))
                .iso();
            let name = format!(
                "{}-{}-{day}",
                file_name(),
                td_string!(Locale::zh_CN, export.ledger)
            );
            let _ = if xlsx {
                files::download(
                    &format!("{name}.xlsx"),
                    files::XLSX,
                    &table::xlsx::write(td_string!(Locale::zh_CN, export.ledger), &rows),
                )
            } else {
                files::download(
                    &format!("{name}.csv"),
                    files::CSV,
                    table::csv::write(&rows).as_bytes(),
                )
            };
        }
    };
    let chosen_repo = repo.clone();
    let chosen = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let en = labels::english_untracked();
        let unreadable = t_string!(i18n, import_unreadable).to_string();
        let repo = chosen_repo.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Some((_, bytes)) = files::chosen(&input).await else {
                return;
            };
            input.set_value("");
            // The same door check the import makes, so a file shown as
            // ready imports.
            let checked = drafts_of(&bytes).and_then(|drafts| {
                let current = ledger_id
                    .get_untracked()
                    .and_then(|id| repo.read(&id, |d| ledger::read(d).ok()).flatten());
                match current {
                    Some(l) => household_table::check_doors(&l, &drafts).map(|()| drafts),
                    None => Ok(drafts),
                }
            });
            let next = match checked {
                Ok(drafts) if drafts.is_empty() => Stage::Problems(vec![unreadable]),
                Ok(drafts) => Stage::Ready(drafts),
                Err(p) => Stage::Problems(problem_lines(&p, en)),
            };
            stage.set(next);
        });
    };
    let confirm = {
        let repo = repo.clone();
        move |_| {
            let Stage::Ready(drafts) = stage.get_untracked() else {
                return;
            };
            let Some(id) = ledger_id.get_untracked() else {
                return;
            };
            let at = documents::now();
            let en = labels::english_untracked();
            let mut problems = None;
            let result = repo.change(&id, |d, actor| {
                match household_table::import(d, actor, at, &drafts) {
                    Ok(ids) => Ok(ids.len()),
                    Err(p) => {
                        problems = Some(problem_lines(&p, en));
                        Err(linli_shared::model::ModelError::Invalid("import".into()))
                    }
                }
            });
            stage.set(match (result, problems) {
                (Ok(n), _) => Stage::Done(n),
                (Err(_), Some(lines)) => Stage::Problems(lines),
                (Err(e), None) => Stage::Problems(vec![actions::said(&e)]),
            });
        }
    };
    let (export_csv, export_xlsx) = (export.clone(), export);
    view! {
        <section class="card">
            <h2>{t!(i18n, import_title)}</h2>
            <p class="muted">{t!(i18n, import_hint)}</p>
            <div class="button-row">
                <button class="button" type="button" data-action="template-csv" on:click=move |_| template(false)>{t!(i18n, import_template_csv)}</button>
                <button class="button" type="button" data-action="template-xlsx" on:click=move |_| template(true)>{t!(i18n, import_template_xlsx)}</button>
            </div>
            <label class="button button-primary button-block file-button">
                {t!(i18n, import_choose)}
                <input type="file" name="import-file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" on:change=chosen />
            </label>
            {move || match stage.get() {
                Stage::Idle => ().into_any(),
                Stage::Problems(lines) => {
                    let n = lines.len();
                    view! {
                    <div class="import-problems" role="alert" data-import-problems=n>
                        <p class="error">{t!(i18n, import_nothing_added)}</p>
                        <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    </div>
                }.into_any()
                }
                Stage::Ready(drafts) => {
                    let n = drafts.len();
                    let confirm = confirm.clone();
                    view! {
                        <div class="import-ready" data-import-ready=n>
                            <p>{crate::text::fill(t_string!(i18n, import_ready), &[("n", n.to_string())])}</p>
                            <button class="button button-primary button-block" type="button" data-action="confirm-import" on:click=confirm>
                                {crate::text::fill(t_string!(i18n, import_confirm), &[("n", n.to_string())])}
                            </button>
                            <button class="button button-quiet button-block" type="button" on:click=move |_| stage.set(Stage::Idle)>{t!(i18n, cancel)}</button>
                        </div>
                    }.into_any()
                }
                Stage::Done(n) => view! {
                    <p class="notice" role="status" data-imported=n>{crate::text::fill(t_string!(i18n, import_done), &[("n", n.to_string())])}</p>
                }.into_any(),
            }}
            <h3>{t!(i18n, export_title)}</h3>
            <div class="button-row">
                <button class="button" type="button" data-action="export-csv" on:click=move |_| export_csv(false)>{t!(i18n, export_csv)}</button>
                <button class="button" type="button" data-action="export-xlsx" on:click=move |_| export_xlsx(true)>{t!(i18n, export_xlsx)}</button>
            </div>
        </section>
    }
}

/// Every problem of an import, one line each, in the screen's language.
fn problem_lines(p: &household_table::ImportProblems, en: bool) -> Vec<String> {
    use household_table::ImportProblems;
    let l = labels::locale(en);
    match p {
        ImportProblems::Empty => vec![td_string!(l, import_problem.empty).to_owned()],
        ImportProblems::MissingColumns(columns) => columns
            .iter()
            .map(|c| {
                // An English screen names the column as the English headers
                // the import also reads, with the template's Chinese one.
                let column = household_table::COLUMNS
                    .iter()
                    .find(|(zh, _)| zh == c)
                    .and_then(|(_, en_names)| en_names.first())
                    .filter(|_| en)
                    .map_or_else(|| (*c).to_owned(), |name| format!("{name} ({c})"));
                crate::text::fill(
                    td_string!(l, import_problem.missing_column),
                    &[("column", column)],
                )
            })
            .collect(),
        ImportProblems::TooManyRows => vec![crate::text::fill(
            td_string!(l, import_problem.too_many_rows),
            &[("n", household_table::MAX_ROWS.to_string())],
        )],
        ImportProblems::Unreadable(e) => vec![table_error(e, en)],
        ImportProblems::Rows(rows) => rows
            .iter()
            .map(|r| {
                crate::text::fill(
                    td_string!(l, import_problem.row),
                    &[
                        ("row", r.row.to_string()),
                        ("problem", row_problem(&r.problem, en)),
                    ],
                )
            })
            .collect(),
        ImportProblems::Model(e) if matches!(**e, ModelError::NotPermitted(_)) => {
            vec![td_string!(l, import_problem.not_permitted).to_owned()]
        }
        ImportProblems::Model(e) => vec![crate::text::fill(
            td_string!(l, import_problem.failed),
            &[("reason", refusals::explain(e, en))],
        )],
    }
}

/// What is wrong with one row of an import.
fn row_problem(p: &household_table::Problem, en: bool) -> String {
    use household_table::Problem;
    let l = labels::locale(en);
    let value = |key: &str, v: &str| crate::text::fill(key, &[("value", v.to_owned())]);
    match p {
        Problem::MissingUnit => td_string!(l, import_problem.missing_unit).to_owned(),
        Problem::MissingRoom => td_string!(l, import_problem.missing_room).to_owned(),
        Problem::MissingSize => td_string!(l, import_problem.missing_size).to_owned(),
        Problem::BadSize(s) => value(td_string!(l, import_problem.bad_size), s),
        Problem::BadPhone(s) => value(td_string!(l, import_problem.bad_phone), s),
        Problem::UnknownGroup(s) => {
            let known: Vec<&str> = SpecialGroup::ALL
                .iter()
                .map(|g| labels::group(*g, en))
                .collect();
            crate::text::fill(
                td_string!(l, import_problem.unknown_group),
                &[
                    ("value", s.clone()),
                    ("known", known.join(labels::list_separator(en))),
                ],
            )
        }
        Problem::DuplicateDoor { first_row } => crate::text::fill(
            td_string!(l, import_problem.duplicate_door),
            &[("row", first_row.to_string())],
        ),
        Problem::AlreadyInLedger => td_string!(l, import_problem.already_in_ledger).to_owned(),
    }
}

/// Why a file could not be read as a table.
fn table_error(e: &TableError, en: bool) -> String {
    let l = labels::locale(en);
    match e {
        TableError::Unreadable => td_string!(l, table_error.unreadable).to_owned(),
        TableError::OldExcel => td_string!(l, table_error.old_excel).to_owned(),
        TableError::NotZip => td_string!(l, table_error.not_zip).to_owned(),
        TableError::Corrupt(_) | TableError::BadXml { .. } => {
            td_string!(l, table_error.corrupt).to_owned()
        }
        TableError::Unsupported(_) => td_string!(l, table_error.unsupported).to_owned(),
        TableError::NoWorksheet => td_string!(l, table_error.no_worksheet).to_owned(),
        TableError::TooLarge(_) => td_string!(l, table_error.too_large).to_owned(),
        TableError::TooManyRows(n) => crate::text::fill(
            td_string!(l, table_error.too_many_rows),
            &[("n", n.to_string())],
        ),
        TableError::UnterminatedQuote { line } => crate::text::fill(
            td_string!(l, table_error.unterminated_quote),
            &[("line", line.to_string())],
        ),
    }
}
