//! The building ledger (服务需求台账): one building's households, their
//! special groups and needs, and the daily welfare-check list. The most
//! sensitive document: only staff and that building's leads receive it.
//!
//! Removing a household or changing a need's status appends an event; the
//! state shown comes from [`household_status`] and [`need_status`], which
//! also define the events. Descriptive fields (room, phone, notes, a need's
//! detail) are plain fields, edited one by one.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};
use serde::Deserialize;

use crate::model::{
    Actor, ModelError, Role,
    catalogue::{NeedKind, SpecialGroup, Urgency},
    civil::Millis,
    doc::{self, DocKind},
    household_status::{self, HouseholdAction},
    need_status::{self, NeedAction, NeedStatus},
};

// The events the status rules fold are defined beside their rules; the
// ledger stores them, and still names them.
pub use crate::model::{household_status::HouseholdEvent, need_status::NeedEvent};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Ledger {
    pub building: String,
    pub households: BTreeMap<String, Household>,
    #[serde(deserialize_with = "doc::events")]
    pub household_events: Vec<HouseholdEvent>,
    pub needs: BTreeMap<String, Need>,
    #[serde(deserialize_with = "doc::events")]
    pub need_events: Vec<NeedEvent>,
    /// 独居老人 and others on the daily welfare check, by household id.
    pub welfare: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Household {
    pub unit: String,
    pub room: String,
    pub size: i64,
    #[serde(default)]
    pub phone: String,
    /// Group name → marked; a map so two phones adding different groups merge.
    pub groups: BTreeMap<String, bool>,
    #[serde(default)]
    pub notes: String,
    pub created_by: String,
    pub created_at: Millis,
}

impl Household {
    pub fn groups(&self) -> Vec<SpecialGroup> {
        self.groups
            .iter()
            .filter(|(_, on)| **on)
            .filter_map(|(g, _)| SpecialGroup::parse(g))
            .collect()
    }

    pub fn has(&self, g: SpecialGroup) -> bool {
        self.groups.get(g.as_str()).copied().unwrap_or(false)
    }

    /// `3单元 502` style door label.
    pub fn door(&self) -> String {
        format!("{} {}", self.unit, self.room)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Need {
    pub household: String,
    pub kind: NeedKind,
    #[serde(default)]
    pub detail: String,
    pub urgency: Urgency,
    pub created_by: String,
    pub device: String,
    pub at: Millis,
}

/// What a form supplies for a new household.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HouseholdDraft {
    pub unit: String,
    pub room: String,
    pub size: i64,
    pub phone: String,
    pub groups: Vec<SpecialGroup>,
    pub notes: String,
}

/// An edit: `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HouseholdEdit {
    pub unit: Option<String>,
    pub room: Option<String>,
    pub size: Option<i64>,
    pub phone: Option<String>,
    /// Groups to mark (true) or unmark (false).
    pub groups: Vec<(SpecialGroup, bool)>,
    pub notes: Option<String>,
}

fn leads_and_staff(actor: &Actor) -> Result<(), ModelError> {
    actor.require(&[Role::Staff, Role::Lead])
}

pub(crate) fn check_size(size: i64) -> Result<(), ModelError> {
    if (1..=30).contains(&size) {
        Ok(())
    } else {
        Err(ModelError::Invalid(format!(
            "household size {size} is not between 1 and 30"
        )))
    }
}

pub(crate) fn check_phone(phone: &str) -> Result<(), ModelError> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " -+()".contains(c));
    if phone.is_empty() || (allowed && (7..=15).contains(&digits)) {
        Ok(())
    } else {
        Err(ModelError::Invalid(format!(
            "{phone:?} is not a phone number"
        )))
    }
}

/// A new, empty ledger for a building.
pub fn create(actor: &Actor, at: Millis, building: &str) -> Result<AutoCommit, ModelError> {
    leads_and_staff(actor)?;
    let mut d = doc::create(DocKind::Ledger, actor)?;
    d.put(ROOT, "building", doc::required("building", building)?)?;
    for key in ["households", "needs", "welfare"] {
        d.put_object(ROOT, key, ObjType::Map)?;
    }
    for key in ["household_events", "need_events"] {
        d.put_object(ROOT, key, ObjType::List)?;
    }
    doc::commit(&mut d, at, "create ledger");
    Ok(d)
}

