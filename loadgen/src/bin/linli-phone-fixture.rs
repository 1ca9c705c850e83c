//! Writes what a phone of the generated benchmark community (the data-model
//! issue's shape) holds in IndexedDB, as JSON a browser script can load: the
//! device's session and every document its role may see, as snapshot chunks.
//! The community document lists the generated ledgers and rounds in its
//! directory with their scopes, as the app itself would have.
//!
//! A staff phone holds everything, and its last day is a day in progress
//! (a round half delivered, a refusal, a disinfection point not done, a
//! testing registration, needs planned and done), so the dashboard has more
//! than "all done" to show. The phone's sync book says the relay confirmed
//! every document at `SYNCED_AT`.
//!
//! `linli-phone-fixture --role volunteer|lead|staff --out FILE [--small]`

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use automerge::AutoCommit;
use linli_shared::{
    model::{
        Actor, Role,
        civil::{BEIJING_OFFSET_MINUTES, Day, HOUR, MINUTE},
        directory::{self, Listing},
        doc::DocKind,
        generate::{self, Shape},
        ledger,
        need_status::NeedAction,
        round::{self, Details, Outcome, RoundKind, StopPlan},
    },
    sync::{
        chunk::{ChunkKind, StoredChunk},
        document_id::DocumentId,
        scope::{Member, Scope},
    },
};

const COMMUNITY: &str = "benchmark-community";
/// When the relay last confirmed each document (2022-04-29 18:30 Beijing).
const SYNCED_AT: f64 = 1_651_228_200_000.0;

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
    if role == "staff" {
        day_in_progress(&mut g, &staff)?;
    }
    let last_day = g.rounds.iter().map(|r| r.day).max().map(|d| d.iso());
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
        "staff" => (g.staff.clone(), None, Role::Staff),
        other => bail!("--role volunteer, lead or staff, not {other}"),
    };
    let member = Member {
        device: &device,
        role,
        building: building.as_deref(),
        pending: false,
    };
    let mut chunks = Vec::new();
    let mut book = serde_json::Map::new();
    let mut push = |id: DocumentId, doc: &mut AutoCommit| {
        let chunk = StoredChunk::new(ChunkKind::Snapshot, doc.save());
        chunks.push(serde_json::json!({
            "key": format!("{id}/s/{}", chunk.key.0),
            "id": id.to_string(),
            "bytes": chunk.bytes,
        }));
        book.insert(
            id.to_string(),
            serde_json::json!({ "unsynced": false, "last_synced": SYNCED_AT }),
        );
    };
    push(DocumentId::for_community(COMMUNITY), &mut g.community);
    let mut kept = 1;
    for (id, scope, mut doc) in documents {
        if scope.admits(&member) {
            push(id, &mut doc);
            kept += 1;
        }
    }
    // Volunteer documents live at ids derived from the community and the
    // person; staff hold every one, a volunteer their own.
    for (v, doc) in g.volunteers.iter_mut() {
        if role == Role::Staff || *v == device {
            push(DocumentId::for_volunteer(COMMUNITY, v), doc);
            kept += 1;
        }
    }
    let bytes: usize = chunks
        .iter()
        .map(|c| c["bytes"].as_array().map_or(0, Vec::len))
        .sum();
    let fixture = serde_json::json!({
        "last_day": last_day,
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
        "sync_book": { "documents": book },
    });
    std::fs::write(&out, serde_json::to_vec(&fixture)?)?;
    eprintln!("{kept} documents, {bytes} bytes of snapshots for a {role:?} phone → {out}");
    Ok(())
}

