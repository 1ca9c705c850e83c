//! Running a round in the field, for every kind: stops grouped by unit and
//! floor, one tap per outcome the kind accepts (a note first for problems,
//! refusals, incidents and people needing help), undo of one's own last
//! record, a progress bar, who else is working which unit right now, and for
//! leads and staff the round's summary. A checkpoint shift is a log instead
//! of stops. What each stop shows is derived from everyone's events by the
//! model's rules, so records made offline on several phones merge.

use leptos::prelude::*;
use linli_shared::model::{
    Role,
    civil::Day,
    field_work,
    round::{Details, Outcome, Round, RoundKind},
    stop_status::{self, StopState, StopStatus},
};

use crate::{
    actions,
    components::{CheckpointLog, RoundSummary, time::clock_time},
    context::use_repo,
    documents,
    i18n::*,
    repo::now_ms,
    text::labels,
};

/// How long a "working here" signal stays on screen.
const PRESENCE_FRESH_MS: f64 = 90_000.0;

/// A note being written before an outcome is recorded.
#[derive(Clone, PartialEq)]
struct Pending {
    stop: String,
    outcome: Outcome,
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let Some(id) = crate::context::document_param() else {
        return view! { <p class="error">{t!(i18n, round_missing)}</p> }.into_any();
    };
    repo.open(id);
    let community = documents::community(&repo);
    let round = documents::round(&repo, id);
    let session = repo.session();
    let me = session.device.clone();
    let manager = session.role != Role::Volunteer;
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(None::<Pending>);
    let note = RwSignal::new(String::new());
    let method = RwSignal::new(String::new());
    let my_unit = RwSignal::new(None::<String>);
    let clock = RwSignal::new(now_ms());

