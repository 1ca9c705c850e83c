//! Rule: whether a household is archived.
//!
//! Removing a household appends an `archive` event; restoring it appends a
//! `restore` event. The household is archived when its latest such event (by
//! time, then id, so every replica agrees) is an archive. Edits never change
//! this: a household removed on one phone and edited on another stays
//! archived, and keeps the edit. Nothing is ever deleted.
//!
//! The events are defined here, beside the rule that reads them; the
//! [`ledger`](crate::model::ledger) stores them.

use serde::{Deserialize, Serialize};

use crate::model::civil::Millis;
use crate::vocabulary::stored_name::string_enum;

string_enum! {
    pub enum HouseholdAction {
        Archive = "archive",
        Restore = "restore",
    }
}

/// One removal or restoration of a household, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct HouseholdEvent {
    pub id: String,
    pub household: String,
    pub action: HouseholdAction,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

pub fn is_archived(events: &[HouseholdEvent], household: &str) -> bool {
    events
        .iter()
        .filter(|e| e.household == household)
        .max_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)))
        .is_some_and(|e| e.action == HouseholdAction::Archive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, hh: &str, action: HouseholdAction, at: i64) -> HouseholdEvent {
        HouseholdEvent {
            id: id.into(),
            household: hh.into(),
            action,
            reason: String::new(),
            by: "p".into(),
            device: "d".into(),
            at,
        }
    }

    #[test]
    fn the_latest_archive_or_restore_decides() {
        use HouseholdAction::*;
        assert!(!is_archived(&[], "h"));
        assert!(is_archived(&[ev("1", "h", Archive, 5)], "h"));
        assert!(!is_archived(&[ev("1", "h", Archive, 5)], "other"));
        assert!(!is_archived(
            &[ev("2", "h", Restore, 6), ev("1", "h", Archive, 5)],
            "h"
        ));
        assert!(is_archived(
            &[ev("2", "h", Restore, 6), ev("1", "h", Archive, 7)],
            "h"
        ));
        // same instant: the id breaks the tie identically everywhere
        assert!(is_archived(
            &[ev("a", "h", Restore, 6), ev("b", "h", Archive, 6)],
            "h"
        ));
        assert!(is_archived(
            &[ev("b", "h", Archive, 6), ev("a", "h", Restore, 6)],
            "h"
        ));
    }
}
