//! A welfare check's "needs help" becomes an urgent need in the building's
//! ledger on the first lead or staff phone that holds both documents, as soon
//! as the record reaches it — whatever screen is open. Volunteers never hold
//! ledgers, so their phones leave it to a lead. The need's id comes from the
//! record, so phones converting it at the same time create it once.

use automerge::ReadDoc;
use linli_shared::{
    model::{Role, directory, doc::DocKind, field_work, ledger, round},
    vocabulary::DocumentId,
};

use crate::{documents, repo::Repo};

/// Looks at one changed document; converts what it finds.
pub fn convert(repo: &Repo, document: &DocumentId) {
    let session = repo.session();
    if session.role == Role::Volunteer {
        return;
    }
    let is_welfare = repo
        .read(document, |d| {
            matches!(
                d.get(automerge::ROOT, "round_kind"),
                Ok(Some((automerge::Value::Scalar(s), _))) if s.as_str() == Some("welfare_check")
            )
        })
        .unwrap_or(false);
    if !is_welfare {
        return;
    }
    let Some(r) = repo.parsed(document, |d| round::read(d).ok()) else {
        return;
    };
    let help = field_work::help_wanted(&r);
    if help.is_empty() {
        return;
    }
    let ledger_id = repo
        .read(&session.community_document(), |d| {
            let listings = directory::read(d).ok()?;
            directory::visible_to(&listings, &session.member())
                .into_iter()
                .find(|(_, l)| {
                    l.kind == DocKind::Ledger && l.building.as_deref() == Some(r.building.as_str())
                })
                .and_then(|(id, _)| id.parse::<DocumentId>().ok())
        })
        .flatten();
    let Some(ledger_id) = ledger_id else { return };
    for (event, household, note) in help {
        let known = repo
            .read(&ledger_id, |d| {
                ledger::read(d).map_or(true, |l| {
                    l.needs.contains_key(&field_work::need_id_for(&event))
                })
            })
            .unwrap_or(true);
        if !known {
            let at = documents::now();
            let _ = repo.change(&ledger_id, |d, actor| {
                field_work::need_from_check(d, actor, at, &event, &household, &note)
            });
        }
    }
}

/// Every document on the phone, once (at start: records that arrived while
/// the app was closed).
pub fn sweep(repo: &Repo) {
    for id in repo.documents() {
        convert(repo, &id);
    }
}
