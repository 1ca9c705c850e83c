//! Rule: whether a volunteer has passed a course (不培训不上岗，培训不合格不上岗).
//!
//! A volunteer's own "completed" mark awaits staff. Staff verdicts decide: a
//! confirmation or a passed assessment passes the course, a failed assessment
//! fails it. The latest staff verdict (time, then id) stands, so a later
//! re-assessment replaces an earlier failure, on every replica alike.
//!
//! The events are defined here, beside the rule that reads them; the
//! volunteer's own document ([`volunteer`](crate::model::volunteer)) stores
//! them.

use serde::{Deserialize, Serialize};

use crate::model::civil::Millis;
use crate::vocabulary::stored_name::string_enum;

string_enum! {
    pub enum TrainingAction {
        /// The volunteer says they did the course.
        Completed = "completed",
        /// Staff confirm it.
        Confirmed = "confirmed",
        /// Staff record an assessment, passed or not.
        Assessed = "assessed",
    }
}

/// A course done, confirmed or assessed, as the volunteer's document
/// records it.
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainingState {
    NotStarted,
    AwaitingConfirmation,
    Passed,
    Failed,
}

pub fn state(events: &[TrainingEvent], course: &str) -> TrainingState {
    let mine = events.iter().filter(|e| e.course == course);
    let verdict = mine
        .clone()
        .filter(|e| e.action != TrainingAction::Completed)
        .max_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    match verdict {
        Some(e) if e.action == TrainingAction::Confirmed || e.passed == Some(true) => {
            TrainingState::Passed
        }
        Some(_) => TrainingState::Failed,
        None if mine.clone().next().is_some() => TrainingState::AwaitingConfirmation,
        None => TrainingState::NotStarted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, action: TrainingAction, passed: Option<bool>, at: i64) -> TrainingEvent {
        TrainingEvent {
            id: id.into(),
            course: "c".into(),
            action,
            passed,
            by: "p".into(),
            device: "d".into(),
            at,
        }
    }

    #[test]
    fn staff_verdicts_decide() {
        use TrainingAction::*;
        assert_eq!(state(&[], "c"), TrainingState::NotStarted);
        assert_eq!(
            state(&[ev("1", Completed, None, 1)], "c"),
            TrainingState::AwaitingConfirmation
        );
        assert_eq!(
            state(&[ev("1", Completed, None, 1)], "other"),
            TrainingState::NotStarted
        );
        assert_eq!(
            state(&[ev("1", Confirmed, None, 1)], "c"),
            TrainingState::Passed
        );
        assert_eq!(
            state(&[ev("1", Assessed, Some(false), 1)], "c"),
            TrainingState::Failed
        );
        assert_eq!(
            state(
                &[
                    ev("2", Assessed, Some(true), 2),
                    ev("1", Assessed, Some(false), 1)
                ],
                "c"
            ),
            TrainingState::Passed
        );
        assert_eq!(
            state(
                &[
                    ev("1", Confirmed, None, 1),
                    ev("2", Assessed, Some(false), 2),
                    ev("3", Completed, None, 3)
                ],
                "c"
            ),
            TrainingState::Failed
        );
    }
}
