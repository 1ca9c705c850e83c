//! 精神慰藉随访: the community's psychological-support casebook. One document
//! per community, listed in the directory with a members scope: staff see it,
//! and the volunteers staff mark qualified have their devices listed in its
//! scope, so the relay gives it to them and to no one else. A phone shows the
//! follow-ups only when the casebook is listed for it and is on the phone.
//!
//! Two staff starting a casebook offline would make two; every casebook this
//! phone may see is read (nothing recorded is lost), new follow-ups go to the
//! oldest one, and a change of qualified volunteers applies to all of them.
//!
//! Follow-up content is never logged, not even in error messages.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linli_shared::{
    model::{
        ModelError, Role,
        casebook::{self, Followup},
        community::Community,
        directory::Listing,
        doc::DocKind,
    },
    vocabulary::{DocumentId, Scope},
};

use crate::{
    actions, components::time::clock_time, context::use_repo, documents, i18n::*, repo::Repo,
};

/// The casebooks this phone may see, oldest listing first (the first is the
/// one new follow-ups go to).
type Books = Memo<Vec<(DocumentId, Listing)>>;

/// Starts the community's casebook (staff): created on this phone, scoped to
/// staff and (later) the qualified volunteers, listed in the directory.
fn create_casebook(repo: &Repo, title: &str) -> Result<DocumentId, ModelError> {
    let community_doc = repo.session().community_document();
    if !repo.has(&community_doc) {
        return Err(ModelError::Missing("the community document"));
    }
    let at = documents::now();
    let actor = repo.session().actor();
    let doc = casebook::create(&actor, at)?;
    let listing = Listing {
        kind: DocKind::Casebook,
        title: title.to_owned(),
        building: None,
        date: String::new(),
        scope: Scope::Members {
            building: None,
            devices: Vec::new(),
        },
        by: String::new(),
        at,
    };
    actions::listed::start(repo, doc, listing)
}

/// Gives the casebooks to exactly these volunteers' devices (and staff): the
/// relay is told the new scope, and the directory listing follows it.
fn set_qualified(
    repo: &Repo,
    books: &[(DocumentId, Listing)],
    devices: Vec<String>,
) -> Result<(), ModelError> {
    let at = documents::now();
    let scope = Scope::Members {
        building: None,
        devices,
    };
    for (id, listing) in books {
        repo.set_scope(*id, scope.clone());
        let listing = Listing {
            scope: scope.clone(),
            ..listing.clone()
        };
        actions::listed::relist(repo, id, at, listing)?;
    }
    Ok(())
}

/// The devices a listing's scope names.
fn listed_devices(listing: &Listing) -> BTreeSet<String> {
    match &listing.scope {
        Scope::Members { devices, .. } => devices.iter().cloned().collect(),
        _ => BTreeSet::new(),
    }
}

