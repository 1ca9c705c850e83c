//! Calendar days without IO or time zone databases: a community states its
//! UTC offset (Beijing: +08:00), and a timestamp's day is computed from it.
//! Timestamps are milliseconds since the Unix epoch, supplied by the caller.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

pub const MINUTE: Millis = 60_000;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// China Standard Time, the default for a new community.
pub const BEIJING_OFFSET_MINUTES: i64 = 8 * 60;

/// A calendar day as days since 1970-01-01 in the community's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// The local day of a timestamp.
    pub fn of(at: Millis, offset_minutes: i64) -> Day {
        Day((at + offset_minutes * MINUTE).div_euclid(DAY))
    }

    /// The instant this day starts, local midnight.
    pub fn start(self, offset_minutes: i64) -> Millis {
        self.0 * DAY - offset_minutes * MINUTE
    }

    pub fn next(self) -> Day {
        Day(self.0 + 1)
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let (y, m, d) = civil_from_days(self.0);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Day> {
        let mut parts = s.split('-');
        let y: i64 = parts.next()?.parse().ok()?;
        let m: u32 = parts.next()?.parse().ok()?;
        let d: u32 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Day(days_from_civil(y, m, d)))
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `HH:MM` for minutes after local midnight (1440 reads 24:00, the end of a
/// day).
pub fn clock_minutes(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `HH:MM` of an instant in the community's time zone.
pub fn clock(at: Millis, offset_minutes: i64) -> String {
    clock_minutes((at - Day::of(at, offset_minutes).start(offset_minutes)) / MINUTE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_respect_the_offset() {
        let d = Day::parse("2022-04-29").unwrap();
        assert_eq!(d.iso(), "2022-04-29");
        assert_eq!(Day::parse("1970-01-01"), Some(Day(0)));
        assert_eq!(Day::parse("2024-02-29").unwrap().iso(), "2024-02-29");
        assert_eq!(Day::parse("2023-02-29"), None);
        assert_eq!(Day::parse("2023-13-01"), None);
        assert_eq!(Day::parse("2023-1-1x"), None);
        // 2022-04-29 23:30 in Beijing is 15:30 UTC the same day.
        let start = d.start(BEIJING_OFFSET_MINUTES);
        assert_eq!(Day::of(start, BEIJING_OFFSET_MINUTES), d);
        assert_eq!(Day::of(start - 1, BEIJING_OFFSET_MINUTES), Day(d.0 - 1));
        assert_eq!(Day::of(start + DAY - 1, BEIJING_OFFSET_MINUTES), d);
        assert_eq!(Day::of(start + DAY, BEIJING_OFFSET_MINUTES), d.next());
    }

    #[test]
    fn every_day_for_centuries_round_trips() {
        for n in -200_000..200_000 {
            let day = Day(n);
            assert_eq!(Day::parse(&day.iso()), Some(day));
        }
    }

    #[test]
    fn clocks_read_community_time() {
        let start = Day::parse("2022-05-01")
            .unwrap()
            .start(BEIJING_OFFSET_MINUTES);
        assert_eq!(clock(start, BEIJING_OFFSET_MINUTES), "00:00");
        assert_eq!(
            clock(
                start + 20 * 60 * MINUTE + 5 * MINUTE + 59_999,
                BEIJING_OFFSET_MINUTES
            ),
            "20:05"
        );
        assert_eq!(clock(start - MINUTE, BEIJING_OFFSET_MINUTES), "23:59");
        assert_eq!(clock(start, 0), "16:00");
        assert_eq!(clock_minutes(24 * 60), "24:00");
    }
}
