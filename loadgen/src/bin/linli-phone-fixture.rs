//! Writes what a phone of the generated benchmark community (the data-model
//! issue's shape) holds in IndexedDB, as JSON a browser script can load: the
//! device's session and every document its role may see, as snapshot chunks.
//! The community document lists the generated ledgers and rounds in its
//! directory with their scopes, as the app itself would have.
//!
//! `linli-phone-fixture --role volunteer|lead --out FILE [--small]`

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use automerge::AutoCommit;
use linli_shared::{
    model::{
        Actor, Role,
        directory::{self, Listing},
        doc::DocKind,
        generate::{self, Shape},
    },
    sync::{
        chunk::{ChunkKind, StoredChunk},
        document_id::DocumentId,
        scope::{Member, Scope},
    },
};

const COMMUNITY: &str = "benchmark-community";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| -> Option<String> {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let role = value("--role").unwrap_or_else(|| "volunteer".into());
    let out = value("--out").context("--out FILE")?;
    let shape = if args.iter().any(|a| a == "--small") {
        Shape::SMALL
    } else {
        Shape::FULL
    };
    let mut g = generate::community(shape, 7)?;
    let staff = Actor::new(g.staff.clone(), "staff-phone", Role::Staff);
    let mut seed = 0x6c69_6e6c_6900_0000u64;
    let mut next_id = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..].copy_from_slice(&seed.rotate_left(29).to_le_bytes());
        DocumentId::from_random_bytes(bytes)
    };

    // Every ledger and round, listed in the community's directory.
    let mut documents: Vec<(DocumentId, Scope, AutoCommit)> = Vec::new();
    let at = 1_651_100_000_000;
    for (building, ledger) in g.buildings.iter().zip(std::mem::take(&mut g.ledgers)) {
        let id = next_id();
        let scope = Scope::Building {
            building: building.clone(),
        };
        let listing = Listing {
            kind: DocKind::Ledger,
            title: format!("{building} 台账"),
            building: Some(building.clone()),
            date: String::new(),
            scope: scope.clone(),
            by: String::new(),
            at,
        };
        directory::list(&mut g.community, &staff, at, &id.to_string(), listing)?;
        documents.push((id, scope, ledger));
    }
    for r in std::mem::take(&mut g.rounds) {
        let id = next_id();
        let scope = Scope::Members {
            building: Some(r.building.clone()),
            devices: r.assignees.clone(),
        };
        let listing = Listing {
            kind: DocKind::Round,
            title: format!("{} {}", r.kind.as_str(), r.day.iso()),
            building: Some(r.building.clone()),
            date: r.day.iso(),
            scope: scope.clone(),
            by: String::new(),
            at,
        };
        directory::list(&mut g.community, &staff, at, &id.to_string(), listing)?;
        documents.push((id, scope, r.doc));
    }

    // The phone: a volunteer with the most rounds, or the first building's lead.
    let (device, building, role) = match role.as_str() {
        "volunteer" => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, scope, _) in &documents {
                if let Scope::Members { devices, .. } = scope {
                    for d in devices {
                        *counts.entry(d.as_str()).or_default() += 1;
                    }
                }
            }
            let busiest = counts
                .iter()
                .max_by_key(|(_, n)| **n)
                .map(|(d, _)| (*d).to_owned())
                .context("no volunteer has a round")?;
            (busiest, None, Role::Volunteer)
        }
        "lead" => (
            "lead-1".to_owned(),
            Some(g.buildings[0].clone()),
            Role::Lead,
        ),
        other => bail!("--role volunteer or lead, not {other}"),
    };
    let member = Member {
        device: &device,
        role,
        building: building.as_deref(),
        pending: false,
    };
    let mut chunks = Vec::new();
    let mut push = |id: DocumentId, doc: &mut AutoCommit| {
        let chunk = StoredChunk::new(ChunkKind::Snapshot, doc.save());
        chunks.push(serde_json::json!({
            "key": format!("{id}/s/{}", chunk.key.0),
            "bytes": chunk.bytes,
        }));
    };
    push(DocumentId::for_community(COMMUNITY), &mut g.community);
    let mut kept = 1;
    for (id, scope, mut doc) in documents {
        if scope.admits(&member) {
            push(id, &mut doc);
            kept += 1;
        }
    }
    if let Some((_, doc)) = g.volunteers.iter_mut().find(|(v, _)| *v == device) {
        push(next_id(), doc);
        kept += 1;
    }
    let bytes: usize = chunks
        .iter()
        .map(|c| c["bytes"].as_array().map_or(0, Vec::len))
        .sum();
    let fixture = serde_json::json!({
        "session": {
            "token": "benchmark-token-never-sent",
            "device": device,
            "name": "基准测试",
            "role": role.as_str(),
            "building": building,
            "community": COMMUNITY,
            "community_name": "和平里社区",
        },
        "chunks": chunks,
    });
    std::fs::write(&out, serde_json::to_vec(&fixture)?)?;
    eprintln!("{kept} documents, {bytes} bytes of snapshots for a {role:?} phone → {out}");
    Ok(())
}
