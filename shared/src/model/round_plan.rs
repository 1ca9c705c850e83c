//! Planning a round's stops: doors typed one per line, disinfection points
//! and patrol checkpoints with their times a day, and stops drawn from a
//! building's ledger (every household, the welfare list, or the households
//! whose chosen needs the round delivers), in unit, floor and room order.

use super::{
    catalogue::NeedKind,
    household_table::natural_cmp,
    ledger::Ledger,
    round::{RoundKind, StopPlan},
};

/// What the new-round form asks for, besides the round's title and people.
#[derive(Debug, Clone, Default)]
pub struct Wanted<'a> {
    pub kind: Option<RoundKind>,
    /// Doors or points typed, one per line.
    pub typed: &'a str,
    /// Times a day for disinfection points without their own.
    pub times: i64,
    /// Needs of the ledger the round delivers.
    pub needs: &'a [String],
    /// A delivery to every household (with `every_item` for each).
    pub all_households: bool,
    pub every_item: &'a str,
    /// Testing and welfare rounds: the ledger's households as stops.
    pub use_ledger: bool,
}

/// The stops of a round as the form asks for them; `ledger` is the
/// building's, when this phone holds it; `need_name` names a need without a
/// description (in the round's language: stops are written once for all).
pub fn stops(
    w: &Wanted,
    ledger: Option<&Ledger>,
    need_name: impl Fn(NeedKind) -> String,
) -> Vec<StopPlan> {
    let Some(kind) = w.kind else {
        return Vec::new();
    };
    let mut plans = match kind {
        RoundKind::Disinfection => parse_points(w.typed, w.times),
        RoundKind::Patrol => {
            let mut p = parse_points(w.typed, 0);
            p.iter_mut().for_each(|s| s.times_per_day = 0);
            p
        }
        RoundKind::CheckpointShift => Vec::new(),
        _ => parse_stops(w.typed),
    };
    let Some(l) = ledger else {
        return plans;
    };
    match kind {
        RoundKind::Delivery if w.all_households => {
            let from_needs = need_stops(l, w.needs, need_name);
            let items = split_items(w.every_item);
            plans.extend(household_stops(l, |_| true).into_iter().map(|mut s| {
                s.items = items.clone();
                if let Some(n) = from_needs.iter().find(|n| n.household == s.household) {
                    s.items.extend(n.items.iter().cloned());
                }
                s
            }));
        }
        RoundKind::Delivery if !w.needs.is_empty() => {
            plans.extend(need_stops(l, w.needs, need_name))
        }
        RoundKind::TestingNotice | RoundKind::TestingRegistration if w.use_ledger => {
            plans.extend(household_stops(l, |_| true))
        }
        RoundKind::WelfareCheck if w.use_ledger => {
            let list: Vec<&String> = l.welfare_list();
            plans.extend(household_stops(l, |id| list.iter().any(|x| *x == id)))
        }
        _ => {}
    }
    plans
}

/// Items as typed: `米 油`, `米、油`, `米,油`.
fn split_items(text: &str) -> Vec<String> {
    text.split([' ', '、', ',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One door per line: `3单元 502：米 油` → label `3单元 502`, unit `3单元`,
/// floor 5, items 米, 油.
pub fn parse_stops(text: &str) -> Vec<StopPlan> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (door, items) = match line.split_once(['：', ':']) {
                Some((d, i)) => (d.trim(), i),
                None => (line, ""),
            };
            let mut words = door.split_whitespace();
            let first = words.next().unwrap_or_default();
            let last = door.split_whitespace().last().unwrap_or_default();
            let unit = if door.split_whitespace().count() > 1 {
                first.to_owned()
            } else {
                String::new()
            };
            let room: String = last.chars().filter(char::is_ascii_digit).collect();
            let floor = if room.len() >= 3 {
                room[..room.len() - 2].parse().unwrap_or(0)
            } else {
                0
            };
            StopPlan {
                label: door.to_owned(),
                unit,
                floor,
                household: String::new(),
                items: split_items(items),
                times_per_day: 0,
            }
        })
        .collect()
}

