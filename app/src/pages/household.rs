//! One household of a ledger: edit its details and special groups, the
//! daily welfare check, its needs (add, plan, done, reopen), and taking it
//! off the ledger (moved out) or back.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use linli_shared::model::{
    catalogue::{NeedKind, SpecialGroup, Urgency},
    ledger::{self, HouseholdEdit},
    need_status::{self, NeedAction, NeedEvent, NeedStatus},
};

use crate::{
    actions,
    components::{HouseholdFields, HouseholdForm, NeedHistory},
    context::use_repo,
    documents,
    i18n::*,
    text::labels,
};

/// One change to the ledger, run by the page's `act`.
type LedgerOp = Box<
    dyn FnOnce(
        &mut automerge::AutoCommit,
        &linli_shared::model::Actor,
    ) -> Result<(), linli_shared::model::ModelError>,
>;

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let (building, household) = use_params_map().with_untracked(|p| {
        (
            p.get("building").unwrap_or_default(),
            p.get("household").unwrap_or_default(),
        )
    });
    let community = documents::community(&repo);
    let ledger_id = documents::ledger_of(&repo, community, building.clone());
    let ledger = documents::ledger_doc(&repo, ledger_id);
    let hid = household.clone();
    let current = Memo::new(move |_| {
        ledger.with(|l| l.as_ref().and_then(|l| l.households.get(&hid).cloned()))
    });
    let hid = household.clone();
    let archived =
        Memo::new(move |_| ledger.with(|l| l.as_ref().is_some_and(|l| l.is_archived(&hid))));
    let hid = household.clone();
    let on_welfare = Memo::new(move |_| {
        ledger.with(|l| {
            l.as_ref()
                .is_some_and(|l| l.welfare.get(&hid).copied().unwrap_or(false))
        })
    });

    // The edit form starts from what is stored and sends only what changed,
    // so an edit on another phone to a field left alone here is kept.
    let form = HouseholdForm::new();
    let HouseholdForm {
        unit,
        room,
        size,
        phone,
        notes,
        groups,
        ..
    } = form;
    let filled = RwSignal::new(false);
    Effect::new(move |_| {
        if filled.get_untracked() {
            return;
        }
        if let Some(h) = current.get() {
            unit.set(h.unit.clone());
            room.set(h.room.clone());
            size.set(h.size.to_string());
            phone.set(h.phone.clone());
            notes.set(h.notes.clone());
            groups.set(h.groups());
            filled.set(true);
        }
    });
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = {
        let repo = repo.clone();
        let household = household.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            saved.set(false);
            let (Some(id), Some(h)) = (ledger_id.get_untracked(), current.get_untracked()) else {
                return;
            };
            if let Some(p) = form.problem() {
                error.set(Some(p));
                return;
            }
            let size_n = form.size_number();
            let changed =
                |now: String, was: &str| (now.trim() != was).then(|| now.trim().to_owned());
            let chosen = groups.get_untracked();
            let edit = HouseholdEdit {
                unit: changed(unit.get_untracked(), &h.unit),
                room: changed(room.get_untracked(), &h.room),
                size: (size_n != h.size).then_some(size_n),
                phone: changed(phone.get_untracked(), &h.phone),
                notes: changed(notes.get_untracked(), &h.notes),
                groups: SpecialGroup::ALL
                    .iter()
                    .filter(|g| chosen.contains(g) != h.has(**g))
                    .map(|g| (*g, chosen.contains(g)))
                    .collect(),
            };
            if edit == HouseholdEdit::default() {
                saved.set(true);
                return;
            }
            let at = documents::now();
            match actions::apply(&repo, &id, |d, actor| {
                ledger::edit_household(d, actor, at, &household, &edit)
            }) {
                Ok(()) => {
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    };
    let act = {
        let repo = repo.clone();
        move |op: LedgerOp| {
            let Some(id) = ledger_id.get_untracked() else {
                return;
            };
            error.set(actions::apply(&repo, &id, op).err());
        }
    };
    let toggle_welfare = {
        let act = act.clone();
        let household = household.clone();
        move |_| {
            let on = !on_welfare.get_untracked();
            let household = household.clone();
            let at = documents::now();
            act(Box::new(move |d, actor| {
                ledger::set_welfare(d, actor, at, &household, on)
            }));
        }
    };
    let reason = RwSignal::new(String::new());
    let toggle_archive = {
        let act = act.clone();
        let household = household.clone();
        move |_| {
            let archive = !archived.get_untracked();
            let household = household.clone();
            let why = reason.get_untracked();
            let at = documents::now();
            act(Box::new(move |d, actor| {
                ledger::set_household_archived(d, actor, at, &household, archive, &why).map(|_| ())
            }));
        }
    };

    // Needs of this household, newest first.
    let hid = household.clone();
    let needs = Memo::new(move |_| {
        ledger.with(|l| {
            let Some(l) = l else { return Vec::new() };
            let mut v: Vec<_> = l
                .needs
                .iter()
                .filter(|(_, n)| n.household == hid)
                .map(|(id, n)| {
                    let state = l.need_state(id);
                    let history: Vec<NeedEvent> = need_status::history(&l.need_events, id)
                        .into_iter()
                        .cloned()
                        .collect();
                    (id.clone(), n.clone(), state.status, state.flagged, history)
                })
                .collect();
            v.sort_by_key(|a| {
                (
                    a.2 == NeedStatus::Done,
                    a.1.urgency,
                    std::cmp::Reverse(a.1.at),
                )
            });
            v
        })
    });
    let need_action = {
        let act = act.clone();
        move |need: String, action: NeedAction| {
            let at = documents::now();
            act(Box::new(move |d, actor| {
                ledger::set_need_status(d, actor, at, &need, action, "", "").map(|_| ())
            }));
        }
    };
    let kind = RwSignal::new(NeedKind::Food);
    let urgency = RwSignal::new(Urgency::Routine);
    let detail = RwSignal::new(String::new());
    let add_need = {
        let act = act.clone();
        let household = household.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (k, u, text) = (
                kind.get_untracked(),
                urgency.get_untracked(),
                detail.get_untracked(),
            );
            if k == NeedKind::Other && text.trim().is_empty() {
                error.set(Some(t_string!(i18n, need_error_detail).to_string()));
                return;
            }
            let household = household.clone();
            let at = documents::now();
            act(Box::new(move |d, actor| {
                ledger::add_need(d, actor, at, &household, k, &text, u).map(|_| ())
            }));
            if error.get_untracked().is_none() {
                detail.set(String::new());
            }
        }
    };
    let back = format!("/ledger/{building}");
    view! {
        <p><a class="back" href=back.clone()>{t!(i18n, household_back)}</a></p>
        {move || match current.get() {
            None => view! { <section class="card"><p class="notice">{t!(i18n, household_missing)}</p></section> }.into_any(),
            Some(h) => view! {
                <section class="card">
                    <h1 data-household-title=h.door()>{h.door()}</h1>
                    <p class="muted">
                        {crate::text::fill(t_string!(i18n, ledger_people), &[("n", h.size.to_string())])}
                        {archived.get().then(|| view! { " · " <span class="badge badge-missing" data-archived="true">{t!(i18n, household_archived)}</span> })}
                    </p>
                </section>
            }.into_any(),
        }}
        <section class="card">
            <h2>{t!(i18n, needs_title)}</h2>
            <ul class="list needs">
                {move || {
                    let en = labels::english();
                    needs.get().into_iter().map(|(id, n, status, flagged, history)| {
                        let is_flagged = flagged.is_some().to_string();
                        let (a1, a2, a3) = (need_action.clone(), need_action.clone(), need_action.clone());
                        let (i1, i2, i3) = (id.clone(), id.clone(), id.clone());
                        let code = match status { NeedStatus::Open => "open", NeedStatus::Planned => "planned", NeedStatus::Done => "done" };
                        view! {
                            <li class="need" data-need=id.clone() data-status=code data-urgency=n.urgency.as_str() data-flagged=is_flagged>
                                <div class="stop-head">
                                    <span class="stop-label">{labels::need_kind(n.kind, en)}</span>
                                    <span class=format!("badge badge-{}", n.urgency.as_str())>{labels::urgency(n.urgency, en)}</span>
                                </div>
                                {(!n.detail.is_empty()).then(|| view! { <p>{n.detail.clone()}</p> })}
                                <p class="muted">{labels::need_status(status, en)}</p>
                                {flagged.map(|note| view! {
                                    <p class="notice" data-flag="problem">
                                        <span class="badge badge-urgent">{t!(i18n, need_flagged)}</span>
                                        {(!note.is_empty()).then(|| view! { " " {labels::quoted(&note, en)} })}
                                    </p>
                                })}
                                <NeedHistory events=history community=community />
                                <div class="stop-actions">
                                    {(status == NeedStatus::Open).then(|| view! {
                                        <button class="button" type="button" data-action="need-planned" on:click=move |_| a1(i1.clone(), NeedAction::Planned)>{t!(i18n, need_mark_planned)}</button>
                                    })}
                                    {(status != NeedStatus::Done).then(|| view! {
                                        <button class="button button-primary" type="button" data-action="need-done" on:click=move |_| a2(i2.clone(), NeedAction::Done)>{t!(i18n, need_mark_done)}</button>
                                    })}
                                    {(status == NeedStatus::Done).then(|| view! {
                                        <button class="button button-quiet" type="button" data-action="need-reopen" on:click=move |_| a3(i3.clone(), NeedAction::Reopened)>{t!(i18n, need_reopen)}</button>
                                    })}
                                </div>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            <form class="stack" on:submit=add_need>
                <div class="row2">
                    <label>{t!(i18n, need_kind)}
                        <select name="need-kind" on:change=move |ev| { if let Some(k) = NeedKind::parse(&event_target_value(&ev)) { kind.set(k) } }>
                            {move || { let en = labels::english(); NeedKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=*k == kind.get_untracked()>{labels::need_kind(*k, en)}</option> }).collect_view() }}
                        </select>
                    </label>
                    <label>{t!(i18n, need_urgency)}
                        <select name="need-urgency" on:change=move |ev| { if let Some(u) = Urgency::parse(&event_target_value(&ev)) { urgency.set(u) } }>
                            {move || { let en = labels::english(); Urgency::ALL.iter().map(|u| view! { <option value=u.as_str() selected=*u == urgency.get_untracked()>{labels::urgency(*u, en)}</option> }).collect_view() }}
                        </select>
                    </label>
                </div>
                <label>{t!(i18n, need_detail)}
                    <input name="need-detail" placeholder=move || t_string!(i18n, need_detail_placeholder).to_string() prop:value=move || detail.get() on:input=move |ev| detail.set(event_target_value(&ev)) />
                </label>
                <button class="button button-primary button-block" type="submit" data-action="add-need">{t!(i18n, need_add)}</button>
            </form>
        </section>
        <section class="card">
            <h2>{t!(i18n, household_edit_title)}</h2>
            <form class="stack" on:submit=save>
                <HouseholdFields form=form />
                <button class="button button-primary button-block" type="submit" data-action="save-household">{t!(i18n, household_save)}</button>
                {move || saved.get().then(|| view! { <p class="notice" role="status">{t!(i18n, household_saved)}</p> })}
            </form>
        </section>
        <section class="card">
            <h2>{t!(i18n, household_welfare_title)}</h2>
            <p class="muted">{move || if on_welfare.get() { t_string!(i18n, household_on_welfare) } else { t_string!(i18n, household_off_welfare) }}</p>
            <button class="button button-block" type="button" data-action="toggle-welfare" data-on=move || on_welfare.get().to_string() on:click=toggle_welfare>
                {move || if on_welfare.get() { t_string!(i18n, household_welfare_off) } else { t_string!(i18n, household_welfare_on) }}
            </button>
        </section>
        <section class="card">
            <h2>{t!(i18n, household_archive_title)}</h2>
            <Show when=move || !archived.get()>
                <label>{t!(i18n, household_archive_reason)}
                    <input name="archive-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
            </Show>
            <button class="button button-block" type="button" data-action="toggle-archive" on:click=toggle_archive>
                {move || if archived.get() { t_string!(i18n, household_restore) } else { t_string!(i18n, household_archive) }}
            </button>
        </section>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
    .into_any()
}
