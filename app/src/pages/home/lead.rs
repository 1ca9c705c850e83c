//! A building lead's home: their building's rounds and households at a
//! glance, and planning a new round.

use leptos::prelude::*;
use linli_shared::model::doc::DocKind;

use crate::{
    components::{RoundList, TeamLinks, announcement_badge::UnreadAnnouncements},
    context::use_repo,
    documents,
    i18n::*,
};

#[component]
pub fn LeadHome() -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let session = repo.session();
    let building = session.building.clone().unwrap_or_default();
    let community = documents::community(&repo);
    crate::documents::read_ahead::start(&repo);
    let ledgers = documents::listings(community, &repo, DocKind::Ledger);
    let ledger_id = {
        let building = building.clone();
        Memo::new(move |_| {
            ledgers.with(|l| {
                l.iter()
                    .find(|(_, l)| l.building.as_deref() == Some(building.as_str()))
                    .map(|(id, _)| *id)
            })
        })
    };
    let households = {
        let repo = repo.clone();
        move || {
            repo.signals.revision.track();
            let id = ledger_id.get()?;
            repo.read(&id, |d| linli_shared::model::ledger::read(d).ok())
                .flatten()
                .map(|l| (l.active_households().len(), l.open_needs().len()))
        }
    };
    let name = {
        let building = building.clone();
        move || community.with(|c| documents::building_name(c.as_ref(), &building))
    };
    view! {
        <section class="card">
            <h1>{name}</h1>
            <p class="muted">{t!(i18n, greeting_lead, name = session.name.clone())}</p>
            {move || match households() {
                Some((h, n)) => view! {
                    <p data-ledger="here">{t!(i18n, ledger_counts, households = h, needs = n)}</p>
                }
                    .into_any(),
                None => view! { <p class="muted">{t!(i18n, ledger_not_here)}</p> }.into_any(),
            }}
            <a class="button button-primary button-block" href=format!("/ledger/{building}") data-action="open-ledger">
                {t!(i18n, ledger_open)}
            </a>
        </section>
        <section class="card progress-links">
            <a class="button button-primary button-block" href="/dashboard" data-action="dashboard">{t!(i18n, dash_open)}</a>
            <a class="button button-block button-quiet" href="/reports" data-action="reports">{t!(i18n, dash_reports)}</a>
        </section>
        <section class="card">
            <h2>{t!(i18n, rounds_title)}</h2>
            <RoundList building=building.clone() />
            <a class="button button-primary button-block" href="/rounds/new" data-action="new-round">
                {t!(i18n, round_new)}
            </a>
        </section>
        <section class="card">
            <UnreadAnnouncements />
        </section>
        <TeamLinks />
    }
}