/// The last generated day, caught mid-afternoon: the first building gets a
/// second delivery round half done and a testing registration; the second
/// a disinfection round with a point not done; every other building a
/// refusal on its delivery round; the first ledger's needs partly planned
/// or done.
fn day_in_progress(g: &mut generate::Generated, staff: &Actor) -> anyhow::Result<()> {
    let last = g.rounds.iter().map(|r| r.day).max().context("no rounds")?;
    let at = last.start(BEIJING_OFFSET_MINUTES) + 14 * HOUR;
    let stops = |n: usize, times: i64| -> Vec<StopPlan> {
        (0..n)
            .map(|i| StopPlan {
                label: format!("2单元 {}0{}", i / 2 + 1, i % 2 + 1),
                times_per_day: times,
                ..StopPlan::default()
            })
            .collect()
    };
    let ids = |d: &AutoCommit| -> anyhow::Result<Vec<String>> {
        Ok(round::read(d)?.stops.into_iter().map(|s| s.id).collect())
    };
    let none = Details::default();
    let first = g.buildings[0].clone();
    let crew = vec![g.volunteers[0].0.clone()];
    let who = Actor::new(crew[0].clone(), "phone-fixture", Role::Volunteer);
    let plan = |kind, building: &str, title: &str, stops: &[StopPlan]| -> anyhow::Result<_> {
        Ok(round::create(
            staff,
            at,
            kind,
            last,
            building,
            title,
            &[&crew[0]],
            stops,
        )?)
    };

    let mut extra = plan(RoundKind::Delivery, &first, "补送", &stops(5, 0))?;
    let doors = ids(&extra)?;
    round::record(
        &mut extra,
        &who,
        at + MINUTE,
        &doors[0],
        Outcome::Delivered,
        &none,
    )?;
    round::record(
        &mut extra,
        &who,
        at + 2 * MINUTE,
        &doors[1],
        Outcome::Delivered,
        &none,
    )?;
    round::record(
        &mut extra,
        &who,
        at + 3 * MINUTE,
        &doors[2],
        Outcome::NoAnswer,
        &none,
    )?;
    let problem = Details {
        note: "门口无人应答，电话不通".into(),
        ..Details::default()
    };
    round::record(
        &mut extra,
        &who,
        at + 4 * MINUTE,
        &doors[3],
        Outcome::Problem,
        &problem,
    )?;
    push_round(g, last, &first, RoundKind::Delivery, &crew, extra);

    let mut testing = plan(
        RoundKind::TestingRegistration,
        &first,
        "核酸登记",
        &stops(6, 0),
    )?;
    let homes = ids(&testing)?;
    for (i, o) in [
        Outcome::Tested,
        Outcome::Tested,
        Outcome::Tested,
        Outcome::Exempt,
        Outcome::Absent,
    ]
    .into_iter()
    .enumerate()
    {
        round::record(
            &mut testing,
            &who,
            at + i as i64 * MINUTE,
            &homes[i],
            o,
            &none,
        )?;
    }
    push_round(
        g,
        last,
        &first,
        RoundKind::TestingRegistration,
        &crew,
        testing,
    );

    if let Some(second) = g.buildings.get(1).cloned() {
        let mut dis = plan(RoundKind::Disinfection, &second, "加消", &stops(3, 2))?;
        let points = ids(&dis)?;
        for (p, times) in [(0, 2), (1, 1)] {
            for k in 0..times {
                round::record(
                    &mut dis,
                    &who,
                    at + k * HOUR,
                    &points[p],
                    Outcome::Disinfected,
                    &none,
                )?;
            }
        }
        push_round(g, last, &second, RoundKind::Disinfection, &crew, dis);
    }

    let refusal = Details {
        note: "拒收，称已自购".into(),
        ..Details::default()
    };
    for (n, r) in g
        .rounds
        .iter_mut()
        .filter(|r| r.day == last && r.kind == RoundKind::Delivery)
        .enumerate()
    {
        if r.building == first || n % 2 == 1 {
            continue;
        }
        let stop = ids(&r.doc)?[n % 3].clone();
        round::record(
            &mut r.doc,
            &who,
            at + HOUR,
            &stop,
            Outcome::Refused,
            &refusal,
        )?;
    }

    let ledger = &mut g.ledgers[0];
    let needs: Vec<String> = ledger::read(ledger)?
        .open_needs()
        .iter()
        .map(|(id, _)| (*id).clone())
        .collect();
    for (i, need) in needs.iter().enumerate().take(4) {
        let action = if i % 2 == 0 {
            NeedAction::Done
        } else {
            NeedAction::Planned
        };
        ledger::set_need_status(ledger, staff, at + i as i64 * MINUTE, need, action, "", "")?;
    }
    Ok(())
}

fn push_round(
    g: &mut generate::Generated,
    day: Day,
    building: &str,
    kind: RoundKind,
    assignees: &[String],
    doc: AutoCommit,
) {
    g.rounds.push(generate::GeneratedRound {
        day,
        building: building.to_owned(),
        kind,
        assignees: assignees.to_vec(),
        doc,
    });
}
