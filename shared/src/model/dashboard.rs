//! The staff dashboard (工作进度): every building's field work, needs and
//! staffing on a day, the community's totals, and the days before it — all
//! from the documents on the phone, counted by [`progress`] and
//! [`staffing`], so the dashboard, the daily summary and each round's own
//! screen agree. A building lead's phone passes their building only.

use std::collections::BTreeMap;

use crate::model::{
    civil::{Day, Millis},
    community::Community,
    ledger::Ledger,
    on_duty,
    progress::{self, BuildingLine, FieldDay, OpenNeeds},
    round::Round,
    service_hours, staffing,
    volunteer::Volunteer,
};

/// How many days the trend shows, the day itself included.
pub const TREND_DAYS: i64 = 7;

/// Posts' headcount against volunteers scheduled, on a day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Staffing {
    pub posts: usize,
    pub needed: i64,
    pub scheduled: i64,
    pub gap: i64,
}

impl Staffing {
    fn add(&mut self, s: &staffing::PostStaffing) {
        self.posts += 1;
        self.needed += s.headcount;
        self.scheduled += s.scheduled.len() as i64;
        self.gap += s.gap;
    }
}

/// One building on the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildingProgress {
    pub line: BuildingLine,
    pub staffing: Staffing,
    /// Checked in now at the building's posts (today only).
    pub on_duty: Option<usize>,
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    pub day: Day,
    pub buildings: Vec<BuildingProgress>,
    pub field: FieldDay,
    /// Summed over the buildings whose ledger is on this phone.
    pub needs: OpenNeeds,
    /// Buildings whose ledger is not on this phone (their needs are unknown).
    pub needs_missing: usize,
    /// Every post shown, the community-wide ones included.
    pub staffing: Staffing,
    /// Checked in now anywhere (today only).
    pub on_duty: Option<usize>,
    /// Service on the day by the volunteers on this phone, from check-ins.
    pub service_minutes: i64,
    pub serving: usize,
    /// The field work of the days up to and including `day`, oldest first.
    pub trend: Vec<(Day, FieldDay)>,
}

/// What the dashboard is computed from.
pub struct Inputs<'a> {
    pub community: &'a Community,
    /// Building id → its ledger, for the ledgers on this phone.
    pub ledgers: &'a BTreeMap<String, &'a Ledger>,
    /// Rounds of the days shown (others are ignored).
    pub rounds: &'a [&'a Round],
    pub volunteers: &'a [Volunteer],
    /// The building a lead sees; None for the whole community.
    pub only: Option<&'a str>,
    pub now: Millis,
}

