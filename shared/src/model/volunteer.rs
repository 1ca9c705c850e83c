//! A volunteer's own document: profile, training, shifts and attendance.
//! Only the volunteer and staff receive it (it holds a phone number).

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::model::{
    Actor, ModelError, Role,
    catalogue::{Skill, VolunteerSource, string_enum},
    civil::{Day, Millis},
    doc::{self, DocKind},
    service_hours::{self, DayHours},
    training_status::{self, TrainingAction, TrainingState},
};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Volunteer {
    /// The volunteer's id, as on the community roster.
    pub volunteer: String,
    pub profile: Profile,
    #[serde(deserialize_with = "doc::events")]
    pub training: Vec<TrainingEvent>,
    pub shifts: BTreeMap<String, Shift>,
    #[serde(deserialize_with = "doc::events")]
    pub attendance: Vec<Attendance>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub source: Option<VolunteerSource>,
    /// Skill name → has it; a map so edits on two phones merge.
    pub skills: BTreeMap<String, bool>,
    #[serde(default)]
    pub availability: String,
    /// "志愿北京" real-name registration: carries the accident insurance.
    #[serde(default)]
    pub platform_registered: bool,
    /// The day a volunteer agreement was signed, `YYYY-MM-DD`.
    #[serde(default)]
    pub agreement_signed_on: Option<String>,
    /// Marked by staff: may do psychological-support follow-ups.
    #[serde(default)]
    pub psych_qualified: bool,
}

