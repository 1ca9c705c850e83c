//! Rule: service hours from check-in and check-out events.
//!
//! Events are taken in time order (then id). A check-in opens a session
//! unless one is open already — a second check-in from another phone that
//! was offline is the same person on the same duty, so it is ignored; a
//! check-out closes the open session, and one with nothing open is ignored.
//! A session still open counts nothing until it is closed. Sessions are split
//! at local midnight, so a night shift counts on both days. A day over 8
//! hours (每天不超过8小时) is flagged with the excess shown; nothing is dropped.
//!
//! The events are defined here, beside the rule that reads them; the
//! volunteer's own document ([`volunteer`](crate::model::volunteer)) stores
//! them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{
    civil::{Day, MINUTE, Millis},
    doc,
};
use crate::vocabulary::stored_name::string_enum;

string_enum! {
    pub enum AttendanceAction {
        CheckIn = "check_in",
        CheckOut = "check_out",
    }
}

/// A check-in or check-out, as the volunteer's document records it.
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

/// The daily cap of the guideline, in minutes.
pub const DAILY_CAP_MINUTES: i64 = 8 * 60;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub start: Millis,
    /// `None` while still checked in.
    pub end: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayHours {
    pub day: Day,
    pub minutes: i64,
    /// Minutes beyond the 8-hour cap (0 when within it).
    pub excess_minutes: i64,
}

pub fn sessions(events: &[Attendance]) -> Vec<Session> {
    let mut sorted: Vec<&Attendance> = events.iter().collect();
    sorted.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    let mut out = Vec::new();
    let mut open: Option<Millis> = None;
    for e in sorted {
        match (e.action, open) {
            (AttendanceAction::CheckIn, None) => open = Some(e.at),
            (AttendanceAction::CheckOut, Some(start)) => {
                out.push(Session {
                    start,
                    end: Some(e.at),
                });
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        out.push(Session { start, end: None });
    }
    out
}

/// The milliseconds of `[start, end)` on each local day it touches.
pub fn split_by_day(start: Millis, end: Millis, offset_minutes: i64) -> Vec<(Day, Millis)> {
    let mut out = Vec::new();
    let mut t = start;
    while t < end {
        let day = Day::of(t, offset_minutes);
        let day_end = day.next().start(offset_minutes).min(end);
        out.push((day, day_end - t));
        t = day_end;
    }
    out
}

pub fn daily(events: &[Attendance], offset_minutes: i64) -> Vec<DayHours> {
    let mut per_day: BTreeMap<Day, Millis> = BTreeMap::new();
    for s in sessions(events) {
        let Some(end) = s.end else { continue };
        for (day, ms) in split_by_day(s.start, end, offset_minutes) {
            *per_day.entry(day).or_default() += ms;
        }
    }
    per_day
        .into_iter()
        .map(|(day, ms)| {
            let minutes = ms / MINUTE;
            DayHours {
                day,
                minutes,
                excess_minutes: (minutes - DAILY_CAP_MINUTES).max(0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::civil::HOUR;

    const OFFSET: i64 = 480;

    fn ev(id: &str, action: AttendanceAction, at: Millis, device: &str) -> Attendance {
        Attendance {
            id: id.into(),
            action,
            shift: String::new(),
            ppe_checked: true,
            by: "vol-1".into(),
            device: device.into(),
            at,
        }
    }

    fn day0() -> Millis {
        Day::parse("2022-05-01").unwrap().start(OFFSET)
    }

    #[test]
    fn a_day_over_eight_hours_is_flagged_with_the_excess() {
        use AttendanceAction::*;
        let t = day0();
        let ev = [
            ev("1", CheckIn, t + 8 * HOUR, "a"),
            ev("2", CheckOut, t + 17 * HOUR + 30 * MINUTE, "a"),
        ];
        let d = daily(&ev, OFFSET);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].minutes, d[0].excess_minutes), (570, 90));
        assert_eq!(d[0].day.iso(), "2022-05-01");
    }

    #[test]
    fn across_midnight_counts_on_both_days() {
        use AttendanceAction::*;
        let t = day0();
        let ev = [
            ev("1", CheckIn, t + 20 * HOUR, "a"),
            ev("2", CheckOut, t + 30 * HOUR, "a"),
        ];
        let d = daily(&ev, OFFSET);
        assert_eq!(
            d.iter().map(|h| h.minutes).collect::<Vec<_>>(),
            vec![240, 360]
        );
        assert!(d.iter().all(|h| h.excess_minutes == 0));
        assert_eq!(split_by_day(t + 20 * HOUR, t + 30 * HOUR, OFFSET).len(), 2);
    }

    #[test]
    fn two_phones_checking_in_offline_make_one_session() {
        use AttendanceAction::*;
        let t = day0();
        // Phone A checks in at 08:00, phone B (offline, forgot) at 09:00,
        // checks out on B at 17:30: one session 08:00-17:30, flagged.
        let ev = [
            ev("b1", CheckIn, t + 9 * HOUR, "b"),
            ev("b2", CheckOut, t + 17 * HOUR + 30 * MINUTE, "b"),
            ev("a1", CheckIn, t + 8 * HOUR, "a"),
        ];
        let s = sessions(&ev);
        assert_eq!(
            s,
            vec![Session {
                start: t + 8 * HOUR,
                end: Some(t + 17 * HOUR + 30 * MINUTE)
            }]
        );
        assert_eq!(daily(&ev, OFFSET)[0].excess_minutes, 90);
    }

    #[test]
    fn open_sessions_and_orphan_check_outs_count_nothing() {
        use AttendanceAction::*;
        let t = day0();
        assert!(daily(&[ev("1", CheckIn, t, "a")], OFFSET).is_empty());
        assert_eq!(sessions(&[ev("1", CheckIn, t, "a")])[0].end, None);
        assert!(daily(&[ev("1", CheckOut, t, "a")], OFFSET).is_empty());
    }
}
