//! Community staff's home: the community's buildings (adding one also starts
//! its household ledger), every round with its progress, and invitations.

use crate::{
    actions,
    components::{RoundList, TeamLinks, announcement_badge::UnreadAnnouncements},
    context::use_repo,
    documents,
    i18n::*,
};
use leptos::prelude::*;

#[component]
pub fn StaffHome() -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let session = repo.session();
    let community = documents::community(&repo);
    crate::documents::read_ahead::start(&repo);
    let new_building = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = {
        let repo = repo.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let name = new_building.get_untracked();
            if name.trim().is_empty() {
                error.set(Some(t_string!(i18n, building_name_missing).to_string()));
                return;
            }
            match actions::building::add(&repo, &name) {
                Ok(()) => {
                    new_building.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(actions::said(&e))),
            }
        }
    };
    let buildings = move || community.with(|c| documents::buildings(c.as_ref()));
    view! {
        <section class="card">
            <h1 data-community>
                {move || community.with(|c| c.as_ref().map(|c| c.name.clone())).unwrap_or(session.community_name.clone())}
            </h1>
            <p class="muted">{t!(i18n, greeting_staff, name = session.name.clone())}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
        </section>
        <section class="card progress-links">
            <a class="button button-primary button-block" href="/dashboard" data-action="dashboard">{t!(i18n, dash_open)}</a>
            <a class="button button-block button-quiet" href="/reports" data-action="reports">{t!(i18n, dash_reports)}</a>
        </section>
        <section class="card">
            <h2>{t!(i18n, rounds_title)}</h2>
            <RoundList />
            <a class="button button-primary button-block" href="/rounds/new" data-action="new-round">
                {t!(i18n, round_new)}
            </a>
        </section>
        <section class="card">
            <h2>{t!(i18n, buildings_title)}</h2>
            <ul class="list buildings">
                <For
                    each=buildings
                    key=|(id, name)| (id.clone(), name.clone())
                    children=move |(id, name)| view! {
                        <li data-building=id.clone()>
                            <a class="list-item" href=format!("/ledger/{id}")>
                                <span class="title">{name}</span>
                                <span class="meta">{t!(i18n, ledger_open)}</span>
                            </a>
                        </li>
                    }
                />
            </ul>
            <form class="row" on:submit=add>
                <input
                    name="building-name"
                    aria-label=move || t_string!(i18n, building_name_label).to_string()
                    placeholder=move || t_string!(i18n, building_name_placeholder).to_string()
                    prop:value=move || new_building.get()
                    on:input=move |ev| new_building.set(event_target_value(&ev))
                />
                <button class="button" type="submit" data-action="add-building">
                    {t!(i18n, building_add)}
                </button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
        <TeamLinks />
        <section class="card">
            <h2>{t!(i18n, more_title)}</h2>
            <UnreadAnnouncements />
            <a class="button button-block button-quiet" href="/casebook" data-action="casebook">{t!(i18n, casebook_link)}</a>
        </section>
        <section class="card">
            <h2>{t!(i18n, invite_title)}</h2>
            <p class="muted">{t!(i18n, invite_explain)}</p>
            <a class="button button-block" href="/invite" data-action="invite">{t!(i18n, invite_open)}</a>
        </section>
        <section class="card">
            <h2>{t!(i18n, recruit_open)}</h2>
            <p class="muted">{t!(i18n, recruit_home_explain)}</p>
            <a class="button button-block" href="/recruitment" data-action="recruitment">{t!(i18n, recruit_open)}</a>
        </section>
    }
}
