//! Rules: what a stop shows, derived from the round's event log.
//!
//! 1. **Undo.** An `undo` cancels its target only when both were recorded by
//!    the same person; an undo aimed at someone else's event is ignored.
//!    Cancelled events and undos themselves are left out of every rule below.
//! 2. **Done once any completing event exists.** Each round kind has
//!    completing outcomes (delivery: delivered; testing notice: notified;
//!    registration: tested or exempt; patrol: checked or incident; welfare
//!    check: fine or needs help). A stop with any such event is done, whatever
//!    else was recorded — "no answer" followed by "delivered" is delivered,
//!    and so is "delivered" followed by a stale "no answer" from an offline
//!    phone. The outcome shown is the latest completing one (time, then id).
//! 3. **Attempted.** Without a completing event, the latest other event shows
//!    (no answer, refused, not reached, absent).
//! 4. **Disinfection counts.** A point is done when its disinfected events
//!    reach the times a day it requires; fewer is in progress.
//! 5. **Duplicate delivery.** Deliveries to one stop by two or more different
//!    people are flagged as a duplicate; one person tapping twice is not.
//! 6. **Attention.** Problem, refused, incident and needs-help events flag the
//!    stop for the lead, even when it is done.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::model::{
    civil::Millis,
    round::{Outcome, Round, RoundEvent, RoundKind},
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopState {
    Pending,
    Attempted(Outcome),
    Done(Outcome),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StopStatus {
    pub state: StopState,
    /// Rule 5.
    pub duplicate: bool,
    /// Rule 6.
    pub needs_attention: bool,
    /// Who recorded completing events, in order.
    pub done_by: Vec<String>,
    /// Times of completing events (disinfection: each round done).
    pub done_times: Vec<Millis>,
    /// Disinfection: times a day required (1 for other kinds).
    pub required: i64,
    /// The latest note recorded at this stop.
    pub last_note: String,
    /// Active events at this stop.
    pub events: usize,
}

/// Rule 1: the events that count.
pub fn active_events(round: &Round) -> Vec<&RoundEvent> {
    let by_id: BTreeMap<&str, &RoundEvent> =
        round.events.iter().map(|e| (e.id.as_str(), e)).collect();
    let cancelled: HashSet<&str> = round
        .events
        .iter()
        .filter(|u| u.outcome == Outcome::Undo)
        .filter_map(|u| {
            by_id
                .get(u.target.as_str())
                .filter(|t| t.by == u.by && t.outcome != Outcome::Undo)
        })
        .map(|t| t.id.as_str())
        .collect();
    let mut active: Vec<&RoundEvent> = round
        .events
        .iter()
        .filter(|e| e.outcome != Outcome::Undo && !cancelled.contains(e.id.as_str()))
        .collect();
    active.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    active
}

/// Rule 2: which outcomes complete a stop of this kind.
pub fn completes(kind: RoundKind, o: Outcome) -> bool {
    use Outcome::*;
    match kind {
        RoundKind::Delivery => o == Delivered,
        RoundKind::Disinfection => o == Disinfected,
        RoundKind::TestingNotice => o == Notified,
        RoundKind::TestingRegistration => matches!(o, Tested | Exempt),
        RoundKind::Patrol => matches!(o, Checked | Incident),
        RoundKind::WelfareCheck => matches!(o, Fine | NeedsHelp),
        RoundKind::CheckpointShift => false,
    }
}

/// Rule 6.
pub fn needs_attention(o: Outcome) -> bool {
    matches!(
        o,
        Outcome::Problem | Outcome::Refused | Outcome::Incident | Outcome::NeedsHelp
    )
}

fn status_of(round: &Round, stop: &str, active: &[&RoundEvent]) -> StopStatus {
    let kind = round.round_kind;
    let here: Vec<&RoundEvent> = active.iter().copied().filter(|e| e.stop == stop).collect();
    let done: Vec<&RoundEvent> = here
        .iter()
        .copied()
        .filter(|e| completes(kind, e.outcome))
        .collect();
    let required = if kind == RoundKind::Disinfection {
        round
            .stops
            .iter()
            .find(|s| s.id == stop)
            .map_or(1, |s| s.times_per_day.max(1))
    } else {
        1
    };
    let state = match (done.last(), here.last()) {
        (Some(d), _) if done.len() as i64 >= required => StopState::Done(d.outcome),
        (Some(d), _) => StopState::Attempted(d.outcome),
        (None, Some(last)) => StopState::Attempted(last.outcome),
        (None, None) => StopState::Pending,
    };
    let people: BTreeSet<&str> = done.iter().map(|e| e.by.as_str()).collect();
    StopStatus {
        state,
        duplicate: kind == RoundKind::Delivery && people.len() >= 2,
        needs_attention: here.iter().any(|e| needs_attention(e.outcome)),
        done_by: done.iter().map(|e| e.by.clone()).collect(),
        done_times: done.iter().map(|e| e.at).collect(),
        required,
        last_note: here
            .iter()
            .rev()
            .find(|e| !e.note.is_empty())
            .map(|e| e.note.clone())
            .unwrap_or_default(),
        events: here.len(),
    }
}

/// The status of one stop.
pub fn status(round: &Round, stop: &str) -> StopStatus {
    status_of(round, stop, &active_events(round))
}

/// A round at a glance, for the volunteer's progress bar and the lead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub stops: usize,
    pub done: usize,
    pub attempted: usize,
    pub pending: usize,
    pub duplicates: usize,
    pub needs_attention: usize,
    /// Checkpoint shifts: entries and exits with people counted.
    pub entries: i64,
    pub exits: i64,
    pub people_in: i64,
    pub people_out: i64,
    /// Checkpoint: passes with a temperature out of range.
    pub temperature_flags: usize,
}

