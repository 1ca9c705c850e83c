//! Rules the field screens share, derived from a round and the clock:
//! when a disinfection point is overdue, testing coverage per unit, and the
//! need a welfare check turns into.
//!
//! - **Disinfection schedule.** A point required `n` times a day is due at
//!   `n` evenly spaced times between 07:00 and 21:00 (the last at 21:00); it
//!   is overdue when fewer rounds are done than times already due. On a day
//!   after the round's, every point not done is overdue.
//! - **Needs from welfare checks.** A "needs help" record becomes one urgent
//!   need in the building's ledger, with an id derived from the record, so
//!   leads whose phones convert it concurrently create the same need once.

use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};

use crate::model::{
    Actor, ModelError, Role,
    catalogue::{NeedKind, Urgency},
    civil::{Day, Millis},
    doc::{self, DocKind},
    round::{Outcome, Round, RoundKind},
    stop_status::{self, StopState, StopStatus},
};

const FIRST_MINUTE: i64 = 7 * 60;
const LAST_MINUTE: i64 = 21 * 60;

/// The minutes of the day at which a point required `n` times is due.
pub fn due_times(n: i64) -> Vec<i64> {
    let n = n.max(1);
    (1..=n)
        .map(|k| FIRST_MINUTE + (LAST_MINUTE - FIRST_MINUTE) * k / n)
        .collect()
}

/// How many of a point's times are due by this minute of the day.
pub fn due_by(n: i64, minute_of_day: i64) -> i64 {
    due_times(n)
        .into_iter()
        .filter(|m| *m <= minute_of_day)
        .count() as i64
}

/// Whether a disinfection point is behind its schedule.
pub fn overdue(st: &StopStatus, round_day: Day, today: Day, minute_of_day: i64) -> bool {
    let done = st.done_times.len() as i64;
    if today > round_day {
        return done < st.required;
    }
    today == round_day && done < due_by(st.required, minute_of_day)
}

/// Minutes since local midnight.
pub fn minute_of_day(at: Millis, offset_minutes: i64) -> i64 {
    let day = Day::of(at, offset_minutes);
    (at - day.start(offset_minutes)) / crate::model::civil::MINUTE
}

/// Coverage of one unit (testing notice and registration, and any round).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitCount {
    pub unit: String,
    pub total: usize,
    pub done: usize,
    /// Tried but not done (not reached, absent …).
    pub attempted: usize,
}

/// Per unit, in the round's order.
pub fn by_unit(round: &Round) -> Vec<UnitCount> {
    let statuses = stop_status::all(round);
    let mut out: Vec<UnitCount> = Vec::new();
    for (stop, st) in round.stops.iter().zip(&statuses) {
        let i = match out.iter().position(|u| u.unit == stop.unit) {
            Some(i) => i,
            None => {
                out.push(UnitCount {
                    unit: stop.unit.clone(),
                    ..UnitCount::default()
                });
                out.len() - 1
            }
        };
        let u = &mut out[i];
        u.total += 1;
        match st.state {
            StopState::Done(_) => u.done += 1,
            StopState::Attempted(_) => u.attempted += 1,
            StopState::Pending => {}
        }
    }
    out
}

/// Stops not done yet (the households a testing notice has not reached).
pub fn not_done(round: &Round) -> Vec<usize> {
    stop_status::all(round)
        .iter()
        .enumerate()
        .filter(|(_, st)| !matches!(st.state, StopState::Done(_)))
        .map(|(i, _)| i)
        .collect()
}

/// "Needs help" records of a welfare-check round still in force, with the
/// stop's household: (event id, household, note).
pub fn help_wanted(round: &Round) -> Vec<(String, String, String)> {
    if round.round_kind != RoundKind::WelfareCheck {
        return Vec::new();
    }
    stop_status::active_events(round)
        .into_iter()
        .filter(|e| e.outcome == Outcome::NeedsHelp)
        .filter_map(|e| {
            let stop = round.stops.iter().find(|s| s.id == e.stop)?;
            (!stop.household.is_empty())
                .then(|| (e.id.clone(), stop.household.clone(), e.note.clone()))
        })
        .collect()
}

/// Whether a phone number would be accepted by the ledger (empty is fine).
pub fn phone_ok(phone: &str) -> bool {
    crate::model::ledger::check_phone(phone.trim()).is_ok()
}

/// The id of the need a welfare-check record becomes.
pub fn need_id_for(event: &str) -> String {
    format!("check-{event}")
}