    // Tell the others where this person works, again while the page is open.
    {
        let repo1 = repo.clone();
        Effect::new(move |_| {
            if let Some(unit) = my_unit.get() {
                repo1.announce_presence(&id, &unit);
            }
        });
        let repo2 = repo.clone();
        let handle = set_interval_with_handle(
            move || {
                clock.set(now_ms());
                if let Some(unit) = my_unit.get_untracked() {
                    repo2.announce_presence(&id, &unit);
                }
            },
            std::time::Duration::from_secs(30),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    }
    let presence = {
        let repo = repo.clone();
        Memo::new(move |_| {
            let now = clock.get().max(now_ms());
            repo.signals.presence.with(|all| {
                all.get(&id)
                    .map(|m| {
                        m.values()
                            .filter(|p| now - p.heard < PRESENCE_FRESH_MS)
                            .map(|p| (p.person.clone(), p.place.clone()))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    };

    let tap = {
        let repo = repo.clone();
        move |stop: String, unit: String, outcome: Outcome| {
            if my_unit.get_untracked().as_deref() != Some(unit.as_str()) && !unit.is_empty() {
                my_unit.set(Some(unit));
            }
            if labels::wants_note(outcome) {
                note.set(String::new());
                pending.set(Some(Pending { stop, outcome }));
                return;
            }
            let details = Details {
                method: method.get_untracked(),
                ..Details::default()
            };
            error.set(actions::round::record(&repo, &id, &stop, outcome, &details));
        }
    };
    let confirm_note = {
        let repo = repo.clone();
        move || {
            let Some(p) = pending.get_untracked() else {
                return;
            };
            let text = note.get_untracked();
            if text.trim().is_empty() {
                error.set(Some(t_string!(i18n, round_note_needed).to_string()));
                return;
            }
            let details = Details {
                note: text,
                method: method.get_untracked(),
                ..Details::default()
            };
            error.set(actions::round::record(
                &repo, &id, &p.stop, p.outcome, &details,
            ));
            pending.set(None);
        }
    };
    let undo = {
        let repo = repo.clone();
        move |event: String| error.set(actions::round::undo(&repo, &id, &event))
    };

    let view_round = move || {
        let Some(r) = round.get() else {
            return view! { <section class="card"><p class="notice" data-round-state="missing">{t!(i18n, round_not_here_long)}</p></section> }.into_any();
        };
        let en = labels::english();
        let summary = r.summary();
        let c = community.get();
        let building = documents::building_name(c.as_ref(), &r.building);
        let percent = (summary.done * 100).checked_div(summary.stops).unwrap_or(0);
        let kind = r.round_kind;
        let head = view! {
            <section class="card">
                <p class="kind" data-round-kind=kind.as_str()>{labels::round_kind(kind, en)}</p>
                <h1 data-round-title>{r.title.clone()}</h1>
                <p class="muted">{r.date.clone()} " · " {building}</p>
                {kind.has_stops().then(|| view! {
                    <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent>
                        <div class="progress-bar" style=format!("width: {percent}%")></div>
                    </div>
                    <p data-progress=format!("{}/{}", summary.done, summary.stops)>
                        {crate::text::fill(t_string!(i18n, round_progress), &[("done", summary.done.to_string()), ("total", summary.stops.to_string())])}
                        {(summary.duplicates > 0).then(|| view! {
                            " · " <span class="flag" data-duplicates=summary.duplicates>{crate::text::fill(t_string!(i18n, round_duplicates), &[("n", summary.duplicates.to_string())])}</span>
                        })}
                    </p>
                })}
                {(kind == RoundKind::Delivery).then(|| view! { <p class="hint">{t!(i18n, round_contactless)}</p> })}
                <a class="button button-quiet" href=format!("/round/{id}/print") data-action="print-sheet">{t!(i18n, round_print)}</a>
            </section>
        };
        if kind == RoundKind::CheckpointShift {
            return view! { {head} <CheckpointLog id=id /> }.into_any();
        }
        let methods: &[&str] = match kind {
            RoundKind::TestingNotice => labels::NOTICE_METHODS,
            RoundKind::WelfareCheck => labels::WELFARE_METHODS,
            _ => &[],
        };
        let method_picker = (!methods.is_empty()).then(|| {
            if method.get_untracked().is_empty() || !methods.contains(&method.get_untracked().as_str()) {
                method.set(methods[0].to_owned());
            }
            view! {
                <section class="card">
                    <label for="round-method">{t!(i18n, round_method)}</label>
                    <select id="round-method" name="round-method" on:change=move |ev| method.set(event_target_value(&ev))>
                        {methods.iter().map(|m| view! { <option value=*m selected=method.get_untracked() == *m>{labels::method(m, en)}</option> }).collect_view()}
                    </select>
                </section>
            }
        });
        let stops = stops_view(
            &r,
            &me,
            c.as_ref(),
            presence.get(),
            my_unit,
            pending,
            note,
            tap.clone(),
            confirm_note.clone(),
            undo.clone(),
            clock.get(),
        );
        view! {
            {head}
            {manager.then(|| view! { <RoundSummary round=r.clone() /> })}
            {method_picker}
            {stops}
        }
        .into_any()
    };
    view! {
        {view_round}
        {move || error.get().map(|e| view! { <p class="error sticky-error" role="alert">{e}</p> })}
    }
    .into_any()
}

/// Stops by unit, then floor, each with its buttons.
#[allow(clippy::too_many_arguments)]
fn stops_view<T, C, U>(
    r: &Round,
    me: &str,
    c: Option<&linli_shared::model::community::Community>,
    presence: Vec<(String, String)>,
    my_unit: RwSignal<Option<String>>,
    pending: RwSignal<Option<Pending>>,
    note: RwSignal<String>,
    tap: T,
    confirm_note: C,
    undo: U,
    now: f64,
) -> impl IntoView + use<T, C, U>
where
    T: Fn(String, String, Outcome) + Clone + Send + Sync + 'static,
    C: Fn() + Clone + Send + Sync + 'static,
    U: Fn(String) + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let en = labels::english_untracked();
    let kind = r.round_kind;
    let statuses = stop_status::all(r);
    let active = stop_status::active_events(r);
    let offset = c.map_or(linli_shared::model::civil::BEIJING_OFFSET_MINUTES, |c| {
        c.utc_offset_minutes
    });
    let today = Day::of(now as i64, offset);
    let minute = field_work::minute_of_day(now as i64, offset);
    let round_day = Day::parse(&r.date).unwrap_or(today);
    // Units in planned order; floors within a unit ascending.
    let mut units: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, s) in r.stops.iter().enumerate() {
        match units.iter_mut().find(|(u, _)| *u == s.unit) {
            Some((_, v)) => v.push(i),
            None => units.push((s.unit.clone(), vec![i])),
        }
    }
    let outcomes = labels::outcomes(kind);
    units
        .into_iter()
        .map(|(unit, mut idx)| {
            idx.sort_by_key(|i| (r.stops[*i].floor, r.stops[*i].order));
            let header = match (unit.is_empty(), kind) {
                (false, _) => unit.clone(),
                (true, RoundKind::Disinfection) => t_string!(i18n, round_points).to_string(),
                (true, RoundKind::Patrol) => t_string!(i18n, round_checkpoints).to_string(),
                (true, _) => t_string!(i18n, round_no_unit).to_string(),
            };
            let has_unit = !unit.is_empty();
            let here: Vec<String> = presence
                .iter()
                .filter(|(_, place)| *place == unit)
                .map(|(p, _)| documents::person_name(c, p))
                .collect();
            let claim_unit = unit.clone();
            let mine = move || my_unit.get().as_deref() == Some(claim_unit.as_str());
            let claim = {
                let unit = unit.clone();
                move |_| my_unit.set(Some(unit.clone()))
            };
            let mut floor_seen = i64::MIN;
            let rows = idx
                .into_iter()
                .map(|i| {
                    let stop = r.stops[i].clone();
                    let st: StopStatus = statuses[i].clone();
                    let floor_header = (stop.floor != 0 && stop.floor != floor_seen).then(|| {
                        view! { <li class="floor" aria-hidden="true">{crate::text::fill(t_string!(i18n, round_floor), &[("n", stop.floor.to_string())])}</li> }
                    });
                    floor_seen = stop.floor;
                    let my_last = active.iter().rev().find(|e| e.stop == stop.id && e.by == me).map(|e| e.id.clone());
                    let (state, label) = match &st.state {
                        StopState::Pending => ("pending", t_string!(i18n, stop_pending).to_string()),
                        StopState::Done(o) => ("done", labels::outcome(*o, en).to_owned()),
                        StopState::Attempted(o) => ("attempted", labels::outcome(*o, en).to_owned()),
                    };
                    let by = st.done_by.iter().map(|p| documents::person_name(c, p)).collect::<Vec<_>>().join(labels::list_separator(en));
                    let late = kind == RoundKind::Disinfection && field_work::overdue(&st, round_day, today, minute);
                    let times = (kind == RoundKind::Disinfection).then(|| {
                        let done = st.done_times.iter().map(|t| clock_time(*t as f64)).collect::<Vec<_>>().join(" ");
                        view! {
                            <p class="muted" data-times=format!("{}/{}", st.done_times.len(), st.required)>
                                {crate::text::fill(t_string!(i18n, round_times_done), &[("done", st.done_times.len().to_string()), ("required", st.required.to_string())])}
                                " " {done}
                            </p>
                        }
                    });
                    // The outcome the stop shows looks selected; until one is
                    // recorded, the usual one is the primary button.
                    let shown = match &st.state {
                        StopState::Done(o) | StopState::Attempted(o) => Some(*o),
                        StopState::Pending => None,
                    };
                    let buttons = outcomes
                        .iter()
                        .enumerate()
                        .map(|(n, o)| {
                            let o = *o;
                            let tap = tap.clone();
                            let (s, u) = (stop.id.clone(), stop.unit.clone());
                            let selected = shown == Some(o);
                            let class = match shown {
                                _ if selected => "button button-selected",
                                None if n == 0 => "button button-primary",
                                _ => "button",
                            };
                            view! {
                                <button class=class type="button" aria-pressed=selected.to_string() data-action=o.as_str().replace('_', "-") on:click=move |_| tap(s.clone(), u.clone(), o)>
                                    {labels::outcome(o, en)}
                                </button>
                            }
                        })
                        .collect_view();
                    let undo = undo.clone();
                    let stop_id = stop.id.clone();
                    let writing = move || pending.with(|p| p.as_ref().is_some_and(|p| p.stop == stop_id));
                    let confirm = confirm_note.clone();
                    let door = stop.label.clone();
                    let note_for = stop.label.clone();
                    let items = (!stop.items.is_empty()).then(|| stop.items.join(labels::list_separator(en)));
                    let last_note = st.last_note.clone();
                    view! {
                        {floor_header}
                        <li class="stop" data-stop=door data-state=state data-duplicate=st.duplicate.to_string()
                            data-attention=st.needs_attention.to_string() data-overdue=late.to_string()>
                            <div class="stop-head">
                                <span class="stop-label">{stop.label}</span>
                                <span class=format!("badge badge-{state}")>{label}</span>
                            </div>
                            {items.map(|i| view! { <p class="items">{i}</p> })}
                            {times}
                            {late.then(|| view! { <p class="flag" role="note">{t!(i18n, round_overdue)}</p> })}
                            {st.duplicate.then(|| view! { <p class="flag" role="note">{crate::text::fill(t_string!(i18n, stop_duplicate), &[("by", by.clone())])}</p> })}
                            {(!st.duplicate && !by.is_empty()).then(|| view! { <p class="muted">{crate::text::fill(t_string!(i18n, stop_done_by), &[("by", by.clone())])}</p> })}
                            {(!last_note.is_empty()).then(|| view! { <p class="note">{last_note}</p> })}
                            <Show when=writing.clone()>
                                {
                                    let confirm = confirm.clone();
                                    view! {
                                        <div class="note-form">
                                            <label>{t!(i18n, round_note_label)}
                                                <input name="note" data-note-for=note_for.clone() prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                                            </label>
                                            <div class="stop-actions">
                                                <button class="button button-primary" type="button" data-action="confirm-note" on:click=move |_| confirm()>{t!(i18n, round_note_save)}</button>
                                                <button class="button button-quiet" type="button" data-action="cancel-note" on:click=move |_| pending.set(None)>{t!(i18n, cancel)}</button>
                                            </div>
                                        </div>
                                    }
                                }
                            </Show>
                            <div class="stop-actions">
                                {buttons}
                                {my_last.map(|event| view! {
                                    <button class="button button-quiet" type="button" data-action="undo" on:click=move |_| undo(event.clone())>
                                        {t!(i18n, action_undo)}
                                    </button>
                                })}
                            </div>
                        </li>
                    }
                })
                .collect_view();
            let here_text = (!here.is_empty()).then(|| crate::text::fill(t_string!(i18n, round_working_here), &[("names", here.join(labels::list_separator(en)))]));
            view! {
                <section class="card unit-card" data-unit=unit.clone()>
                    <div class="unit-head">
                        <h2 class="unit">{header}</h2>
                        {has_unit.then(|| view! { <button class="button button-quiet" type="button" data-action="claim-unit" aria-pressed=move || mine().to_string() on:click=claim>
                            {t!(i18n, round_claim_unit)}
                        </button> })}
                    </div>
                    {here_text.map(|t| view! { <p class="working" data-working=here.join(",")>{t}</p> })}
                    <ul class="list stops">{rows}</ul>
                </section>
            }
        })
        .collect_view()
}