impl Profile {
    pub fn skills(&self) -> Vec<Skill> {
        self.skills
            .iter()
            .filter(|(_, on)| **on)
            .filter_map(|(s, _)| Skill::parse(s))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct TrainingEvent {
    pub id: String,
    pub course: String,
    pub action: TrainingAction,
    /// For an assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Shift {
    pub post: String,
    pub start: Millis,
    pub end: Millis,
    pub scheduled_by: String,
    pub at: Millis,
    #[serde(default)]
    pub cancelled: bool,
}

impl Shift {
    pub fn minutes(&self) -> i64 {
        (self.end - self.start) / crate::model::civil::MINUTE
    }
}

string_enum! {
    pub enum AttendanceAction {
        CheckIn = "check_in",
        CheckOut = "check_out",
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Attendance {
    pub id: String,
    pub action: AttendanceAction,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub shift: String,
    /// Check-in: the protective-equipment checklist was completed.
    #[serde(default, skip_serializing_if = "doc::is_false")]
    pub ppe_checked: bool,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

/// What a registration form supplies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Registration {
    pub name: String,
    pub phone: String,
    pub source: Option<VolunteerSource>,
    pub skills: Vec<Skill>,
    pub availability: String,
}

/// Creates a volunteer's document from their registration. A volunteer
/// registers themselves; staff may register someone without a phone.
pub fn create(
    actor: &Actor,
    at: Millis,
    volunteer: &str,
    reg: &Registration,
) -> Result<AutoCommit, ModelError> {
    if actor.role == Role::Volunteer && actor.person != volunteer {
        return Err(ModelError::NotPermitted(actor.role));
    }
    let name = doc::required("name", &reg.name)?;
    let digits = reg.phone.chars().filter(char::is_ascii_digit).count();
    if !reg.phone.trim().is_empty() && !(7..=15).contains(&digits) {
        return Err(ModelError::Invalid(format!(
            "{:?} is not a phone number",
            reg.phone
        )));
    }
    let mut d = doc::create(DocKind::Volunteer, actor)?;
    d.put(ROOT, "volunteer", doc::required("volunteer id", volunteer)?)?;
    let p = d.put_object(ROOT, "profile", ObjType::Map)?;
    d.put(&p, "name", name)?;
    doc::put_text(&mut d, &p, "phone", reg.phone.trim())?;
    if let Some(s) = reg.source {
        d.put(&p, "source", s.as_str())?;
    }
    let skills = d.put_object(&p, "skills", ObjType::Map)?;
    for s in &reg.skills {
        d.put(&skills, s.as_str(), true)?;
    }
    doc::put_text(&mut d, &p, "availability", reg.availability.trim())?;
    d.put_object(ROOT, "training", ObjType::List)?;
    d.put_object(ROOT, "shifts", ObjType::Map)?;
    d.put_object(ROOT, "attendance", ObjType::List)?;
    doc::commit(&mut d, at, "register");
    Ok(d)
}

pub fn read(d: &AutoCommit) -> Result<Volunteer, ModelError> {
    doc::check(d, DocKind::Volunteer)?;
    doc::read_as(d)
}

fn owner(d: &AutoCommit) -> Result<String, ModelError> {
    Ok(autosurgeon::hydrate_prop(d, &ROOT, "volunteer")?)
}

fn self_or_staff(d: &AutoCommit, actor: &Actor) -> Result<(), ModelError> {
    if actor.role == Role::Staff || actor.person == owner(d)? {
        Ok(())
    } else {
        Err(ModelError::NotPermitted(actor.role))
    }
}

/// Staff record the insurance (platform registration) and agreement status,
/// and whether the volunteer may do psychological support.
pub fn set_credentials(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    platform_registered: Option<bool>,
    agreement_signed_on: Option<Option<Day>>,
    psych_qualified: Option<bool>,
) -> Result<(), ModelError> {
    actor.require(&[Role::Staff])?;
    doc::check(d, DocKind::Volunteer)?;
    let p = doc::child(d, &ROOT, "profile")?;
    if let Some(r) = platform_registered {
        d.put(&p, "platform_registered", r)?;
    }
    match agreement_signed_on {
        Some(Some(day)) => d.put(&p, "agreement_signed_on", day.iso())?,
        Some(None) => d.delete(&p, "agreement_signed_on")?,
        None => {}
    }
    if let Some(q) = psych_qualified {
        d.put(&p, "psych_qualified", q)?;
    }
    doc::commit(d, at, "credentials");
    Ok(())
}

/// Records training: a volunteer marks a course completed; staff confirm it
/// or record an assessment (passed or not).
pub fn record_training(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    course: &str,
    action: TrainingAction,
    passed: Option<bool>,
) -> Result<(), ModelError> {
    doc::check(d, DocKind::Volunteer)?;
    match action {
        TrainingAction::Completed => self_or_staff(d, actor)?,
        TrainingAction::Confirmed | TrainingAction::Assessed => {
            actor.require(&[Role::Staff])?;
        }
    }
    if action == TrainingAction::Assessed && passed.is_none() {
        return Err(ModelError::Invalid("an assessment needs a result".into()));
    }
    let id = actor.new_id();
    let e = TrainingEvent {
        id,
        course: doc::required("course", course)?,
        action,
        passed,
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    doc::append_event(d, "training", &e)?;
    doc::commit(d, at, "training");
    Ok(())
}

/// Cancels a shift (kept on record, marked cancelled).
pub fn cancel_shift(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    shift: &str,
) -> Result<(), ModelError> {
    actor.require(&[Role::Staff, Role::Lead])?;
    doc::check(d, DocKind::Volunteer)?;
    let shifts = doc::child(d, &ROOT, "shifts")?;
    let s = doc::entry(d, &shifts, "shift", shift)?;
    d.put(&s, "cancelled", true)?;
    doc::commit(d, at, "cancel shift");
    Ok(())
}

/// Checks in (after the protective-equipment checklist) or out, on the
/// volunteer's phone, offline too. Returns the day totals so the screen can
/// flag a day over 8 hours at check-out.
pub fn attend(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    action: AttendanceAction,
    shift: &str,
    ppe_checked: bool,
    offset_minutes: i64,
) -> Result<Vec<DayHours>, ModelError> {
    doc::check(d, DocKind::Volunteer)?;
    self_or_staff(d, actor)?;
    if action == AttendanceAction::CheckIn && !ppe_checked {
        return Err(ModelError::Invalid(
            "complete the protective-equipment checklist first".into(),
        ));
    }
    let id = actor.new_id();
    let e = Attendance {
        id,
        action,
        shift: shift.to_owned(),
        ppe_checked,
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    doc::append_event(d, "attendance", &e)?;
    doc::commit(d, at, action.as_str());
    Ok(read(d)?.hours(offset_minutes))
}

impl Volunteer {
    pub fn training_state(&self, course: &str) -> TrainingState {
        training_status::state(&self.training, course)
    }

    pub fn hours(&self, offset_minutes: i64) -> Vec<DayHours> {
        service_hours::daily(&self.attendance, offset_minutes)
    }

    /// Shifts not cancelled, in start order.
    pub fn active_shifts(&self) -> Vec<(&String, &Shift)> {
        let mut v: Vec<_> = self.shifts.iter().filter(|(_, s)| !s.cancelled).collect();
        v.sort_by_key(|(_, s)| s.start);
        v
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn registration() -> Registration {
        Registration {
            name: "李明".into(),
            phone: "13900139000".into(),
            source: Some(VolunteerSource::NewEconomyWorker),
            skills: vec![Skill::Driving],
            availability: "工作日晚上".into(),
        }
    }

    pub(crate) fn volunteer_doc() -> (AutoCommit, Actor) {
        let v = Actor::seeded("vol-1", "phone-v", Role::Volunteer, 41);
        (create(&v, 1, "vol-1", &registration()).unwrap(), v)
    }

    #[test]
    fn registration_is_validated_and_read_back() {
        let (d, v) = volunteer_doc();
        let vol = read(&d).unwrap();
        assert_eq!(vol.profile.name, "李明");
        assert_eq!(vol.profile.skills(), vec![Skill::Driving]);
        assert!(!vol.profile.platform_registered);
        assert!(
            create(&v, 1, "vol-2", &registration()).is_err(),
            "cannot register someone else"
        );
        let mut bad = registration();
        bad.phone = "12".into();
        assert!(create(&v, 1, "vol-1", &bad).is_err());
    }

    #[test]
    fn credentials_are_staffs_to_set() {
        let (mut d, v) = volunteer_doc();
        let s = Actor::seeded("staff-1", "phone-s", Role::Staff, 42);
        assert!(set_credentials(&mut d, &v, 2, Some(true), None, None).is_err());
        set_credentials(
            &mut d,
            &s,
            2,
            Some(true),
            Some(Some(Day(19_000))),
            Some(true),
        )
        .unwrap();
        let p = read(&d).unwrap().profile;
        assert!(p.platform_registered && p.psych_qualified);
        assert_eq!(
            p.agreement_signed_on.as_deref(),
            Some(Day(19_000).iso().as_str())
        );
        set_credentials(&mut d, &s, 3, None, Some(None), None).unwrap();
        assert_eq!(read(&d).unwrap().profile.agreement_signed_on, None);
    }

    #[test]
    fn check_in_requires_the_equipment_checklist() {
        let (mut d, v) = volunteer_doc();
        assert!(attend(&mut d, &v, 10, AttendanceAction::CheckIn, "", false, 480).is_err());
        attend(&mut d, &v, 10, AttendanceAction::CheckIn, "", true, 480).unwrap();
        let days = attend(
            &mut d,
            &v,
            10 + 3_600_000,
            AttendanceAction::CheckOut,
            "",
            false,
            480,
        )
        .unwrap();
        assert_eq!(days[0].minutes, 60);
    }

    #[test]
    fn volunteers_mark_courses_and_only_staff_confirm() {
        let (mut d, v) = volunteer_doc();
        let s = Actor::seeded("staff-1", "phone-s", Role::Staff, 43);
        record_training(
            &mut d,
            &v,
            2,
            "g-protect-1",
            TrainingAction::Completed,
            None,
        )
        .unwrap();
        assert!(
            record_training(
                &mut d,
                &v,
                3,
                "g-protect-1",
                TrainingAction::Confirmed,
                None
            )
            .is_err()
        );
        assert!(
            record_training(&mut d, &s, 3, "g-protect-1", TrainingAction::Assessed, None).is_err()
        );
        assert_eq!(
            read(&d).unwrap().training_state("g-protect-1"),
            TrainingState::AwaitingConfirmation
        );
        record_training(
            &mut d,
            &s,
            4,
            "g-protect-1",
            TrainingAction::Confirmed,
            None,
        )
        .unwrap();
        assert_eq!(
            read(&d).unwrap().training_state("g-protect-1"),
            TrainingState::Passed
        );
    }
}
