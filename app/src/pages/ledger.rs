//! A building's household needs ledger (服务需求台账), for its leads and
//! staff: households by unit and room with their special groups, filters,
//! open needs by urgency, adding a household, importing a building from CSV
//! or XLSX (all rows or none), and exporting the ledger.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use linli_shared::model::{
    catalogue::SpecialGroup,
    household_table,
    ledger::{self, HouseholdDraft, Ledger},
    need_status::NeedStatus,
};

use crate::{
    actions,
    components::{HouseholdFields, HouseholdForm, LedgerImport},
    context::use_repo,
    documents,
    i18n::*,
    text::labels,
};

/// What the household list shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Group(SpecialGroup),
    OpenNeeds,
}

const FILTER_GROUPS: &[SpecialGroup] = &[
    SpecialGroup::ElderlyAlone,
    SpecialGroup::Pregnant,
    SpecialGroup::Infant,
    SpecialGroup::Disabled,
    SpecialGroup::Psychological,
];

/// Households of the ledger that pass the filter, grouped by unit (natural
/// order), each with its open needs count.
/// A household row: id, room, size, groups, open needs.
type Row = (String, String, i64, Vec<SpecialGroup>, usize);

fn grouped(l: &Ledger, f: Filter) -> Vec<(String, Vec<Row>)> {
    let open: Vec<&String> = l
        .open_needs()
        .into_iter()
        .map(|(_, n)| &n.household)
        .collect();
    let mut rows: Vec<_> = l
        .active_households()
        .into_iter()
        .filter(|(id, h)| match f {
            Filter::All => true,
            Filter::Group(g) => h.has(g),
            Filter::OpenNeeds => open.contains(id),
        })
        .map(|(id, h)| {
            let needs = open.iter().filter(|x| **x == id).count();
            (
                h.unit.clone(),
                h.room.clone(),
                id.clone(),
                h.size,
                h.groups(),
                needs,
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        household_table::natural_cmp(&a.0, &b.0)
            .then_with(|| household_table::natural_cmp(&a.1, &b.1))
    });
    let mut out: Vec<(String, Vec<_>)> = Vec::new();
    for (unit, room, id, size, groups, needs) in rows {
        let entry = (id, room, size, groups, needs);
        match out.last_mut() {
            Some((u, v)) if *u == unit => v.push(entry),
            _ => out.push((unit, vec![entry])),
        }
    }
    out
}

#[component]
pub fn LedgerPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let building = use_params_map().with_untracked(|p| p.get("building").unwrap_or_default());
    let community = documents::community(&repo);
    let ledger_id = documents::ledger_of(&repo, community, building.clone());
    let ledger = documents::ledger_doc(&repo, ledger_id);
    let name = {
        let building = building.clone();
        move || community.with(|c| documents::building_name(c.as_ref(), &building))
    };
    let filter = RwSignal::new(Filter::All);
    let counts = move || {
        ledger.with(|l| {
            l.as_ref().map(|l| {
                let open = l.open_needs();
                let urgent = open
                    .iter()
                    .filter(|(_, n)| n.urgency == linli_shared::model::catalogue::Urgency::Urgent)
                    .count();
                (l.active_households().len(), open.len(), urgent)
            })
        })
    };
    let chip = move |f: Filter, label: String| {
        let code = match f {
            Filter::All => "all".to_owned(),
            Filter::Group(g) => g.as_str().to_owned(),
            Filter::OpenNeeds => "open-needs".to_owned(),
        };
        view! {
            <button
                type="button"
                class="chip"
                data-filter=code
                aria-pressed=move || (filter.get() == f).to_string()
                on:click=move |_| filter.set(f)
            >
                {label}
            </button>
        }
    };
    let base = format!("/ledger/{building}");
    let list_base = base.clone();
    let households = move || {
        let en = labels::english();
        let Some(groups) = ledger.with(|l| l.as_ref().map(|l| grouped(l, filter.get()))) else {
            return view! { <p class="muted">{t!(i18n, ledger_not_here)}</p> }.into_any();
        };
        if groups.is_empty() {
            return view! { <p class="muted" data-households="0">{t!(i18n, ledger_none_match)}</p> }.into_any();
        }
        let total: usize = groups.iter().map(|(_, v)| v.len()).sum();
        let base = list_base.clone();
        view! {
            <div data-households=total>
                {groups
                    .into_iter()
                    .map(|(unit, rows)| {
                        let base = base.clone();
                        view! {
                            <h3 class="unit">{unit.clone()}</h3>
                            <ul class="list households">
                                {rows
                                    .into_iter()
                                    .map(|(id, room, size, groups, needs)| {
                                        let door = format!("{unit} {room}");
                                        view! {
                                            <li>
                                                <a class="list-item household" href=format!("{base}/{id}") data-household=door.clone()>
                                                    <span class="title">{door.clone()}</span>
                                                    <span class="meta">
                                                        {crate::text::fill(t_string!(i18n, ledger_people), &[("n", size.to_string())])}
                                                        {(needs > 0).then(|| view! {
                                                            " · " <span class="flag">{crate::text::fill(t_string!(i18n, ledger_open_needs_n), &[("n", needs.to_string())])}</span>
                                                        })}
                                                    </span>
                                                    <span class="tags">
                                                        {groups.iter().map(|g| view! { <span class="tag" data-group=g.as_str()>{labels::group(*g, en)}</span> }).collect_view()}
                                                    </span>
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
                    .collect_view()}
            </div>
        }
        .into_any()
    };
    let needs_base = base.clone();
    let needs = move || {
        let en = labels::english();
        let rows = ledger.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.open_needs()
                        .into_iter()
                        .map(|(id, n)| {
                            let door = l.door_of(&n.household);
                            let state = l.need_state(id);
                            (
                                id.clone(),
                                n.clone(),
                                door,
                                state.status,
                                state.flagged.is_some(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
        if rows.is_empty() {
            return view! { <p class="muted">{t!(i18n, ledger_no_open_needs)}</p> }.into_any();
        }
        let base = needs_base.clone();
        view! {
            <ul class="list needs">
                {rows
                    .into_iter()
                    .map(|(id, n, door, status, flagged)| {
                        let urgency = n.urgency.as_str();
                        view! {
                            <li class="need" data-need=id data-urgency=urgency data-status=match status {
                                NeedStatus::Open => "open",
                                NeedStatus::Planned => "planned",
                                NeedStatus::Done => "done",
                            } data-flagged=flagged.to_string()>
                                <a class="list-item" href=format!("{base}/{}", n.household)>
                                    <span class="title">
                                        <span class=format!("badge badge-{urgency}")>{labels::urgency(n.urgency, en)}</span>
                                        " " {door} " · " {labels::need_kind(n.kind, en)}
                                    </span>
                                    {(!n.detail.is_empty()).then(|| view! { <span class="meta">{n.detail.clone()}</span> })}
                                    <span class="meta">
                                        {labels::need_status(status, en)}
                                        {flagged.then(|| view! { " · " <span class="flag">{t!(i18n, need_flagged)}</span> })}
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card">
            <h1 data-ledger-building=building.clone()>{name} " · " {t!(i18n, ledger_title)}</h1>
            {move || counts().map(|(h, n, u)| view! {
                <p data-ledger-counts=format!("{h}/{n}/{u}")>
                    {crate::text::fill(t_string!(i18n, ledger_summary), &[("households", h.to_string()), ("needs", n.to_string()), ("urgent", u.to_string())])}
                </p>
            })}
            <a class="button button-primary button-block" href=format!("/rounds/new?building={building}&from=needs") data-action="plan-from-needs">
                {t!(i18n, ledger_plan_delivery)}
            </a>
        </section>
        <section class="card">
            <h2>{t!(i18n, ledger_needs_title)}</h2>
            {needs}
        </section>
        <section class="card">
            <h2>{t!(i18n, ledger_households_title)}</h2>
            <div class="chips" role="group">
                {move || {
                    let en = labels::english();
                    let mut all = vec![chip(Filter::All, t_string!(i18n, ledger_filter_all).to_string())];
                    all.extend(FILTER_GROUPS.iter().map(|g| chip(Filter::Group(*g), labels::group(*g, en).to_owned())));
                    all.push(chip(Filter::OpenNeeds, t_string!(i18n, ledger_filter_open_needs).to_string()));
                    all.collect_view()
                }}
            </div>
            {households}
        </section>
        <AddHousehold ledger_id=ledger_id building=building.clone() />
        <LedgerImport ledger_id=ledger_id building=building.clone() />
    }
    .into_any()
}

/// The form to add one household.
#[component]
fn AddHousehold(
    ledger_id: Memo<Option<linli_shared::vocabulary::DocumentId>>,
    building: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let form = HouseholdForm::new();
    let error = RwSignal::new(None::<String>);
    let added = RwSignal::new(None::<String>);
    // The household already at the door typed: (id, door).
    let already = RwSignal::new(None::<(String, String)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        added.set(None);
        let Some(id) = ledger_id.get_untracked() else {
            error.set(Some(t_string!(i18n, ledger_not_here).to_string()));
            return;
        };
        if let Some(p) = form.problem() {
            error.set(Some(p));
            return;
        }
        let draft = HouseholdDraft {
            unit: form.unit.get_untracked().trim().to_owned(),
            room: form.room.get_untracked().trim().to_owned(),
            size: form.size_number(),
            phone: form.phone.get_untracked().trim().to_owned(),
            groups: form.groups.get_untracked(),
            notes: form.notes.get_untracked(),
        };
        // One household, once: a door already in the ledger is offered
        // instead of a second household.
        let existing = repo
            .read(&id, |d| {
                ledger::read(d).ok().and_then(|l| {
                    l.household_at(&draft.unit, &draft.room)
                        .map(|(hid, h)| (hid.clone(), h.door()))
                })
            })
            .flatten();
        if let Some(found) = existing {
            error.set(None);
            already.set(Some(found));
            return;
        }
        already.set(None);
        let at = documents::now();
        match actions::apply(&repo, &id, |d, actor| {
            ledger::add_household(d, actor, at, &draft)
        }) {
            Ok(_) => {
                added.set(Some(format!("{} {}", draft.unit, draft.room)));
                form.room.set(String::new());
                form.phone.set(String::new());
                form.notes.set(String::new());
                form.groups.set(Vec::new());
                form.size.set("1".to_owned());
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <section class="card">
            <details class="fold">
                <summary data-action="open-add-household">{t!(i18n, household_add_title)}</summary>
                <form class="stack" on:submit=submit>
                    <HouseholdFields form=form />
                    <button class="button button-primary button-block" type="submit" data-action="add-household">
                        {t!(i18n, household_add)}
                    </button>
                    {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    {move || already.get().map(|(hid, door)| {
                        let said = crate::text::fill(t_string!(i18n, household_already), &[("door", door.clone())]);
                        view! {
                        <p class="error" role="alert" data-already=door>
                            {said}
                            " " <a href=format!("/ledger/{building}/{hid}") data-action="open-existing">{t!(i18n, household_open_existing)}</a>
                        </p>
                    }})}
                    {move || added.get().map(|d| view! { <p class="notice" role="status">{crate::text::fill(t_string!(i18n, household_added), &[("door", d)])}</p> })}
                </form>
            </details>
        </section>
    }
}