/// Follow-ups grouped by household (building, door), the group with the most
/// recent follow-up first, each group newest first.
fn by_household(mut all: Vec<Followup>) -> Vec<((String, String), Vec<Followup>)> {
    all.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
    all.dedup_by(|a, b| a.id == b.id);
    let mut groups: Vec<((String, String), Vec<Followup>)> = Vec::new();
    for f in all {
        let key = (f.building.clone(), f.household.trim().to_owned());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    groups
}

fn volunteers(c: Option<&Community>) -> Vec<(String, String)> {
    c.map(|c| {
        c.roster
            .iter()
            .filter(|(_, r)| r.role == Role::Volunteer)
            .map(|(id, r)| (id.clone(), r.display_name.clone()))
            .collect()
    })
    .unwrap_or_default()
}

#[component]
pub fn CasebookPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let role = repo.session().role;
    if role == Role::Lead {
        return view! {
            <section class="card casebook" data-casebook="denied">
                <h1>{t!(i18n, case_title)}</h1>
                <p class="notice" role="note">{t!(i18n, case_restricted)}</p>
            </section>
        }
        .into_any();
    }
    let staff = role == Role::Staff;
    let community = documents::community(&repo);
    let listed = documents::listings(community, &repo, DocKind::Casebook);
    let books: Books = Memo::new(move |_| {
        let mut b = listed.get();
        b.sort_by_key(|(id, l)| (l.at, id.to_string()));
        b
    });
    let revision = repo.signals.revision;
    // The casebooks on this phone, in the same order.
    let here: Memo<Vec<DocumentId>> = {
        let repo = repo.clone();
        Memo::new(move |_| {
            revision.track();
            books.with(|b| {
                b.iter()
                    .map(|(id, _)| *id)
                    .filter(|id| repo.has(id))
                    .collect()
            })
        })
    };
    let followups = {
        let repo = repo.clone();
        Memo::new(move |_| {
            revision.track();
            here.with(|ids| {
                ids.iter()
                    .filter_map(|id| repo.read(id, |d| casebook::read(d).ok()).flatten())
                    .flat_map(|c| c.followups)
                    .collect::<Vec<_>>()
            })
        })
    };
    // What the page shows, as a value: the form keeps what is being typed
    // while other changes (a listing's scope, a new follow-up) arrive.
    let state = Memo::new(move |_| {
        (
            !books.with(Vec::is_empty),
            here.with(|ids| ids.first().copied()),
        )
    });
    let content = {
        let repo = repo.clone();
        move || {
            match state.get() {
            (_, Some(target)) => view! {
                <FollowupForm repo=repo.clone() target community />
                <FollowupList followups community />
            }
            .into_any(),
            (false, None) if staff => {
                view! { <StartCasebook repo=repo.clone() community /> }.into_any()
            }
            (true, None) if staff => view! {
                <section class="card">
                    <p class="notice" data-casebook="waiting">{t!(i18n, case_waiting)}</p>
                </section>
            }
            .into_any(),
            (listed, None) => view! {
                <section class="card" data-casebook="denied">
                    <p class="notice" role="note">{t!(i18n, case_restricted)}</p>
                    {listed.then(|| view! { <p class="muted" data-casebook="waiting">{t!(i18n, case_waiting)}</p> })}
                </section>
            }
            .into_any(),
        }
        }
    };
    view! {
        <section class="card casebook">
            <h1>{t!(i18n, case_title)}</h1>
            <p class="muted">{t!(i18n, case_explain)}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
        </section>
        {content}
        {staff.then(|| view! {
            <Show when=move || !books.with(Vec::is_empty)>
                <QualifiedVolunteers repo=repo.clone() books community />
            </Show>
        })}
    }
    .into_any()
}

