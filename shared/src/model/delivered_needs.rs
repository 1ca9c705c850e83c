//! Rule over two documents: what a delivery round's records say of the
//! ledger's needs it carries.
//!
//! A stop carries the needs of its household that were planned for this
//! round (`planned` events naming it). Each active record at the stop
//! (after [undo](crate::model::stop_status::active_events)) becomes one
//! need event per need carried: 已送达 → `delivered`, 拒收 → `refused` with
//! the resident's reason, 有问题 → `problem` with the note; 无人应答 changes
//! nothing (the need stays planned until a later 已送达). A record undone
//! after it was carried over becomes `withdrawn`. What the events then mean
//! is [`need_status`](crate::model::need_status)'s rule.
//!
//! Event ids come from the round's record and the need, so two phones that
//! carry the same record over write the same event, and it counts once.
//! The events keep the volunteer and the time of the record, so the need's
//! history names who delivered it, in which round, and when.

use std::collections::{BTreeMap, HashSet};

use crate::model::{
    ledger::Ledger,
    need_status::{NeedAction, NeedEvent},
    round::{Outcome, Round, RoundEvent, RoundKind},
    stop_status,
};

fn action(o: Outcome) -> Option<NeedAction> {
    match o {
        Outcome::Delivered => Some(NeedAction::Delivered),
        Outcome::Refused => Some(NeedAction::Refused),
        Outcome::Problem => Some(NeedAction::Problem),
        _ => None,
    }
}

/// The id of the need event one record gives one need.
pub fn event_id(record: &str, need: &str) -> String {
    format!("{record}~{need}")
}

fn withdrawn_id(record: &str, need: &str) -> String {
    format!("{record}~{need}~withdrawn")
}

/// The needs of `household` planned for `round`.
pub fn carried<'a>(ledger: &'a Ledger, round: &str, household: &str) -> Vec<&'a String> {
    let planned: HashSet<&str> = ledger
        .need_events
        .iter()
        .filter(|e| e.action == NeedAction::Planned && e.round == round)
        .map(|e| e.need.as_str())
        .collect();
    ledger
        .needs
        .iter()
        .filter(|(id, n)| n.household == household && planned.contains(id.as_str()))
        .map(|(id, _)| id)
        .collect()
}

