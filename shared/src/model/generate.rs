//! A generated community, realistic in shape, for tests and benchmarks: by
//! default 20 buildings, 3,000 households, 200 volunteers and 30 days of a
//! daily delivery round and a daily disinfection round per building, with
//! the field events those rounds would collect. Deterministic for a seed.

use automerge::AutoCommit;

use crate::model::{
    Actor, ModelError, Role,
    catalogue::{
        GENERAL_CATALOGUE, NeedKind, ServiceCategory, SpecialGroup, Urgency, VolunteerSource, Zone,
    },
    civil::{Day, HOUR, MINUTE, Millis},
    community::{self, Post, RosterEntry},
    ledger::{self, HouseholdDraft},
    round::{self, Details, Outcome, RoundKind, StopPlan},
    training_status::TrainingAction,
    volunteer::{self, AttendanceAction, Registration},
};

/// How big a community to generate.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub buildings: usize,
    pub households_per_building: usize,
    pub volunteers: usize,
    pub days: usize,
    /// Doors on each day's delivery round of a building.
    pub deliveries_per_round: usize,
    /// Disinfection points per building, each done 3 times a day.
    pub disinfection_points: usize,
}

impl Shape {
    /// The benchmark shape of the data-model issue.
    pub const FULL: Shape = Shape {
        buildings: 20,
        households_per_building: 150,
        volunteers: 200,
        days: 30,
        deliveries_per_round: 45,
        disinfection_points: 6,
    };

    /// A small community for tests.
    pub const SMALL: Shape = Shape {
        buildings: 2,
        households_per_building: 12,
        volunteers: 6,
        days: 2,
        deliveries_per_round: 6,
        disinfection_points: 2,
    };
}

/// The first day of generated rounds.
pub const FIRST_DAY: &str = "2022-04-28";
const TIMES_PER_DAY: i64 = 3;

pub struct GeneratedRound {
    pub day: Day,
    pub building: String,
    pub kind: RoundKind,
    pub assignees: Vec<String>,
    pub doc: AutoCommit,
}

pub struct Generated {
    pub shape: Shape,
    pub community: AutoCommit,
    pub buildings: Vec<String>,
    /// One per building, in building order.
    pub ledgers: Vec<AutoCommit>,
    /// Volunteer id and document.
    pub volunteers: Vec<(String, AutoCommit)>,
    pub rounds: Vec<GeneratedRound>,
    pub staff: String,
}

