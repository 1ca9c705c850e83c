//! What screens read from the phone's documents, as memos that follow every
//! change (local, from the relay, or from another tab). Reading only: every
//! write goes through [`crate::actions`].
//!
//! - [`overview`]: a day's progress of the community (dashboard, daily summary).
//! - [`read_ahead`]: reading a staff phone's documents while it is idle.

pub mod overview;
pub mod read_ahead;

use leptos::prelude::*;
use linli_shared::{
    model::{
        civil::{Day, Millis},
        community::{self, Community},
        directory::{self, Listing},
        doc::DocKind,
        ledger::{self, Ledger},
        round::{self, Round},
        volunteer::{self, Volunteer},
    },
    vocabulary::DocumentId,
};

use crate::repo::{Repo, now_ms};

/// The community document (None until it has reached this phone): one memo
/// for the whole app, read once per change, however many screens use it.
pub fn community(repo: &Repo) -> Memo<Option<Community>> {
    #[derive(Clone, Copy)]
    struct Shared(Memo<Option<Community>>);
    if let Some(Shared(m)) = use_context::<Shared>() {
        return m;
    }
    let repo = repo.clone();
    let id = repo.session().community_document();
    let memo = Memo::new(move |_| {
        repo.signals.revision.track();
        repo.parsed(&id, |d| community::read(d).ok())
            .map(|c| (*c).clone())
    });
    provide_context(Shared(memo));
    memo
}

/// The listed documents this device may see, of one kind.
pub fn listings(
    community: Memo<Option<Community>>,
    repo: &Repo,
    kind: DocKind,
) -> Memo<Vec<(DocumentId, Listing)>> {
    let session = repo.session();
    Memo::new(move |_| {
        community.with(|c| {
            let Some(c) = c else { return Vec::new() };
            let mut out: Vec<(DocumentId, Listing)> =
                directory::visible_to(&c.documents, &session.member())
                    .into_iter()
                    .filter(|(_, l)| l.kind == kind)
                    .filter_map(|(id, l)| Some((id.parse().ok()?, l.clone())))
                    .collect();
            // Newest day first, then newest listing.
            out.sort_by(|a, b| (&b.1.date, b.1.at).cmp(&(&a.1.date, a.1.at)));
            out
        })
    })
}

pub fn round(repo: &Repo, id: DocumentId) -> Memo<Option<Round>> {
    let repo = repo.clone();
    Memo::new(move |_| {
        repo.signals.revision.track();
        repo.parsed(&id, |d| round::read(d).ok())
            .map(|r| (*r).clone())
    })
}

pub fn ledger(repo: &Repo, id: DocumentId) -> Memo<Option<Ledger>> {
    let repo = repo.clone();
    Memo::new(move |_| {
        repo.signals.revision.track();
        repo.parsed(&id, |d| ledger::read(d).ok())
            .map(|r| (*r).clone())
    })
}

/// One volunteer's own document (None until it is on this phone).
pub fn volunteer(repo: &Repo, id: DocumentId) -> Memo<Option<Volunteer>> {
    let repo = repo.clone();
    Memo::new(move |_| {
        repo.signals.revision.track();
        repo.parsed(&id, |d| volunteer::read(d).ok())
            .map(|r| (*r).clone())
    })
}

/// This volunteer's own document.
pub fn me(repo: &Repo) -> Memo<Option<Volunteer>> {
    volunteer(repo, repo.session().volunteer_document())
}

/// The volunteers whose documents this device holds and has (staff: all;
/// a lead: their building's; a volunteer: themself), in roster order.
pub fn team(repo: &Repo, community: Memo<Option<Community>>) -> Memo<Vec<Volunteer>> {
    let repo = repo.clone();
    Memo::new(move |_| {
        repo.signals.revision.track();
        let session = repo.session();
        community.with(|c| {
            let Some(c) = c else { return Vec::new() };
            session
                .volunteer_documents(&c.roster)
                .into_iter()
                .filter_map(|(_, id)| repo.parsed(&id, |d| volunteer::read(d).ok()))
                .map(|v| (*v).clone())
                .collect()
        })
    })
}

/// Now, in ms since 1970.
pub fn now() -> Millis {
    now_ms() as Millis
}

/// Today in the community's time zone.
pub fn today(c: Option<&Community>) -> Day {
    let offset = c.map_or(linli_shared::model::civil::BEIJING_OFFSET_MINUTES, |c| {
        c.utc_offset_minutes
    });
    Day::of(now(), offset)
}

/// The community's buildings as (id, name), in id order.
pub fn buildings(c: Option<&Community>) -> Vec<(String, String)> {
    c.map(|c| {
        c.buildings
            .iter()
            .map(|(id, b)| (id.clone(), b.name.clone()))
            .collect()
    })
    .unwrap_or_default()
}

/// A building's name, or its id when the community does not know it (yet).
pub fn building_name(c: Option<&Community>, id: &str) -> String {
    c.and_then(|c| c.buildings.get(id))
        .map_or_else(|| id.to_owned(), |b| b.name.clone())
}

/// A person's name from the roster, or a short form of the id.
pub fn person_name(c: Option<&Community>, id: &str) -> String {
    c.and_then(|c| c.roster.get(id))
        .map_or_else(|| id.chars().take(6).collect(), |r| r.display_name.clone())
}

/// The ledger document of a building, if this device may see it.
pub fn ledger_of(
    repo: &Repo,
    community: Memo<Option<Community>>,
    building: String,
) -> Memo<Option<DocumentId>> {
    let ledgers = listings(community, repo, DocKind::Ledger);
    Memo::new(move |_| {
        ledgers.with(|l| {
            l.iter()
                .find(|(_, l)| l.building.as_deref() == Some(building.as_str()))
                .map(|(id, _)| *id)
        })
    })
}

/// A ledger's content, following every change (None until it is here).
pub fn ledger_doc(repo: &Repo, id: Memo<Option<DocumentId>>) -> Memo<Option<Ledger>> {
    let repo = repo.clone();
    Memo::new(move |_| {
        repo.signals.revision.track();
        let id = id.get()?;
        repo.parsed(&id, |d| ledger::read(d).ok())
            .map(|r| (*r).clone())
    })
}
