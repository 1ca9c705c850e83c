//! Psychological-support follow-ups (精神慰藉): kept apart from the building
//! ledger so they reach only qualified volunteers and staff, and recorded
//! only by them.

use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::model::{
    Actor, ModelError, Role,
    civil::Millis,
    doc::{self, DocKind},
};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Casebook {
    #[serde(deserialize_with = "doc::events")]
    pub followups: Vec<Followup>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Followup {
    pub id: String,
    pub building: String,
    pub household: String,
    pub note: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub next_step: String,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

/// Staff, or a volunteer whose profile staff marked qualified.
fn qualified(actor: &Actor, psych_qualified: bool) -> Result<(), ModelError> {
    if actor.role == Role::Staff || (actor.role == Role::Volunteer && psych_qualified) {
        Ok(())
    } else {
        Err(ModelError::NotQualified)
    }
}

pub fn create(actor: &Actor, at: Millis) -> Result<AutoCommit, ModelError> {
    actor.require(&[Role::Staff])?;
    let mut d = doc::create(DocKind::Casebook, actor)?;
    d.put_object(ROOT, "followups", ObjType::List)?;
    doc::commit(&mut d, at, "create casebook");
    Ok(d)
}

pub fn read(d: &AutoCommit) -> Result<Casebook, ModelError> {
    doc::check(d, DocKind::Casebook)?;
    doc::read_as(d)
}

/// Records a follow-up. `psych_qualified` is the actor's own profile flag.
#[allow(clippy::too_many_arguments)]
pub fn record_followup(
    d: &mut AutoCommit,
    actor: &Actor,
    psych_qualified: bool,
    at: Millis,
    building: &str,
    household: &str,
    note: &str,
    next_step: &str,
) -> Result<String, ModelError> {
    qualified(actor, psych_qualified)?;
    doc::check(d, DocKind::Casebook)?;
    let note = doc::required("note", note)?;
    let id = actor.new_id();
    let e = Followup {
        id: id.clone(),
        building: building.to_owned(),
        household: household.to_owned(),
        note,
        next_step: next_step.trim().to_owned(),
        by: actor.person.clone(),
        device: actor.device.clone(),
        at,
    };
    doc::append_event(d, "followups", &e)?;
    doc::commit(d, at, "follow-up");
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_qualified_volunteers_and_staff_record_follow_ups() {
        let staff = Actor::seeded("staff-1", "s", Role::Staff, 61);
        let mut d = create(&staff, 1).unwrap();
        let v = Actor::seeded("vol-1", "v", Role::Volunteer, 62);
        let lead = Actor::seeded("lead-1", "l", Role::Lead, 63);
        assert!(matches!(
            record_followup(&mut d, &v, false, 2, "b1", "h1", "情绪低落", ""),
            Err(ModelError::NotQualified)
        ));
        assert!(matches!(
            record_followup(&mut d, &lead, true, 2, "b1", "h1", "x", ""),
            Err(ModelError::NotQualified)
        ));
        record_followup(
            &mut d,
            &v,
            true,
            3,
            "b1",
            "h1",
            "电话疏导 30 分钟",
            "明天再打",
        )
        .unwrap();
        record_followup(&mut d, &staff, false, 4, "b1", "h1", "转介社工", "").unwrap();
        let c = read(&d).unwrap();
        assert_eq!(c.followups.len(), 2);
        assert_eq!(c.followups[0].next_step, "明天再打");
        assert!(create(&v, 1).is_err());
    }
}
