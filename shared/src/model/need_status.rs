//! Rule: a need's status, open → planned → done, and what a delivery round
//! says of it.
//!
//! Status changes are events, folded in time order (then id; an event two
//! phones wrote with one id counts once):
//!
//! 1. `planned` moves an open need to planned (a new round for it also
//!    clears a flag).
//! 2. `done` (by hand) and `delivered` (a round's 已送达 at the household,
//!    naming the round and the volunteer) close it.
//! 3. `refused` (a round's 拒收, with the resident's reason) puts a need that
//!    is not done back to open, so the lead can plan it again.
//! 4. `problem` (a round's 有问题) leaves the status as it is and flags the
//!    need for the lead, until it is planned, closed or reopened.
//! 5. **Done stays done.** Only an explicit `reopened` opens a done need
//!    again. A `planned` or a `refused` recorded elsewhere — an offline phone
//!    planning what is already delivered, a refusal arriving after the lead
//!    closed the need by hand on another phone — does not: the need stays
//!    done and the refusal stays in its history. The result does not depend
//!    on which phone heard of what first, so every phone counts the same.
//! 6. `withdrawn` cancels the events that came from one round record
//!    (`source`), when the volunteer undoes it on the round.
//!
//! Edits to a need's description are plain fields and never touch status, so
//! a need closed on one phone and edited on another stays closed, with the
//! edit. The events are defined here, beside the rule that reads them; the
//! [`ledger`](crate::model::ledger) stores them, and
//! [`delivered_needs`](crate::model::delivered_needs) derives the round's.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::model::civil::Millis;
use crate::vocabulary::stored_name::string_enum;

string_enum! {
    pub enum NeedAction {
        Planned = "planned",
        Done = "done",
        Reopened = "reopened",
        /// 已送达 on a delivery round (rule 2).
        Delivered = "delivered",
        /// 拒收 on a delivery round (rule 3).
        Refused = "refused",
        /// 有问题 on a delivery round (rule 4).
        Problem = "problem",
        /// The round record behind `source` was undone (rule 6).
        Withdrawn = "withdrawn",
    }
}

/// One change of a need's status, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct NeedEvent {
    pub id: String,
    pub need: String,
    pub action: NeedAction,
    /// The round that will deliver it, when planned; the round that
    /// recorded it, for a round's outcome.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub round: String,
    /// The round's record this event came from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
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

/// A need's status with what the lead should know of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedState {
    pub status: NeedStatus,
    /// Rule 4: the problem's note (possibly empty) while it stands.
    pub flagged: Option<String>,
    /// When the event that closed it was recorded.
    pub closed_at: Option<Millis>,
}

/// The events of one need that count (rule 6 applied, duplicates once), in
/// time order: the need's history.
pub fn history<'a>(events: &'a [NeedEvent], need: &str) -> Vec<&'a NeedEvent> {
    let withdrawn: HashSet<&str> = events
        .iter()
        .filter(|e| e.need == need && e.action == NeedAction::Withdrawn)
        .map(|e| e.source.as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let mut seen = HashSet::new();
    let mut mine: Vec<&NeedEvent> = events
        .iter()
        .filter(|e| e.need == need && e.action != NeedAction::Withdrawn)
        .filter(|e| e.source.is_empty() || !withdrawn.contains(e.source.as_str()))
        .filter(|e| seen.insert(e.id.as_str()))
        .collect();
    mine.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    mine
}

pub fn state(events: &[NeedEvent], need: &str) -> NeedState {
    let mut s = NeedState {
        status: NeedStatus::Open,
        flagged: None,
        closed_at: None,
    };
    for e in history(events, need) {
        let done = s.status == NeedStatus::Done;
        match e.action {
            NeedAction::Planned if !done => {
                s.status = NeedStatus::Planned;
                s.flagged = None;
            }
            NeedAction::Done | NeedAction::Delivered if !done => {
                s.status = NeedStatus::Done;
                s.flagged = None;
                s.closed_at = Some(e.at);
            }
            NeedAction::Reopened => {
                s.status = NeedStatus::Open;
                s.flagged = None;
                s.closed_at = None;
            }
            NeedAction::Refused if !done => {
                s.status = NeedStatus::Open;
                s.flagged = None;
            }
            NeedAction::Problem if !done => s.flagged = Some(e.note.clone()),
            _ => {}
        }
    }
    s
}

pub fn status(events: &[NeedEvent], need: &str) -> NeedStatus {
    state(events, need).status
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
            source: String::new(),
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

    #[test]
    fn round_outcomes_move_needs_and_done_stays_done() {
        use NeedAction::*;
        let st = |evs: &[NeedEvent]| state(evs, "n");
        let planned = ev("1", Planned, 1);
        assert_eq!(
            st(&[planned.clone(), ev("2", Delivered, 2)]).status,
            NeedStatus::Done
        );
        assert_eq!(
            st(&[planned.clone(), ev("2", Refused, 2)]).status,
            NeedStatus::Open
        );
        let flagged = st(&[planned.clone(), ev("2", Problem, 2)]);
        assert_eq!(
            (flagged.status, flagged.flagged.is_some()),
            (NeedStatus::Planned, true)
        );
        // a refusal or a problem never reopens or flags a done need, in
        // either order of time
        for (d, r) in [(2, 3), (3, 2)] {
            let evs = [planned.clone(), ev("d", Done, d), ev("r", Refused, r)];
            assert_eq!(st(&evs).status, NeedStatus::Done);
        }
        let evs = [ev("d", Done, 2), ev("p", Problem, 3)];
        assert_eq!(st(&evs).flagged, None);
        assert_eq!(st(&evs).closed_at, Some(2));
        // the same event written by two phones counts once; a withdrawn
        // source no longer counts
        let mut delivered = ev("x", Delivered, 2);
        delivered.source = "rec".into();
        let mut withdrawn = ev("w", Withdrawn, 3);
        withdrawn.source = "rec".into();
        assert_eq!(
            history(
                &[planned.clone(), delivered.clone(), delivered.clone()],
                "n"
            )
            .len(),
            2
        );
        assert_eq!(
            st(&[planned, delivered, withdrawn]).status,
            NeedStatus::Planned
        );
    }
}
