#![cfg(not(target_arch = "wasm32"))]
//! Property: replicas that record field work offline, sync in any order over
//! a lossy network (messages duplicated, reordered, dropped), and restart
//! from saved bytes, all end — once connected — with identical heads,
//! identical derived state, and every recorded event present everywhere.
//!
//! `LINLI_PROPTEST_CASES` sets the number of cases (10,000 by default); a
//! longer campaign: `LINLI_PROPTEST_CASES=500000 cargo test --release -p
//! linli-shared --test convergence`.

use std::collections::BTreeSet;

use automerge::{
    AutoCommit,
    sync::{Message, State, SyncDoc},
};
use linli_shared::model::{
    Actor, Role,
    civil::{Day, HOUR, MINUTE},
    doc,
    ledger::{self, HouseholdDraft, HouseholdEdit},
    need_status::NeedAction,
    round::{self, Details, Outcome, RoundKind, StopPlan},
    volunteer::{self, AttendanceAction, Registration},
};
use proptest::prelude::*;

const OFFSET: i64 = 480;
const STOPS: usize = 4;
const PEOPLE: usize = 3;
const DOCS: usize = 3; // round, ledger, volunteer

#[derive(Clone, Debug)]
enum Op {
    Record {
        replica: usize,
        person: usize,
        stop: usize,
        outcome: usize,
    },
    Undo {
        replica: usize,
        person: usize,
        nth: usize,
    },
    Archive {
        replica: usize,
        household: usize,
        archived: bool,
    },
    EditHousehold {
        replica: usize,
        household: usize,
        note: u8,
    },
    NeedStatus {
        replica: usize,
        action: usize,
    },
    EditNeed {
        replica: usize,
        detail: u8,
    },
    Attend {
        replica: usize,
        check_in: bool,
        minutes: i64,
    },
    /// Puts the next sync message from one replica to another in flight.
    Send {
        from: usize,
        to: usize,
        doc: usize,
    },
    /// Delivers an in-flight message (picked by index: out of order), and
    /// maybe keeps it in flight to deliver again (duplicated).
    Deliver {
        pick: usize,
        duplicate: bool,
    },
    /// Loses an in-flight message.
    Drop {
        pick: usize,
    },
    /// Restarts a replica from its saved bytes; its connections start over.
    Reload {
        replica: usize,
    },
}

fn op(replicas: usize) -> impl Strategy<Value = Op> {
    let r = 0..replicas;
    prop_oneof![
        4 => (r.clone(), 0..PEOPLE, 0..STOPS, 0..4usize).prop_map(|(replica, person, stop, outcome)| Op::Record { replica, person, stop, outcome }),
        1 => (r.clone(), 0..PEOPLE, 0..4usize).prop_map(|(replica, person, nth)| Op::Undo { replica, person, nth }),
        1 => (r.clone(), 0..2usize, any::<bool>()).prop_map(|(replica, household, archived)| Op::Archive { replica, household, archived }),
        1 => (r.clone(), 0..2usize, any::<u8>()).prop_map(|(replica, household, note)| Op::EditHousehold { replica, household, note }),
        1 => (r.clone(), 0..3usize).prop_map(|(replica, action)| Op::NeedStatus { replica, action }),
        1 => (r.clone(), any::<u8>()).prop_map(|(replica, detail)| Op::EditNeed { replica, detail }),
        1 => (r.clone(), any::<bool>(), 1..600i64).prop_map(|(replica, check_in, minutes)| Op::Attend { replica, check_in, minutes }),
        4 => (r.clone(), r.clone(), 0..DOCS).prop_map(|(from, to, doc)| Op::Send { from, to, doc }),
        4 => (any::<usize>(), any::<bool>()).prop_map(|(pick, duplicate)| Op::Deliver { pick, duplicate }),
        1 => any::<usize>().prop_map(|pick| Op::Drop { pick }),
        1 => r.prop_map(|replica| Op::Reload { replica }),
    ]
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Op>)> {
    (2usize..=6).prop_flat_map(|n| (Just(n), prop::collection::vec(op(n), 1..40)))
}

struct Replica {
    docs: [AutoCommit; DOCS],
    /// Sync state per peer and document: one connection's memory.
    sync: Vec<[State; DOCS]>,
    /// Logical clock for this phone's records.
    clock: i64,
    seed: u64,
}

