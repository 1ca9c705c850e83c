//! The data model on the generated community (20 buildings, 3,000
//! households, 200 volunteers, 30 days of daily delivery and disinfection
//! rounds): saved sizes, loading one volunteer's working set, recording an
//! event, a volunteer's day, and merging two phones' day on one round.
//! `js/model.mjs` runs the same shapes through JS Automerge 3.
//!
//! Run: `cargo xtask bench` (or `cargo bench -p linli-shared --bench model`).

use std::{hint::black_box, time::Instant};

use automerge::AutoCommit;
use criterion::{BatchSize, Criterion};
use linli_shared::model::{
    Actor, Role,
    civil::{Day, MINUTE},
    community, doc,
    generate::{self, FIRST_DAY, Generated, Shape},
    ledger,
    round::{self, Details, Outcome, RoundKind},
    volunteer::{self, AttendanceAction},
};
use linli_shared::{intact::Limits, sync::intake::Intake};

fn average(sizes: &[usize]) -> usize {
    sizes.iter().sum::<usize>() / sizes.len().max(1)
}

fn sizes(g: &mut Generated) {
    let community = g.community.save().len();
    let ledgers: Vec<usize> = g.ledgers.iter_mut().map(|d| d.save().len()).collect();
    let mut deliveries = Vec::new();
    let mut disinfections = Vec::new();
    for r in &mut g.rounds {
        let n = r.doc.save().len();
        match r.kind {
            RoundKind::Delivery => deliveries.push(n),
            _ => disinfections.push(n),
        }
    }
    let volunteers: Vec<usize> = g
        .volunteers
        .iter_mut()
        .map(|(_, d)| d.save().len())
        .collect();
    println!("saved size (bytes, automerge save):");
    println!("  community                 {community}");
    println!(
        "  building ledger (avg)     {}  (max {})",
        average(&ledgers),
        ledgers.iter().max().unwrap_or(&0)
    );
    println!("  delivery round (avg)      {}", average(&deliveries));
    println!("  disinfection round (avg)  {}", average(&disinfections));
    println!("  volunteer (avg, 30 days)  {}", average(&volunteers));
}

/// The busiest volunteer on the last day, and their working set's bytes.
fn working_set(g: &mut Generated) -> (String, Vec<Vec<u8>>) {
    let last = Day(Day::parse(FIRST_DAY).unwrap().0 + g.shape.days as i64 - 1);
    let mut best = (String::new(), 0);
    for (id, _) in &g.volunteers {
        let n = g
            .rounds
            .iter()
            .filter(|r| r.day == last && r.assignees.contains(id))
            .count();
        if n > best.1 {
            best = (id.clone(), n);
        }
    }
    let id = best.0;
    let bytes: Vec<Vec<u8>> = g
        .working_set(&id, last)
        .into_iter()
        .map(|d| d.save())
        .collect();
    (id, bytes)
}

fn open_working_set(bytes: &[Vec<u8>], reader: &Actor) -> usize {
    let mut n = 0;
    for (i, b) in bytes.iter().enumerate() {
        let d = doc::load(b, reader).unwrap();
        // Read each document into its typed form, as the phone's first screen does.
        n += match i {
            0 => community::read(&d).unwrap().roster.len(),
            _ if i == bytes.len() - 1 => volunteer::read(&d).unwrap().attendance.len(),
            _ => round::read(&d).unwrap().events.len(),
        };
    }
    n
}

/// A fresh delivery round as planned for a day (no events yet).
fn fresh_round(g: &Generated) -> (AutoCommit, Vec<String>) {
    let r = g
        .rounds
        .iter()
        .find(|r| r.kind == RoundKind::Delivery)
        .unwrap();
    let planned = round::read(&r.doc).unwrap();
    let lead = Actor::seeded("lead-00", "lead-phone", Role::Lead, 77);
    let stops: Vec<round::StopPlan> = planned
        .stops
        .iter()
        .map(|s| round::StopPlan {
            label: s.label.clone(),
            unit: s.unit.clone(),
            household: s.household.clone(),
            items: s.items.clone(),
            ..Default::default()
        })
        .collect();
    let d = round::create(
        &lead,
        0,
        RoundKind::Delivery,
        Day(19_000),
        &r.building,
        "配送",
        &["vol-a", "vol-b"],
        &stops,
    )
    .unwrap();
    let ids = round::read(&d)
        .unwrap()
        .stops
        .into_iter()
        .map(|s| s.id)
        .collect();
    (d, ids)
}

fn day_of_work(d: &mut AutoCommit, who: &Actor, stops: &[String], t0: i64) {
    for (i, s) in stops.iter().enumerate() {
        let t = t0 + i as i64 * 2 * MINUTE;
        if i % 10 == 0 {
            round::record(d, who, t, s, Outcome::NoAnswer, &Details::default()).unwrap();
        }
        round::record(
            d,
            who,
            t + MINUTE,
            s,
            Outcome::Delivered,
            &Details::default(),
        )
        .unwrap();
    }
}

