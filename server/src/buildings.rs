//! Buildings from the terminal: listing a community's buildings, adding one
//! (with its household ledger, as staff adding it in the app do), and
//! finding the one an invite or a token names — by id, by its name as staff
//! typed it ("3号楼"), or by its number ("3") when exactly one building has
//! it.
//!
//! The buildings live in the community's document, which the relay stores
//! like any other; every chunk is checked before Automerge reads it.

use anyhow::{Context, bail};
use automerge::AutoCommit;
use linli_shared::intact;
use linli_shared::model::{
    actor::{Actor, Role},
    community,
    directory::{self, Listing},
    doc::DocKind,
    ledger,
};
use linli_shared::sync::{
    chunk::{ChunkKind, StoredChunk},
    document_id::DocumentId,
    scope::Scope,
};

use crate::secret;
use crate::storage::{Registration, Storage, Write};

/// The relay's own actor for what it writes into documents.
fn relay() -> Actor {
    Actor::new("relay", "relay", Role::Staff)
}

/// The community's document as stored (chunks that fail the check are left
/// out, as the sync hub leaves them out).
fn community_document(storage: &dyn Storage, community: &str) -> anyhow::Result<AutoCommit> {
    if storage.community(community)?.is_none() {
        bail!("no community {community}");
    }
    let id = DocumentId::for_community(community);
    let mut doc = AutoCommit::new();
    for chunk in storage.load_chunks(&id)? {
        if intact::intact(&chunk.bytes) {
            // A chunk Automerge still refuses is skipped like a damaged one.
            let _ = doc.load_incremental(&chunk.bytes);
        }
    }
    Ok(doc)
}

/// The community's buildings, `(id, name)`, by name.
pub fn buildings(storage: &dyn Storage, community: &str) -> anyhow::Result<Vec<(String, String)>> {
    let doc = community_document(storage, community)?;
    let c = community::read(&doc)
        .with_context(|| format!("the document of community {community} cannot be read"))?;
    let mut v: Vec<(String, String)> = c
        .buildings
        .into_iter()
        .map(|(id, b)| (id, b.name))
        .collect();
    // Numbered buildings first, by number (2号楼 before 10号楼), then the
    // others by name.
    v.sort_by_key(|(_, name)| (natural(name).is_none(), natural(name), name.clone()));
    Ok(v)
}

/// A name's leading number, for ordering 2号楼 before 10号楼.
fn natural(name: &str) -> Option<u64> {
    leading_number(name)
}