pub fn read(d: &AutoCommit) -> Result<Ledger, ModelError> {
    doc::check(d, DocKind::Ledger)?;
    doc::read_as(d)
}

/// Adds a household; one living alone and elderly joins the welfare list.
pub fn add_household(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    h: &HouseholdDraft,
) -> Result<String, ModelError> {
    leads_and_staff(actor)?;
    doc::check(d, DocKind::Ledger)?;
    let id = put_household(d, actor, at, h)?;
    doc::commit(d, at, "add household");
    Ok(id)
}

/// Validates and writes a household (the caller checks the role and the
/// document, and commits), so an import adds many in one change.
pub(crate) fn put_household(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    h: &HouseholdDraft,
) -> Result<String, ModelError> {
    let unit = doc::required("unit", &h.unit)?;
    let room = doc::required("room", &h.room)?;
    check_size(h.size)?;
    check_phone(h.phone.trim())?;
    let households = doc::child(d, &ROOT, "households")?;
    let id = actor.new_id();
    let o = d.put_object(&households, &id, ObjType::Map)?;
    d.put(&o, "unit", unit)?;
    d.put(&o, "room", room)?;
    d.put(&o, "size", h.size)?;
    doc::put_text(d, &o, "phone", h.phone.trim())?;
    let groups = d.put_object(&o, "groups", ObjType::Map)?;
    for g in &h.groups {
        d.put(&groups, g.as_str(), true)?;
    }
    doc::put_text(d, &o, "notes", h.notes.trim())?;
    d.put(&o, "created_by", actor.person.as_str())?;
    d.put(&o, "created_at", at)?;
    if h.groups.contains(&SpecialGroup::ElderlyAlone) {
        let welfare = doc::child(d, &ROOT, "welfare")?;
        d.put(&welfare, &id, true)?;
    }
    Ok(id)
}

/// Edits a household field by field. Archived households can still be
/// edited: the edit is kept and the household stays archived.
pub fn edit_household(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    id: &str,
    e: &HouseholdEdit,
) -> Result<(), ModelError> {
    leads_and_staff(actor)?;
    doc::check(d, DocKind::Ledger)?;
    let households = doc::child(d, &ROOT, "households")?;
    let o = doc::entry(d, &households, "household", id)?;
    if let Some(unit) = &e.unit {
        d.put(&o, "unit", doc::required("unit", unit)?)?;
    }
    if let Some(room) = &e.room {
        d.put(&o, "room", doc::required("room", room)?)?;
    }
    if let Some(size) = e.size {
        check_size(size)?;
        d.put(&o, "size", size)?;
    }
    if let Some(phone) = &e.phone {
        check_phone(phone.trim())?;
        d.put(&o, "phone", phone.trim())?;
    }
    if let Some(notes) = &e.notes {
        d.put(&o, "notes", notes.trim())?;
    }
    if !e.groups.is_empty() {
        let groups = doc::child(d, &o, "groups")?;
        for (g, on) in &e.groups {
            d.put(&groups, g.as_str(), *on)?;
        }
        if let Some((_, on)) = e
            .groups
            .iter()
            .find(|(g, _)| *g == SpecialGroup::ElderlyAlone)
        {
            let welfare = doc::child(d, &ROOT, "welfare")?;
            d.put(&welfare, id, *on)?;
        }
    }
    doc::commit(d, at, "edit household");
    Ok(())
}