pub fn summary(round: &Round) -> Summary {
    let active = active_events(round);
    let mut s = Summary {
        stops: round.stops.len(),
        ..Summary::default()
    };
    for stop in &round.stops {
        let st = status_of(round, &stop.id, &active);
        match st.state {
            StopState::Done(_) => s.done += 1,
            StopState::Attempted(_) => s.attempted += 1,
            StopState::Pending => s.pending += 1,
        }
        s.duplicates += usize::from(st.duplicate);
        s.needs_attention += usize::from(st.needs_attention);
    }
    for e in &active {
        let people = e.people.max(1);
        match e.outcome {
            Outcome::Entry => {
                s.entries += 1;
                s.people_in += people;
            }
            Outcome::Exit => {
                s.exits += 1;
                s.people_out += people;
            }
            _ => continue,
        }
        s.temperature_flags += usize::from(e.temperature_ok == Some(false));
    }
    s
}

/// Every stop's status at once (one pass over the log).
pub fn all(round: &Round) -> Vec<StopStatus> {
    let active = active_events(round);
    round
        .stops
        .iter()
        .map(|s| status_of(round, &s.id, &active))
        .collect()
}

/// The rules, asked of a round (defined here, not in [`crate::model::round`],
/// so the round's file need not know its rules).
impl Round {
    pub fn status(&self, stop: &str) -> StopStatus {
        status(self, stop)
    }

