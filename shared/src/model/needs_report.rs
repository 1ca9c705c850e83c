//! The needs ledger report (需求台账): every open need of the buildings whose
//! ledger is on the phone — building, door, special groups, what is needed,
//! how urgent, whether a round is planned for it, since when — most urgent
//! first, for staff to print or export and work through. The headers and
//! the words in cells come from the caller ([`Words`]), so the screen reads
//! in its language while the exported file stays in Chinese.

use std::collections::BTreeMap;

use crate::model::{
    catalogue::SpecialGroup,
    civil::{self, Day},
    community::Community,
    household_table::natural_cmp,
    ledger::Ledger,
    need_status::NeedStatus,
};
use crate::table::Rows;

/// How many columns the table has.
pub const COLUMNS: usize = 10;

/// The table's words, in the reader's language: the caller's (the app takes
/// them from its locale files; the exported file is always in Chinese).
#[derive(Clone, Copy, Debug)]
pub struct Words<'a> {
    /// The column headers: building, unit, room, phone, special groups,
    /// need kind, what is needed, urgency, status, registered at.
    pub header: [&'a str; COLUMNS],
    /// The status of a need a round is planned for.
    pub planned: &'a str,
    /// The status of a need nobody has planned yet.
    pub open: &'a str,
    /// Catalogue names (groups, need kinds, urgency) in English rather than
    /// Chinese.
    pub english: bool,
}

