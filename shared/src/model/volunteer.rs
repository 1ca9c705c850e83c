//! A volunteer's own document: profile, training, shifts and attendance.
//! Only the volunteer and staff receive it (it holds a phone number).
//!
//! Long because its host tests live beside it (the operations are about 470
//! lines).

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::model::{
    Actor, ModelError, Role,
    catalogue::{Skill, VolunteerSource},
    civil::{Day, Millis},
    doc::{self, DocKind},
    service_hours::{self, DayHours},
    training_status::{self, TrainingAction, TrainingState},
};
use crate::vocabulary::stored_name::string_enum;

// The events the training and hours rules fold are defined beside their
// rules; the volunteer's document stores them, and still names them.
pub use crate::model::{
    service_hours::{Attendance, AttendanceAction},
    training_status::TrainingEvent,
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
    /// Feedback and suggestions the volunteer wrote after service.
    #[serde(default, deserialize_with = "doc::events")]
    pub feedback: Vec<Feedback>,
    /// Staff confirmations of a day's service hours.
    #[serde(default, deserialize_with = "doc::events")]
    pub confirmations: Vec<HoursConfirmation>,
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
    /// Marked by staff: on the backbone roster for the next call-up
    /// (培育骨干).
    #[serde(default)]
    pub backbone: bool,
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
    pub enum FeedbackKind {
        /// How the service went (规范服务管理).
        Feedback = "feedback",
        /// A suggestion for improving the work.
        Suggestion = "suggestion",
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Feedback {
    pub id: String,
    pub kind: FeedbackKind,
    pub text: String,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

/// Staff confirm a volunteer's service on one local day: the minutes the
/// check-ins gave when they looked. Later check-ins on that day show as not
/// yet confirmed; the latest confirmation of a day stands.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct HoursConfirmation {
    pub id: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub minutes: i64,
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
    let name = check_registration(reg)?;
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
    d.put_object(ROOT, "feedback", ObjType::List)?;
    d.put_object(ROOT, "confirmations", ObjType::List)?;
    doc::commit(&mut d, at, "register");
    Ok(d)
}

/// The registration's name, once the form is acceptable: a name, and a phone
/// number (when given) of 7 to 15 digits, as a household's.
fn check_registration(reg: &Registration) -> Result<String, ModelError> {
    let name = doc::required("name", &reg.name)?;
    crate::model::ledger::check_phone(reg.phone.trim())?;
    Ok(name)
}

/// The volunteer (or staff) updates the profile; only the fields that
/// changed are written, so edits of different fields on two phones merge.
pub fn edit_profile(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    reg: &Registration,
) -> Result<(), ModelError> {
    doc::check(d, DocKind::Volunteer)?;
    self_or_staff(d, actor)?;
    let name = check_registration(reg)?;
    let old = read(d)?.profile;
    let p = doc::child(d, &ROOT, "profile")?;
    if old.name != name {
        d.put(&p, "name", name)?;
    }
    if old.phone != reg.phone.trim() {
        doc::put_text(d, &p, "phone", reg.phone.trim())?;
    }
    if old.source != reg.source {
        match reg.source {
            Some(s) => d.put(&p, "source", s.as_str())?,
            None => d.delete(&p, "source")?,
        }
    }
    let skills = doc::child(d, &p, "skills")?;
    for s in Skill::ALL {
        let wanted = reg.skills.contains(s);
        if old.skills.get(s.as_str()).copied().unwrap_or(false) != wanted {
            d.put(&skills, s.as_str(), wanted)?;
        }
    }
    if old.availability != reg.availability.trim() {
        doc::put_text(d, &p, "availability", reg.availability.trim())?;
    }
    doc::commit(d, at, "edit profile");
    Ok(())
}

/// Staff put a volunteer on the backbone roster, or take them off.
pub fn mark_backbone(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    backbone: bool,
) -> Result<(), ModelError> {
    actor.require(&[Role::Staff])?;
    doc::check(d, DocKind::Volunteer)?;
    let p = doc::child(d, &ROOT, "profile")?;
    d.put(&p, "backbone", backbone)?;
    doc::commit(d, at, "backbone");
    Ok(())
}

/// The volunteer writes feedback or a suggestion (staff read them all).
pub fn give_feedback(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    kind: FeedbackKind,
    text: &str,
) -> Result<(), ModelError> {
    doc::check(d, DocKind::Volunteer)?;
    self_or_staff(d, actor)?;
    let text = doc::required("feedback", text)?;
    if text.chars().count() > 2000 {
        return Err(ModelError::Invalid(
            "feedback is longer than 2000 characters".into(),
        ));
    }
    let e = Feedback {
        id: actor.new_id(),
        kind,
        text,
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    ensure_list(d, "feedback")?;
    doc::append_event(d, "feedback", &e)?;
    doc::commit(d, at, "feedback");
    Ok(())
}

/// Staff confirm the service hours of one day as the check-ins give them now.
pub fn confirm_hours(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    day: Day,
    offset_minutes: i64,
) -> Result<i64, ModelError> {
    actor.require(&[Role::Staff])?;
    doc::check(d, DocKind::Volunteer)?;
    let minutes = read(d)?
        .hours(offset_minutes)
        .into_iter()
        .find(|h| h.day == day)
        .map(|h| h.minutes)
        .ok_or_else(|| ModelError::Invalid(format!("no service recorded on {}", day.iso())))?;
    let e = HoursConfirmation {
        id: actor.new_id(),
        day: day.iso(),
        minutes,
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    ensure_list(d, "confirmations")?;
    doc::append_event(d, "confirmations", &e)?;
    doc::commit(d, at, "confirm hours");
    Ok(minutes)
}

/// Lists added after the first volunteer documents were written.
fn ensure_list(d: &mut AutoCommit, key: &'static str) -> Result<(), ModelError> {
    use automerge::ReadDoc;
    if d.get(ROOT, key)?.is_none() {
        d.put_object(ROOT, key, ObjType::List)?;
    }
    Ok(())
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

    /// The confirmed minutes of a day (the latest confirmation), if any.
    pub fn confirmed_minutes(&self, day: Day) -> Option<i64> {
        let day = day.iso();
        self.confirmations
            .iter()
            .filter(|c| c.day == day)
            .max_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)))
            .map(|c| c.minutes)
    }

    /// The shift a check-in session was worked on: the one its check-in
    /// (at `start`) names, if that shift still stands.
    pub fn shift_checked_in(&self, start: Millis) -> Option<(&String, &Shift)> {
        self.attendance
            .iter()
            .filter(|a| a.action == AttendanceAction::CheckIn && a.at == start)
            .find_map(|a| self.shifts.get_key_value(&a.shift))
            .filter(|(_, s)| !s.cancelled)
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

    #[test]
    fn profile_edits_from_two_phones_merge_field_by_field() {
        let (mut d, v) = volunteer_doc();
        let s = Actor::seeded("staff-1", "phone-s", Role::Staff, 44);
        let mut other = doc::load(&d.save(), &s).unwrap();
        let mut mine = registration();
        mine.availability = "周末全天".into();
        mine.skills = vec![Skill::Driving, Skill::Medical];
        edit_profile(&mut d, &v, 2, &mine).unwrap();
        let mut theirs = registration();
        theirs.phone = "13800138000".into();
        edit_profile(&mut other, &s, 2, &theirs).unwrap();
        d.merge(&mut other).unwrap();
        let p = read(&d).unwrap().profile;
        assert_eq!(p.availability, "周末全天");
        assert_eq!(p.phone, "13800138000");
        assert_eq!(p.skills(), vec![Skill::Driving, Skill::Medical]);
        let mut bad = registration();
        bad.phone = "1".into();
        assert!(edit_profile(&mut d, &v, 3, &bad).is_err());
        let stranger = Actor::seeded("vol-2", "phone-x", Role::Volunteer, 45);
        assert!(edit_profile(&mut d, &stranger, 3, &mine).is_err());
    }

    #[test]
    fn feedback_backbone_and_hour_confirmations() {
        let (mut d, v) = volunteer_doc();
        let s = Actor::seeded("staff-1", "phone-s", Role::Staff, 46);
        give_feedback(
            &mut d,
            &v,
            2,
            FeedbackKind::Suggestion,
            "楼道消杀表贴在门口",
        )
        .unwrap();
        assert!(give_feedback(&mut d, &v, 2, FeedbackKind::Feedback, " ").is_err());
        assert!(mark_backbone(&mut d, &v, 3, true).is_err());
        mark_backbone(&mut d, &s, 3, true).unwrap();
        let day = Day::parse("2022-05-01").unwrap();
        assert!(
            confirm_hours(&mut d, &s, 4, day, 480).is_err(),
            "nothing to confirm"
        );
        let t = day.start(480) + 8 * 3_600_000;
        attend(&mut d, &v, t, AttendanceAction::CheckIn, "", true, 480).unwrap();
        attend(
            &mut d,
            &v,
            t + 3_600_000,
            AttendanceAction::CheckOut,
            "",
            false,
            480,
        )
        .unwrap();
        assert!(
            confirm_hours(&mut d, &v, 5, day, 480).is_err(),
            "staff confirm"
        );
        assert_eq!(confirm_hours(&mut d, &s, 5, day, 480).unwrap(), 60);
        let vol = read(&d).unwrap();
        assert_eq!(vol.feedback.len(), 1);
        assert!(vol.profile.backbone);
        assert_eq!(vol.confirmed_minutes(day), Some(60));
        assert_eq!(vol.confirmed_minutes(day.next()), None);
    }
}
