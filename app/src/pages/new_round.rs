//! Planning a round of any kind (leads for their building, staff for any):
//! a delivery from the ledger's open needs, a testing notice or registration
//! from the ledger's households, a welfare check from its welfare list,
//! disinfection points with times a day, patrol checkpoints, or a checkpoint
//! shift; doors can also be typed, one per line. The round becomes its own
//! document, synced only to staff, the building's leads and the volunteers
//! assigned; the community's directory lists it, and needs it will deliver
//! are marked planned.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use linli_shared::model::{Role, doc::DocKind, ledger, round::RoundKind, round_plan};

use crate::{actions, context::use_repo, documents, i18n::*, text::labels};

const KINDS: &[RoundKind] = &[
    RoundKind::Delivery,
    RoundKind::Disinfection,
    RoundKind::TestingNotice,
    RoundKind::TestingRegistration,
    RoundKind::WelfareCheck,
    RoundKind::Patrol,
    RoundKind::CheckpointShift,
];

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
    let query = use_query_map().get_untracked();
    let community = documents::community(&repo);
    let buildings = move || community.with(|c| documents::buildings(c.as_ref()));
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
    let building = RwSignal::new(
        query
            .get("building")
            .or_else(|| session.building.clone())
            .unwrap_or_default(),
    );
    let kind = RwSignal::new(
        query
            .get("kind")
            .and_then(|k| RoundKind::parse(&k))
            .unwrap_or(RoundKind::Delivery),
    );
    let from_needs = query.get("from").as_deref() == Some("needs");
    let title = RwSignal::new(String::new());
    let stops = RwSignal::new(String::new());
    let times = RwSignal::new("2".to_owned());
    let use_ledger = RwSignal::new(true);
    // A delivery to every household (a vegetable box for the whole building).
    let all_households = RwSignal::new(false);
    let every_item = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let chosen_needs = RwSignal::new(Vec::<String>::new());
    let needs_touched = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();

    // The building's ledger, when this phone holds it (leads and staff).
    let ledgers = documents::listings(community, &repo, DocKind::Ledger);
    let ledger = {
        let repo = repo.clone();
        Memo::new(move |_| {
            repo.signals.revision.track();
            let b = building.get();
            let id = ledgers.with(|l| {
                l.iter()
                    .find(|(_, l)| l.building.as_deref() == Some(b.as_str()))
                    .map(|(id, _)| *id)
            })?;
            repo.read(&id, |d| ledger::read(d).ok())
                .flatten()
                .map(|l| (id, l))
        })
    };
    let open_needs = Memo::new(move |_| {
        ledger.with(|l| {
            l.as_ref()
                .map(|(_, l)| {
                    l.open_needs()
                        .into_iter()
                        .filter(|(id, _)| {
                            l.need_status(id) == linli_shared::model::need_status::NeedStatus::Open
                        })
                        .map(|(id, n)| {
                            let door = l.door_of(&n.household);
                            (id.clone(), door, n.clone())
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    // Coming from the ledger's "plan a delivery": every open need, ticked.
    Effect::new(move |_| {
        let all: Vec<String> = open_needs.with(|v| v.iter().map(|(id, _, _)| id.clone()).collect());
        if from_needs && !needs_touched.get_untracked() && !all.is_empty() {
            chosen_needs.set(all);
        }
    });

    let submit = {
        let repo = repo.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let k = kind.get_untracked();
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
            let ledger_now = ledger.get_untracked();
            let needs = chosen_needs.get_untracked();
            let typed = stops.get_untracked();
            let every = every_item.get_untracked();
            let wanted = round_plan::Wanted {
                kind: Some(k),
                typed: &typed,
                times: times.get_untracked().trim().parse().unwrap_or(1),
                needs: &needs,
                all_households: all_households.get_untracked(),
                every_item: &every,
                use_ledger: use_ledger.get_untracked(),
            };
            let plans = round_plan::stops(&wanted, ledger_now.as_ref().map(|(_, l)| l), |kind| {
                labels::need_kind(kind, false).to_owned()
            });
            if plans.is_empty() && k.has_stops() {
                error.set(Some(t_string!(i18n, round_error_stops).to_string()));
                return;
            }
            let day = community.with_untracked(|c| documents::today(c.as_ref()));
            let mut t = title.get_untracked().trim().to_owned();
            if t.is_empty() {
                let name = community.with_untracked(|c| documents::building_name(c.as_ref(), &b));
                t = format!(
                    "{name} {} {}",
                    labels::round_kind(k, labels::english_untracked()),
                    day.iso()
                );
            }
            let volunteers = chosen.get_untracked();
            let new_round = actions::round::NewRound {
                kind: k,
                building: &b,
                title: &t,
                date: day,
                stops: &plans,
                volunteers: &volunteers,
                delivers: match (k, &ledger_now) {
                    (RoundKind::Delivery, Some((ledger_id, _))) => Some((*ledger_id, &needs)),
                    _ => None,
                },
            };
            match actions::round::start(&repo, &new_round) {
                Ok(id) => navigate(&format!("/round/{id}"), Default::default()),
                Err(e) => error.set(Some(actions::said(&e))),
            }
        }
    };
    let fixed_building = session.role == Role::Lead;
    let stops_placeholder = move || match kind.get() {
        RoundKind::Disinfection => t_string!(i18n, round_stops_example.points),
        RoundKind::Patrol => t_string!(i18n, round_stops_example.checkpoints),
        _ => t_string!(i18n, round_stops_example.doors),
    };
    view! {
        <section class="card">
            <h1>{t!(i18n, round_new)}</h1>
            <form class="stack" on:submit=submit>
                <label for="round-kind">{t!(i18n, round_kind_label)}</label>
                <select id="round-kind" name="round-kind" on:change=move |ev| { if let Some(k) = RoundKind::parse(&event_target_value(&ev)) { kind.set(k) } }>
                    {move || { let en = labels::english(); KINDS.iter().map(|k| view! { <option value=k.as_str() selected=*k == kind.get_untracked()>{labels::round_kind(*k, en)}</option> }).collect_view() }}
                </select>
                <Show when=move || !fixed_building>
                    <label for="round-building">{t!(i18n, round_building)}</label>
                    <select id="round-building" name="round-building" on:change=move |ev| building.set(event_target_value(&ev))>
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
                <input id="round-title" name="round-title" placeholder=move || t_string!(i18n, round_title_placeholder).to_string()
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                <Show when=move || kind.get() == RoundKind::Delivery && !open_needs.with(Vec::is_empty)>
                    <fieldset class="choices" data-needs>
                        <legend>{t!(i18n, round_from_needs)}</legend>
                        {move || {
                            let en = labels::english();
                            open_needs.get().into_iter().map(|(id, door, n)| {
                                let toggle = id.clone();
                                let checked = id.clone();
                                view! {
                                    <label class="choice need-choice">
                                        <input type="checkbox" name="need" value=id.clone()
                                            prop:checked=move || chosen_needs.with(|c| c.contains(&checked))
                                            on:change=move |ev| {
                                                needs_touched.set(true);
                                                let on = event_target_checked(&ev);
                                                chosen_needs.update(|c| { c.retain(|x| *x != toggle); if on { c.push(toggle.clone()); } });
                                            } />
                                        <span>{door} " · " {labels::need_kind(n.kind, en)} {(!n.detail.is_empty()).then(|| format!("（{}）", n.detail))} " · " {labels::urgency(n.urgency, en)}</span>
                                    </label>
                                }
                            }).collect_view()
                        }}
                    </fieldset>
                </Show>
                <Show when=move || kind.get() == RoundKind::Delivery && ledger.with(Option::is_some)>
                    <label class="choice">
                        <input type="checkbox" name="all-households" prop:checked=move || all_households.get() on:change=move |ev| all_households.set(event_target_checked(&ev)) />
                        <span>{t!(i18n, round_all_households)}</span>
                    </label>
                    <Show when=move || all_households.get()>
                        <label for="round-every-item">{t!(i18n, round_every_item)}</label>
                        <input id="round-every-item" name="round-every-item" placeholder=move || t_string!(i18n, round_every_item_placeholder)
                            prop:value=move || every_item.get() on:input=move |ev| every_item.set(event_target_value(&ev)) />
                    </Show>
                </Show>
                <Show when=move || matches!(kind.get(), RoundKind::TestingNotice | RoundKind::TestingRegistration | RoundKind::WelfareCheck) && ledger.with(Option::is_some)>
                    <label class="choice">
                        <input type="checkbox" name="use-ledger" prop:checked=move || use_ledger.get() on:change=move |ev| use_ledger.set(event_target_checked(&ev)) />
                        <span>{move || if kind.get() == RoundKind::WelfareCheck { t_string!(i18n, round_from_welfare_list) } else { t_string!(i18n, round_from_households) }}</span>
                    </label>
                </Show>
                <Show when=move || kind.get() == RoundKind::Disinfection>
                    <label for="round-times">{t!(i18n, round_times_label)}</label>
                    <input id="round-times" name="round-times" type="number" inputmode="numeric" min="1" max="12"
                        prop:value=move || times.get() on:input=move |ev| times.set(event_target_value(&ev)) />
                </Show>
                <Show when=move || kind.get().has_stops()>
                    <label for="round-stops">{move || match kind.get() {
                        RoundKind::Disinfection => t_string!(i18n, round_points_label),
                        RoundKind::Patrol => t_string!(i18n, round_checkpoints_label),
                        _ => t_string!(i18n, round_stops_label),
                    }}</label>
                    <textarea id="round-stops" name="round-stops" rows="6" placeholder=stops_placeholder
                        prop:value=move || stops.get() on:input=move |ev| stops.set(event_target_value(&ev))></textarea>
                </Show>
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
                                let is_chosen = id.clone();
                                view! {
                                    <label class="choice">
                                        <input type="checkbox" name="volunteer" value=id.clone()
                                            prop:checked=move || chosen.with(|c| c.contains(&is_chosen))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| {
                                                    c.retain(|x| *x != for_toggle);
                                                    if on {
                                                        c.push(for_toggle.clone());
                                                    }
                                                });
                                            } />
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
