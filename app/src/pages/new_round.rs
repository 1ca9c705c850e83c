//! Planning a delivery round (leads for their building, staff for any): the
//! doors as lines of text, the volunteers from the roster. The round becomes
//! its own document, synced only to staff, the building's leads and the
//! volunteers assigned; the community's directory lists it.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use linli_shared::{
    model::{
        Role,
        directory::{self, Listing},
        doc::DocKind,
        round::{self, RoundKind, StopPlan},
    },
    sync::{document_id::DocumentId, scope::Scope},
};

use crate::{app::use_repo, i18n::*, reading, repo::Repo};

/// One door per line: `3单元 502：米 油` → label `3单元 502`, unit `3单元`,
/// floor 5, items 米, 油.
pub fn parse_stops(text: &str) -> Vec<StopPlan> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (door, items) = match line.split_once(['：', ':']) {
                Some((d, i)) => (d.trim(), i),
                None => (line, ""),
            };
            let mut words = door.split_whitespace();
            let first = words.next().unwrap_or_default();
            let last = door.split_whitespace().last().unwrap_or_default();
            let unit = if door.split_whitespace().count() > 1 {
                first.to_owned()
            } else {
                String::new()
            };
            let room: String = last.chars().filter(char::is_ascii_digit).collect();
            let floor = if room.len() >= 3 {
                room[..room.len() - 2].parse().unwrap_or(0)
            } else {
                0
            };
            StopPlan {
                label: door.to_owned(),
                unit,
                floor,
                household: String::new(),
                items: items
                    .split([' ', '、', ',', '，'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                times_per_day: 0,
            }
        })
        .collect()
}

/// Creates the round document, declares who may sync it, and lists it.
pub fn plan_round(
    repo: &Repo,
    building: &str,
    title: &str,
    date: linli_shared::model::civil::Day,
    stops: &[StopPlan],
    volunteers: &[String],
) -> Result<DocumentId, String> {
    let at = reading::now();
    let actor = repo.session().actor();
    let assignees: Vec<&str> = volunteers.iter().map(String::as_str).collect();
    let doc = round::create(
        &actor,
        at,
        RoundKind::Delivery,
        date,
        building,
        title,
        &assignees,
        stops,
    )
    .map_err(|e| e.to_string())?;
    let id = DocumentId::random();
    let scope = Scope::Members {
        building: Some(building.to_owned()),
        devices: volunteers.to_vec(),
    };
    repo.create(id, doc, Some(scope.clone()));
    let listing = Listing {
        kind: DocKind::Round,
        title: title.trim().to_owned(),
        building: Some(building.to_owned()),
        date: date.iso(),
        scope,
        by: String::new(),
        at,
    };
    let community = repo.session().community_document();
    repo.change(&community, |d, actor| {
        directory::list(d, actor, at, &id.to_string(), listing)
    })
    .map_err(|e| e.to_string())?;
    Ok(id)
}

#[component]
pub fn NewRound() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let session = repo.session();
    if session.role == Role::Volunteer {
        return view! { <p class="error">{t!(i18n, round_new_not_allowed)}</p> }.into_any();
    }
    let community = reading::community(&repo);
    let buildings = move || community.with(|c| reading::buildings(c.as_ref()));
    let volunteers = move || {
        community.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.roster
                        .iter()
                        .filter(|(_, r)| r.role == Role::Volunteer)
                        .map(|(id, r)| (id.clone(), r.display_name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let building = RwSignal::new(session.building.clone().unwrap_or_default());
    let title = RwSignal::new(String::new());
    let stops = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut b = building.get_untracked();
        if b.is_empty() {
            b = buildings()
                .first()
                .map(|(id, _)| id.clone())
                .unwrap_or_default();
        }
        if b.is_empty() {
            error.set(Some(t_string!(i18n, round_error_building).to_string()));
            return;
        }
        let plans = parse_stops(&stops.get_untracked());
        if plans.is_empty() {
            error.set(Some(t_string!(i18n, round_error_stops).to_string()));
            return;
        }
        let day = community.with_untracked(|c| reading::today(c.as_ref()));
        let mut t = title.get_untracked().trim().to_owned();
        if t.is_empty() {
            let name = community.with_untracked(|c| reading::building_name(c.as_ref(), &b));
            t = format!(
                "{name} {} {}",
                t_string!(i18n, round_kind_delivery),
                day.iso()
            );
        }
        match plan_round(&repo, &b, &t, day, &plans, &chosen.get_untracked()) {
            Ok(id) => navigate(&format!("/round/{id}"), Default::default()),
            Err(e) => error.set(Some(format!("{} ({e})", t_string!(i18n, action_failed)))),
        }
    };
    let fixed_building = session.role == Role::Lead;
    view! {
        <section class="card">
            <h1>{t!(i18n, round_new)}</h1>
            <form class="stack" on:submit=submit>
                <Show when=move || !fixed_building>
                    <label for="round-building">{t!(i18n, round_building)}</label>
                    <select
                        id="round-building"
                        name="round-building"
                        on:change=move |ev| building.set(event_target_value(&ev))
                    >
                        <option value="">{t!(i18n, round_building_choose)}</option>
                        {move || {
                            buildings()
                                .into_iter()
                                .map(|(id, name)| {
                                    let selected = building.get_untracked() == id;
                                    view! { <option value=id selected=selected>{name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </Show>
                <label for="round-title">{t!(i18n, round_title_label)}</label>
                <input
                    id="round-title"
                    name="round-title"
                    placeholder=move || t_string!(i18n, round_title_placeholder).to_string()
                    prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))
                />
                <label for="round-stops">{t!(i18n, round_stops_label)}</label>
                <textarea
                    id="round-stops"
                    name="round-stops"
                    rows="6"
                    placeholder="3单元 502：米 油\n3单元 601"
                    prop:value=move || stops.get()
                    on:input=move |ev| stops.set(event_target_value(&ev))
                ></textarea>
                <fieldset class="choices">
                    <legend>{t!(i18n, round_volunteers)}</legend>
                    {move || {
                        let list = volunteers();
                        if list.is_empty() {
                            return view! { <p class="muted">{t!(i18n, round_no_volunteers)}</p> }.into_any();
                        }
                        list.into_iter()
                            .map(|(id, name)| {
                                let for_toggle = id.clone();
                                view! {
                                    <label class="choice">
                                        <input
                                            type="checkbox"
                                            name="volunteer"
                                            value=id.clone()
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| {
                                                    c.retain(|x| *x != for_toggle);
                                                    if on {
                                                        c.push(for_toggle.clone());
                                                    }
                                                });
                                            }
                                        />
                                        <span>{name}</span>
                                    </label>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </fieldset>
                <button class="button button-primary button-block" type="submit" data-action="create-round">
                    {t!(i18n, round_create)}
                </button>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </form>
        </section>
    }
    .into_any()
}