impl Generated {
    /// The documents one volunteer's phone opens on `day`: the community,
    /// that day's rounds they are assigned to, and their own document.
    pub fn working_set(&mut self, volunteer: &str, day: Day) -> Vec<&mut AutoCommit> {
        let mut docs: Vec<&mut AutoCommit> = vec![&mut self.community];
        for r in &mut self.rounds {
            if r.day == day && r.assignees.iter().any(|a| a == volunteer) {
                docs.push(&mut r.doc);
            }
        }
        if let Some((_, d)) = self.volunteers.iter_mut().find(|(id, _)| id == volunteer) {
            docs.push(d);
        }
        docs
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "芳", "伟", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明",
];
const ITEMS: &[&str] = &[
    "蔬菜包",
    "大米 5kg",
    "鸡蛋 30枚",
    "牛奶",
    "降压药",
    "婴儿奶粉",
    "卫生纸",
    "食用油",
];
const POINTS: &[&str] = &["电梯厅", "楼梯间", "垃圾站", "单元门", "信报箱", "地下车库"];

pub fn community(shape: Shape, seed: u64) -> Result<Generated, ModelError> {
    let mut rng = Rng(seed | 1);
    let staff = Actor::seeded("staff-1", "staff-phone", Role::Staff, seed ^ 0x5eed);
    let first = Day::parse(FIRST_DAY).ok_or(ModelError::Missing("first day"))?;
    let offset = crate::model::civil::BEIJING_OFFSET_MINUTES;
    let t0 = first.start(offset) - 2 * crate::model::civil::DAY;
    let mut c = community::create(&staff, t0, "和平里社区")?;

    let mut buildings = Vec::new();
    for b in 0..shape.buildings {
        let id = community::add_building(&mut c, &staff, t0, &format!("{}号楼", b + 1))?;
        let zone = if b % 4 == 0 {
            Zone::Controlled
        } else {
            Zone::Sealed
        };
        community::set_zone(&mut c, &staff, t0, &id, zone, first)?;
        buildings.push(id);
    }
    let protect: Vec<String> = GENERAL_CATALOGUE
        .iter()
        .take(3)
        .map(|c| c.id.to_owned())
        .collect();
    let mut post = |cat: ServiceCategory, title: &str| -> Result<String, ModelError> {
        community::add_post(
            &mut c,
            &staff,
            t0,
            &Post {
                category: cat,
                title: title.to_owned(),
                requirements: "身体健康，完成防护培训".to_owned(),
                content: title.to_owned(),
                headcount: 2 * shape.buildings as i64,
                shift_start: "08:00".to_owned(),
                shift_end: "12:00".to_owned(),
                required_courses: protect.clone(),
                requires_insurance: true,
                requires_agreement: false,
                building: None,
                archived: false,
            },
        )
    };
    let delivery_post = post(ServiceCategory::Delivery, "物资配送")?;
    let disinfection_post = post(ServiceCategory::Disinfection, "防疫消杀")?;
    community::announce(
        &mut c,
        &staff,
        t0,
        "封控期间物资配送安排",
        "每日上午配送到户，请保持电话畅通。",
    )?;

    // Volunteers, each attached to a building.
    let mut volunteers = Vec::new();
    for v in 0..shape.volunteers {
        let id = format!("vol-{v:03}");
        let me = Actor::seeded(
            id.clone(),
            format!("phone-{v:03}"),
            Role::Volunteer,
            seed ^ (v as u64 + 1) << 8,
        );
        let name = format!(
            "{}{}",
            SURNAMES[rng.below(SURNAMES.len())],
            GIVEN[rng.below(GIVEN.len())]
        );
        let source = VolunteerSource::ALL[rng.below(VolunteerSource::ALL.len())];
        let mut d = volunteer::create(
            &me,
            t0,
            &id,
            &Registration {
                name: name.clone(),
                phone: format!("139{:08}", rng.below(100_000_000)),
                source: Some(source),
                skills: Vec::new(),
                availability: "每天上午".to_owned(),
            },
        )?;
        for course in &protect {
            volunteer::record_training(&mut d, &me, t0, course, TrainingAction::Completed, None)?;
            volunteer::record_training(
                &mut d,
                &staff,
                t0,
                course,
                TrainingAction::Confirmed,
                None,
            )?;
        }
        volunteer::set_credentials(&mut d, &staff, t0, Some(true), Some(Some(first)), None)?;
        community::enrol(
            &mut c,
            &staff,
            t0,
            &id,
            &RosterEntry {
                display_name: name,
                role: Role::Volunteer,
                source: Some(source),
                building: Some(buildings[v % shape.buildings.max(1)].clone()),
            },
        )?;
        volunteers.push((id, d));
    }

    // Ledgers.
    let mut ledgers = Vec::new();
    let mut doors: Vec<Vec<(String, String)>> = Vec::new();
    for (b, building) in buildings.iter().enumerate() {
        let lead = Actor::seeded(
            format!("lead-{b:02}"),
            format!("lead-phone-{b:02}"),
            Role::Lead,
            seed ^ 0x1ead ^ b as u64,
        );
        let mut l = ledger::create(&lead, t0, building)?;
        let mut these = Vec::new();
        for h in 0..shape.households_per_building {
            let unit = format!("{}单元", h / 50 + 1);
            let room = format!("{}{:02}", (h % 50) / 2 + 1, h % 2 + 1);
            let mut groups = Vec::new();
            if rng.chance(6) {
                groups.push(SpecialGroup::ElderlyAlone);
            } else if rng.chance(15) {
                groups.push(SpecialGroup::Elderly);
            }
            if rng.chance(3) {
                groups.push(SpecialGroup::Infant);
            }
            if rng.chance(2) {
                groups.push(SpecialGroup::Disabled);
            }
            let id = ledger::add_household(
                &mut l,
                &lead,
                t0,
                &HouseholdDraft {
                    unit: unit.clone(),
                    room: room.clone(),
                    size: 1 + rng.below(5) as i64,
                    phone: format!("138{:08}", rng.below(100_000_000)),
                    groups,
                    notes: String::new(),
                },
            )?;
            if rng.chance(20) {
                let kind = NeedKind::ALL[rng.below(NeedKind::ALL.len())];
                ledger::add_need(&mut l, &lead, t0, &id, kind, "", Urgency::ALL[rng.below(3)])?;
            }
            these.push((id, format!("{unit} {room}")));
        }
        ledgers.push(l);
        doors.push(these);
    }

    // Rounds and the volunteers' days.
    let mut rounds = Vec::new();
    for day_n in 0..shape.days {
        let day = Day(first.0 + day_n as i64);
        let morning = day.start(offset) + 8 * HOUR;
        for (b, building) in buildings.iter().enumerate() {
            let lead = Actor::seeded(
                format!("lead-{b:02}"),
                format!("lead-phone-{b:02}"),
                Role::Lead,
                seed ^ (day_n as u64) << 20 ^ b as u64,
            );
            let crew: Vec<usize> = (0..shape.volunteers)
                .filter(|v| v % shape.buildings.max(1) == b)
                .collect();
            let pick = |rng: &mut Rng| crew.get(rng.below(crew.len())).copied();
            let (Some(a), Some(z)) = (pick(&mut rng), pick(&mut rng)) else {
                continue;
            };
            let delivery_crew = if a == z { vec![a] } else { vec![a, z] };
            let names: Vec<String> = delivery_crew
                .iter()
                .map(|v| volunteers[*v].0.clone())
                .collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();

            let mut stops = Vec::new();
            for _ in 0..shape.deliveries_per_round {
                let (hh, label) = &doors[b][rng.below(doors[b].len())];
                stops.push(StopPlan {
                    label: label.clone(),
                    unit: label.split(' ').next().unwrap_or_default().to_owned(),
                    floor: 0,
                    household: hh.clone(),
                    items: vec![ITEMS[rng.below(ITEMS.len())].to_owned()],
                    times_per_day: 0,
                });
            }
            let mut d = round::create(
                &lead,
                morning - HOUR,
                RoundKind::Delivery,
                day,
                building,
                &format!("{} 配送", day.iso()),
                &refs,
                &stops,
            )?;
            let stop_ids: Vec<String> = round::read(&d)?.stops.into_iter().map(|s| s.id).collect();
            let mut t = morning;
            for (i, stop) in stop_ids.iter().enumerate() {
                let who = &volunteers[delivery_crew[i % delivery_crew.len()]].0;
                let actor = Actor::seeded(
                    who.clone(),
                    format!("phone-{who}"),
                    Role::Volunteer,
                    seed ^ t as u64,
                );
                t += 2 * MINUTE;
                if rng.chance(10) {
                    round::record(
                        &mut d,
                        &actor,
                        t,
                        stop,
                        Outcome::NoAnswer,
                        &Details::default(),
                    )?;
                    t += MINUTE;
                }
                round::record(
                    &mut d,
                    &actor,
                    t,
                    stop,
                    Outcome::Delivered,
                    &Details::default(),
                )?;
            }
            rounds.push(GeneratedRound {
                day,
                building: building.clone(),
                kind: RoundKind::Delivery,
                assignees: names.clone(),
                doc: d,
            });

            let points: Vec<StopPlan> = (0..shape.disinfection_points)
                .map(|p| StopPlan {
                    label: POINTS[p % POINTS.len()].to_owned(),
                    times_per_day: TIMES_PER_DAY,
                    ..StopPlan::default()
                })
                .collect();
            let disinfector = names[0].clone();
            let mut d = round::create(
                &lead,
                morning - HOUR,
                RoundKind::Disinfection,
                day,
                building,
                &format!("{} 消杀", day.iso()),
                &[disinfector.as_str()],
                &points,
            )?;
            let point_ids: Vec<String> = round::read(&d)?.stops.into_iter().map(|s| s.id).collect();
            let actor = Actor::seeded(
                disinfector.clone(),
                format!("phone-{disinfector}"),
                Role::Volunteer,
                seed ^ morning as u64 ^ 7,
            );
            for time in 0..TIMES_PER_DAY {
                for p in &point_ids {
                    let at = morning + time * 4 * HOUR + rng.below(30) as Millis * MINUTE;
                    round::record(
                        &mut d,
                        &actor,
                        at,
                        p,
                        Outcome::Disinfected,
                        &Details::default(),
                    )?;
                }
            }
            rounds.push(GeneratedRound {
                day,
                building: building.clone(),
                kind: RoundKind::Disinfection,
                assignees: vec![disinfector],
                doc: d,
            });

            // The delivery crew's shift and attendance.
            let community_now = community::read(&c)?;
            for v in &delivery_crew {
                let (vid, vdoc) = &mut volunteers[*v];
                let me = Actor::seeded(
                    vid.clone(),
                    format!("phone-{vid}"),
                    Role::Volunteer,
                    seed ^ morning as u64 ^ *v as u64,
                );
                let post = if rng.chance(50) {
                    &delivery_post
                } else {
                    &disinfection_post
                };
                if crate::model::scheduling::schedule(
                    vdoc,
                    &community_now,
                    &staff,
                    morning - 12 * HOUR,
                    post,
                    morning,
                    morning + 4 * HOUR,
                )
                .is_ok()
                {
                    volunteer::attend(
                        vdoc,
                        &me,
                        morning - 5 * MINUTE,
                        AttendanceAction::CheckIn,
                        "",
                        true,
                        offset,
                    )?;
                    volunteer::attend(
                        vdoc,
                        &me,
                        morning + 4 * HOUR + 10 * MINUTE,
                        AttendanceAction::CheckOut,
                        "",
                        false,
                        offset,
                    )?;
                }
            }
        }
    }

    Ok(Generated {
        shape,
        community: c,
        buildings,
        ledgers,
        volunteers,
        rounds,
        staff: staff.person,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_small_shape_is_complete_and_reproducible() {
        let g = community(Shape::SMALL, 42).unwrap();
        assert_eq!(g.buildings.len(), 2);
        assert_eq!(g.ledgers.len(), 2);
        assert_eq!(g.volunteers.len(), 6);
        assert_eq!(g.rounds.len(), 2 * 2 * 2);
        let c = community::read(&g.community).unwrap();
        assert_eq!(c.roster.len(), 6);
        assert_eq!(ledger::read(&g.ledgers[0]).unwrap().households.len(), 12);
        for r in &g.rounds {
            let round = round::read(&r.doc).unwrap();
            let s = round.summary();
            assert_eq!(s.done, s.stops, "every generated stop is done");
        }
        let again = community(Shape::SMALL, 42).unwrap();
        let mut a = g.community;
        let mut b = again.community;
        assert_eq!(a.save(), b.save());
    }
}