/// The floor of a room number: `502` → 5, `1201` → 12.
pub fn floor_of(room: &str) -> i64 {
    let digits: String = room.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 3 {
        digits[..digits.len() - 2].parse().unwrap_or(0)
    } else {
        0
    }
}

/// Disinfection points or patrol checkpoints, one per line; `电梯厅 ×3`,
/// `电梯厅*3` or `电梯厅 3次` sets the times a day (default `times`).
pub fn parse_points(text: &str, times: i64) -> Vec<StopPlan> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let cut = line
                .rsplit_once(['×', '*', 'x', 'X'])
                .and_then(|(name, n)| {
                    Some((
                        name.trim(),
                        n.trim().trim_end_matches('次').trim().parse::<i64>().ok()?,
                    ))
                })
                .or_else(|| {
                    let (name, n) = line.rsplit_once(' ')?;
                    Some((name.trim(), n.trim().strip_suffix('次')?.parse().ok()?))
                });
            let (label, n) = cut.unwrap_or((line, times));
            StopPlan {
                label: label.to_owned(),
                times_per_day: n.clamp(1, 12),
                ..StopPlan::default()
            }
        })
        .collect()
}

/// One stop per household, in unit and room order.
pub fn household_stops(l: &Ledger, only: impl Fn(&str) -> bool) -> Vec<StopPlan> {
    let mut v: Vec<StopPlan> = l
        .active_households()
        .into_iter()
        .filter(|(id, _)| only(id))
        .map(|(id, h)| StopPlan {
            label: h.door(),
            unit: h.unit.clone(),
            floor: floor_of(&h.room),
            household: id.clone(),
            ..StopPlan::default()
        })
        .collect();
    v.sort_by(|a, b| {
        natural_cmp(&a.unit, &b.unit)
            .then_with(|| a.floor.cmp(&b.floor))
            .then_with(|| natural_cmp(&a.label, &b.label))
    });
    v
}

