//! A round at a glance for its lead and staff: done, missed, problems with
//! their notes, duplicates; coverage per unit and the households not reached
//! yet (the people a welfare check found needing help are among the
//! problems; `welfare_needs` turns each into a need in the ledger).

use leptos::prelude::*;
use linli_shared::model::{
    field_work,
    round::{Round, RoundKind},
    stop_status::{self, StopState},
};

use crate::{i18n::*, text::labels};

#[component]
pub fn RoundSummary(round: Round) -> impl IntoView {
    let i18n = use_i18n();
    let en = labels::english_untracked();
    let s = round.summary();
    let statuses = stop_status::all(&round);
    let problems: Vec<(String, String, String)> = round
        .stops
        .iter()
        .zip(&statuses)
        .filter(|(_, st)| st.needs_attention)
        .map(|(stop, st)| {
            let label = match &st.state {
                StopState::Done(o) | StopState::Attempted(o) => labels::outcome(*o, en).to_owned(),
                StopState::Pending => String::new(),
            };
            (stop.label.clone(), label, st.last_note.clone())
        })
        .collect();
    let units = field_work::by_unit(&round);
    let missing: Vec<String> = field_work::not_done(&round)
        .into_iter()
        .map(|i| round.stops[i].label.clone())
        .collect();
    let coverage = matches!(
        round.round_kind,
        RoundKind::TestingNotice | RoundKind::TestingRegistration | RoundKind::WelfareCheck
    );

    view! {
        <section class="card summary" data-summary=format!("{}/{}/{}", s.done, s.attempted, s.needs_attention)>
            <h2>{t!(i18n, summary_title)}</h2>
            <div class="figures">
                <div class="figure"><span class="n" data-figure="done">{s.done}</span><span>{t!(i18n, summary_done)}</span></div>
                <div class="figure"><span class="n" data-figure="missed">{s.attempted}</span><span>{t!(i18n, summary_missed)}</span></div>
                <div class="figure"><span class="n" data-figure="pending">{s.pending}</span><span>{t!(i18n, summary_pending)}</span></div>
                <div class="figure"><span class="n" data-figure="problems">{s.needs_attention}</span><span>{t!(i18n, summary_problems)}</span></div>
            </div>
            {(s.duplicates > 0).then(|| view! { <p class="flag">{crate::text::fill(t_string!(i18n, round_duplicates), &[("n", s.duplicates.to_string())])}</p> })}
            {(!problems.is_empty()).then(|| view! {
                <h3>{t!(i18n, summary_problem_list)}</h3>
                <ul class="list problems">
                    {problems.into_iter().map(|(door, what, note)| view! {
                        <li data-problem=door.clone()><strong>{door.clone()}</strong> " · " {what} {(!note.is_empty()).then(|| view! { <p class="note">{note}</p> })}</li>
                    }).collect_view()}
                </ul>
            })}
            {coverage.then(|| view! {
                <h3>{t!(i18n, summary_by_unit)}</h3>
                <table class="counts">
                    <thead><tr><th>{t!(i18n, summary_unit)}</th><th>{t!(i18n, summary_done)}</th><th>{t!(i18n, summary_missed)}</th><th>{t!(i18n, summary_total)}</th></tr></thead>
                    <tbody>
                        {units.into_iter().map(|u| view! {
                            <tr data-unit-count=format!("{}:{}/{}", u.unit, u.done, u.total)>
                                <td>{if u.unit.is_empty() { "—".to_owned() } else { u.unit.clone() }}</td>
                                <td>{u.done}</td><td>{u.attempted}</td><td>{u.total}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <h3>{t!(i18n, summary_not_reached)}</h3>
                {if missing.is_empty() {
                    view! { <p class="muted" data-not-reached="0">{t!(i18n, summary_everyone_reached)}</p> }.into_any()
                } else {
                    view! { <p data-not-reached=missing.len()>{missing.join(labels::list_separator(labels::english()))}</p> }.into_any()
                }}
            })}
        </section>
    }
}
