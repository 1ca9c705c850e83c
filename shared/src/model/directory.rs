//! The community's directory of documents: which building ledgers and rounds
//! exist, and for whom. It lives in the community document (everyone in the
//! community reads it), holds no household data — a title, a building, a day
//! and the scope — and lets a phone ask only for the documents its role may
//! see. The relay enforces the same scopes on every message.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ROOT, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::model::{
    Actor, ModelError, Role,
    civil::Millis,
    doc::{self, DocKind},
};
use crate::vocabulary::{Member, Scope};

/// One document in the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub kind: DocKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    /// `YYYY-MM-DD` for rounds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    /// Who may sync it: the same scope the relay holds for it.
    pub scope: Scope,
    pub by: String,
    pub at: Millis,
}

/// Lists a document (or updates its listing, e.g. when a round's volunteers
/// change: the latest listing wins). Leads and staff plan documents.
pub fn list(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    document: &str,
    mut listing: Listing,
) -> Result<(), ModelError> {
    actor.require(&[Role::Staff, Role::Lead])?;
    doc::check(d, DocKind::Community)?;
    listing.title = doc::required("title", &listing.title)?;
    listing.by = actor.person.clone();
    listing.at = at;
    let documents = doc::child(d, &ROOT, "documents")?;
    let json = serde_json::to_string(&listing).map_err(|e| ModelError::Decode(e.to_string()))?;
    d.put(&documents, document, json)?;
    doc::commit(d, at, "list document");
    Ok(())
}

/// Reads the directory map: each listing is one JSON scalar; one this version
/// cannot read (from a newer app) is skipped, not fatal.
pub fn listings<'de, D>(d: D) -> Result<BTreeMap<String, Listing>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = BTreeMap::<String, serde_json::Value>::deserialize(d)?;
    Ok(raw
        .into_iter()
        .filter_map(|(id, v)| match v {
            serde_json::Value::String(s) => serde_json::from_str(&s).ok().map(|l| (id, l)),
            _ => None,
        })
        .collect())
}

/// Reads only the directory of a community document (not its roster,
/// courses or announcements): what a phone needs at start to know which
/// documents to open, without hydrating the whole community.
pub fn read(d: &AutoCommit) -> Result<BTreeMap<String, Listing>, ModelError> {
    use automerge::{ReadDoc, ScalarValueRef, ValueRef};
    doc::check(d, DocKind::Community)?;
    let documents = doc::child(d, &ROOT, "documents")?;
    Ok(d.map_range(&documents, ..)
        .filter_map(|item| match item.value {
            ValueRef::Scalar(ScalarValueRef::Str(text)) => serde_json::from_str(&text)
                .ok()
                .map(|l| (item.key.to_string(), l)),
            _ => None,
        })
        .collect())
}

/// The listed documents this member may sync, in the directory's order.
pub fn visible_to<'a>(
    documents: &'a BTreeMap<String, Listing>,
    member: &Member<'_>,
) -> Vec<(&'a String, &'a Listing)> {
    documents
        .iter()
        .filter(|(_, l)| l.scope.admits(member))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::community;

    fn listing(kind: DocKind, title: &str, scope: Scope) -> Listing {
        Listing {
            kind,
            title: title.into(),
            building: Some("b1".into()),
            date: "2026-11-29".into(),
            scope,
            by: String::new(),
            at: 0,
        }
    }

    #[test]
    fn each_member_sees_only_what_its_scope_admits() {
        let staff = Actor::seeded("s", "phone-s", Role::Staff, 1);
        let mut d = community::create(&staff, 0, "和平里").unwrap();
        let ledger = listing(
            DocKind::Ledger,
            "1号楼台账",
            Scope::Building {
                building: "b1".into(),
            },
        );
        let round = listing(
            DocKind::Round,
            "配送",
            Scope::Members {
                building: Some("b1".into()),
                devices: vec!["v1".into()],
            },
        );
        list(&mut d, &staff, 5, "doc-ledger", ledger).unwrap();
        list(&mut d, &staff, 6, "doc-round", round).unwrap();
        let c = community::read(&d).unwrap();
        assert_eq!(read(&d).unwrap(), c.documents, "the direct read agrees");
        assert_eq!(c.documents["doc-round"].by, "s");
        assert_eq!(c.documents["doc-round"].at, 6);
        let ids = |m: Member<'_>| -> Vec<String> {
            visible_to(&c.documents, &m)
                .into_iter()
                .map(|(id, _)| id.clone())
                .collect()
        };
        let v1 = Member {
            device: "v1",
            role: Role::Volunteer,
            building: None,
            pending: false,
        };
        let v2 = Member {
            device: "v2",
            role: Role::Volunteer,
            building: Some("b1"),
            pending: false,
        };
        let lead = Member {
            device: "l",
            role: Role::Lead,
            building: Some("b1"),
            pending: false,
        };
        let other_lead = Member {
            device: "l2",
            role: Role::Lead,
            building: Some("b2"),
            pending: false,
        };
        assert_eq!(ids(v1), vec!["doc-round"]);
        assert!(ids(v2).is_empty());
        assert_eq!(ids(lead), vec!["doc-ledger", "doc-round"]);
        assert!(ids(other_lead).is_empty());
    }

    #[test]
    fn volunteers_do_not_list_documents() {
        let staff = Actor::seeded("s", "phone-s", Role::Staff, 1);
        let v = Actor::seeded("v", "phone-v", Role::Volunteer, 2);
        let mut d = community::create(&staff, 0, "和平里").unwrap();
        let l = listing(DocKind::Round, "x", Scope::Staff);
        assert!(matches!(
            list(&mut d, &v, 1, "doc", l),
            Err(ModelError::NotPermitted(Role::Volunteer))
        ));
    }
}
