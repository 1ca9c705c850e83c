//! A fixed scenario whose saved bytes are checked in: the same operations on
//! any target must produce these exact bytes, and any target must read them.

use automerge::AutoCommit;
use linli_shared::model::{
    Actor, Role,
    civil::Day,
    round::{self, Details, Outcome, RoundKind, StopPlan},
};

pub const ROUND_BYTES: &[u8] = include_bytes!("../fixtures/round.automerge");

/// A delivery round with a merge of two phones' work: a "no answer" then a
/// delivery, a duplicate delivery by a second volunteer, an undo.
pub fn round() -> AutoCommit {
    let lead = Actor::seeded("lead-1", "phone-l", Role::Lead, 1);
    let day = Day::parse("2022-05-01").unwrap();
    let stops: Vec<StopPlan> = ["1单元 101", "1单元 102", "2单元 301"]
        .iter()
        .map(|l| StopPlan {
            label: (*l).into(),
            items: vec!["蔬菜包".into()],
            ..Default::default()
        })
        .collect();
    let mut a = round::create(
        &lead,
        1_651_363_200_000,
        RoundKind::Delivery,
        day,
        "b1",
        "五一配送",
        &["vol-1", "vol-2"],
        &stops,
    )
    .unwrap();
    let ids: Vec<String> = round::read(&a)
        .unwrap()
        .stops
        .into_iter()
        .map(|s| s.id)
        .collect();
    let v1 = Actor::seeded("vol-1", "phone-1", Role::Volunteer, 2);
    let v2 = Actor::seeded("vol-2", "phone-2", Role::Volunteer, 3);
    let mut b = a
        .fork()
        .with_actor(automerge::ActorId::from([2u8; 16].as_slice()));
    let t = 1_651_366_800_000;
    round::record(
        &mut a,
        &v1,
        t,
        &ids[0],
        Outcome::NoAnswer,
        &Details::default(),
    )
    .unwrap();
    round::record(
        &mut a,
        &v1,
        t + 60_000,
        &ids[0],
        Outcome::Delivered,
        &Details::default(),
    )
    .unwrap();
    let wrong = round::record(
        &mut a,
        &v1,
        t + 120_000,
        &ids[1],
        Outcome::Refused,
        &Details::default(),
    )
    .unwrap();
    round::undo(&mut a, &v1, t + 130_000, &wrong).unwrap();
    round::record(
        &mut b,
        &v2,
        t + 30_000,
        &ids[0],
        Outcome::Delivered,
        &Details {
            note: "放门口".into(),
            ..Default::default()
        },
    )
    .unwrap();
    round::record(
        &mut b,
        &v2,
        t + 90_000,
        &ids[2],
        Outcome::Problem,
        &Details {
            note: "无人应答，电话未接".into(),
            ..Default::default()
        },
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    a
}

/// What the scenario must show wherever it is read.
pub fn check(d: &AutoCommit) {
    use linli_shared::model::stop_status::StopState;
    let r = round::read(d).unwrap();
    assert_eq!(r.title, "五一配送");
    let ids: Vec<&str> = r.stops.iter().map(|s| s.id.as_str()).collect();
    let s0 = r.status(ids[0]);
    assert_eq!(s0.state, StopState::Done(Outcome::Delivered));
    assert!(s0.duplicate);
    assert_eq!(r.status(ids[1]).state, StopState::Pending);
    let s2 = r.status(ids[2]);
    assert!(s2.needs_attention);
    assert_eq!(s2.last_note, "无人应答，电话未接");
    let sum = r.summary();
    assert_eq!(
        (sum.done, sum.attempted, sum.pending, sum.duplicates),
        (1, 1, 1, 1)
    );
}
