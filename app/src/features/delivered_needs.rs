//! A delivery's records reach the ledger: 已送达 closes the needs the stop
//! carried, 拒收 reopens them with the reason, 有问题 flags them for the lead
//! ([`linli_shared::model::delivered_needs`] says which events, and
//! `need_status` what they mean). It runs on every lead and staff phone that
//! holds both the round and its building's ledger, as soon as either
//! changes, whatever screen is open; volunteers never hold ledgers, so their
//! records wait for the first such phone. The events keep the volunteer and
//! the time of the record, and their ids come from the record, so two
//! phones carrying the same record over write it once.

use std::collections::BTreeSet;

use linli_shared::{
    model::{
        Role, delivered_needs, directory, doc::DocKind, ledger, need_status::NeedAction,
        need_status::NeedStatus, round,
    },
    vocabulary::DocumentId,
};

use crate::{documents, repo::Repo};

/// The ledger of `building`, when this phone may hold it.
fn ledger_of(repo: &Repo, building: &str) -> Option<DocumentId> {
    let session = repo.session();
    repo.read(&session.community_document(), |d| {
        let listings = directory::read(d).ok()?;
        directory::visible_to(&listings, &session.member())
            .into_iter()
            .find(|(_, l)| l.kind == DocKind::Ledger && l.building.as_deref() == Some(building))
            .and_then(|(id, _)| id.parse::<DocumentId>().ok())
    })
    .flatten()
}

/// A text field at the document's root, read without parsing the document.
fn field(repo: &Repo, document: &DocumentId, key: &str) -> Option<String> {
    repo.read(document, |d| {
        match automerge::ReadDoc::get(d, automerge::ROOT, key) {
            Ok(Some((automerge::Value::Scalar(s), _))) => s.as_str().map(str::to_owned),
            _ => None,
        }
    })
    .flatten()
}

/// Carries one delivery round's records over to its ledger.
fn carry(repo: &Repo, round_id: &DocumentId) {
    if field(repo, round_id, "round_kind").as_deref() != Some("delivery") {
        return;
    }
    let Some(r) = repo.parsed(round_id, |d| round::read(d).ok()) else {
        return;
    };
    if r.round_kind != round::RoundKind::Delivery {
        return;
    }
    let Some(ledger_id) = ledger_of(repo, &r.building) else {
        return;
    };
    let Some(l) = repo.parsed(&ledger_id, |d| ledger::read(d).ok()) else {
        return;
    };
    let events = delivered_needs::missing(&l, &round_id.to_string(), &r);
    if events.is_empty() {
        return;
    }
    let at = documents::now();
    let _ = repo.change(&ledger_id, |d, actor| {
        ledger::carry_over(d, actor, at, &events)
    });
}

/// The rounds a ledger's unfinished needs are planned for (a ledger that
/// arrives after its rounds' records).
fn rounds_of(repo: &Repo, ledger_id: &DocumentId) -> Vec<DocumentId> {
    let Some(l) = repo.parsed(ledger_id, |d| ledger::read(d).ok()) else {
        return Vec::new();
    };
    let rounds: BTreeSet<&str> = l
        .need_events
        .iter()
        .filter(|e| e.action == NeedAction::Planned && !e.round.is_empty())
        .filter(|e| l.need_status(&e.need) != NeedStatus::Done)
        .map(|e| e.round.as_str())
        .collect();
    rounds.into_iter().filter_map(|r| r.parse().ok()).collect()
}

/// Looks at one changed document.
pub fn follow(repo: &Repo, document: &DocumentId) {
    if repo.session().role == Role::Volunteer {
        return;
    }
    match field(repo, document, "kind").as_deref() {
        Some("round") => carry(repo, document),
        Some("ledger") => {
            for r in rounds_of(repo, document) {
                if repo.has(&r) {
                    carry(repo, &r);
                }
            }
        }
        _ => {}
    }
}

/// Every document on the phone, once (at start: records that arrived while
/// the app was closed).
pub fn sweep(repo: &Repo) {
    if repo.session().role == Role::Volunteer {
        return;
    }
    for id in repo.documents() {
        if field(repo, &id, "kind").as_deref() == Some("round") {
            carry(repo, &id);
        }
    }
}
