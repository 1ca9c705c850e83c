//! A round (one per delivery, disinfection, testing, patrol, welfare-check
//! run, or checkpoint shift): its stops and the log of what people recorded.
//! It holds only what the round needs — door labels, items, places — and no
//! health data, so it can go to every volunteer assigned.
//!
//! Every tap in the field appends an event; what a stop shows is derived by
//! [`stop_status`](crate::model::stop_status), which also gives [`Round`] its
//! `status` and `summary`.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::model::{
    Actor, ModelError, Role,
    civil::{Day, Millis},
    doc::{self, DocKind},
};
use crate::vocabulary::stored_name::string_enum;

string_enum! {
    pub enum RoundKind {
        /// 物资配送: supplies to the door.
        Delivery = "delivery",
        /// 防疫消杀: points × required times a day.
        Disinfection = "disinfection",
        /// 核酸检测通知: every household told.
        TestingNotice = "testing_notice",
        /// 核酸检测登记: who was tested.
        TestingRegistration = "testing_registration",
        /// 治安巡逻: checkpoints walked, incidents noted.
        Patrol = "patrol",
        /// 独居老人等每日探访.
        WelfareCheck = "welfare_check",
        /// 卡口值守: the entry/exit log of one shift.
        CheckpointShift = "checkpoint_shift",
    }
}

string_enum! {
    /// What a volunteer records. Which outcomes a round accepts depends on its
    /// kind ([`RoundKind::accepts`]).
    pub enum Outcome {
        Delivered = "delivered",
        NoAnswer = "no_answer",
        Refused = "refused",
        Problem = "problem",
        Disinfected = "disinfected",
        Notified = "notified",
        NotReached = "not_reached",
        Tested = "tested",
        Absent = "absent",
        Exempt = "exempt",
        Checked = "checked",
        Incident = "incident",
        Fine = "fine",
        NeedsHelp = "needs_help",
        Entry = "entry",
        Exit = "exit",
        /// Cancels one earlier event of the same person.
        Undo = "undo",
    }
}

impl RoundKind {
    pub fn accepts(self, o: Outcome) -> bool {
        use Outcome::*;
        o == Undo
            || match self {
                RoundKind::Delivery => matches!(o, Delivered | NoAnswer | Refused | Problem),
                RoundKind::Disinfection => matches!(o, Disinfected | Problem),
                RoundKind::TestingNotice => matches!(o, Notified | NotReached),
                RoundKind::TestingRegistration => matches!(o, Tested | Absent | Exempt),
                RoundKind::Patrol => matches!(o, Checked | Incident),
                RoundKind::WelfareCheck => matches!(o, Fine | NeedsHelp | NotReached),
                RoundKind::CheckpointShift => matches!(o, Entry | Exit),
            }
    }