/// Turns a "needs help" record into an urgent need of the household (once,
/// however many phones do it). Returns whether this call created it.
pub fn need_from_check(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    event: &str,
    household: &str,
    note: &str,
) -> Result<bool, ModelError> {
    actor.require(&[Role::Staff, Role::Lead])?;
    doc::check(d, DocKind::Ledger)?;
    let households = doc::child(d, &ROOT, "households")?;
    doc::entry(d, &households, "household", household)?;
    let needs = doc::child(d, &ROOT, "needs")?;
    let id = need_id_for(event);
    if doc::entry(d, &needs, "need", &id).is_ok() {
        return Ok(false);
    }
    let n = d.put_object(&needs, &id, ObjType::Map)?;
    d.put(&n, "household", household)?;
    d.put(&n, "kind", NeedKind::Other.as_str())?;
    doc::put_text(d, &n, "detail", note.trim())?;
    d.put(&n, "urgency", Urgency::Urgent.as_str())?;
    d.put(&n, "created_by", actor.person.as_str())?;
    d.put(&n, "device", actor.device.as_str())?;
    d.put(&n, "at", at)?;
    doc::commit(d, at, "need from welfare check");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        catalogue::SpecialGroup,
        ledger::{self, HouseholdDraft},
        round::{self, Details, StopPlan},
    };

    #[test]
    fn disinfection_times_spread_over_the_day() {
        assert_eq!(due_times(1), vec![21 * 60]);
        assert_eq!(due_times(2), vec![14 * 60, 21 * 60]);
        assert_eq!(due_by(3, 6 * 60), 0);
        assert_eq!(due_by(3, 12 * 60), 1);
        assert_eq!(due_by(3, 21 * 60), 3);
        assert_eq!(minute_of_day(Day(10).start(480) + 90 * 60_000, 480), 90);
    }

    fn staff() -> Actor {
        Actor::seeded("staff-1", "p-s", Role::Staff, 5)
    }

    #[test]
    fn a_point_is_overdue_when_behind_its_times() {
        let s = staff();
        let plan = StopPlan {
            label: "电梯厅".into(),
            times_per_day: 2,
            ..StopPlan::default()
        };
        let mut d = round::create(
            &s,
            1,
            RoundKind::Disinfection,
            Day(10),
            "b",
            "消杀",
            &[],
            &[plan],
        )
        .unwrap();
        let r = round::read(&d).unwrap();
        let stop = r.stops[0].id.clone();
        let st = r.status(&stop);
        assert!(!overdue(&st, Day(10), Day(10), 13 * 60));
        assert!(overdue(&st, Day(10), Day(10), 14 * 60));
        round::record(
            &mut d,
            &s,
            2,
            &stop,
            Outcome::Disinfected,
            &Details::default(),
        )
        .unwrap();
        let st = round::read(&d).unwrap().status(&stop);
        assert!(!overdue(&st, Day(10), Day(10), 20 * 60));
        assert!(overdue(&st, Day(10), Day(10), 21 * 60));
        assert!(
            overdue(&st, Day(10), Day(11), 0),
            "the next day, undone is overdue"
        );
        assert!(!overdue(&st, Day(10), Day(9), 23 * 60));
    }

    #[test]
    fn needs_help_becomes_one_need_however_many_leads_convert_it() {
        let s = staff();
        let lead = Actor::seeded("lead-1", "p-l", Role::Lead, 6);
        let mut l = ledger::create(&s, 1, "b").unwrap();
        let h = ledger::add_household(
            &mut l,
            &s,
            2,
            &HouseholdDraft {
                unit: "1单元".into(),
                room: "101".into(),
                size: 1,
                groups: vec![SpecialGroup::ElderlyAlone],
                ..HouseholdDraft::default()
            },
        )
        .unwrap();
        let plan = StopPlan {
            label: "1单元 101".into(),
            household: h.clone(),
            ..StopPlan::default()
        };
        let v = Actor::seeded("vol-1", "p-v", Role::Volunteer, 7);
        let mut r = round::create(
            &s,
            3,
            RoundKind::WelfareCheck,
            Day(10),
            "b",
            "探访",
            &["vol-1"],
            &[plan],
        )
        .unwrap();
        let stop = round::read(&r).unwrap().stops[0].id.clone();
        let details = Details {
            note: "药吃完了".into(),
            ..Details::default()
        };
        round::record(&mut r, &v, 4, &stop, Outcome::NeedsHelp, &details).unwrap();
        let wanted = help_wanted(&round::read(&r).unwrap());
        assert_eq!(wanted.len(), 1);
        let (event, household, note) = &wanted[0];
        assert_eq!(household, &h);

        let mut other = l.fork();
        assert!(need_from_check(&mut l, &s, 5, event, household, note).unwrap());
        assert!(!need_from_check(&mut l, &s, 6, event, household, note).unwrap());
        assert!(need_from_check(&mut other, &lead, 5, event, household, note).unwrap());
        l.merge(&mut other).unwrap();
        let read = ledger::read(&l).unwrap();
        let open = read.open_needs();
        assert_eq!(open.len(), 1, "one need, not two");
        assert_eq!(open[0].1.urgency, Urgency::Urgent);
        assert_eq!(open[0].1.detail, "药吃完了");
        assert!(
            need_from_check(&mut l, &v, 7, event, household, note).is_err(),
            "volunteers do not hold ledgers"
        );
    }

    #[test]
    fn coverage_per_unit() {
        let s = staff();
        let plans: Vec<StopPlan> = ["1单元 101", "1单元 102", "2单元 201"]
            .iter()
            .map(|l| StopPlan {
                label: (*l).into(),
                unit: l.split(' ').next().unwrap().into(),
                ..StopPlan::default()
            })
            .collect();
        let mut d = round::create(
            &s,
            1,
            RoundKind::TestingNotice,
            Day(1),
            "b",
            "通知",
            &[],
            &plans,
        )
        .unwrap();
        let r = round::read(&d).unwrap();
        let (a, b) = (r.stops[0].id.clone(), r.stops[2].id.clone());
        round::record(&mut d, &s, 2, &a, Outcome::Notified, &Details::default()).unwrap();
        round::record(&mut d, &s, 3, &b, Outcome::NotReached, &Details::default()).unwrap();
        let r = round::read(&d).unwrap();
        let units = by_unit(&r);
        assert_eq!(units.len(), 2);
        assert_eq!(
            (units[0].total, units[0].done, units[0].attempted),
            (2, 1, 0)
        );
        assert_eq!(
            (units[1].total, units[1].done, units[1].attempted),
            (1, 0, 1)
        );
        assert_eq!(not_done(&r), vec![1, 2]);
    }
}