    pub fn summary(&self) -> Summary {
        summary(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        civil::Day,
        round::{self, Details, StopPlan, tests::delivery},
    };

    fn vol(n: u64) -> Actor {
        Actor::seeded(
            format!("vol-{n}"),
            format!("phone-{n}"),
            Role::Volunteer,
            100 + n,
        )
    }

    fn rec(d: &mut automerge::AutoCommit, who: &Actor, at: i64, stop: &str, o: Outcome) -> String {
        round::record(d, who, at, stop, o, &Details::default()).unwrap()
    }

    #[test]
    fn no_answer_then_delivered_is_delivered_and_either_order_is_the_same() {
        let mut d = delivery(1);
        let stop = round::read(&d).unwrap().stops[0].id.clone();
        let v = vol(1);
        rec(&mut d, &v, 10, &stop, Outcome::NoAnswer);
        assert_eq!(
            round::read(&d).unwrap().status(&stop).state,
            StopState::Attempted(Outcome::NoAnswer)
        );
        rec(&mut d, &v, 20, &stop, Outcome::Delivered);
        assert_eq!(
            round::read(&d).unwrap().status(&stop).state,
            StopState::Done(Outcome::Delivered)
        );
        // a stale "no answer" arriving later does not undo the delivery
        rec(&mut d, &vol(2), 30, &stop, Outcome::NoAnswer);
        let st = round::read(&d).unwrap().status(&stop);
        assert_eq!(st.state, StopState::Done(Outcome::Delivered));
        assert!(!st.duplicate);
    }

    #[test]
    fn deliveries_by_two_people_are_a_duplicate_but_one_persons_double_tap_is_not() {
        let mut d = delivery(2);
        let r = round::read(&d).unwrap();
        let (s1, s2) = (r.stops[0].id.clone(), r.stops[1].id.clone());
        rec(&mut d, &vol(1), 10, &s1, Outcome::Delivered);
        rec(&mut d, &vol(1), 11, &s1, Outcome::Delivered);
        rec(&mut d, &vol(1), 12, &s2, Outcome::Delivered);
        rec(&mut d, &vol(2), 13, &s2, Outcome::Delivered);
        let r = round::read(&d).unwrap();
        assert!(!r.status(&s1).duplicate);
        assert!(r.status(&s2).duplicate);
        assert_eq!(r.status(&s2).done_by, vec!["vol-1", "vol-2"]);
        let sum = r.summary();
        assert_eq!((sum.done, sum.duplicates, sum.pending), (2, 1, 0));
    }

    #[test]
    fn an_undo_cancels_only_its_authors_own_event() {
        let mut d = delivery(1);
        let stop = round::read(&d).unwrap().stops[0].id.clone();
        let (v1, v2) = (vol(1), vol(2));
        let e1 = rec(&mut d, &v1, 10, &stop, Outcome::Delivered);
        rec(&mut d, &v2, 11, &stop, Outcome::Delivered);
        round::undo(&mut d, &v1, 12, &e1).unwrap();
        let st = round::read(&d).unwrap().status(&stop);
        assert_eq!(st.state, StopState::Done(Outcome::Delivered));
        assert_eq!(st.done_by, vec!["vol-2"]);
        assert!(!st.duplicate);

        // A forged undo of someone else's event (as if merged from elsewhere) is ignored.
        let mut r = round::read(&d).unwrap();
        let e2 = r
            .events
            .iter()
            .find(|e| e.by == "vol-2")
            .unwrap()
            .id
            .clone();
        r.events.push(RoundEvent {
            id: "forged".into(),
            stop: stop.clone(),
            outcome: Outcome::Undo,
            target: e2,
            note: String::new(),
            method: String::new(),
            people: 0,
            temperature_ok: None,
            code_checked: None,
            by: "vol-1".into(),
            device: "phone-1".into(),
            at: 13,
        });
        assert_eq!(r.status(&stop).done_by, vec!["vol-2"]);
    }

    #[test]
    fn problems_flag_the_stop_and_notes_show() {
        let mut d = delivery(1);
        let stop = round::read(&d).unwrap().stops[0].id.clone();
        round::record(
            &mut d,
            &vol(1),
            10,
            &stop,
            Outcome::Problem,
            &Details {
                note: "门口有积水".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let st = round::read(&d).unwrap().status(&stop);
        assert!(st.needs_attention);
        assert_eq!(st.last_note, "门口有积水");
        assert_eq!(st.state, StopState::Attempted(Outcome::Problem));
    }

    #[test]
    fn disinfection_points_count_towards_their_times_a_day() {
        let l = round::tests::lead();
        let points: Vec<StopPlan> = ["电梯厅", "楼梯间"]
            .iter()
            .map(|p| StopPlan {
                label: (*p).into(),
                times_per_day: 2,
                ..Default::default()
            })
            .collect();
        let mut d = round::create(
            &l,
            1,
            RoundKind::Disinfection,
            Day(19_000),
            "b1",
            "消杀",
            &["vol-1"],
            &points,
        )
        .unwrap();
        let stop = round::read(&d).unwrap().stops[0].id.clone();
        rec(&mut d, &vol(1), 10, &stop, Outcome::Disinfected);
        let st = round::read(&d).unwrap().status(&stop);
        assert_eq!(st.state, StopState::Attempted(Outcome::Disinfected));
        assert_eq!((st.done_times.clone(), st.required), (vec![10], 2));
        rec(&mut d, &vol(2), 20, &stop, Outcome::Disinfected);
        let st = round::read(&d).unwrap().status(&stop);
        assert_eq!(st.state, StopState::Done(Outcome::Disinfected));
        assert!(!st.duplicate, "several people disinfecting is normal");
    }

    #[test]
    fn registration_welfare_and_patrol_rules() {
        let l = round::tests::lead();
        let one = vec![StopPlan {
            label: "2单元 301".into(),
            ..Default::default()
        }];
        for (kind, attempt, done) in [
            (
                RoundKind::TestingRegistration,
                Outcome::Absent,
                Outcome::Exempt,
            ),
            (
                RoundKind::TestingNotice,
                Outcome::NotReached,
                Outcome::Notified,
            ),
            (
                RoundKind::WelfareCheck,
                Outcome::NotReached,
                Outcome::NeedsHelp,
            ),
            (RoundKind::Patrol, Outcome::Checked, Outcome::Incident),
        ] {
            let mut d = round::create(&l, 1, kind, Day(19_000), "b1", "t", &[], &one).unwrap();
            let stop = round::read(&d).unwrap().stops[0].id.clone();
            rec(&mut d, &vol(1), 10, &stop, attempt);
            rec(&mut d, &vol(1), 20, &stop, done);
            let st = round::read(&d).unwrap().status(&stop);
            assert_eq!(st.state, StopState::Done(done), "{kind:?}");
            assert_eq!(st.needs_attention, needs_attention(done), "{kind:?}");
        }
    }

    #[test]
    fn checkpoint_totals() {
        let l = round::tests::lead();
        let mut d = round::create(
            &l,
            1,
            RoundKind::CheckpointShift,
            Day(19_000),
            "gate",
            "北门",
            &[],
            &[],
        )
        .unwrap();
        let v = vol(1);
        for (o, people, temp) in [
            (Outcome::Entry, 2, true),
            (Outcome::Exit, 1, true),
            (Outcome::Entry, 1, false),
        ] {
            round::record(
                &mut d,
                &v,
                10,
                "",
                o,
                &Details {
                    people,
                    temperature_ok: Some(temp),
                    code_checked: Some(true),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        let s = round::read(&d).unwrap().summary();
        assert_eq!(
            (
                s.entries,
                s.exits,
                s.people_in,
                s.people_out,
                s.temperature_flags
            ),
            (2, 1, 3, 1, 1)
        );
    }
}