fn leading_number(name: &str) -> Option<u64> {
    let digits: String = name
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// One line per building: id and name (tab-separated).
pub fn list(storage: &dyn Storage, community: &str) -> anyhow::Result<String> {
    let mut out = String::new();
    for (id, name) in buildings(storage, community)? {
        out.push_str(&format!("{id}\t{name}\n"));
    }
    Ok(out)
}

/// The id of the building `given` names: its id, its name, or its number.
/// An unknown building is refused with the list of known ones.
pub fn resolve(storage: &dyn Storage, community: &str, given: &str) -> anyhow::Result<String> {
    let given = given.trim();
    let known = buildings(storage, community)?;
    if let Some((id, _)) = known
        .iter()
        .find(|(id, name)| id == given || name.trim() == given)
    {
        return Ok(id.clone());
    }
    if let Ok(n) = given.parse::<u64>() {
        let numbered: Vec<&(String, String)> = known
            .iter()
            .filter(|(_, name)| leading_number(name) == Some(n))
            .collect();
        if let [(id, _)] = numbered.as_slice() {
            return Ok(id.clone());
        }
    }
    if known.is_empty() {
        bail!(
            "community {community} has no buildings yet: add one first, with \
             `linli-server building add --community {community} --name \"3号楼\"` \
             (or in the app, 楼栋 → 添加楼栋)"
        );
    }
    let names: Vec<String> = known
        .iter()
        .map(|(id, name)| format!("{name} ({id})"))
        .collect();
    bail!(
        "no building {given:?} in community {community}; its buildings: {}",
        names.join(", ")
    )
}

/// Adds a building and starts its ledger, listed for staff and the
/// building's leads. Returns the building's id. Refuses a name the
/// community already has.
pub fn add(storage: &dyn Storage, community: &str, name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    if name.is_empty() {
        bail!("the building needs a name");
    }
    if let Some((id, _)) = buildings(storage, community)?
        .into_iter()
        .find(|(_, n)| n.trim() == name)
    {
        bail!("community {community} already has a building {name:?} ({id})");
    }
    let now = secret::now_millis();
    let actor = relay();
    let mut doc = community_document(storage, community)?;
    let before = doc.get_heads();
    let building = community::add_building(&mut doc, &actor, now, name)?;

    let mut ledger_doc = ledger::create(&actor, now, &building)?;
    let ledger_id = DocumentId::random();
    let scope = Scope::Building {
        building: building.clone(),
    };
    storage.register(&Registration {
        document: ledger_id,
        community: community.to_owned(),
        scope: scope.clone(),
        creator: "relay".to_owned(),
        created_at: now,
    })?;
    let listing = Listing {
        kind: DocKind::Ledger,
        title: name.to_owned(),
        building: Some(building.clone()),
        date: String::new(),
        scope,
        by: String::new(),
        at: now,
    };
    directory::list(&mut doc, &actor, now, &ledger_id.to_string(), listing)?;
    storage.write(&[
        Write::Chunk {
            document: ledger_id,
            chunk: StoredChunk::new(ChunkKind::Snapshot, ledger_doc.save()),
        },
        Write::Chunk {
            document: DocumentId::for_community(community),
            chunk: StoredChunk::new(ChunkKind::Incremental, doc.save_after(&before)),
        },
    ])?;
    eprintln!("added building {name:?} to community {community}, with its household ledger");
    Ok(building)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buildings_are_added_listed_and_found_by_name_number_or_id() {
        let dir = tempfile::tempdir().unwrap();
        let storage = crate::storage::Database::chosen(None, dir.path())
            .unwrap()
            .open()
            .unwrap();
        let s = storage.as_ref();
        let c = crate::admin::create_community(s, "和平里社区").unwrap();
        let none = resolve(s, &c, "3").unwrap_err().to_string();
        assert!(none.contains("no buildings yet") && none.contains("building add"));
        let three = add(s, &c, "3号楼").unwrap();
        let twelve = add(s, &c, " 12号楼 ").unwrap();
        let north = add(s, &c, "北区3号楼").unwrap();
        assert!(
            add(s, &c, "3号楼")
                .unwrap_err()
                .to_string()
                .contains("already has")
        );
        assert_eq!(
            list(s, &c).unwrap(),
            format!("{three}\t3号楼\n{twelve}\t12号楼\n{north}\t北区3号楼\n")
        );
        for given in ["3号楼", "3", three.as_str(), " 3号楼 "] {
            assert_eq!(resolve(s, &c, given).unwrap(), three, "{given}");
        }
        assert_eq!(resolve(s, &c, "12").unwrap(), twelve);
        let unknown = resolve(s, &c, "9").unwrap_err().to_string();
        assert!(
            unknown.contains("3号楼") && unknown.contains("12号楼"),
            "{unknown}"
        );
        // The ledger is listed for the building's leads, with its scope.
        let doc = community_document(s, &c).unwrap();
        let read = community::read(&doc).unwrap();
        let ledgers: Vec<_> = read
            .documents
            .values()
            .filter(|l| l.kind == DocKind::Ledger)
            .collect();
        assert_eq!(ledgers.len(), 3);
        assert!(
            ledgers
                .iter()
                .any(|l| l.building.as_deref() == Some(three.as_str())
                    && l.scope
                        == Scope::Building {
                            building: three.clone()
                        })
        );
    }

    #[test]
    fn a_building_is_found_by_number_only_when_one_has_it() {
        assert_eq!(leading_number("3号楼"), Some(3));
        assert_eq!(leading_number(" 12栋"), Some(12));
        assert_eq!(leading_number("北区3号楼"), None);
    }
}
