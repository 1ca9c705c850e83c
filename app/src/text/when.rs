//! Times, days and shifts as people in the community read them (its time
//! zone, not the phone's).

use linli_shared::model::{
    civil::{self, Day, MINUTE, Millis},
    community::minutes_of_day,
};

/// A time as the community reads it: `14:05` on `today`, `05-01 14:05` on
/// another day (community local time, not the phone's zone).
pub fn local_time(at: Millis, offset: i64, today: Day) -> String {
    let day = Day::of(at, offset);
    let hm = civil::clock(at, offset);
    if day == today {
        hm
    } else {
        format!("{} {hm}", &day.iso()[5..])
    }
}

/// `YYYY-MM-DD HH:MM` in the community's time.
pub fn local_date_time(at: Millis, offset: i64) -> String {
    let day = Day::of(at, offset);
    let minute = (at - day.start(offset)) / MINUTE;
    format!("{} {:02}:{:02}", day.iso(), minute / 60, minute % 60)
}

/// A post's daily shift as people read it: `08:00–12:00`, or with 次日 when
/// it ends after midnight.
pub fn shift_text(start: &str, end: &str, en: bool) -> String {
    let overnight = matches!(
        (minutes_of_day(start), minutes_of_day(end)),
        (Some(s), Some(e)) if e <= s
    );
    if overnight {
        format!("{start}–{}", super::labels::next_day(end, en))
    } else {
        format!("{start}–{end}")
    }
}

/// A day as `2022-05-01 周日` / `Sun 2022-05-01`.
pub fn day_text(day: Day, en: bool) -> String {
    super::labels::day_with_weekday(day, en)
}
