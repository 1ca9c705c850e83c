//! The community's field work merged, per building and day: what the staff
//! dashboard counts (deliveries, disinfection, testing, open needs). Every
//! figure comes from the documents by the rules the screens use —
//! [`stop_status`] for a round's stops, [`need_status`](super::need_status)
//! for needs — so the dashboard and a round's own screen never disagree.
//! [`lines`] puts them together, one line per building, for the dashboard
//! and the daily summary alike.

use std::collections::BTreeMap;

use crate::model::{
    catalogue::{Urgency, Zone},
    civil::{Day, Millis},
    community::Community,
    ledger::Ledger,
    round::{Round, RoundKind},
    stop_status::{self, StopState},
};

/// Doors of delivery rounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deliveries {
    pub doors: usize,
    pub done: usize,
    /// Not done yet (tried without success counts here too).
    pub pending: usize,
    /// Refused, a problem reported: someone must look.
    pub problems: usize,
}

/// Points of disinfection rounds, each needing its times a day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Disinfection {
    pub points: usize,
    pub done: usize,
    /// Not done on a day that is over.
    pub overdue: usize,
}

/// Households of testing-registration rounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Testing {
    pub households: usize,
    /// Tested or exempt.
    pub covered: usize,
}

/// A building's rounds on one day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldDay {
    pub deliveries: Deliveries,
    pub disinfection: Disinfection,
    pub testing: Testing,
}

/// The rounds of `building` dated `day`, counted; `today` decides what is
/// overdue.
pub fn field_day<'a>(
    rounds: impl IntoIterator<Item = &'a Round>,
    building: &str,
    day: Day,
    today: Day,
) -> FieldDay {
    let mut f = FieldDay::default();
    let iso = day.iso();
    for round in rounds {
        if round.building != building || round.date != iso {
            continue;
        }
        let stops = stop_status::all(round);
        for st in &stops {
            let done = matches!(st.state, StopState::Done(_));
            match round.round_kind {
                RoundKind::Delivery => {
                    f.deliveries.doors += 1;
                    f.deliveries.done += usize::from(done);
                    f.deliveries.pending += usize::from(!done);
                    f.deliveries.problems += usize::from(st.needs_attention);
                }
                RoundKind::Disinfection => {
                    f.disinfection.points += 1;
                    f.disinfection.done += usize::from(done);
                    f.disinfection.overdue += usize::from(!done && day < today);
                }
                RoundKind::TestingRegistration => {
                    f.testing.households += 1;
                    f.testing.covered += usize::from(done);
                }
                _ => {}
            }
        }
    }
    f
}

/// A building's open needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenNeeds {
    pub urgent: usize,
    pub soon: usize,
    pub routine: usize,
    /// Open needs of households in each special group (a household in two
    /// groups counts in both).
    pub by_group: BTreeMap<String, usize>,
    /// Needs marked done between `since` and now.
    pub done_since: usize,
}

impl OpenNeeds {
    pub fn total(&self) -> usize {
        self.urgent + self.soon + self.routine
    }
}

/// The ledger's open needs by urgency and special group, and how many were
/// done at or after `since` (the start of the day shown).
pub fn open_needs(ledger: &Ledger, since: Millis) -> OpenNeeds {
    let mut o = OpenNeeds::default();
    for (_, need) in ledger.open_needs() {
        match need.urgency {
            Urgency::Urgent => o.urgent += 1,
            Urgency::Soon => o.soon += 1,
            Urgency::Routine => o.routine += 1,
        }
        if let Some(h) = ledger.households.get(&need.household) {
            for (group, on) in &h.groups {
                if *on {
                    *o.by_group.entry(group.clone()).or_default() += 1;
                }
            }
        }
    }
    o.done_since = ledger
        .needs
        .keys()
        .filter(|id| {
            ledger
                .need_state(id)
                .closed_at
                .is_some_and(|at| at >= since)
        })
        .count();
    o
}

/// One building's line on a day: the dashboard's, and the daily summary's
/// row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildingLine {
    pub building: String,
    pub name: String,
    pub zone: Option<Zone>,
    pub field: FieldDay,
    /// None when this phone does not hold the building's ledger.
    pub needs: Option<OpenNeeds>,
}

