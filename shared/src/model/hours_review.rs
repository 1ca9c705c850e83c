//! Service hours as staff review them (服务时长): the rows of a range by day
//! and volunteer, where each volunteer's day stands with staff, and totals
//! per volunteer.

use std::collections::{BTreeMap, BTreeSet};

use super::{civil::Day, service_report::ServiceRow, volunteer::Volunteer};

/// Where a volunteer's day stands with staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Confirmed,
    /// Confirmed before, but the check-ins changed since.
    Changed,
    Pending,
}

/// One volunteer's service on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct VolunteerDay {
    pub volunteer: String,
    pub name: String,
    pub day: Day,
    pub rows: Vec<ServiceRow>,
    pub minutes: i64,
    pub standing: Standing,
}

/// The range's rows as days, each with its volunteers.
pub fn by_day(rows: &[ServiceRow], team: &[Volunteer]) -> Vec<(Day, Vec<VolunteerDay>)> {
    let mut days: BTreeMap<Day, BTreeMap<(String, String), Vec<ServiceRow>>> = BTreeMap::new();
    for r in rows {
        days.entry(r.day)
            .or_default()
            .entry((r.name.clone(), r.volunteer.clone()))
            .or_default()
            .push(r.clone());
    }
    days.into_iter()
        .map(|(day, people)| {
            let list = people
                .into_iter()
                .map(|((name, id), rows)| {
                    let minutes = rows.iter().map(ServiceRow::minutes).sum();
                    let confirmed = team
                        .iter()
                        .find(|v| v.volunteer == id)
                        .and_then(|v| v.confirmed_minutes(day));
                    let standing = if rows.iter().all(|r| r.confirmed) {
                        Standing::Confirmed
                    } else if confirmed.is_some() {
                        Standing::Changed
                    } else {
                        Standing::Pending
                    };
                    VolunteerDay {
                        volunteer: id,
                        name,
                        day,
                        rows,
                        minutes,
                        standing,
                    }
                })
                .collect();
            (day, list)
        })
        .collect()
}

/// Totals per volunteer over the range: (name, minutes, confirmed minutes,
/// days served).
pub fn totals(rows: &[ServiceRow]) -> Vec<(String, i64, i64, usize)> {
    let mut per: BTreeMap<(String, String), (i64, i64, BTreeSet<Day>)> = BTreeMap::new();
    for r in rows {
        let e = per
            .entry((r.name.clone(), r.volunteer.clone()))
            .or_default();
        e.0 += r.minutes();
        if r.confirmed {
            e.1 += r.minutes();
        }
        e.2.insert(r.day);
    }
    per.into_iter()
        .map(|((name, _), (m, c, days))| (name, m, c, days.len()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(volunteer: &str, day: i64, start: i64, end: i64, confirmed: bool) -> ServiceRow {
        ServiceRow {
            volunteer: volunteer.into(),
            name: format!("志愿者{volunteer}"),
            phone: String::new(),
            project: String::new(),
            day: Day(day),
            start_minute: start,
            end_minute: end,
            confirmed,
        }
    }

    #[test]
    fn days_group_volunteers_and_say_where_each_stands() {
        let rows = vec![
            row("a", 10, 480, 720, true),
            row("a", 10, 780, 900, true),
            row("b", 10, 480, 600, false),
            row("a", 11, 480, 540, false),
        ];
        let days = by_day(&rows, &[]);
        assert_eq!(days.len(), 2);
        let (day, people) = &days[0];
        assert_eq!(*day, Day(10));
        assert_eq!(people.len(), 2);
        assert_eq!(people[0].volunteer, "a");
        assert_eq!(people[0].minutes, 240 + 120);
        assert_eq!(people[0].standing, Standing::Confirmed);
        assert_eq!(people[1].standing, Standing::Pending);
        assert_eq!(days[1].1[0].standing, Standing::Pending);
    }

    #[test]
    fn totals_count_minutes_confirmed_minutes_and_days() {
        let rows = vec![
            row("a", 10, 480, 720, true),
            row("a", 11, 480, 540, false),
            row("b", 10, 480, 600, false),
        ];
        assert_eq!(
            totals(&rows),
            vec![
                ("志愿者a".to_owned(), 300, 240, 2),
                ("志愿者b".to_owned(), 120, 0, 1),
            ]
        );
    }
}
