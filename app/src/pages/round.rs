//! Running a delivery round at the doors: stops grouped by unit and floor,
//! one tap for delivered or no answer, undo of one's own last record, a
//! progress bar. What each stop shows is derived from everyone's events by
//! the model's rules, so two volunteers who both delivered to one door
//! offline see it flagged as a duplicate once their phones meet.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use linli_shared::{
    model::{
        round::{self, Details, Outcome},
        stop_status::{self, StopState},
    },
    sync::document_id::DocumentId,
};

use crate::{app::use_repo, i18n::*, reading};

#[component]
pub fn RoundPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let Some(id) = params
        .with_untracked(|p| p.get("id"))
        .and_then(|s| s.parse::<DocumentId>().ok())
    else {
        return view! { <p class="error">{t!(i18n, round_missing)}</p> }.into_any();
    };
    repo.open(id);
    let community = reading::community(&repo);
    let round = reading::round(&repo, id);
    let me = repo.session().device;
    let error = RwSignal::new(None::<String>);
    let record = {
        let repo = repo.clone();
        move |stop: String, outcome: Outcome| {
            let at = reading::now();
            let result = repo.change(&id, |d, actor| {
                round::record(d, actor, at, &stop, outcome, &Details::default())
            });
            error.set(
                result
                    .err()
                    .map(|e| format!("{} ({e})", t_string!(i18n, action_failed))),
            );
        }
    };
    let undo = {
        let repo = repo.clone();
        move |event: String| {
            let at = reading::now();
            let result = repo.change(&id, |d, actor| round::undo(d, actor, at, &event));
            error.set(
                result
                    .err()
                    .map(|e| format!("{} ({e})", t_string!(i18n, action_failed))),
            );
        }
    };
    let view_round = move || {
        let Some(r) = round.get() else {
            return view! { <section class="card"><p class="notice" data-round-state="missing">{t!(i18n, round_not_here_long)}</p></section> }.into_any();
        };
        let summary = r.summary();
        let statuses = stop_status::all(&r);
        let active = stop_status::active_events(&r);
        let c = community.get();
        let percent = (summary.done * 100).checked_div(summary.stops).unwrap_or(0);
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, s) in r.stops.iter().enumerate() {
            match groups.iter_mut().find(|(u, _)| *u == s.unit) {
                Some((_, v)) => v.push(i),
                None => groups.push((s.unit.clone(), vec![i])),
            }
        }
        let groups_view = groups
            .into_iter()
            .map(|(unit, idx)| {
                let header = if unit.is_empty() { t_string!(i18n, round_no_unit).to_string() } else { unit };
                let rows = idx
                    .into_iter()
                    .map(|i| {
                        let stop = r.stops[i].clone();
                        let st = statuses[i].clone();
                        let mine = active
                            .iter()
                            .rev()
                            .find(|e| e.stop == stop.id && e.by == me)
                            .map(|e| e.id.clone());
                        let (state, label) = match &st.state {
                            StopState::Pending => ("pending", t_string!(i18n, stop_pending).to_string()),
                            StopState::Done(_) => ("done", t_string!(i18n, stop_delivered).to_string()),
                            StopState::Attempted(Outcome::NoAnswer) => ("attempted", t_string!(i18n, stop_no_answer).to_string()),
                            StopState::Attempted(Outcome::Refused) => ("attempted", t_string!(i18n, stop_refused).to_string()),
                            StopState::Attempted(_) => ("attempted", t_string!(i18n, stop_problem).to_string()),
                        };
                        let by = st
                            .done_by
                            .iter()
                            .map(|p| reading::person_name(c.as_ref(), p))
                            .collect::<Vec<_>>()
                            .join("、");
                        let duplicate = st.duplicate;
                        let (r1, r2) = (record.clone(), record.clone());
                        let (s1, s2) = (stop.id.clone(), stop.id.clone());
                        let undo = undo.clone();
                        view! {
                            <li class="stop" data-stop=stop.label.clone() data-state=state data-duplicate=duplicate.to_string()>
                                <div class="stop-head">
                                    <span class="stop-label">{stop.label.clone()}</span>
                                    <span class=format!("badge badge-{state}")>{label}</span>
                                </div>
                                {(!stop.items.is_empty()).then(|| view! { <p class="items">{stop.items.join("、")}</p> })}
                                {duplicate.then(|| view! {
                                    <p class="flag" role="note">{crate::fill(t_string!(i18n, stop_duplicate), &[("by", (by.clone()).to_string())]).to_string()}</p>
                                })}
                                {(!duplicate && !by.is_empty()).then(|| view! { <p class="muted">{crate::fill(t_string!(i18n, stop_done_by), &[("by", (by.clone()).to_string())]).to_string()}</p> })}
                                <div class="stop-actions">
                                    <button class="button button-primary" type="button" data-action="delivered"
                                        on:click=move |_| r1(s1.clone(), Outcome::Delivered)>
                                        {t!(i18n, action_delivered)}
                                    </button>
                                    <button class="button" type="button" data-action="no-answer"
                                        on:click=move |_| r2(s2.clone(), Outcome::NoAnswer)>
                                        {t!(i18n, action_no_answer)}
                                    </button>
                                    {mine.map(|event| view! {
                                        <button class="button button-quiet" type="button" data-action="undo"
                                            on:click=move |_| undo(event.clone())>
                                            {t!(i18n, action_undo)}
                                        </button>
                                    })}
                                </div>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <h2 class="unit">{header}</h2>
                    <ul class="list stops">{rows}</ul>
                }
            })
            .collect_view();
        let building = reading::building_name(c.as_ref(), &r.building);
        view! {
            <section class="card">
                <h1 data-round-title>{r.title.clone()}</h1>
                <p class="muted">{r.date.clone()} " · " {building}</p>
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent>
                    <div class="progress-bar" style=format!("width: {percent}%")></div>
                </div>
                <p data-progress=format!("{}/{}", summary.done, summary.stops)>
                    {crate::fill(t_string!(i18n, round_progress), &[("done", (summary.done).to_string()), ("total", (summary.stops).to_string())]).to_string()}
                    {(summary.duplicates > 0).then(|| view! {
                        " · " <span class="flag" data-duplicates=summary.duplicates>{crate::fill(t_string!(i18n, round_duplicates), &[("n", (summary.duplicates).to_string())]).to_string()}</span>
                    })}
                </p>
            </section>
            <section class="card">{groups_view}</section>
        }
        .into_any()
    };
    view! {
        {view_round}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
    .into_any()
}