    /// Whether events name a stop (a checkpoint shift logs at one place).
    pub fn has_stops(self) -> bool {
        self != RoundKind::CheckpointShift
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Round {
    pub round_kind: RoundKind,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub building: String,
    pub title: String,
    pub created_by: String,
    pub assignees: BTreeMap<String, bool>,
    /// Stored as a map by id (so a record checks its stop in one lookup),
    /// read in planned order.
    #[serde(deserialize_with = "stops_in_order")]
    pub stops: Vec<Stop>,
    #[serde(deserialize_with = "doc::events")]
    pub events: Vec<RoundEvent>,
}

fn stops_in_order<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Stop>, D::Error> {
    let map = BTreeMap::<String, Stop>::deserialize(d)?;
    let mut stops: Vec<Stop> = map.into_values().collect();
    stops.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    Ok(stops)
}

/// A door, a disinfection point, a patrol checkpoint.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Stop {
    pub id: String,
    /// Position in the round as planned (stops added concurrently may share
    /// one; the id then decides).
    #[serde(default)]
    pub order: i64,
    /// `3单元 502`, `电梯厅`, `北门`.
    pub label: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub floor: i64,
    /// The ledger's household, so a lead can close needs; volunteers see only
    /// the label.
    #[serde(default)]
    pub household: String,
    #[serde(default)]
    pub items: Vec<String>,
    /// Disinfection: how many times a day the point must be done.
    #[serde(default)]
    pub times_per_day: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct RoundEvent {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stop: String,
    pub outcome: Outcome,
    /// For an undo: the event it cancels.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// How: door / phone / loudspeaker (testing notice), called / visited (welfare).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub method: String,
    /// Checkpoint: people passing.
    #[serde(default, skip_serializing_if = "doc::is_zero")]
    pub people: i64,
    /// Checkpoint: temperature normal, health code checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature_ok: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_checked: Option<bool>,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

/// A stop as planned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StopPlan {
    pub label: String,
    pub unit: String,
    pub floor: i64,
    pub household: String,
    pub items: Vec<String>,
    pub times_per_day: i64,
}

/// Extra details of a record; all optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    pub note: String,
    pub method: String,
    pub people: i64,
    pub temperature_ok: Option<bool>,
    pub code_checked: Option<bool>,
}

/// Creates a round. Leads and staff plan rounds.
#[allow(clippy::too_many_arguments)]
pub fn create(
    actor: &Actor,
    at: Millis,
    kind: RoundKind,
    date: Day,
    building: &str,
    title: &str,
    assignees: &[&str],
    stops: &[StopPlan],
) -> Result<AutoCommit, ModelError> {
    actor.require(&[Role::Staff, Role::Lead])?;
    let mut d = doc::create(DocKind::Round, actor)?;
    d.put(ROOT, "round_kind", kind.as_str())?;
    d.put(ROOT, "date", date.iso())?;
    d.put(ROOT, "building", building)?;
    d.put(ROOT, "title", title.trim())?;
    d.put(ROOT, "created_by", actor.person.as_str())?;
    let a = d.put_object(ROOT, "assignees", ObjType::Map)?;
    for p in assignees {
        d.put(&a, *p, true)?;
    }
    d.put_object(ROOT, "stops", ObjType::Map)?;
    d.put_object(ROOT, "events", ObjType::List)?;
    for s in stops {
        insert_stop(&mut d, actor, s)?;
    }
    doc::commit(&mut d, at, "create round");
    Ok(d)
}

fn insert_stop(d: &mut AutoCommit, actor: &Actor, s: &StopPlan) -> Result<String, ModelError> {
    let label = doc::required("stop label", &s.label)?;
    let id = actor.new_id();
    let stops = doc::child(d, &ROOT, "stops")?;
    let order = d.length(&stops) as i64;
    let o = d.put_object(&stops, &id, ObjType::Map)?;
    d.put(&o, "id", id.as_str())?;
    d.put(&o, "order", order)?;
    d.put(&o, "label", label)?;
    doc::put_text(d, &o, "unit", &s.unit)?;
    if s.floor != 0 {
        d.put(&o, "floor", s.floor)?;
    }
    doc::put_text(d, &o, "household", &s.household)?;
    if !s.items.is_empty() {
        let items = d.put_object(&o, "items", ObjType::List)?;
        for (i, item) in s.items.iter().enumerate() {
            d.insert(&items, i, item.as_str())?;
        }
    }
    if s.times_per_day > 0 {
        d.put(&o, "times_per_day", s.times_per_day)?;
    }
    Ok(id)
}

pub fn read(d: &AutoCommit) -> Result<Round, ModelError> {
    doc::check(d, DocKind::Round)?;
    doc::read_as(d)
}

/// Adds a stop to a running round.
pub fn add_stop(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    s: &StopPlan,
) -> Result<String, ModelError> {
    actor.require(&[Role::Staff, Role::Lead])?;
    doc::check(d, DocKind::Round)?;
    let id = insert_stop(d, actor, s)?;
    doc::commit(d, at, "add stop");
    Ok(id)
}

/// Assigns a volunteer to the round, or takes them off it.
pub fn assign(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    person: &str,
    on: bool,
) -> Result<(), ModelError> {
    actor.require(&[Role::Staff, Role::Lead])?;
    doc::check(d, DocKind::Round)?;
    let a = doc::child(d, &ROOT, "assignees")?;
    d.put(&a, person, on)?;
    doc::commit(d, at, "assign");
    Ok(())
}

fn kind_of(d: &AutoCommit) -> Result<RoundKind, ModelError> {
    Ok(autosurgeon::hydrate_prop(d, &ROOT, "round_kind")?)
}

fn stop_exists(d: &AutoCommit, stop: &str) -> Result<bool, ModelError> {
    let stops = doc::child(d, &ROOT, "stops")?;
    Ok(!stop.is_empty() && doc::entry(d, &stops, "stop", stop).is_ok())
}

/// Records what happened at a stop (or, for a checkpoint shift, at the gate).
pub fn record(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    stop: &str,
    outcome: Outcome,
    details: &Details,
) -> Result<String, ModelError> {
    doc::check(d, DocKind::Round)?;
    let kind = kind_of(d)?;
    if outcome == Outcome::Undo || !kind.accepts(outcome) {
        return Err(ModelError::Invalid(format!(
            "a {} round does not record {}",
            kind.as_str(),
            outcome.as_str()
        )));
    }
    if kind.has_stops() && !stop_exists(d, stop)? {
        return Err(ModelError::NotFound {
            what: "stop",
            id: stop.to_owned(),
        });
    }
    if details.people < 0 {
        return Err(ModelError::Invalid("people cannot be negative".into()));
    }
    let id = actor.new_id();
    let e = RoundEvent {
        id: id.clone(),
        stop: stop.to_owned(),
        outcome,
        target: String::new(),
        note: details.note.trim().to_owned(),
        method: details.method.trim().to_owned(),
        people: details.people,
        temperature_ok: details.temperature_ok,
        code_checked: details.code_checked,
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    doc::append_event(d, "events", &e)?;
    doc::commit(d, at, outcome.as_str());
    Ok(id)
}

/// Cancels one of the actor's own earlier events. Undoing someone else's
/// record is refused (and ignored by the rules if it arrives anyway).
pub fn undo(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    event: &str,
) -> Result<String, ModelError> {
    let round = read(d)?;
    let target =
        round
            .events
            .iter()
            .find(|e| e.id == event)
            .ok_or_else(|| ModelError::NotFound {
                what: "event",
                id: event.to_owned(),
            })?;
    if target.by != actor.person || target.outcome == Outcome::Undo {
        return Err(ModelError::NotPermitted(actor.role));
    }
    let id = actor.new_id();
    let e = RoundEvent {
        id: id.clone(),
        stop: target.stop.clone(),
        outcome: Outcome::Undo,
        target: event.to_owned(),
        note: String::new(),
        method: String::new(),
        people: 0,
        temperature_ok: None,
        code_checked: None,
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    doc::append_event(d, "events", &e)?;
    doc::commit(d, at, "undo");
    Ok(id)
}

impl Round {
    pub fn assignees(&self) -> Vec<&String> {
        self.assignees
            .iter()
            .filter(|(_, on)| **on)
            .map(|(p, _)| p)
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn lead() -> Actor {
        Actor::seeded("lead-1", "phone-l", Role::Lead, 31)
    }

    pub(crate) fn doors(n: usize) -> Vec<StopPlan> {
        (0..n)
            .map(|i| StopPlan {
                label: format!("1单元 {}0{}", i / 2 + 1, i % 2 + 1),
                unit: "1单元".into(),
                floor: (i / 2 + 1) as i64,
                items: vec!["蔬菜包".into()],
                ..Default::default()
            })
            .collect()
    }

    pub(crate) fn delivery(stops: usize) -> AutoCommit {
        create(
            &lead(),
            1,
            RoundKind::Delivery,
            Day::parse("2022-05-01").unwrap(),
            "b1",
            "5月1日配送",
            &["vol-1", "vol-2"],
            &doors(stops),
        )
        .unwrap()
    }

    #[test]
    fn a_round_holds_its_stops_and_assignees() {
        let d = delivery(3);
        let r = read(&d).unwrap();
        assert_eq!(r.round_kind, RoundKind::Delivery);
        assert_eq!(r.stops.len(), 3);
        assert_eq!(r.stops[0].items, vec!["蔬菜包"]);
        assert_eq!(r.assignees(), vec!["vol-1", "vol-2"]);
        let v = Actor::seeded("vol-1", "p", Role::Volunteer, 1);
        assert!(create(&v, 1, RoundKind::Delivery, Day(0), "b", "t", &[], &[]).is_err());
    }

    #[test]
    fn leads_add_stops_and_assign_volunteers_while_the_round_runs() {
        let mut d = delivery(2);
        let l = lead();
        let v = Actor::seeded("vol-1", "p1", Role::Volunteer, 6);
        let plan = StopPlan {
            label: "3单元 602".into(),
            ..Default::default()
        };
        assert!(add_stop(&mut d, &v, 2, &plan).is_err());
        let id = add_stop(&mut d, &l, 2, &plan).unwrap();
        assert!(
            add_stop(&mut d, &l, 2, &StopPlan::default()).is_err(),
            "a stop needs a label"
        );
        assign(&mut d, &l, 3, "vol-3", true).unwrap();
        assign(&mut d, &l, 3, "vol-1", false).unwrap();
        assert!(assign(&mut d, &v, 3, "vol-1", true).is_err());
        let r = read(&d).unwrap();
        assert_eq!(r.stops.last().unwrap().id, id, "added stops come last");
        assert_eq!(r.assignees(), vec!["vol-2", "vol-3"]);
        record(&mut d, &v, 4, &id, Outcome::Delivered, &Details::default()).unwrap();
    }

    #[test]
    fn records_are_checked_against_the_round_kind_and_stops() {
        let mut d = delivery(2);
        let v = Actor::seeded("vol-1", "p1", Role::Volunteer, 2);
        let stop = read(&d).unwrap().stops[0].id.clone();
        assert!(
            record(
                &mut d,
                &v,
                5,
                &stop,
                Outcome::Delivered,
                &Details::default()
            )
            .is_ok()
        );
        assert!(matches!(
            record(&mut d, &v, 5, &stop, Outcome::Tested, &Details::default()),
            Err(ModelError::Invalid(_))
        ));
        assert!(matches!(
            record(
                &mut d,
                &v,
                5,
                "nowhere",
                Outcome::Delivered,
                &Details::default()
            ),
            Err(ModelError::NotFound { .. })
        ));
        assert!(record(&mut d, &v, 5, &stop, Outcome::Undo, &Details::default()).is_err());
    }

    #[test]
    fn only_your_own_events_can_be_undone() {
        let mut d = delivery(1);
        let v1 = Actor::seeded("vol-1", "p1", Role::Volunteer, 3);
        let v2 = Actor::seeded("vol-2", "p2", Role::Volunteer, 4);
        let stop = read(&d).unwrap().stops[0].id.clone();
        let e = record(
            &mut d,
            &v1,
            5,
            &stop,
            Outcome::Delivered,
            &Details::default(),
        )
        .unwrap();
        assert!(matches!(
            undo(&mut d, &v2, 6, &e),
            Err(ModelError::NotPermitted(_))
        ));
        let u = undo(&mut d, &v1, 6, &e).unwrap();
        assert!(
            undo(&mut d, &v1, 7, &u).is_err(),
            "an undo is not undone; record again"
        );
        assert!(undo(&mut d, &v1, 7, "missing").is_err());
    }

    #[test]
    fn checkpoint_shifts_log_without_stops() {
        let l = lead();
        let mut d = create(
            &l,
            1,
            RoundKind::CheckpointShift,
            Day(19_000),
            "gate",
            "北门 8-12",
            &["vol-1"],
            &[],
        )
        .unwrap();
        let v = Actor::seeded("vol-1", "p1", Role::Volunteer, 5);
        record(
            &mut d,
            &v,
            2,
            "",
            Outcome::Entry,
            &Details {
                people: 2,
                temperature_ok: Some(true),
                code_checked: Some(true),
                note: "买药".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let r = read(&d).unwrap();
        assert_eq!(r.events[0].people, 2);
        assert_eq!(r.events[0].temperature_ok, Some(true));
        assert!(
            record(
                &mut d,
                &v,
                3,
                "",
                Outcome::Exit,
                &Details {
                    people: -1,
                    ..Default::default()
                }
            )
            .is_err()
        );
    }
}
