//! Rule: a need's status, open → planned → done.
//!
//! Status changes are events, folded in time order (then id): `planned`
//! moves an open need to planned; `done` closes it; only an explicit
//! `reopened` opens a done need again — a `planned` recorded concurrently
//! elsewhere (an offline phone planning what is already delivered) does not.
//! Edits to a need's description are plain fields and never touch status, so
//! a need closed on one phone and edited on another stays closed, with the
//! edit.
//!
//! The events are defined here, beside the rule that reads them; the
//! [`ledger`](crate::model::ledger) stores them.

use serde::{Deserialize, Serialize};

use crate::model::civil::Millis;
use crate::vocabulary::stored_name::string_enum;

string_enum! {
    pub enum NeedAction {
        Planned = "planned",
        Done = "done",
        Reopened = "reopened",
    }
}

/// One change of a need's status, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct NeedEvent {
    pub id: String,
    pub need: String,
    pub action: NeedAction,
    /// The round that will deliver it, when planned.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub round: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub by: String,
    pub device: String,
    pub at: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedStatus {
    Open,
    Planned,
    Done,
}

pub fn status(events: &[NeedEvent], need: &str) -> NeedStatus {
    let mut mine: Vec<&NeedEvent> = events.iter().filter(|e| e.need == need).collect();
    mine.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    mine.into_iter()
        .fold(NeedStatus::Open, |s, e| match (s, e.action) {
            (NeedStatus::Done, NeedAction::Reopened) => NeedStatus::Open,
            (NeedStatus::Done, _) => NeedStatus::Done,
            (_, NeedAction::Done) => NeedStatus::Done,
            (_, NeedAction::Planned) => NeedStatus::Planned,
            (_, NeedAction::Reopened) => NeedStatus::Open,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, action: NeedAction, at: i64) -> NeedEvent {
        NeedEvent {
            id: id.into(),
            need: "n".into(),
            action,
            round: String::new(),
            note: String::new(),
            by: "p".into(),
            device: "d".into(),
            at,
        }
    }

    #[test]
    fn statuses_follow_the_lifecycle() {
        use NeedAction::*;
        assert_eq!(status(&[], "n"), NeedStatus::Open);
        assert_eq!(status(&[ev("1", Planned, 1)], "n"), NeedStatus::Planned);
        assert_eq!(
            status(&[ev("2", Done, 2), ev("1", Planned, 1)], "n"),
            NeedStatus::Done
        );
        // planned after done (a stale phone) does not reopen
        assert_eq!(
            status(&[ev("1", Done, 1), ev("2", Planned, 2)], "n"),
            NeedStatus::Done
        );
        // explicit reopen does
        assert_eq!(
            status(&[ev("1", Done, 1), ev("2", Reopened, 2)], "n"),
            NeedStatus::Open
        );
        assert_eq!(
            status(
                &[ev("1", Done, 1), ev("2", Reopened, 2), ev("3", Planned, 3)],
                "n"
            ),
            NeedStatus::Planned
        );
        assert_eq!(status(&[ev("1", Done, 1)], "other"), NeedStatus::Open);
    }
}