/// Archives (removes from lists) or restores a household. Nothing is
/// deleted. Returns the event id.
pub fn set_household_archived(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    household: &str,
    archived: bool,
    reason: &str,
) -> Result<String, ModelError> {
    leads_and_staff(actor)?;
    doc::check(d, DocKind::Ledger)?;
    let households = doc::child(d, &ROOT, "households")?;
    doc::entry(d, &households, "household", household)?;
    let id = actor.new_id();
    let action = if archived {
        HouseholdAction::Archive
    } else {
        HouseholdAction::Restore
    };
    let e = HouseholdEvent {
        id: id.clone(),
        household: household.to_owned(),
        action,
        reason: reason.trim().to_owned(),
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    doc::append_event(d, "household_events", &e)?;
    doc::commit(
        d,
        at,
        if archived {
            "archive household"
        } else {
            "restore household"
        },
    );
    Ok(id)
}

/// Puts a household on or off the daily welfare-check list.
pub fn set_welfare(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    household: &str,
    on: bool,
) -> Result<(), ModelError> {
    leads_and_staff(actor)?;
    doc::check(d, DocKind::Ledger)?;
    let households = doc::child(d, &ROOT, "households")?;
    doc::entry(d, &households, "household", household)?;
    let welfare = doc::child(d, &ROOT, "welfare")?;
    d.put(&welfare, household, on)?;
    doc::commit(d, at, "welfare list");
    Ok(())
}

/// Records a need of a household. Volunteers may record needs they meet at
/// the door (a welfare check that finds someone needs help).
pub fn add_need(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    household: &str,
    kind: NeedKind,
    detail: &str,
    urgency: Urgency,
) -> Result<String, ModelError> {
    doc::check(d, DocKind::Ledger)?;
    let households = doc::child(d, &ROOT, "households")?;
    doc::entry(d, &households, "household", household)?;
    let needs = doc::child(d, &ROOT, "needs")?;
    let id = actor.new_id();
    let n = d.put_object(&needs, &id, ObjType::Map)?;
    d.put(&n, "household", household)?;
    d.put(&n, "kind", kind.as_str())?;
    doc::put_text(d, &n, "detail", detail.trim())?;
    d.put(&n, "urgency", urgency.as_str())?;
    d.put(&n, "created_by", actor.person.as_str())?;
    d.put(&n, "device", actor.device.as_str())?;
    d.put(&n, "at", at)?;
    doc::commit(d, at, "add need");
    Ok(id)
}

/// Edits a need's description; its status is untouched (a need closed on
/// another phone stays closed, and this edit is kept).
pub fn edit_need(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    need: &str,
    detail: Option<&str>,
    urgency: Option<Urgency>,
    kind: Option<NeedKind>,
) -> Result<(), ModelError> {
    leads_and_staff(actor)?;
    doc::check(d, DocKind::Ledger)?;
    let needs = doc::child(d, &ROOT, "needs")?;
    let n = doc::entry(d, &needs, "need", need)?;
    if let Some(detail) = detail {
        d.put(&n, "detail", detail.trim())?;
    }
    if let Some(u) = urgency {
        d.put(&n, "urgency", u.as_str())?;
    }
    if let Some(k) = kind {
        d.put(&n, "kind", k.as_str())?;
    }
    doc::commit(d, at, "edit need");
    Ok(())
}

/// Moves a need along open → planned → done (or reopens it), as an event.
/// Returns the event id.
pub fn set_need_status(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    need: &str,
    action: NeedAction,
    round: &str,
    note: &str,
) -> Result<String, ModelError> {
    doc::check(d, DocKind::Ledger)?;
    let needs = doc::child(d, &ROOT, "needs")?;
    doc::entry(d, &needs, "need", need)?;
    let id = actor.new_id();
    let e = NeedEvent {
        id: id.clone(),
        need: need.to_owned(),
        action,
        round: round.to_owned(),
        source: String::new(),
        note: note.trim().to_owned(),
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    doc::append_event(d, "need_events", &e)?;
    doc::commit(d, at, "need status");
    Ok(id)
}

/// Writes what a delivery round's records say of the needs it carries
/// (from [`delivered_needs::missing`](crate::model::delivered_needs::missing)),
/// in one change. The events keep the volunteer who recorded them; the
/// writer is the lead or staff phone that holds both documents. Events the
/// ledger already holds, or for needs it does not, are skipped.
pub fn carry_over(
    d: &mut AutoCommit,
    actor: &Actor,
    at: Millis,
    events: &[NeedEvent],
) -> Result<usize, ModelError> {
    leads_and_staff(actor)?;
    let ledger = read(d)?;
    let mut written = 0;
    for e in events {
        let known = ledger.need_events.iter().any(|x| x.id == e.id);
        if known || !ledger.needs.contains_key(&e.need) {
            continue;
        }
        doc::append_event(d, "need_events", e)?;
        written += 1;
    }
    if written > 0 {
        doc::commit(d, at, "delivery outcomes");
    }
    Ok(written)
}

impl Ledger {
    pub fn is_archived(&self, household: &str) -> bool {
        household_status::is_archived(&self.household_events, household)
    }

    /// Households shown in lists: not archived, ordered by unit and room.
    pub fn active_households(&self) -> Vec<(&String, &Household)> {
        let mut v: Vec<_> = self
            .households
            .iter()
            .filter(|(id, _)| !self.is_archived(id))
            .collect();
        v.sort_by(|a, b| (&a.1.unit, &a.1.room).cmp(&(&b.1.unit, &b.1.room)));
        v
    }

    /// The active household at this unit and room (trimmed, ignoring
    /// case), as the import matches doors: one household, once.
    pub fn household_at(&self, unit: &str, room: &str) -> Option<(&String, &Household)> {
        let key = |s: &str| s.trim().to_lowercase();
        let (unit, room) = (key(unit), key(room));
        self.households
            .iter()
            .filter(|(id, _)| !self.is_archived(id))
            .find(|(_, h)| key(&h.unit) == unit && key(&h.room) == room)
    }

    /// A household's door label (empty for an unknown household).
    pub fn door_of(&self, household: &str) -> String {
        self.households
            .get(household)
            .map(Household::door)
            .unwrap_or_default()
    }

    pub fn need_status(&self, need: &str) -> NeedStatus {
        need_status::status(&self.need_events, need)
    }

    /// A need's status, flag and closing time ([`need_status::state`]).
    pub fn need_state(&self, need: &str) -> need_status::NeedState {
        need_status::state(&self.need_events, need)
    }

    /// Needs not done yet, most urgent first, then oldest.
    pub fn open_needs(&self) -> Vec<(&String, &Need)> {
        let mut v: Vec<_> = self
            .needs
            .iter()
            .filter(|(id, n)| {
                self.need_status(id) != NeedStatus::Done && !self.is_archived(&n.household)
            })
            .collect();
        v.sort_by_key(|(_, n)| (n.urgency, n.at));
        v
    }

    /// The welfare-check list: marked households that are not archived.
    pub fn welfare_list(&self) -> Vec<&String> {
        self.welfare
            .iter()
            .filter(|(id, on)| **on && self.households.contains_key(*id) && !self.is_archived(id))
            .map(|(id, _)| id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead() -> Actor {
        Actor::seeded("lead-1", "phone-l", Role::Lead, 21)
    }

    fn draft(room: &str, groups: Vec<SpecialGroup>) -> HouseholdDraft {
        HouseholdDraft {
            unit: "1单元".into(),
            room: room.into(),
            size: 2,
            phone: "13800138000".into(),
            groups,
            notes: String::new(),
        }
    }

    #[test]
    fn households_are_validated_and_elderly_alone_join_the_welfare_list() {
        let l = lead();
        let mut d = create(&l, 1, "b1").unwrap();
        let a = add_household(
            &mut d,
            &l,
            2,
            &draft("101", vec![SpecialGroup::ElderlyAlone]),
        )
        .unwrap();
        let b = add_household(&mut d, &l, 3, &draft("102", vec![SpecialGroup::Infant])).unwrap();
        let mut bad = draft("", vec![]);
        assert!(add_household(&mut d, &l, 4, &bad).is_err());
        bad.room = "103".into();
        bad.size = 0;
        assert!(add_household(&mut d, &l, 4, &bad).is_err());
        bad.size = 1;
        bad.phone = "call me".into();
        assert!(add_household(&mut d, &l, 4, &bad).is_err());
        let v = Actor::seeded("v", "p", Role::Volunteer, 1);
        assert!(add_household(&mut d, &v, 4, &draft("104", vec![])).is_err());

        let ledger = read(&d).unwrap();
        assert_eq!(ledger.welfare_list(), vec![&a]);
        assert_eq!(ledger.households[&b].groups(), vec![SpecialGroup::Infant]);
        assert_eq!(ledger.households[&a].door(), "1单元 101");

        edit_household(
            &mut d,
            &l,
            5,
            &b,
            &HouseholdEdit {
                groups: vec![(SpecialGroup::ElderlyAlone, true)],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(read(&d).unwrap().welfare_list().len(), 2);
        set_welfare(&mut d, &l, 6, &a, false).unwrap();
        assert_eq!(read(&d).unwrap().welfare_list(), vec![&b]);
    }

    #[test]
    fn a_household_removed_on_one_phone_and_edited_on_another_is_archived_with_the_edit() {
        let l1 = lead();
        let l2 = Actor::seeded("staff-1", "phone-s", Role::Staff, 22);
        let mut a = create(&l1, 1, "b1").unwrap();
        let h = add_household(&mut a, &l1, 2, &draft("101", vec![])).unwrap();
        let mut b = doc::load(&a.save(), &l2).unwrap();
        set_household_archived(&mut a, &l1, 10, &h, true, "搬走").unwrap();
        edit_household(
            &mut b,
            &l2,
            11,
            &h,
            &HouseholdEdit {
                notes: Some("需要轮椅".into()),
                ..Default::default()
            },
        )
        .unwrap();
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        for d in [&a, &b] {
            let ledger = read(d).unwrap();
            assert!(ledger.is_archived(&h), "never silently resurrected");
            assert_eq!(ledger.households[&h].notes, "需要轮椅", "the edit is kept");
            assert!(ledger.active_households().is_empty());
        }
        set_household_archived(&mut a, &l1, 12, &h, false, "").unwrap();
        assert_eq!(read(&a).unwrap().active_households().len(), 1);
    }

    #[test]
    fn a_need_closed_on_one_phone_and_edited_on_another_stays_closed_with_the_edit() {
        let l1 = lead();
        let l2 = Actor::seeded("staff-1", "phone-s", Role::Staff, 23);
        let mut a = create(&l1, 1, "b1").unwrap();
        let h = add_household(&mut a, &l1, 2, &draft("101", vec![])).unwrap();
        let n = add_need(
            &mut a,
            &l1,
            3,
            &h,
            NeedKind::Medicine,
            "降压药",
            Urgency::Urgent,
        )
        .unwrap();
        let mut b = doc::load(&a.save(), &l2).unwrap();
        set_need_status(&mut a, &l1, 10, &n, NeedAction::Done, "", "已送达").unwrap();
        edit_need(&mut b, &l2, 20, &n, Some("降压药 两盒"), None, None).unwrap();
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        for d in [&a, &b] {
            let ledger = read(d).unwrap();
            assert_eq!(ledger.need_status(&n), NeedStatus::Done);
            assert_eq!(ledger.needs[&n].detail, "降压药 两盒");
            assert!(ledger.open_needs().is_empty());
        }
    }

    #[test]
    fn open_needs_are_sorted_by_urgency_and_hide_archived_households() {
        let l = lead();
        let mut d = create(&l, 1, "b1").unwrap();
        let h1 = add_household(&mut d, &l, 2, &draft("101", vec![])).unwrap();
        let h2 = add_household(&mut d, &l, 3, &draft("102", vec![])).unwrap();
        let routine = add_need(&mut d, &l, 4, &h1, NeedKind::Food, "", Urgency::Routine).unwrap();
        let urgent = add_need(&mut d, &l, 5, &h1, NeedKind::Medicine, "", Urgency::Urgent).unwrap();
        add_need(&mut d, &l, 6, &h2, NeedKind::Food, "", Urgency::Urgent).unwrap();
        set_household_archived(&mut d, &l, 7, &h2, true, "").unwrap();
        let ledger = read(&d).unwrap();
        let ids: Vec<_> = ledger
            .open_needs()
            .into_iter()
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(ids, vec![urgent, routine]);
        assert!(add_need(&mut d, &l, 8, "missing", NeedKind::Food, "", Urgency::Soon).is_err());
    }
}
