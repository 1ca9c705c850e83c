//! A round on paper, for a volunteer without a phone: the doors (or points)
//! per unit in the round's order, a box for each outcome the round records,
//! and room for notes. What phones have already recorded is printed ticked,
//! so a half-done round can be handed over. A checkpoint shift prints a blank
//! entry/exit log instead.
//!
//! On screen it is a plain page with a back link and a print button; the
//! print style sheet drops the app's frame and prints black on white, A4.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linli_shared::model::{
    community::Community,
    round::{Outcome, Round, RoundKind, Stop},
    stop_status::{self, StopState, StopStatus},
};

use crate::{components::time::clock_time, context::use_repo, documents, i18n::*, text::labels};

/// Empty rows on a checkpoint shift's log.
const LOG_ROWS: usize = 25;

/// The outcomes a round of this kind records, one column each, "problem"
/// last (after the disinfection boxes).
fn columns(kind: RoundKind) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = Outcome::ALL
        .iter()
        .copied()
        .filter(|o| *o != Outcome::Undo && kind.accepts(*o))
        .collect();
    out.sort_by_key(|o| *o == Outcome::Problem);
    out
}

/// How many boxes a stop gets under an outcome: one, except disinfection,
/// which gets one per time the point must be done each day.
fn boxes(kind: RoundKind, stop: &Stop, o: Outcome) -> usize {
    if kind == RoundKind::Disinfection && o == Outcome::Disinfected {
        stop.times_per_day.max(1) as usize
    } else {
        1
    }
}

/// How many of those boxes are printed ticked: the outcome the stop shows
/// now (by the model's rules), every disinfection done, and any problem
/// recorded (it stays the lead's business even when the stop is done).
fn ticks(
    kind: RoundKind,
    status: &StopStatus,
    recorded: &BTreeSet<Outcome>,
    o: Outcome,
    boxes: usize,
) -> usize {
    if kind == RoundKind::Disinfection && o == Outcome::Disinfected {
        return status.done_times.len().min(boxes);
    }
    let shown = match status.state {
        StopState::Done(s) | StopState::Attempted(s) => s == o,
        StopState::Pending => false,
    };
    usize::from(shown || (stop_status::needs_attention(o) && recorded.contains(&o)))
}

/// Stops grouped by unit, units in the order they first come in the round,
/// stops in the round's order.
fn by_unit(round: &Round) -> Vec<(String, Vec<usize>)> {
    let mut order: Vec<usize> = (0..round.stops.len()).collect();
    order.sort_by_key(|i| (round.stops[*i].order, round.stops[*i].id.clone()));
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for i in order {
        let unit = round.stops[i].unit.trim().to_owned();
        match groups.iter_mut().find(|(u, _)| *u == unit) {
            Some((_, list)) => list.push(i),
            None => groups.push((unit, vec![i])),
        }
    }
    groups
}

#[component]
pub fn RoundSheetPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let Some(id) = crate::context::document_param() else {
        return view! { <p class="error">{t!(i18n, sheet_missing)}</p> }.into_any();
    };
    repo.open(id);
    let community = documents::community(&repo);
    let round = documents::round(&repo, id);
    let print = move |_| {
        let _ = window().print();
    };
    let sheet = move || {
        let Some(r) = round.get() else {
            return view! { <p class="notice" data-sheet-state="missing">{t!(i18n, sheet_not_here)}</p> }
                .into_any();
        };
        // Built here, inside the reactive closure, so the sheet follows the
        // round and the language switch.
        sheet_body(i18n, &r, community.get().as_ref())
    };
    view! {
        <section class="sheet" data-sheet=id.to_string()>
            <div class="sheet-actions">
                <a class="button button-quiet" href=format!("/round/{id}") data-action="back-to-round">
                    {t!(i18n, sheet_back)}
                </a>
                <button class="button button-primary" type="button" data-action="print" on:click=print>
                    {t!(i18n, sheet_print)}
                </button>
            </div>
            {sheet}
        </section>
    }
    .into_any()
}

fn sheet_body(i18n: I18n, round: &Round, c: Option<&Community>) -> AnyView {
    let kind = round.round_kind;
    let kind_name = kind_label(i18n, kind);
    let building = documents::building_name(c, &round.building);
    let people = round
        .assignees()
        .into_iter()
        .map(|p| documents::person_name(c, p))
        .collect::<Vec<_>>();
    let people = if people.is_empty() {
        t_string!(i18n, sheet_nobody).to_string()
    } else {
        people.join(labels::list_separator(labels::english()))
    };
    let printed = crate::text::fill(
        t_string!(i18n, sheet_printed_at),
        &[("time", clock_time(documents::now() as f64))],
    );
    let body = if kind.has_stops() {
        stop_tables(i18n, round)
    } else {
        checkpoint_log(i18n, round)
    };
    view! {
        <header class="sheet-head">
            <h1 data-sheet-title>{round.title.clone()}</h1>
            <dl class="sheet-facts">
                <dt>{t!(i18n, sheet_kind)}</dt>
                <dd data-kind=kind.as_str()>{kind_name}</dd>
                <dt>{t!(i18n, sheet_date)}</dt>
                <dd>{round.date.clone()}</dd>
                <dt>{t!(i18n, sheet_building)}</dt>
                <dd>{building}</dd>
                <dt>{t!(i18n, sheet_volunteers)}</dt>
                <dd data-sheet-volunteers>{people}</dd>
            </dl>
            <p class="sheet-hint">{printed} " · " {t!(i18n, sheet_hint)}</p>
        </header>
        {body}
        <div class="sheet-sign">
            <span>{t!(i18n, sheet_handed_over_by)} "：" <span class="sheet-blank"></span></span>
            <span>{t!(i18n, sheet_taken_over_by)} "：" <span class="sheet-blank"></span></span>
        </div>
    }
    .into_any()
}