fn main() {
    let start = Instant::now();
    let mut g = generate::community(Shape::FULL, 2022).expect("generate");
    println!(
        "generated {} buildings, {} households, {} volunteers, {} rounds in {:.1} s",
        g.buildings.len(),
        g.ledgers
            .iter()
            .map(|l| ledger::read(l).unwrap().households.len())
            .sum::<usize>(),
        g.volunteers.len(),
        g.rounds.len(),
        start.elapsed().as_secs_f64()
    );
    sizes(&mut g);
    let (who, set) = working_set(&mut g);
    let total: usize = set.iter().map(Vec::len).sum();
    println!(
        "working set of {who} on the last day: {} documents, {} bytes ({:.1} KB)",
        set.len(),
        total,
        total as f64 / 1024.0
    );

    let mut c = Criterion::default().configure_from_args().sample_size(30);
    let reader = Actor::new("vol-x", "phone-x", Role::Volunteer);
    c.bench_function("load working set (load + read)", |b| {
        b.iter(|| black_box(open_working_set(&set, &reader)))
    });

    let (mut planned, stops) = fresh_round(&g);
    let v1 = Actor::new("vol-a", "phone-a", Role::Volunteer);
    let v2 = Actor::new("vol-b", "phone-b", Role::Volunteer);
    // Recording one event into a round that already holds a day's work.
    let mut busy = planned.clone();
    day_of_work(&mut busy, &v1, &stops, 1_000_000);
    c.bench_function("record one event", |b| {
        b.iter_batched(
            || busy.clone(),
            |mut d| {
                round::record(
                    &mut d,
                    &v1,
                    9_000_000,
                    &stops[3],
                    Outcome::Delivered,
                    &Details::default(),
                )
                .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("record a volunteer's day (round + check-in/out)", |b| {
        let vdoc = g.volunteers[0].1.clone();
        b.iter_batched(
            || (planned.clone(), vdoc.clone()),
            |(mut d, mut v)| {
                let me = Actor::new("vol-000", "phone-000", Role::Volunteer);
                volunteer::attend(
                    &mut v,
                    &me,
                    1_000_000,
                    AttendanceAction::CheckIn,
                    "",
                    true,
                    480,
                )
                .unwrap();
                day_of_work(&mut d, &me, &stops[..stops.len() / 2], 1_000_000);
                volunteer::attend(
                    &mut v,
                    &me,
                    20_000_000,
                    AttendanceAction::CheckOut,
                    "",
                    false,
                    480,
                )
                .unwrap();
            },
            BatchSize::SmallInput,
        )
    });
    let half = stops.len() / 2;
    let mut a = planned.fork();
    let mut b2 = planned.fork();
    day_of_work(&mut a, &v1, &stops[..half], 1_000_000);
    day_of_work(&mut b2, &v2, &stops[half..], 1_000_000);
    c.bench_function("merge two phones' day on one round", |b| {
        b.iter_batched(
            || (a.clone(), b2.clone()),
            |(mut x, mut y)| x.merge(&mut y).unwrap(),
            BatchSize::SmallInput,
        )
    });

    // What checking every chunk costs (intact, sync::intake): a whole
    // building ledger as a phone's first sync brings it, and a volunteer's
    // day of changes to a round, each against Automerge unchecked.
    let ledger = g.ledgers[0].save();
    c.bench_function("a whole ledger: Automerge loads it (unchecked)", |b| {
        b.iter(|| black_box(AutoCommit::load(&ledger).unwrap()))
    });
    c.bench_function("a whole ledger: through the intake (checked)", |b| {
        b.iter(|| {
            let mut d = AutoCommit::new();
            Intake::default()
                .take(&mut d, std::slice::from_ref(&ledger), &Limits::DEFAULT)
                .unwrap();
            black_box(d)
        })
    });
    let day: Vec<Vec<u8>> = a
        .get_changes(&planned.get_heads())
        .iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    println!("a volunteer's day on one round: {} changes", day.len());
    c.bench_function("a day's changes: Automerge applies them (unchecked)", |b| {
        b.iter_batched(
            || planned.clone(),
            |mut d| {
                d.apply_changes(
                    day.iter()
                        .map(|c| automerge::Change::from_bytes(c.clone()).unwrap()),
                )
                .unwrap();
                d
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("a day's changes: through the intake (checked)", |b| {
        b.iter_batched(
            || planned.clone(),
            |mut d| {
                Intake::default()
                    .take(&mut d, &day, &Limits::DEFAULT)
                    .unwrap();
                d
            },
            BatchSize::SmallInput,
        )
    });
    c.final_summary();
}
