//! The community's progress on a day, from the documents on this phone: the
//! dashboard and the daily summary both read it. Only the rounds of the days
//! shown are read (a community keeps weeks of rounds), found by their date in
//! the directory; a lead's phone counts their own building only.

use std::{collections::BTreeMap, rc::Rc};

use leptos::prelude::*;
use linli_shared::{
    model::{
        Role,
        civil::Day,
        community::Community,
        dashboard::{self, Inputs, Overview, TREND_DAYS},
        doc::DocKind,
        ledger::{self, Ledger},
        round::{self, Round},
        volunteer::Volunteer,
    },
    vocabulary::DocumentId,
};

use crate::repo::Repo;

/// The documents one building's figures come from on a day: its ledger and
/// its rounds of the day.
pub type Sources = BTreeMap<String, Vec<DocumentId>>;

/// The overview of `day`, following every change; with each building's
/// source documents, for "as of".
pub fn follow(
    repo: &Repo,
    community: Memo<Option<Community>>,
    team: Memo<Vec<Volunteer>>,
    day: Signal<Day>,
    now: Signal<i64>,
) -> Memo<Option<(Overview, Sources)>> {
    let ledgers = super::listings(community, repo, DocKind::Ledger);
    let rounds = super::listings(community, repo, DocKind::Round);
    let session = repo.session();
    let only = (session.role == Role::Lead)
        .then(|| session.building.clone())
        .flatten();
    let repo = repo.clone();
    Memo::new(move |_| {
        repo.signals.revision.track();
        let day = day.get();
        let first = Day(day.0 - (TREND_DAYS - 1)).iso();
        let last = day.iso();
        let mut sources = Sources::new();
        let shown = |b: Option<&str>| only.as_deref().is_none_or(|o| Some(o) == b);
        let ledgers: BTreeMap<String, Rc<Ledger>> = ledgers.with(|l| {
            l.iter()
                .filter(|(_, l)| shown(l.building.as_deref()))
                .filter_map(|(id, l)| {
                    let building = l.building.clone()?;
                    let ledger = repo.parsed(id, |d| ledger::read(d).ok())?;
                    sources.entry(building.clone()).or_default().push(*id);
                    Some((building, ledger))
                })
                .collect()
        });
        let rounds: Vec<Rc<Round>> = rounds.with(|r| {
            r.iter()
                .filter(|(_, l)| l.date >= first && l.date <= last)
                .filter(|(_, l)| shown(l.building.as_deref()))
                .filter_map(|(id, l)| {
                    if l.date == last
                        && let Some(b) = &l.building
                    {
                        sources.entry(b.clone()).or_default().push(*id);
                    }
                    repo.parsed(id, |d| round::read(d).ok())
                })
                .collect()
        });
        let ledgers: BTreeMap<String, &Ledger> =
            ledgers.iter().map(|(b, l)| (b.clone(), &**l)).collect();
        let rounds: Vec<&Round> = rounds.iter().map(|r| &**r).collect();
        community.with(|c| {
            let c = c.as_ref()?;
            team.with(|team| {
                let o = dashboard::overview(
                    &Inputs {
                        community: c,
                        ledgers: &ledgers,
                        rounds: &rounds,
                        volunteers: team,
                        only: only.as_deref(),
                        now: now.get(),
                    },
                    day,
                );
                Some((o, sources.clone()))
            })
        })
    })
}

/// When this phone last heard from the relay about all of a building's
/// sources (the oldest of their confirmations; None if one never was).
/// A building with no source yet goes by the community document.
pub fn as_of(repo: &Repo, sources: &[DocumentId]) -> Option<f64> {
    repo.signals.book.with(|b| {
        let last = |id: &DocumentId| b.documents.get(id).and_then(|d| d.last_synced);
        if sources.is_empty() {
            return last(&repo.session().community_document());
        }
        sources
            .iter()
            .map(last)
            .try_fold(f64::INFINITY, |m, t| t.map(|t| m.min(t)))
    })
}