type I18n = leptos_i18n::I18nContext<Locale>;

fn kind_label(i18n: I18n, kind: RoundKind) -> String {
    labels::round_kind(kind, i18n.get_locale() == Locale::en).to_owned()
}

fn outcome_label(i18n: I18n, o: Outcome) -> String {
    labels::outcome(o, i18n.get_locale() == Locale::en).to_owned()
}

/// One table per unit: label, items, a box per outcome, notes.
fn stop_tables(i18n: I18n, round: &Round) -> AnyView {
    let kind = round.round_kind;
    let outcomes = columns(kind);
    let statuses = stop_status::all(round);
    let active = stop_status::active_events(round);
    let with_items = kind == RoundKind::Delivery || round.stops.iter().any(|s| !s.items.is_empty());
    let points = matches!(kind, RoundKind::Disinfection | RoundKind::Patrol);
    let label_header = if points {
        t_string!(i18n, sheet_col_point)
    } else {
        t_string!(i18n, sheet_col_door)
    };
    if round.stops.is_empty() {
        return view! { <p class="muted">{t!(i18n, sheet_no_stops)}</p> }.into_any();
    }
    let groups = by_unit(round);
    let several = groups.len() > 1;
    groups
        .into_iter()
        .map(|(unit, idx)| {
            let heading = match (unit.is_empty(), several) {
                (false, _) => Some(unit.clone()),
                (true, true) => Some(t_string!(i18n, sheet_no_unit).to_string()),
                (true, false) => None,
            };
            let head_cells = outcomes
                .iter()
                .map(|o| {
                    view! { <th class="sheet-col-tick" data-outcome=o.as_str()>{outcome_label(i18n, *o)}</th> }
                })
                .collect_view();
            let rows = idx
                .into_iter()
                .map(|i| {
                    let stop = &round.stops[i];
                    let status = &statuses[i];
                    let recorded: BTreeSet<Outcome> = active
                        .iter()
                        .filter(|e| e.stop == stop.id)
                        .map(|e| e.outcome)
                        .collect();
                    let state = match status.state {
                        StopState::Pending => "pending",
                        StopState::Attempted(_) => "attempted",
                        StopState::Done(_) => "done",
                    };
                    let cells = outcomes
                        .iter()
                        .map(|o| {
                            let n = boxes(kind, stop, *o);
                            let ticked = ticks(kind, status, &recorded, *o, n);
                            let marks = (0..n)
                                .map(|b| {
                                    let on = b < ticked;
                                    view! {
                                        <span class="tick" data-outcome=o.as_str() data-ticked=on.to_string()>
                                            {if on { "✓" } else { "" }}
                                        </span>
                                    }
                                })
                                .collect_view();
                            view! { <td class="sheet-tick-cell">{marks}</td> }
                        })
                        .collect_view();
                    let items = with_items.then(|| {
                        view! { <td class="sheet-items">{stop.items.join(labels::list_separator(labels::english()))}</td> }
                    });
                    view! {
                        <tr data-stop=stop.label.clone() data-state=state>
                            <th scope="row" class="sheet-label">{stop.label.clone()}</th>
                            {items}
                            {cells}
                            <td class="sheet-note">{status.last_note.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="sheet-unit">
                    {heading.map(|h| view! { <h2 class="sheet-unit-title">{h}</h2> })}
                    <table class="sheet-table">
                        <thead>
                            <tr>
                                <th class="sheet-label">{label_header}</th>
                                {with_items.then(|| view! { <th class="sheet-items">{t!(i18n, sheet_col_items)}</th> })}
                                {head_cells}
                                <th class="sheet-note">{t!(i18n, sheet_col_note)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })
        .collect_view()
        .into_any()
}

/// A checkpoint shift: a blank log to fill in by hand.
fn checkpoint_log(i18n: I18n, round: &Round) -> AnyView {
    let s = round.summary();
    let so_far = (s.entries + s.exits > 0).then(|| {
        crate::text::fill(
            t_string!(i18n, sheet_checkpoint_so_far),
            &[
                ("in", s.people_in.to_string()),
                ("out", s.people_out.to_string()),
            ],
        )
    });
    let entry = outcome_label(i18n, Outcome::Entry);
    let exit = outcome_label(i18n, Outcome::Exit);
    let rows = (0..LOG_ROWS)
        .map(|n| {
            view! {
                <tr class="sheet-log-row" data-log-row=n>
                    <td class="sheet-log-time"></td>
                    <td class="sheet-log-way">"□" {entry.clone()} " □" {exit.clone()}</td>
                    <td class="sheet-log-people"></td>
                    <td class="sheet-log-box">"□"</td>
                    <td class="sheet-log-box">"□"</td>
                    <td class="sheet-note"></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {so_far.map(|t| view! { <p class="sheet-hint" data-sheet-so-far>{t}</p> })}
        <div class="sheet-unit">
            <table class="sheet-table sheet-log">
                <thead>
                    <tr>
                        <th>{t!(i18n, sheet_log_time)}</th>
                        <th>{t!(i18n, sheet_log_way)}</th>
                        <th>{t!(i18n, sheet_log_people)}</th>
                        <th>{t!(i18n, sheet_log_temperature)}</th>
                        <th>{t!(i18n, sheet_log_code)}</th>
                        <th class="sheet-note">{t!(i18n, sheet_log_reason)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