/// One stop per household with chosen open needs; the needs become its items.
pub fn need_stops(
    l: &Ledger,
    chosen: &[String],
    need_name: impl Fn(NeedKind) -> String,
) -> Vec<StopPlan> {
    let mut stops = household_stops(l, |id| {
        l.needs
            .iter()
            .any(|(nid, n)| n.household == id && chosen.contains(nid))
    });
    for s in &mut stops {
        s.items = l
            .needs
            .iter()
            .filter(|(nid, n)| n.household == s.household && chosen.contains(nid))
            .map(|(_, n)| {
                if n.detail.is_empty() {
                    need_name(n.kind)
                } else {
                    n.detail.clone()
                }
            })
            .collect();
    }
    stops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        catalogue::{SpecialGroup, Urgency},
        ledger::{self, HouseholdDraft},
    };

    #[test]
    fn doors_are_read_from_lines() {
        let stops = parse_stops("3单元 502：米 油\n\n  3单元 601 \n北门");
        assert_eq!(stops.len(), 3);
        assert_eq!(stops[0].label, "3单元 502");
        assert_eq!(stops[0].unit, "3单元");
        assert_eq!(stops[0].floor, 5);
        assert_eq!(stops[0].items, vec!["米", "油"]);
        assert_eq!(stops[1].floor, 6);
        assert_eq!(stops[2].unit, "");
        assert!(stops[2].items.is_empty());
    }

    #[test]
    fn points_carry_their_times_a_day() {
        let points = parse_points("电梯厅 ×3\n楼梯间*2\n\n垃圾投放点 4次\n单元门", 2);
        let got: Vec<(&str, i64)> = points
            .iter()
            .map(|p| (p.label.as_str(), p.times_per_day))
            .collect();
        assert_eq!(
            got,
            vec![
                ("电梯厅", 3),
                ("楼梯间", 2),
                ("垃圾投放点", 4),
                ("单元门", 2)
            ]
        );
        assert_eq!(parse_points("北门 ×99", 1)[0].times_per_day, 12, "capped");
        assert_eq!(floor_of("502"), 5);
        assert_eq!(floor_of("1201"), 12);
        assert_eq!(floor_of("B1"), 0);
    }

    /// A ledger of three households in unit and room disorder, one elderly
    /// person living alone, and two needs.
    fn ledger() -> (Ledger, Vec<String>) {
        let lead = Actor::new("lead", "lead", Role::Lead);
        let mut d = ledger::create(&lead, 1, "b1").unwrap();
        let mut add = |unit: &str, room: &str, groups: Vec<SpecialGroup>| {
            let draft = HouseholdDraft {
                unit: unit.into(),
                room: room.into(),
                size: 1,
                groups,
                ..Default::default()
            };
            ledger::add_household(&mut d, &lead, 2, &draft).unwrap()
        };
        let high = add("2单元", "1201", vec![]);
        let alone = add("2单元", "301", vec![SpecialGroup::ElderlyAlone]);
        let first = add("1单元", "502", vec![]);
        let medicine = ledger::add_need(
            &mut d,
            &lead,
            3,
            &high,
            NeedKind::Medicine,
            "降压药",
            Urgency::Urgent,
        )
        .unwrap();
        let food = ledger::add_need(
            &mut d,
            &lead,
            3,
            &first,
            NeedKind::Food,
            "",
            Urgency::Routine,
        )
        .unwrap();
        let _ = alone;
        (ledger::read(&d).unwrap(), vec![medicine, food])
    }

    fn labels(stops: &[StopPlan]) -> Vec<String> {
        stops.iter().map(|s| s.label.clone()).collect()
    }

    #[test]
    fn a_delivery_of_chosen_needs_stops_at_their_households_in_order() {
        let (l, needs) = ledger();
        let w = Wanted {
            kind: Some(RoundKind::Delivery),
            needs: &needs,
            ..Default::default()
        };
        let stops = stops(&w, Some(&l), |k| format!("<{}>", k.as_str()));
        assert_eq!(labels(&stops), vec!["1单元 502", "2单元 1201"]);
        assert_eq!(
            stops[0].items,
            vec![format!("<{}>", NeedKind::Food.as_str())]
        );
        assert_eq!(stops[1].items, vec!["降压药"]);
        assert_eq!(stops[1].floor, 12);
    }

    #[test]
    fn a_delivery_to_everyone_adds_the_chosen_needs_to_the_common_items() {
        let (l, needs) = ledger();
        let w = Wanted {
            kind: Some(RoundKind::Delivery),
            needs: &needs[..1],
            all_households: true,
            every_item: "蔬菜包、牛奶",
            ..Default::default()
        };
        let stops = stops(&w, Some(&l), |_| String::new());
        assert_eq!(labels(&stops), vec!["1单元 502", "2单元 301", "2单元 1201"]);
        assert_eq!(stops[0].items, vec!["蔬菜包", "牛奶"]);
        assert_eq!(stops[2].items, vec!["蔬菜包", "牛奶", "降压药"]);
    }

    #[test]
    fn a_welfare_check_visits_the_welfare_list_and_typed_doors() {
        let (l, _) = ledger();
        let w = Wanted {
            kind: Some(RoundKind::WelfareCheck),
            typed: "3单元 101",
            use_ledger: true,
            ..Default::default()
        };
        let stops = stops(&w, Some(&l), |_| String::new());
        assert_eq!(labels(&stops), vec!["3单元 101", "2单元 301"]);
    }

    #[test]
    fn points_and_shifts_take_no_ledger() {
        let (l, _) = ledger();
        let patrol = Wanted {
            kind: Some(RoundKind::Patrol),
            typed: "北门 ×3",
            use_ledger: true,
            ..Default::default()
        };
        let p = stops(&patrol, Some(&l), |_| String::new());
        assert_eq!((p[0].label.as_str(), p[0].times_per_day), ("北门", 0));
        let disinfection = Wanted {
            kind: Some(RoundKind::Disinfection),
            typed: "电梯厅",
            times: 2,
            ..Default::default()
        };
        assert_eq!(
            stops(&disinfection, None, |_| String::new())[0].times_per_day,
            2
        );
        let shift = Wanted {
            kind: Some(RoundKind::CheckpointShift),
            typed: "北门",
            ..Default::default()
        };
        assert!(stops(&shift, Some(&l), |_| String::new()).is_empty());
    }
}
