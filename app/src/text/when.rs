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
    match (overnight, en) {
        (false, _) => format!("{start}–{end}"),
        (true, false) => format!("{start}–次日 {end}"),
        (true, true) => format!("{start}–{end} next day"),
    }
}

/// A day as `2022-05-01 周日` / `Sun 2022-05-01`.
pub fn day_text(day: Day, en: bool) -> String {
    // 1970-01-01 was a Thursday.
    let weekday = (day.0 + 3).rem_euclid(7) as usize;
    if en {
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        format!("{} {}", names[weekday], day.iso())
    } else {
        let names = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
        format!("{} {}", day.iso(), names[weekday])
    }
}