/// Every building of the community, by name, on `day` (`today` decides
/// what is overdue).
pub fn lines(
    community: &Community,
    ledgers: &BTreeMap<String, &Ledger>,
    rounds: &[&Round],
    day: Day,
    today: Day,
) -> Vec<BuildingLine> {
    let since = day.start(community.utc_offset_minutes);
    let mut out: Vec<BuildingLine> = community
        .buildings
        .iter()
        .map(|(id, b)| BuildingLine {
            building: id.clone(),
            name: b.name.clone(),
            zone: b.zone_on(day).map(|z| z.zone),
            field: field_day(rounds.iter().copied(), id, day, today),
            needs: ledgers.get(id).map(|l| open_needs(l, since)),
        })
        .collect();
    out.sort_by(|a, b| (&a.name, &a.building).cmp(&(&b.name, &b.building)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        catalogue::{NeedKind, SpecialGroup},
        ledger::{self, HouseholdDraft},
        need_status::NeedAction,
        round::{self, Details, Outcome, StopPlan},
    };

    fn lead() -> Actor {
        Actor::seeded("lead-1", "phone-l", Role::Lead, 61)
    }

    fn volunteer() -> Actor {
        Actor::seeded("vol-1", "phone-v", Role::Volunteer, 62)
    }

    fn points(n: usize, times: i64) -> Vec<StopPlan> {
        (0..n)
            .map(|i| StopPlan {
                label: format!("点位{i}"),
                times_per_day: times,
                ..Default::default()
            })
            .collect()
    }

    fn planned(
        kind: RoundKind,
        day: Day,
        building: &str,
        stops: &[StopPlan],
    ) -> automerge::AutoCommit {
        round::create(&lead(), 1, kind, day, building, "任务", &["vol-1"], stops).unwrap()
    }

    fn stop_ids(d: &automerge::AutoCommit) -> Vec<String> {
        round::read(d)
            .unwrap()
            .stops
            .into_iter()
            .map(|s| s.id)
            .collect()
    }

    #[test]
    fn a_buildings_day_counts_its_own_rounds_by_the_stop_rules() {
        let day = Day::parse("2022-05-01").unwrap();
        let next = day.next();
        let v = volunteer();
        let mut delivery = planned(RoundKind::Delivery, day, "b1", &points(4, 1));
        let doors = stop_ids(&delivery);
        let none = Details::default();
        round::record(&mut delivery, &v, 10, &doors[0], Outcome::Delivered, &none).unwrap();
        // No answer is a try, not a delivery: still pending.
        round::record(&mut delivery, &v, 11, &doors[1], Outcome::NoAnswer, &none).unwrap();
        let problem = Details {
            note: "门口无人，电话不通".into(),
            ..Details::default()
        };
        round::record(&mut delivery, &v, 12, &doors[2], Outcome::Refused, &problem).unwrap();
        // Twice a day: one pass is not done.
        let mut disinfection = planned(RoundKind::Disinfection, day, "b1", &points(2, 2));
        let spots = stop_ids(&disinfection);
        for at in [20, 21] {
            round::record(
                &mut disinfection,
                &v,
                at,
                &spots[0],
                Outcome::Disinfected,
                &none,
            )
            .unwrap();
        }
        round::record(
            &mut disinfection,
            &v,
            22,
            &spots[1],
            Outcome::Disinfected,
            &none,
        )
        .unwrap();
        let mut testing = planned(RoundKind::TestingRegistration, day, "b1", &points(3, 1));
        let homes = stop_ids(&testing);
        round::record(&mut testing, &v, 30, &homes[0], Outcome::Tested, &none).unwrap();
        round::record(&mut testing, &v, 31, &homes[1], Outcome::Exempt, &none).unwrap();
        // Another building's round, and this building's next day, do not count.
        let elsewhere = planned(RoundKind::Delivery, day, "b2", &points(5, 1));
        let tomorrow = planned(RoundKind::Delivery, next, "b1", &points(6, 1));
        let rounds: Vec<Round> = [&delivery, &disinfection, &testing, &elsewhere, &tomorrow]
            .into_iter()
            .map(|d| round::read(d).unwrap())
            .collect();

        let on_the_day = field_day(&rounds, "b1", day, day);
        assert_eq!(
            on_the_day.deliveries,
            Deliveries {
                doors: 4,
                done: 1,
                pending: 3,
                problems: 1
            }
        );
        assert_eq!(
            on_the_day.disinfection,
            Disinfection {
                points: 2,
                done: 1,
                overdue: 0
            }
        );
        assert_eq!(
            on_the_day.testing,
            Testing {
                households: 3,
                covered: 2
            }
        );
        // Seen the next day, the point done once of twice is overdue.
        assert_eq!(field_day(&rounds, "b1", day, next).disinfection.overdue, 1);
        assert_eq!(field_day(&rounds, "b1", next, next).deliveries.pending, 6);
        assert_eq!(field_day(&rounds, "b3", day, day), FieldDay::default());
    }

    #[test]
    fn open_needs_by_urgency_and_group_and_those_done_since_a_time() {
        let l = lead();
        let mut d = ledger::create(&l, 1, "b1").unwrap();
        let draft = |room: &str, groups: Vec<SpecialGroup>| HouseholdDraft {
            unit: "1单元".into(),
            room: room.into(),
            size: 1,
            phone: String::new(),
            groups,
            notes: String::new(),
        };
        let alone = ledger::add_household(
            &mut d,
            &l,
            2,
            &draft(
                "101",
                vec![SpecialGroup::ElderlyAlone, SpecialGroup::ChronicIllness],
            ),
        )
        .unwrap();
        let plain = ledger::add_household(&mut d, &l, 3, &draft("102", vec![])).unwrap();
        let need = |d: &mut automerge::AutoCommit, h: &str, u: Urgency, at: Millis| {
            ledger::add_need(d, &l, at, h, NeedKind::Medicine, "降压药", u).unwrap()
        };
        need(&mut d, &alone, Urgency::Urgent, 4);
        need(&mut d, &alone, Urgency::Routine, 5);
        need(&mut d, &plain, Urgency::Soon, 6);
        let early = need(&mut d, &plain, Urgency::Urgent, 7);
        let late = need(&mut d, &plain, Urgency::Routine, 8);
        ledger::set_need_status(&mut d, &l, 50, &early, NeedAction::Done, "", "").unwrap();
        ledger::set_need_status(&mut d, &l, 150, &late, NeedAction::Planned, "r1", "").unwrap();
        ledger::set_need_status(&mut d, &l, 160, &late, NeedAction::Done, "", "").unwrap();

        let o = open_needs(&ledger::read(&d).unwrap(), 100);
        assert_eq!((o.urgent, o.soon, o.routine, o.total()), (1, 1, 1, 3));
        assert_eq!(
            o.by_group.get(SpecialGroup::ElderlyAlone.as_str()),
            Some(&2)
        );
        assert_eq!(
            o.by_group.get(SpecialGroup::ChronicIllness.as_str()),
            Some(&2)
        );
        assert_eq!(o.by_group.len(), 2);
        assert_eq!(o.done_since, 1, "done at 50 is before the day shown");
        assert_eq!(open_needs(&ledger::read(&d).unwrap(), 0).done_since, 2);
    }
}
