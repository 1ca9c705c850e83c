//! Service hours as the city volunteer platform takes them (志愿服务时长):
//! one row per volunteer, day and check-in session — name, phone, project,
//! date, start, end, hours — from the check-ins, split at local midnight
//! (a night shift is two rows, the first ending 24:00). The project is the
//! post of the shift checked in to, or the community's general service.
//! Rows are written as CSV (UTF-8 with BOM, so Excel and WPS show Chinese)
//! or XLSX by [`crate::table`].

use crate::model::{
    civil::{Day, MINUTE, Millis, clock_minutes},
    community::Community,
    service_hours::{self, split_by_day},
    volunteer::Volunteer,
};
use crate::table::Rows;

pub const HEADER: [&str; 7] = [
    "姓名",
    "手机号",
    "项目名称",
    "服务日期",
    "开始时间",
    "结束时间",
    "服务时长（小时）",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceRow {
    pub volunteer: String,
    pub name: String,
    pub phone: String,
    pub project: String,
    pub day: Day,
    /// Minutes after local midnight.
    pub start_minute: i64,
    pub end_minute: i64,
    /// Whether staff confirmed this day's hours as they stand.
    pub confirmed: bool,
}

impl ServiceRow {
    pub fn minutes(&self) -> i64 {
        self.end_minute - self.start_minute
    }
}

/// The project name for service not tied to a post.
pub fn general_project(community: &Community) -> String {
    format!("{}疫情防控志愿服务", community.name)
}

/// Every closed session of every volunteer on days `from..=to`, by day,
/// then name, then start.
pub fn rows(
    community: &Community,
    volunteers: &[Volunteer],
    from: Day,
    to: Day,
) -> Vec<ServiceRow> {
    let offset = community.utc_offset_minutes;
    let mut out = Vec::new();
    for v in volunteers {
        let days = v.hours(offset);
        for session in service_hours::sessions(&v.attendance) {
            let Some(end) = session.end else { continue };
            let project = v
                .shift_checked_in(session.start)
                .and_then(|(_, s)| community.posts.get(&s.post))
                .map_or_else(|| general_project(community), |p| p.title.clone());
            let mut t = session.start;
            for (day, ms) in split_by_day(session.start, end, offset) {
                // Both ends as the clock showed them (to the minute), so
                // 08:00:30–11:30 reads 08:00–11:30, 3.5 hours.
                let start_minute = minute_of(t, day, offset);
                t += ms;
                let end_minute = minute_of(t, day, offset);
                if day < from || day > to {
                    continue;
                }
                let day_minutes = days.iter().find(|h| h.day == day).map(|h| h.minutes);
                out.push(ServiceRow {
                    volunteer: v.volunteer.clone(),
                    name: v.profile.name.clone(),
                    phone: v.profile.phone.clone(),
                    project: project.clone(),
                    day,
                    start_minute,
                    end_minute,
                    confirmed: day_minutes.is_some() && v.confirmed_minutes(day) == day_minutes,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.day, &a.name, &a.volunteer, a.start_minute).cmp(&(
            b.day,
            &b.name,
            &b.volunteer,
            b.start_minute,
        ))
    });
    out
}

fn minute_of(at: Millis, day: Day, offset: i64) -> i64 {
    (at - day.start(offset)) / MINUTE
}

/// Hours with up to two decimals, as the platform's form takes them.
pub fn hours(minutes: i64) -> String {
    let h = format!("{:.2}", minutes as f64 / 60.0);
    h.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The table for the platform: the header, then one line per row.
pub fn table(rows: &[ServiceRow]) -> Rows {
    let mut out = vec![HEADER.iter().map(|h| (*h).to_owned()).collect()];
    for r in rows {
        out.push(vec![
            r.name.clone(),
            r.phone.clone(),
            r.project.clone(),
            r.day.iso(),
            clock_minutes(r.start_minute),
            clock_minutes(r.end_minute),
            hours(r.minutes()),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        civil::HOUR,
        community::{self, tests::sample_post},
        scheduling,
        training_status::TrainingAction,
        volunteer::{self, AttendanceAction, Registration},
    };
    use crate::table::{csv, xlsx};

    #[test]
    fn a_night_shift_is_two_rows_and_reads_back_from_csv_and_xlsx() {
        let staff = Actor::seeded("staff-1", "phone-s", Role::Staff, 81);
        let mut c = community::create(&staff, 0, "和平里社区").unwrap();
        let mut post = sample_post();
        post.requires_insurance = false;
        post.required_courses.clear();
        post.title = "东门值守".into();
        let post = community::add_post(&mut c, &staff, 1, &post).unwrap();
        let community = community::read(&c).unwrap();
        let v = Actor::seeded("v-1", "phone-v", Role::Volunteer, 82);
        let reg = Registration {
            name: "李明".into(),
            phone: "13900139000".into(),
            ..Default::default()
        };
        let mut d = volunteer::create(&v, 0, "v-1", &reg).unwrap();
        volunteer::record_training(&mut d, &staff, 1, "x", TrainingAction::Confirmed, None)
            .unwrap();
        let day = Day::parse("2022-05-01").unwrap();
        let midnight = day.start(480);
        let shift = scheduling::schedule(
            &mut d,
            &community,
            &staff,
            2,
            &post,
            midnight + 20 * HOUR,
            midnight + 26 * HOUR,
        )
        .unwrap();
        let at = |h: i64, m: i64| midnight + h * HOUR + m * MINUTE;
        volunteer::attend(
            &mut d,
            &v,
            at(20, 5),
            AttendanceAction::CheckIn,
            &shift,
            true,
            480,
        )
        .unwrap();
        volunteer::attend(
            &mut d,
            &v,
            at(26, 10),
            AttendanceAction::CheckOut,
            &shift,
            false,
            480,
        )
        .unwrap();
        volunteer::attend(
            &mut d,
            &v,
            at(8, 0),
            AttendanceAction::CheckIn,
            "",
            true,
            480,
        )
        .unwrap();
        volunteer::attend(
            &mut d,
            &v,
            at(9, 30),
            AttendanceAction::CheckOut,
            "",
            false,
            480,
        )
        .unwrap();
        volunteer::confirm_hours(&mut d, &staff, at(27, 0), day, 480).unwrap();
        let vols = vec![volunteer::read(&d).unwrap()];
        let found = rows(&community, &vols, day, day.next());
        let t = table(&found);
        assert_eq!(
            t[1..],
            [
                [
                    "李明",
                    "13900139000",
                    "和平里社区疫情防控志愿服务",
                    "2022-05-01",
                    "08:00",
                    "09:30",
                    "1.5"
                ],
                [
                    "李明",
                    "13900139000",
                    "东门值守",
                    "2022-05-01",
                    "20:05",
                    "24:00",
                    "3.92"
                ],
                [
                    "李明",
                    "13900139000",
                    "东门值守",
                    "2022-05-02",
                    "00:00",
                    "02:10",
                    "2.17"
                ],
            ]
            .map(|r| r.map(String::from).to_vec())
        );
        assert!(found[0].confirmed && found[1].confirmed && !found[2].confirmed);
        let from_csv = crate::table::read(csv::write(&t).as_bytes()).unwrap();
        assert_eq!(from_csv, t);
        let from_xlsx = crate::table::read(&xlsx::write("服务时长", &t)).unwrap();
        assert_eq!(from_xlsx, t);
        assert!(rows(&community, &vols, day.next().next(), day.next().next()).is_empty());
    }

    #[test]
    fn start_and_end_read_as_the_clock_showed_them() {
        let staff = Actor::seeded("staff-1", "phone-s", Role::Staff, 83);
        let c = community::create(&staff, 0, "和平里社区").unwrap();
        let community = community::read(&c).unwrap();
        let v = Actor::seeded("v-1", "phone-v", Role::Volunteer, 84);
        let reg = Registration {
            name: "王芳".into(),
            ..Default::default()
        };
        let mut d = volunteer::create(&v, 0, "v-1", &reg).unwrap();
        let day = Day::parse("2022-05-03").unwrap();
        let midnight = day.start(480);
        let seconds = |h: i64, m: i64, s: i64| midnight + h * HOUR + m * MINUTE + s * 1_000;
        for (at, action, ppe_checked) in [
            (seconds(8, 0, 30), AttendanceAction::CheckIn, true),
            (seconds(11, 30, 0), AttendanceAction::CheckOut, false),
        ] {
            volunteer::attend(&mut d, &v, at, action, "", ppe_checked, 480).unwrap();
        }
        let vols = vec![volunteer::read(&d).unwrap()];
        let t = table(&rows(&community, &vols, day, day));
        assert_eq!(t[1][4..], ["08:00", "11:30", "3.5"].map(String::from));
    }
}