/// The dashboard for `day`.
pub fn overview(i: &Inputs, day: Day) -> Overview {
    let offset = i.community.utc_offset_minutes;
    let today = Day::of(i.now, offset);
    let shown = |b: &str| i.only.is_none_or(|o| o == b);
    let lines: Vec<BuildingLine> = progress::lines(i.community, i.ledgers, i.rounds, day, today)
        .into_iter()
        .filter(|l| shown(&l.building))
        .collect();
    let posts = staffing::on_day(i.community, i.volunteers, day);
    let post_building = |post: &str| i.community.posts.get(post).and_then(|p| p.building.clone());
    let board = (day == today).then(|| on_duty::board(i.volunteers, i.now));
    let on_duty_at = |building: Option<&str>| {
        board.as_ref().map(|b| {
            b.on_duty
                .iter()
                .filter(|d| match building {
                    Some(building) => {
                        d.post.as_deref().and_then(post_building).as_deref() == Some(building)
                    }
                    None => true,
                })
                .count()
        })
    };

    let mut o = Overview {
        day,
        buildings: Vec::new(),
        field: FieldDay::default(),
        needs: OpenNeeds::default(),
        needs_missing: 0,
        staffing: Staffing::default(),
        on_duty: match i.only {
            Some(b) => on_duty_at(Some(b)),
            None => on_duty_at(None),
        },
        service_minutes: 0,
        serving: 0,
        trend: Vec::new(),
    };
    for s in &posts {
        let building = post_building(&s.post);
        if i.only.is_none() || building.as_deref() == i.only {
            o.staffing.add(s);
        }
    }
    for line in lines {
        let mut staff = Staffing::default();
        for s in posts
            .iter()
            .filter(|s| post_building(&s.post).as_deref() == Some(line.building.as_str()))
        {
            staff.add(s);
        }
        add_field(&mut o.field, &line.field);
        match &line.needs {
            Some(n) => add_needs(&mut o.needs, n),
            None => o.needs_missing += 1,
        }
        o.buildings.push(BuildingProgress {
            on_duty: on_duty_at(Some(&line.building)),
            staffing: staff,
            line,
        });
    }
    for v in i.volunteers {
        // Closed sessions, and an open one up to now: service so far today.
        let minutes: i64 = service_hours::sessions(&v.attendance)
            .iter()
            .filter(|s| s.start <= i.now)
            .flat_map(|s| service_hours::split_by_day(s.start, s.end.unwrap_or(i.now), offset))
            .filter(|(d, _)| *d == day)
            .map(|(_, ms)| ms)
            .sum::<Millis>()
            / crate::model::civil::MINUTE;
        if minutes > 0 {
            o.service_minutes += minutes;
            o.serving += 1;
        }
    }
    // Each round once, into its day of the trend.
    let first = Day(day.0 - (TREND_DAYS - 1));
    let mut trend: BTreeMap<Day, FieldDay> = (first.0..=day.0)
        .map(|d| (Day(d), FieldDay::default()))
        .collect();
    for r in i.rounds.iter().copied() {
        let Some(d) = Day::parse(&r.date) else {
            continue;
        };
        if !shown(&r.building) || !i.community.buildings.contains_key(&r.building) {
            continue;
        }
        if let Some(f) = trend.get_mut(&d) {
            add_field(f, &progress::field_day([r], &r.building, d, today));
        }
    }
    o.trend = trend.into_iter().collect();
    o
}

/// Adds a building's field work to a total.
pub fn add_field(total: &mut FieldDay, f: &FieldDay) {
    total.deliveries.doors += f.deliveries.doors;
    total.deliveries.done += f.deliveries.done;
    total.deliveries.pending += f.deliveries.pending;
    total.deliveries.problems += f.deliveries.problems;
    total.disinfection.points += f.disinfection.points;
    total.disinfection.done += f.disinfection.done;
    total.disinfection.overdue += f.disinfection.overdue;
    total.testing.households += f.testing.households;
    total.testing.covered += f.testing.covered;
}