/// Staff: the button that starts the community's casebook.
#[component]
fn StartCasebook(repo: Repo, community: Memo<Option<Community>>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let start = move |_| match create_casebook(&repo, t_string!(i18n, case_book_title)) {
        Ok(_) => error.set(None),
        Err(ModelError::Missing(_)) => {
            error.set(Some(t_string!(i18n, community_not_here).to_string()))
        }
        Err(e) => error.set(Some(actions::said(&e))),
    };
    view! {
        <section class="card" data-casebook="none">
            <p>{t!(i18n, case_none_yet)}</p>
            <button
                class="button button-primary button-block"
                type="button"
                data-action="create-casebook"
                disabled=move || community.with(Option::is_none)
                on:click=start
            >
                {t!(i18n, case_create)}
            </button>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

/// Recording a follow-up: the household (building and the door as typed), what
/// was done, and the next step.
#[component]
fn FollowupForm(
    repo: Repo,
    target: DocumentId,
    community: Memo<Option<Community>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let buildings = move || community.with(|c| documents::buildings(c.as_ref()));
    let building = RwSignal::new(repo.session().building.unwrap_or_default());
    let door = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let next_step = RwSignal::new(String::new());
    let door_error = RwSignal::new(None::<String>);
    let note_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        error.set(None);
        let mut b = building.get_untracked();
        let known = buildings();
        if !known.iter().any(|(id, _)| *id == b) {
            b = known.first().map(|(id, _)| id.clone()).unwrap_or_default();
        }
        let (d, n, s) = (
            door.get_untracked(),
            note.get_untracked(),
            next_step.get_untracked(),
        );
        door_error.set(
            d.trim()
                .is_empty()
                .then(|| t_string!(i18n, case_error_door).to_string()),
        );
        note_error.set(
            n.trim()
                .is_empty()
                .then(|| t_string!(i18n, case_error_note).to_string()),
        );
        if d.trim().is_empty() || n.trim().is_empty() {
            return;
        }
        if b.is_empty() {
            error.set(Some(t_string!(i18n, case_error_building).to_string()));
            return;
        }
        let at = documents::now();
        // The relay gave this casebook to this device, so its scope admits it:
        // for a volunteer that is staff's qualification.
        let result = repo.change(&target, |doc, actor| {
            casebook::record_followup(doc, actor, true, at, &b, d.trim(), &n, &s)
        });
        match result {
            Ok(_) => {
                building.set(b);
                door.set(String::new());
                note.set(String::new());
                next_step.set(String::new());
                saved.set(true);
            }
            Err(ModelError::NotQualified) => {
                error.set(Some(t_string!(i18n, case_error_not_qualified).to_string()))
            }
            Err(ModelError::Missing(_)) => {
                error.set(Some(t_string!(i18n, case_waiting).to_string()))
            }
            // The error names no content: the model's messages never quote it.
            Err(e) => error.set(Some(actions::said(&e))),
        }
    };
    view! {
        <section class="card">
            <h2>{t!(i18n, case_record_title)}</h2>
            <form class="stack followup-form" on:submit=submit novalidate>
                <label for="followup-building">{t!(i18n, case_field_building)}</label>
                <select
                    id="followup-building"
                    name="followup-building"
                    on:change=move |ev| building.set(event_target_value(&ev))
                >
                    {move || {
                        let current = building.get_untracked();
                        buildings()
                            .into_iter()
                            .map(|(id, name)| {
                                let selected = current == id;
                                view! { <option value=id selected=selected>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                <label for="followup-door">{t!(i18n, case_field_door)}</label>
                <input
                    id="followup-door"
                    name="followup-door"
                    placeholder=move || t_string!(i18n, case_field_door_placeholder).to_string()
                    aria-invalid=move || door_error.with(Option::is_some).to_string()
                    prop:value=move || door.get()
                    on:input=move |ev| door.set(event_target_value(&ev))
                />
                {move || door_error.get().map(|e| view! { <p class="error field-error" role="alert" data-error="door">{e}</p> })}
                <label for="followup-note">{t!(i18n, case_field_note)}</label>
                <textarea
                    id="followup-note"
                    name="followup-note"
                    rows="4"
                    placeholder=move || t_string!(i18n, case_field_note_placeholder).to_string()
                    aria-invalid=move || note_error.with(Option::is_some).to_string()
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                ></textarea>
                {move || note_error.get().map(|e| view! { <p class="error field-error" role="alert" data-error="note">{e}</p> })}
                <label for="followup-next">{t!(i18n, case_field_next)}</label>
                <input
                    id="followup-next"
                    name="followup-next"
                    placeholder=move || t_string!(i18n, case_field_next_placeholder).to_string()
                    prop:value=move || next_step.get()
                    on:input=move |ev| next_step.set(event_target_value(&ev))
                />
                <button class="button button-primary button-block" type="submit" data-action="record-followup">
                    {t!(i18n, case_record)}
                </button>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <Show when=move || saved.get()>
                    <p class="case-saved" role="status">{t!(i18n, case_saved)}</p>
                </Show>
            </form>
        </section>
    }
}

/// The follow-ups, grouped by household.
#[component]
fn FollowupList(
    followups: Memo<Vec<Followup>>,
    community: Memo<Option<Community>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let groups = move || {
        let c = community.get();
        let groups = by_household(followups.get());
        if groups.is_empty() {
            return view! { <p class="muted" data-followups="none">{t!(i18n, case_none)}</p> }
                .into_any();
        }
        groups
            .into_iter()
            .map(|((building, door), list)| {
                let name = documents::building_name(c.as_ref(), &building);
                let heading = if door.is_empty() {
                    name
                } else {
                    format!("{name} {door}")
                };
                let items = list
                    .into_iter()
                    .map(|f| {
                        let who = documents::person_name(c.as_ref(), &f.by);
                        let when = clock_time(f.at as f64);
                        let next = (!f.next_step.is_empty()).then(|| {
                            view! {
                                <p class="followup-next">
                                    <strong>{t!(i18n, case_next_label)}</strong>
                                    {f.next_step.clone()}
                                </p>
                            }
                        });
                        view! {
                            <li class="followup" data-followup=f.id.clone()>
                                <p class="followup-note">{f.note.clone()}</p>
                                {next}
                                <p class="muted followup-meta">{who} " · " {when}</p>
                            </li>
                        }
                    })
                    .collect_view();
                let household = heading.clone();
                view! {
                    <div class="followup-group" data-household=household>
                        <h3 class="followup-household">{heading}</h3>
                        <ul class="list followups">{items}</ul>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card casebook-records">
            <h2>{t!(i18n, case_records_title)}</h2>
            {groups}
        </section>
    }
}

/// Staff choose which volunteers are qualified: their devices are added to
/// the casebook's scope (and listing), so the casebook reaches their phones.
#[component]
fn QualifiedVolunteers(
    repo: Repo,
    books: Books,
    community: Memo<Option<Community>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = Memo::new(move |_| {
        books.with(|b| {
            b.first()
                .map(|(_, l)| listed_devices(l))
                .unwrap_or_default()
        })
    });
    // None: not edited, so the boxes follow the listing as it syncs.
    let chosen = RwSignal::new(None::<BTreeSet<String>>);
    let selected = move || chosen.get().unwrap_or_else(|| current.get());
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let save = move |_| {
        let devices: Vec<String> = chosen
            .get_untracked()
            .unwrap_or_else(|| current.get_untracked())
            .into_iter()
            .collect();
        let list = books.get_untracked();
        match set_qualified(&repo, &list, devices) {
            Ok(()) => {
                chosen.set(None);
                error.set(None);
                saved.set(true);
            }
            Err(e) => {
                saved.set(false);
                error.set(Some(actions::said(&e)));
            }
        }
    };
    let rows = move || {
        let list = community.with(|c| volunteers(c.as_ref()));
        if list.is_empty() {
            return view! { <p class="muted">{t!(i18n, case_no_volunteers)}</p> }.into_any();
        }
        list.into_iter()
            .map(|(id, name)| {
                let for_checked = id.clone();
                let for_toggle = id.clone();
                let value = id.clone();
                view! {
                    <label class="choice">
                        <input
                            type="checkbox"
                            name="qualified"
                            value=value
                            data-volunteer=id
                            prop:checked=move || selected().contains(&for_checked)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let mut set = chosen
                                    .get_untracked()
                                    .unwrap_or_else(|| current.get_untracked());
                                if on {
                                    set.insert(for_toggle.clone());
                                } else {
                                    set.remove(&for_toggle);
                                }
                                chosen.set(Some(set));
                                saved.set(false);
                            }
                        />
                        <span>{name}</span>
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card casebook-qualified">
            <h2>{t!(i18n, case_qualified_title)}</h2>
            <p class="muted">{t!(i18n, case_qualified_explain)}</p>
            <fieldset class="choices">
                <legend>{t!(i18n, case_qualified_legend)}</legend>
                {rows}
            </fieldset>
            <button
                class="button button-primary button-block"
                type="button"
                data-action="save-qualified"
                on:click=save
            >
                {t!(i18n, case_qualified_save)}
            </button>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <Show when=move || saved.get()>
                <p class="case-saved" role="status">{t!(i18n, case_qualified_saved)}</p>
            </Show>
        </section>
    }
}