/// The open needs of every ledger given (building id → ledger), ordered by
/// urgency, then building name, door and time.
pub fn table(community: &Community, ledgers: &BTreeMap<String, &Ledger>, words: &Words) -> Rows {
    let offset = community.utc_offset_minutes;
    let mut lines = Vec::new();
    for (building, ledger) in ledgers {
        let name = community
            .buildings
            .get(building)
            .map_or_else(|| building.clone(), |b| b.name.clone());
        for (id, need) in ledger.open_needs() {
            let Some(h) = ledger.households.get(&need.household) else {
                continue;
            };
            let groups: Vec<&str> = SpecialGroup::ALL
                .iter()
                .filter(|g| h.has(**g))
                .map(|g| g.name().get(words.english))
                .collect();
            let status = match ledger.need_status(id) {
                NeedStatus::Planned => words.planned,
                _ => words.open,
            };
            let when = format!(
                "{} {}",
                Day::of(need.at, offset).iso(),
                civil::clock(need.at, offset)
            );
            lines.push((
                (
                    need.urgency,
                    name.clone(),
                    h.unit.clone(),
                    h.room.clone(),
                    need.at,
                ),
                vec![
                    name.clone(),
                    h.unit.clone(),
                    h.room.clone(),
                    h.phone.clone(),
                    groups.join(if words.english { ", " } else { "、" }),
                    need.kind.name().get(words.english).to_owned(),
                    need.detail.clone(),
                    need.urgency.name().get(words.english).to_owned(),
                    status.to_owned(),
                    when,
                ],
            ));
        }
    }
    lines.sort_by(|(a, _), (b, _)| {
        a.0.cmp(&b.0)
            .then_with(|| natural_cmp(&a.1, &b.1))
            .then_with(|| natural_cmp(&a.2, &b.2))
            .then_with(|| natural_cmp(&a.3, &b.3))
            .then_with(|| a.4.cmp(&b.4))
    });
    let mut out: Rows = vec![words.header.iter().map(|h| (*h).to_owned()).collect()];
    out.extend(lines.into_iter().map(|(_, row)| row));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        catalogue::{NeedKind, Urgency},
        civil::{BEIJING_OFFSET_MINUTES, HOUR},
        community,
        ledger::{self, HouseholdDraft},
        need_status::NeedAction,
    };
    use crate::table::{csv, xlsx};

    const ZH: Words = Words {
        header: [
            "楼栋",
            "单元",
            "房号",
            "联系电话",
            "特殊人群",
            "需求类别",
            "需求内容",
            "紧急程度",
            "状态",
            "登记时间",
        ],
        planned: "已安排",
        open: "待办",
        english: false,
    };

    #[test]
    fn open_needs_of_every_building_most_urgent_first_read_back() {
        let staff = Actor::seeded("staff-1", "phone-s", Role::Staff, 91);
        let mut c = community::create(&staff, 0, "和平里社区").unwrap();
        let b1 = community::add_building(&mut c, &staff, 1, "1号楼").unwrap();
        let b2 = community::add_building(&mut c, &staff, 2, "2号楼").unwrap();
        let community = community::read(&c).unwrap();
        let day = Day::parse("2022-05-01").unwrap();
        let at = day.start(BEIJING_OFFSET_MINUTES) + 9 * HOUR;
        let household = |d: &mut automerge::AutoCommit, room: &str, groups| {
            ledger::add_household(
                d,
                &staff,
                at,
                &HouseholdDraft {
                    unit: "1单元".into(),
                    room: room.into(),
                    size: 2,
                    phone: "13800000000".into(),
                    groups,
                    notes: String::new(),
                },
            )
            .unwrap()
        };
        let mut l1 = ledger::create(&staff, at, &b1).unwrap();
        let h = household(&mut l1, "302", vec![SpecialGroup::ElderlyAlone]);
        ledger::add_need(
            &mut l1,
            &staff,
            at,
            &h,
            NeedKind::Food,
            "",
            Urgency::Routine,
        )
        .unwrap();
        let done =
            ledger::add_need(&mut l1, &staff, at, &h, NeedKind::Food, "米", Urgency::Soon).unwrap();
        ledger::set_need_status(&mut l1, &staff, at + 1, &done, NeedAction::Done, "", "").unwrap();
        let mut l2 = ledger::create(&staff, at, &b2).unwrap();
        let h2 = household(&mut l2, "101", vec![]);
        let planned = ledger::add_need(
            &mut l2,
            &staff,
            at + HOUR,
            &h2,
            NeedKind::Medicine,
            "降压药",
            Urgency::Urgent,
        )
        .unwrap();
        ledger::set_need_status(
            &mut l2,
            &staff,
            at + 2 * HOUR,
            &planned,
            NeedAction::Planned,
            "r1",
            "",
        )
        .unwrap();
        let (r1, r2) = (ledger::read(&l1).unwrap(), ledger::read(&l2).unwrap());
        let ledgers = BTreeMap::from([(b1.clone(), &r1), (b2.clone(), &r2)]);

        let t = table(&community, &ledgers, &ZH);
        assert_eq!(t.len(), 3, "the done need is not listed");
        assert_eq!(
            t[1],
            [
                "2号楼",
                "1单元",
                "101",
                "13800000000",
                "",
                "药品",
                "降压药",
                "紧急",
                "已安排",
                "2022-05-01 10:00"
            ]
        );
        assert_eq!(t[2][0], "1号楼");
        assert_eq!(t[2][4], "独居老人");
        assert_eq!((t[2][7].as_str(), t[2][8].as_str()), ("一般", "待办"));
        assert_eq!(
            crate::table::read(csv::write(&t).as_bytes()).unwrap()[1],
            t[1]
        );
        assert_eq!(
            crate::table::read(&xlsx::write("需求台账", &t)).unwrap()[1],
            t[1]
        );

        // In the reader's words: the caller's headers and statuses, the
        // catalogue's English names.
        let en = Words {
            header: ["x"; COLUMNS],
            planned: "Planned",
            open: "Open",
            english: true,
        };
        let t = table(&community, &ledgers, &en);
        assert_eq!(t[0], ["x"; COLUMNS]);
        assert_eq!(
            (t[1][5].as_str(), t[1][7].as_str(), t[1][8].as_str()),
            ("Medicine", "Urgent", "Planned")
        );
        assert_eq!(
            (t[2][4].as_str(), t[2][7].as_str(), t[2][8].as_str()),
            ("Elderly living alone", "Routine", "Open")
        );
    }
}
