//! Checkpoint duty (卡口值守): the entry/exit log of one shift — in or out,
//! how many people, temperature normal, health code checked, the reason —
//! with the shift's totals. No names or ID numbers: the log needs counts.

use leptos::prelude::*;
use linli_shared::{
    model::{
        round::{Details, Outcome},
        stop_status,
    },
    vocabulary::DocumentId,
};

use crate::{
    actions, components::time::clock_time, context::use_repo, documents, i18n::*, text::labels,
};

#[component]
pub fn CheckpointLog(id: DocumentId) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let round = documents::round(&repo, id);
    let community = documents::community(&repo);
    let me = repo.session().device;
    let direction = RwSignal::new(Outcome::Entry);
    let people = RwSignal::new("1".to_owned());
    let temperature_ok = RwSignal::new(true);
    let code_checked = RwSignal::new(true);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = {
        let repo = repo.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let n: i64 = match people.get_untracked().trim().parse() {
                Ok(n) if (1..=200).contains(&n) => n,
                _ => {
                    error.set(Some(t_string!(i18n, checkpoint_error_people).to_string()));
                    return;
                }
            };
            let details = Details {
                note: reason.get_untracked(),
                people: n,
                temperature_ok: Some(temperature_ok.get_untracked()),
                code_checked: Some(code_checked.get_untracked()),
                ..Details::default()
            };
            let o = direction.get_untracked();
            let result = actions::round::record(&repo, &id, "", o, &details);
            if result.is_none() {
                people.set("1".to_owned());
                reason.set(String::new());
                temperature_ok.set(true);
                code_checked.set(true);
            }
            error.set(result);
        }
    };
    let undo = {
        let repo = repo.clone();
        move |event: String| error.set(actions::round::undo(&repo, &id, &event))
    };
    let totals = move || round.with(|r| r.as_ref().map(|r| r.summary()));
    let log = move || {
        let en = labels::english();
        let c = community.get();
        let Some(r) = round.get() else {
            return Vec::new();
        };
        let mut events: Vec<_> = stop_status::active_events(&r)
            .into_iter()
            .cloned()
            .collect();
        events.reverse();
        events
            .into_iter()
            .map(|e| {
                let undo = undo.clone();
                let mine = (e.by == me).then(|| e.id.clone());
                let flags = [
                    (e.temperature_ok == Some(false)).then(|| t_string!(i18n, checkpoint_fever).to_string()),
                    (e.code_checked == Some(false)).then(|| t_string!(i18n, checkpoint_code_unchecked).to_string()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                view! {
                    <li class="log-entry" data-direction=e.outcome.as_str() data-people=e.people.max(1)>
                        <span class="time">{clock_time(e.at as f64)}</span>
                        <strong>{labels::outcome(e.outcome, en)} " " {crate::text::fill(t_string!(i18n, checkpoint_people_n), &[("n", e.people.max(1).to_string())])}</strong>
                        {(!flags.is_empty()).then(|| view! { <span class="flag">{flags}</span> })}
                        {(!e.note.is_empty()).then(|| view! { <span class="muted">{e.note.clone()}</span> })}
                        <span class="muted">{documents::person_name(c.as_ref(), &e.by)}</span>
                        {mine.map(|ev| view! { <button class="button button-quiet" type="button" data-action="undo" on:click=move |_| undo(ev.clone())>{t!(i18n, action_undo)}</button> })}
                    </li>
                }
            })
            .collect::<Vec<_>>()
    };
    let dir_button = move |o: Outcome| {
        view! {
            <button type="button" class="button toggle" data-action=o.as_str() aria-pressed=move || (direction.get() == o).to_string()
                on:click=move |_| direction.set(o)>
                {move || labels::outcome(o, labels::english())}
            </button>
        }
    };
    view! {
        <section class="card">
            <h2>{t!(i18n, checkpoint_totals)}</h2>
            {move || totals().map(|s| view! {
                <div class="figures" data-totals=format!("{}/{}/{}/{}", s.people_in, s.people_out, s.entries + s.exits, s.temperature_flags)>
                    <div class="figure"><span class="n">{s.people_in}</span><span>{t!(i18n, checkpoint_in_people)}</span></div>
                    <div class="figure"><span class="n">{s.people_out}</span><span>{t!(i18n, checkpoint_out_people)}</span></div>
                    <div class="figure"><span class="n">{s.entries + s.exits}</span><span>{t!(i18n, checkpoint_passes)}</span></div>
                    <div class="figure"><span class="n">{s.temperature_flags}</span><span>{t!(i18n, checkpoint_fevers)}</span></div>
                </div>
            })}
        </section>
        <section class="card">
            <h2>{t!(i18n, checkpoint_record)}</h2>
            <form class="stack" on:submit=submit>
                <div class="toggle-row">{dir_button(Outcome::Entry)}{dir_button(Outcome::Exit)}</div>
                <label>{t!(i18n, checkpoint_people)}
                    <input name="people" type="number" inputmode="numeric" min="1" max="200" prop:value=move || people.get() on:input=move |ev| people.set(event_target_value(&ev)) />
                </label>
                <label class="choice">
                    <input type="checkbox" name="temperature-ok" prop:checked=move || temperature_ok.get() on:change=move |ev| temperature_ok.set(event_target_checked(&ev)) />
                    <span>{t!(i18n, checkpoint_temperature_ok)}</span>
                </label>
                <label class="choice">
                    <input type="checkbox" name="code-checked" prop:checked=move || code_checked.get() on:change=move |ev| code_checked.set(event_target_checked(&ev)) />
                    <span>{t!(i18n, checkpoint_code_checked)}</span>
                </label>
                <label>{t!(i18n, checkpoint_reason)}
                    <input name="reason" placeholder=move || t_string!(i18n, checkpoint_reason_placeholder).to_string() prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
                <p class="hint">{t!(i18n, checkpoint_privacy)}</p>
                <button class="button button-primary button-block" type="submit" data-action="log-pass">{t!(i18n, checkpoint_save)}</button>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </form>
        </section>
        <section class="card">
            <h2>{t!(i18n, checkpoint_log)}</h2>
            <ul class="list log">{log}</ul>
        </section>
    }
}