struct World {
    replicas: Vec<Replica>,
    in_flight: Vec<(usize, usize, usize, Vec<u8>)>,
    stops: Vec<String>,
    households: Vec<String>,
    need: String,
    /// Every event id any replica recorded.
    recorded: [BTreeSet<String>; DOCS],
}

fn person(n: usize, replica: usize, seed: u64) -> Actor {
    // One person may use several phones: the device is the replica.
    let role = if n == 0 { Role::Lead } else { Role::Volunteer };
    Actor::seeded(format!("p{n}"), format!("phone-{replica}"), role, seed)
}

fn world(n: usize) -> World {
    let lead = Actor::seeded("p0", "phone-0", Role::Lead, 1);
    let day = Day::parse("2022-05-01").unwrap();
    let plans: Vec<StopPlan> = (0..STOPS)
        .map(|i| StopPlan {
            label: format!("1单元 {i}01"),
            ..Default::default()
        })
        .collect();
    let mut r = round::create(
        &lead,
        0,
        RoundKind::Delivery,
        day,
        "b1",
        "配送",
        &["p1", "p2"],
        &plans,
    )
    .unwrap();
    let stops = round::read(&r)
        .unwrap()
        .stops
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut l = ledger::create(&lead, 0, "b1").unwrap();
    let households: Vec<String> = (0..2)
        .map(|i| {
            ledger::add_household(
                &mut l,
                &lead,
                0,
                &HouseholdDraft {
                    unit: "1单元".into(),
                    room: format!("10{i}"),
                    size: 2,
                    ..Default::default()
                },
            )
            .unwrap()
        })
        .collect();
    let need = ledger::add_need(
        &mut l,
        &lead,
        0,
        &households[0],
        linli_shared::model::catalogue::NeedKind::Medicine,
        "药",
        linli_shared::model::catalogue::Urgency::Urgent,
    )
    .unwrap();
    let p1 = Actor::seeded("p1", "phone-0", Role::Volunteer, 2);
    let mut v = volunteer::create(
        &p1,
        0,
        "p1",
        &Registration {
            name: "志愿者".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let replicas = (0..n)
        .map(|i| {
            // Each phone starts from the same documents with its own actor
            // (forked in memory: compressing saves would dominate the run).
            let actor =
                |d: usize| automerge::ActorId::from([i as u8, d as u8, 0xA1, 0xB2].as_slice());
            Replica {
                docs: [
                    r.fork().with_actor(actor(0)),
                    l.fork().with_actor(actor(1)),
                    v.fork().with_actor(actor(2)),
                ],
                sync: (0..n)
                    .map(|_| [State::new(), State::new(), State::new()])
                    .collect(),
                clock: day.start(OFFSET) + 8 * HOUR,
                seed: 5000 + i as u64 * 7919,
            }
        })
        .collect();
    World {
        replicas,
        in_flight: Vec::new(),
        stops,
        households,
        need,
        recorded: Default::default(),
    }
}

impl World {
    fn actor(&mut self, replica: usize, who: usize) -> Actor {
        let r = &mut self.replicas[replica];
        r.seed += 1;
        r.clock += MINUTE;
        person(who, replica, r.seed)
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Record {
                replica,
                person,
                stop,
                outcome,
            } => {
                let a = self.actor(replica, person);
                let o = [
                    Outcome::Delivered,
                    Outcome::NoAnswer,
                    Outcome::Refused,
                    Outcome::Problem,
                ][outcome];
                let at = self.replicas[replica].clock;
                let id = round::record(
                    &mut self.replicas[replica].docs[0],
                    &a,
                    at,
                    &self.stops[stop],
                    o,
                    &Details::default(),
                )
                .unwrap();
                self.recorded[0].insert(id);
            }
            Op::Undo {
                replica,
                person,
                nth,
            } => {
                let a = self.actor(replica, person);
                let at = self.replicas[replica].clock;
                let d = &mut self.replicas[replica].docs[0];
                let mine: Vec<String> = round::read(d)
                    .unwrap()
                    .events
                    .into_iter()
                    .filter(|e| e.by == a.person && e.outcome != Outcome::Undo)
                    .map(|e| e.id)
                    .collect();
                if let Some(target) = mine.get(nth) {
                    let id = round::undo(d, &a, at, target).unwrap();
                    self.recorded[0].insert(id);
                }
            }
            Op::Archive {
                replica,
                household,
                archived,
            } => {
                let a = self.actor(replica, 0);
                let at = self.replicas[replica].clock;
                ledger::set_household_archived(
                    &mut self.replicas[replica].docs[1],
                    &a,
                    at,
                    &self.households[household],
                    archived,
                    "",
                )
                .unwrap();
            }
            Op::EditHousehold {
                replica,
                household,
                note,
            } => {
                let a = self.actor(replica, 0);
                let at = self.replicas[replica].clock;
                let edit = HouseholdEdit {
                    notes: Some(format!("note {note}")),
                    ..Default::default()
                };
                ledger::edit_household(
                    &mut self.replicas[replica].docs[1],
                    &a,
                    at,
                    &self.households[household],
                    &edit,
                )
                .unwrap();
            }
            Op::NeedStatus { replica, action } => {
                let a = self.actor(replica, 0);
                let at = self.replicas[replica].clock;
                let action = [NeedAction::Planned, NeedAction::Done, NeedAction::Reopened][action];
                ledger::set_need_status(
                    &mut self.replicas[replica].docs[1],
                    &a,
                    at,
                    &self.need,
                    action,
                    "",
                    "",
                )
                .unwrap();
            }
            Op::EditNeed { replica, detail } => {
                let a = self.actor(replica, 0);
                let at = self.replicas[replica].clock;
                ledger::edit_need(
                    &mut self.replicas[replica].docs[1],
                    &a,
                    at,
                    &self.need,
                    Some(&format!("detail {detail}")),
                    None,
                    None,
                )
                .unwrap();
            }
            Op::Attend {
                replica,
                check_in,
                minutes,
            } => {
                let a = self.actor(replica, 1);
                self.replicas[replica].clock += minutes * MINUTE;
                let at = self.replicas[replica].clock;
                let action = if check_in {
                    AttendanceAction::CheckIn
                } else {
                    AttendanceAction::CheckOut
                };
                volunteer::attend(
                    &mut self.replicas[replica].docs[2],
                    &a,
                    at,
                    action,
                    "",
                    true,
                    OFFSET,
                )
                .unwrap();
                let id = volunteer::read(&self.replicas[replica].docs[2])
                    .unwrap()
                    .attendance
                    .last()
                    .unwrap()
                    .id
                    .clone();
                self.recorded[2].insert(id);
            }
            Op::Send { from, to, doc } => {
                if from == to {
                    return;
                }
                let r = &mut self.replicas[from];
                if let Some(m) = r.docs[doc]
                    .sync()
                    .generate_sync_message(&mut r.sync[to][doc])
                {
                    self.in_flight.push((from, to, doc, m.encode()));
                }
            }
            Op::Deliver { pick, duplicate } => {
                if self.in_flight.is_empty() {
                    return;
                }
                let i = pick % self.in_flight.len();
                let (from, to, doc, bytes) = if duplicate {
                    self.in_flight[i].clone()
                } else {
                    self.in_flight.remove(i)
                };
                let msg = Message::decode(&bytes).unwrap();
                let r = &mut self.replicas[to];
                // A stale or duplicated message may be refused; it must never corrupt.
                let _ = r.docs[doc]
                    .sync()
                    .receive_sync_message(&mut r.sync[from][doc], msg);
            }
            Op::Drop { pick } => {
                if !self.in_flight.is_empty() {
                    let i = pick % self.in_flight.len();
                    self.in_flight.remove(i);
                }
            }
            Op::Reload { replica } => {
                let n = self.replicas.len();
                let me = Actor::seeded(
                    "p0",
                    format!("phone-{replica}"),
                    Role::Lead,
                    9000 + self.replicas[replica].seed,
                );
                let r = &mut self.replicas[replica];
                for d in &mut r.docs {
                    *d = doc::load(&d.save(), &me).unwrap();
                }
                self.in_flight
                    .retain(|(f, t, _, _)| *f != replica && *t != replica);
                for peer in 0..n {
                    self.replicas[replica].sync[peer] = [State::new(), State::new(), State::new()];
                    self.replicas[peer].sync[replica] = [State::new(), State::new(), State::new()];
                }
            }
        }
    }

    /// Everyone reconnects (fresh connections) to one hub — as phones do to
    /// the relay — and syncs until nothing moves.
    fn settle(&mut self) {
        let n = self.replicas.len();
        self.in_flight.clear();
        for r in &mut self.replicas {
            for peer in &mut r.sync {
                *peer = [State::new(), State::new(), State::new()];
            }
        }
        for _round in 0..50 {
            let mut moved = false;
            let links = (1..n).flat_map(|p| [(0, p), (p, 0)]);
            for (a, b) in links {
                {
                    for d in 0..DOCS {
                        let (ra, rb) = two(&mut self.replicas, a, b);
                        if let Some(m) = ra.docs[d].sync().generate_sync_message(&mut ra.sync[b][d])
                        {
                            rb.docs[d]
                                .sync()
                                .receive_sync_message(&mut rb.sync[a][d], m)
                                .unwrap();
                            moved = true;
                        }
                    }
                }
            }
            if !moved {
                return;
            }
        }
        panic!("sync did not settle within 50 rounds");
    }
}

fn two<T>(v: &mut [T], a: usize, b: usize) -> (&mut T, &mut T) {
    assert_ne!(a, b);
    if a < b {
        let (x, y) = v.split_at_mut(b);
        (&mut x[a], &mut y[0])
    } else {
        let (x, y) = v.split_at_mut(a);
        (&mut y[0], &mut x[b])
    }
}

/// Everything a screen could show, derived from one replica's documents.
fn derived(w: &World, r: &mut Replica) -> String {
    let round = round::read(&r.docs[0]).unwrap();
    let ledger = ledger::read(&r.docs[1]).unwrap();
    let vol = volunteer::read(&r.docs[2]).unwrap();
    let stops: Vec<_> = w.stops.iter().map(|s| round.status(s)).collect();
    let households: Vec<_> = w
        .households
        .iter()
        .map(|h| (ledger.is_archived(h), ledger.households[h].notes.clone()))
        .collect();
    format!(
        "{stops:?}|{:?}|{households:?}|{:?}|{}|{:?}|{:?}",
        round.summary(),
        ledger.need_status(&w.need),
        ledger.needs[&w.need].detail,
        vol.hours(OFFSET),
        linli_shared::model::service_hours::sessions(&vol.attendance),
    )
}

/// Cases per half: the property runs as two tests so the two halves use
/// both cores; together they make `LINLI_PROPTEST_CASES` (10,000 by default).
fn cases() -> u32 {
    let total: u32 = std::env::var("LINLI_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    total.div_ceil(2)
}

fn check_scenario(n: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut w = world(n);
    for op in ops {
        w.apply(op);
    }
    w.settle();

    let heads: Vec<_> = (0..n)
        .map(|i| w.replicas[i].docs.each_mut().map(|d| d.get_heads()))
        .collect();
    for h in &heads[1..] {
        prop_assert_eq!(h, &heads[0]);
    }
    let mut replicas = std::mem::take(&mut w.replicas);
    let views: Vec<String> = replicas.iter_mut().map(|r| derived(&w, r)).collect();
    for v in &views[1..] {
        prop_assert_eq!(v, &views[0]);
    }
    for r in &replicas {
        let events: BTreeSet<String> = round::read(&r.docs[0])
            .unwrap()
            .events
            .into_iter()
            .map(|e| e.id)
            .collect();
        prop_assert!(w.recorded[0].is_subset(&events), "a round event was lost");
        let ledger = ledger::read(&r.docs[1]).unwrap();
        let ledger_events: BTreeSet<String> = ledger
            .household_events
            .into_iter()
            .map(|e| e.id)
            .chain(ledger.need_events.into_iter().map(|e| e.id))
            .collect();
        prop_assert!(
            w.recorded[1].is_subset(&ledger_events),
            "a ledger event was lost"
        );
        let attendance: BTreeSet<String> = volunteer::read(&r.docs[2])
            .unwrap()
            .attendance
            .into_iter()
            .map(|e| e.id)
            .collect();
        prop_assert!(
            w.recorded[2].is_subset(&attendance),
            "an attendance event was lost"
        );
    }
    // and what converged survives a restart from saved bytes
    let mut reloaded = doc::load(&replicas[0].docs[0].save(), &person(0, 0, 1)).unwrap();
    prop_assert_eq!(reloaded.get_heads(), heads[0][0].clone());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_and_lose_nothing((n, ops) in scenario()) {
        check_scenario(n, &ops)?;
    }

    #[test]
    fn replicas_converge_and_lose_nothing_second_half((n, ops) in scenario()) {
        check_scenario(n, &ops)?;
    }
}