/// The need events `round` (with id `round_id`) implies that the ledger
/// does not hold yet. Empty for rounds other than deliveries.
pub fn missing(ledger: &Ledger, round_id: &str, round: &Round) -> Vec<NeedEvent> {
    if round.round_kind != RoundKind::Delivery {
        return Vec::new();
    }
    let have: HashSet<&str> = ledger.need_events.iter().map(|e| e.id.as_str()).collect();
    let active = stop_status::active_events(round);
    let active_ids: HashSet<&str> = active.iter().map(|e| e.id.as_str()).collect();
    let undo_of: BTreeMap<&str, &RoundEvent> = round
        .events
        .iter()
        .filter(|e| e.outcome == Outcome::Undo)
        .map(|e| (e.target.as_str(), e))
        .collect();
    let households: BTreeMap<&str, &str> = round
        .stops
        .iter()
        .filter(|s| !s.household.is_empty())
        .map(|s| (s.id.as_str(), s.household.as_str()))
        .collect();
    let mut out = Vec::new();
    for e in &round.events {
        let Some(action) = action(e.outcome) else {
            continue;
        };
        let Some(household) = households.get(e.stop.as_str()) else {
            continue;
        };
        let live = active_ids.contains(e.id.as_str());
        for need in carried(ledger, round_id, household) {
            let id = event_id(&e.id, need);
            let (id, action, by, device, at) = if live {
                (id, action, &e.by, &e.device, e.at)
            } else if have.contains(id.as_str()) {
                // Carried over, then undone: withdraw it, as the undo says.
                let Some(undo) = undo_of.get(e.id.as_str()) else {
                    continue;
                };
                (
                    withdrawn_id(&e.id, need),
                    NeedAction::Withdrawn,
                    &undo.by,
                    &undo.device,
                    undo.at,
                )
            } else {
                continue;
            };
            if have.contains(id.as_str()) {
                continue;
            }
            out.push(NeedEvent {
                id,
                need: need.clone(),
                action,
                round: round_id.to_owned(),
                source: e.id.clone(),
                note: if action == NeedAction::Withdrawn {
                    String::new()
                } else {
                    e.note.clone()
                },
                by: by.clone(),
                device: device.clone(),
                at,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use automerge::AutoCommit;

    use super::*;
    use crate::model::{
        Actor, Role,
        catalogue::{NeedKind, Urgency},
        civil::Day,
        ledger::{self, HouseholdDraft},
        need_status::NeedStatus,
        round::{self, Details, StopPlan},
    };

    const ROUND: &str = "round-1";

    struct Field {
        ledger: AutoCommit,
        round: AutoCommit,
        need: String,
        lead: Actor,
        volunteer: Actor,
    }

    /// A household with an urgent medicine need, planned for a delivery
    /// round that stops at its door.
    fn field() -> Field {
        let lead = Actor::new("lead", "lead-phone", Role::Lead);
        let volunteer = Actor::new("zhang", "zhang-phone", Role::Volunteer);
        let mut l = ledger::create(&lead, 1, "b1").unwrap();
        let draft = HouseholdDraft {
            unit: "1单元".into(),
            room: "502".into(),
            size: 1,
            ..Default::default()
        };
        let household = ledger::add_household(&mut l, &lead, 2, &draft).unwrap();
        let need = ledger::add_need(
            &mut l,
            &lead,
            3,
            &household,
            NeedKind::Medicine,
            "降压药",
            Urgency::Urgent,
        )
        .unwrap();
        ledger::set_need_status(&mut l, &lead, 4, &need, NeedAction::Planned, ROUND, "").unwrap();
        let stop = StopPlan {
            label: "1单元 502".into(),
            unit: "1单元".into(),
            floor: 5,
            household,
            items: vec!["药品".into()],
            times_per_day: 0,
        };
        let r = round::create(
            &lead,
            5,
            RoundKind::Delivery,
            Day::parse("2026-12-03").unwrap(),
            "b1",
            "送药",
            &["zhang-phone"],
            &[stop],
        )
        .unwrap();
        Field {
            ledger: l,
            round: r,
            need,
            lead,
            volunteer,
        }
    }

    impl Field {
        fn record(&mut self, at: i64, outcome: Outcome, note: &str) -> String {
            let stop = round::read(&self.round).unwrap().stops[0].id.clone();
            let details = Details {
                note: note.into(),
                ..Default::default()
            };
            round::record(
                &mut self.round,
                &self.volunteer,
                at,
                &stop,
                outcome,
                &details,
            )
            .unwrap()
        }

        /// What a lead's phone does when the round reaches it.
        fn carry(&mut self) -> usize {
            let l = ledger::read(&self.ledger).unwrap();
            let r = round::read(&self.round).unwrap();
            let events = missing(&l, ROUND, &r);
            ledger::carry_over(&mut self.ledger, &self.lead, 100, &events).unwrap()
        }

        fn state(&self) -> crate::model::need_status::NeedState {
            ledger::read(&self.ledger).unwrap().need_state(&self.need)
        }
    }

    #[test]
    fn a_delivery_closes_the_need_naming_the_round_and_the_volunteer() {
        let mut f = field();
        assert_eq!(f.state().status, NeedStatus::Planned);
        f.record(10, Outcome::Delivered, "");
        assert_eq!(f.carry(), 1);
        let s = f.state();
        assert_eq!(s.status, NeedStatus::Done);
        assert_eq!(
            s.closed_at,
            Some(10),
            "closed when delivered, not when carried"
        );
        let l = ledger::read(&f.ledger).unwrap();
        let last = crate::model::need_status::history(&l.need_events, &f.need)
            .last()
            .copied()
            .cloned()
            .unwrap();
        assert_eq!(last.action, NeedAction::Delivered);
        assert_eq!((last.round.as_str(), last.by.as_str()), (ROUND, "zhang"));
        assert_eq!(f.carry(), 0, "carried once");
    }

    #[test]
    fn a_refusal_reopens_with_its_reason_and_no_answer_waits_for_a_delivery() {
        let mut f = field();
        f.record(10, Outcome::NoAnswer, "");
        assert_eq!(f.carry(), 0, "no answer changes nothing");
        assert_eq!(f.state().status, NeedStatus::Planned);
        f.record(20, Outcome::Delivered, "");
        f.carry();
        assert_eq!(f.state().status, NeedStatus::Done);

        let mut g = field();
        g.record(10, Outcome::Refused, "已有家属送来");
        g.carry();
        assert_eq!(g.state().status, NeedStatus::Open);
        let l = ledger::read(&g.ledger).unwrap();
        let h = crate::model::need_status::history(&l.need_events, &g.need);
        assert_eq!(h.last().unwrap().note, "已有家属送来");
    }

    #[test]
    fn a_problem_flags_the_need_until_it_is_dealt_with() {
        let mut f = field();
        f.record(10, Outcome::Problem, "药品型号不对");
        f.carry();
        let s = f.state();
        assert_eq!(s.status, NeedStatus::Planned);
        assert_eq!(s.flagged.as_deref(), Some("药品型号不对"));
        f.record(20, Outcome::Delivered, "");
        f.carry();
        assert_eq!(f.state().flagged, None);
        assert_eq!(f.state().status, NeedStatus::Done);
    }

    #[test]
    fn an_undone_delivery_is_withdrawn_from_the_ledger() {
        let mut f = field();
        let delivered = f.record(10, Outcome::Delivered, "");
        f.carry();
        assert_eq!(f.state().status, NeedStatus::Done);
        round::undo(&mut f.round, &f.volunteer, 11, &delivered).unwrap();
        assert_eq!(f.carry(), 1);
        assert_eq!(f.state().status, NeedStatus::Planned);
        assert_eq!(f.carry(), 0);
    }

    /// The lead closes the need by hand on one phone while a refusal is
    /// recorded on another, offline: in either order of time, and whichever
    /// phone merges first, the need is done and the refusal is in its
    /// history.
    #[test]
    fn a_need_closed_by_hand_stays_closed_when_a_refusal_arrives() {
        for (closed, refused) in [(10, 20), (20, 10)] {
            let mut f = field();
            let mut lead_phone = f.ledger.fork();
            ledger::set_need_status(
                &mut lead_phone,
                &f.lead,
                closed,
                &f.need,
                NeedAction::Done,
                "",
                "家属已送",
            )
            .unwrap();
            f.record(refused, Outcome::Refused, "不需要了");
            f.carry();
            assert_eq!(f.state().status, NeedStatus::Open, "before the merge");
            f.ledger.merge(&mut lead_phone).unwrap();
            lead_phone.merge(&mut f.ledger).unwrap();
            for d in [&f.ledger, &lead_phone] {
                let l = ledger::read(d).unwrap();
                assert_eq!(l.need_status(&f.need), NeedStatus::Done);
                assert!(l.open_needs().is_empty(), "counted as done everywhere");
                let h = crate::model::need_status::history(&l.need_events, &f.need);
                assert!(h.iter().any(|e| e.action == NeedAction::Refused));
            }
        }
    }

    #[test]
    fn two_phones_carrying_the_same_record_count_it_once() {
        let mut f = field();
        f.record(10, Outcome::Refused, "");
        let mut other = f.ledger.fork();
        let l = ledger::read(&other).unwrap();
        let r = round::read(&f.round).unwrap();
        let staff = Actor::new("staff", "staff-phone", Role::Staff);
        ledger::carry_over(&mut other, &staff, 100, &missing(&l, ROUND, &r)).unwrap();
        f.carry();
        f.ledger.merge(&mut other).unwrap();
        let l = ledger::read(&f.ledger).unwrap();
        assert_eq!(
            l.need_events.len(),
            3,
            "planned + the refusal written twice"
        );
        assert_eq!(
            crate::model::need_status::history(&l.need_events, &f.need).len(),
            2
        );
        assert_eq!(f.state().status, NeedStatus::Open);
    }

    #[test]
    fn only_deliveries_and_only_planned_needs_are_carried() {
        let mut f = field();
        f.record(10, Outcome::Delivered, "");
        let l = ledger::read(&f.ledger).unwrap();
        let r = round::read(&f.round).unwrap();
        assert!(missing(&l, "another-round", &r).is_empty());
        let mut welfare = r.clone();
        welfare.round_kind = RoundKind::WelfareCheck;
        assert!(missing(&l, ROUND, &welfare).is_empty());
    }
}