/// Adds a building's open needs to a total.
pub fn add_needs(total: &mut OpenNeeds, n: &OpenNeeds) {
    total.urgent += n.urgent;
    total.soon += n.soon;
    total.routine += n.routine;
    total.done_since += n.done_since;
    for (g, k) in &n.by_group {
        *total.by_group.entry(g.clone()).or_default() += k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        catalogue::{ServiceCategory, Zone},
        civil::{BEIJING_OFFSET_MINUTES, HOUR, MINUTE},
        community::{self, Post},
        round::{self, Details, Outcome, RoundKind, StopPlan},
        scheduling,
        volunteer::{self, AttendanceAction, Registration},
    };

    fn staff() -> Actor {
        Actor::seeded("staff-1", "phone-s", Role::Staff, 81)
    }

    #[test]
    fn buildings_totals_staffing_on_duty_hours_and_the_trend() {
        let s = staff();
        let mut c = community::create(&s, 0, "和平里社区").unwrap();
        let b1 = community::add_building(&mut c, &s, 1, "1号楼").unwrap();
        let b2 = community::add_building(&mut c, &s, 2, "2号楼").unwrap();
        let day = Day::parse("2022-05-01").unwrap();
        community::set_zone(&mut c, &s, 3, &b1, Zone::Sealed, day).unwrap();
        let post = |building: Option<String>, headcount| Post {
            category: ServiceCategory::Delivery,
            title: "配送".into(),
            requirements: String::new(),
            content: String::new(),
            headcount,
            shift_start: "08:00".into(),
            shift_end: "12:00".into(),
            required_courses: vec![],
            requires_insurance: false,
            requires_agreement: false,
            building,
            archived: false,
        };
        let p1 = community::add_post(&mut c, &s, 4, &post(Some(b1.clone()), 3)).unwrap();
        community::add_post(&mut c, &s, 5, &post(None, 2)).unwrap();
        let community = community::read(&c).unwrap();

        let start = day.start(BEIJING_OFFSET_MINUTES);
        let mut v = volunteer::create(
            &s,
            6,
            "vol-1",
            &Registration {
                name: "王芳".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let shift = scheduling::schedule(
            &mut v,
            &community,
            &s,
            7,
            &p1,
            start + 8 * HOUR,
            start + 12 * HOUR,
        )
        .unwrap();
        volunteer::attend(
            &mut v,
            &s,
            start + 8 * HOUR,
            AttendanceAction::CheckIn,
            &shift,
            true,
            BEIJING_OFFSET_MINUTES,
        )
        .unwrap();
        let volunteers = vec![volunteer::read(&v).unwrap()];

        let stops: Vec<StopPlan> = (0..4)
            .map(|i| StopPlan {
                label: format!("{i}"),
                ..Default::default()
            })
            .collect();
        let mut rounds = Vec::new();
        for (d, building, done) in [(day, &b1, 2), (Day(day.0 - 1), &b1, 4), (day, &b2, 1)] {
            let mut r = round::create(&s, 8, RoundKind::Delivery, d, building, "配送", &[], &stops)
                .unwrap();
            let ids: Vec<String> = round::read(&r)
                .unwrap()
                .stops
                .into_iter()
                .map(|s| s.id)
                .collect();
            for id in ids.iter().take(done) {
                round::record(&mut r, &s, 9, id, Outcome::Delivered, &Details::default()).unwrap();
            }
            rounds.push(round::read(&r).unwrap());
        }
        let ledgers = BTreeMap::new();
        let now = start + 9 * HOUR + 30 * MINUTE;
        let rounds: Vec<&Round> = rounds.iter().collect();
        let inputs = Inputs {
            community: &community,
            ledgers: &ledgers,
            rounds: &rounds,
            volunteers: &volunteers,
            only: None,
            now,
        };
        let o = overview(&inputs, day);
        assert_eq!(o.buildings.len(), 2);
        assert_eq!((o.field.deliveries.doors, o.field.deliveries.done), (8, 3));
        assert_eq!(o.needs_missing, 2, "no ledger on this phone");
        assert_eq!(
            o.staffing,
            Staffing {
                posts: 2,
                needed: 5,
                scheduled: 1,
                gap: 4
            }
        );
        let first = &o.buildings[0];
        assert_eq!(first.line.name, "1号楼");
        assert_eq!(first.staffing.needed, 3);
        assert_eq!(first.on_duty, Some(1));
        assert_eq!(o.buildings[1].on_duty, Some(0));
        assert_eq!(o.on_duty, Some(1));
        assert_eq!(
            (o.service_minutes, o.serving),
            (90, 1),
            "checked in 08:00, now 09:30"
        );
        assert_eq!(o.trend.len(), TREND_DAYS as usize);
        assert_eq!(o.trend.last().unwrap().1.deliveries.done, 3);
        assert_eq!(o.trend[o.trend.len() - 2].1.deliveries.done, 4);

        // A lead sees their building only; a past day has no "on duty now".
        let lead = overview(
            &Inputs {
                only: Some(&b2),
                ..inputs
            },
            Day(day.0 - 1),
        );
        assert_eq!(lead.buildings.len(), 1);
        assert_eq!(lead.field.deliveries.doors, 0);
        assert_eq!(lead.staffing.posts, 0);
        assert_eq!(lead.on_duty, None);
    }
}
