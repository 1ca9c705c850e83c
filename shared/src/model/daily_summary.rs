//! The daily summary staff print or export (每日工作汇总): one line per
//! building — its zone, deliveries, disinfection, testing and open needs on
//! the day — and a line for the whole community, from
//! [`progress`](crate::model::progress). Written as CSV (UTF-8 with BOM) or
//! XLSX by [`crate::table`], or printed. The headers and the words in cells
//! come from the caller ([`Words`]), so the screen reads in its language
//! while the file stays in Chinese.

use std::collections::BTreeMap;

use crate::model::{
    dashboard::{Overview, Staffing},
    progress::{FieldDay, OpenNeeds},
};
use crate::table::Rows;

// A building's line is counted by `progress`, for the dashboard and this
// table alike; still named from here.
pub use crate::model::progress::{BuildingLine, lines};

/// How many columns the table has.
pub const COLUMNS: usize = 17;

/// The table's words, in the reader's language: the caller's (the app takes
/// them from its locale files; the exported file is always in Chinese).
#[derive(Clone, Copy, Debug)]
pub struct Words<'a> {
    /// The column headers: building, zone, deliveries done, doors,
    /// problems, disinfection points done, points, overdue, households
    /// tested, households to test, urgent, soon and routine needs, needs done
    /// that day, people the posts need, people scheduled, data as of.
    pub header: [&'a str; COLUMNS],
    /// The first cell of the community's line (合计).
    pub total: &'a str,
    /// The as-of cell of a building this phone has not heard about from the
    /// relay.
    pub not_synced: &'a str,
    /// Zones named in English rather than Chinese (the catalogue's names).
    pub english: bool,
}

/// The table: the header, a line per building shown, then the total (whose
/// staffing counts every post, the community-wide ones too). `as_of` says,
/// per building, when this phone last heard from the relay about it (shown
/// as given; `words.not_synced` for a building it lacks).
pub fn table(o: &Overview, as_of: &BTreeMap<String, String>, words: &Words) -> Rows {
    let mut out: Rows = vec![words.header.iter().map(|h| (*h).to_owned()).collect()];
    for b in &o.buildings {
        let l = &b.line;
        out.push(row(
            l.name.clone(),
            l.zone
                .map(|z| z.name().get(words.english))
                .unwrap_or_default()
                .to_owned(),
            &l.field,
            l.needs.as_ref(),
            &b.staffing,
            as_of
                .get(&l.building)
                .map_or(words.not_synced, String::as_str)
                .to_owned(),
        ));
    }
    out.push(row(
        words.total.to_owned(),
        String::new(),
        &o.field,
        Some(&o.needs),
        &o.staffing,
        String::new(),
    ));
    out
}

fn row(
    name: String,
    zone: String,
    f: &FieldDay,
    needs: Option<&OpenNeeds>,
    staffing: &Staffing,
    as_of: String,
) -> Vec<String> {
    let n = |pick: fn(&OpenNeeds) -> usize| needs.map(|x| pick(x).to_string()).unwrap_or_default();
    vec![
        name,
        zone,
        f.deliveries.done.to_string(),
        f.deliveries.doors.to_string(),
        f.deliveries.problems.to_string(),
        f.disinfection.done.to_string(),
        f.disinfection.points.to_string(),
        f.disinfection.overdue.to_string(),
        f.testing.covered.to_string(),
        f.testing.households.to_string(),
        n(|x| x.urgent),
        n(|x| x.soon),
        n(|x| x.routine),
        n(|x| x.done_since),
        staffing.needed.to_string(),
        staffing.scheduled.to_string(),
        as_of,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        catalogue::{NeedKind, Urgency, Zone},
        civil::{Day, HOUR},
        community, dashboard, ledger,
        round::{self, Details, Outcome, RoundKind, StopPlan},
    };
    use crate::table::{csv, xlsx};

    const ZH: Words = Words {
        header: [
            "楼栋",
            "区域",
            "配送完成",
            "配送总户数",
            "配送问题",
            "消杀完成点位",
            "消杀点位",
            "消杀逾期",
            "核酸已检",
            "核酸应检",
            "紧急需求",
            "较急需求",
            "一般需求",
            "当天办结需求",
            "岗位需求人数",
            "已排班人数",
            "数据截至",
        ],
        total: "合计",
        not_synced: "尚未同步",
        english: false,
    };

    #[test]
    fn a_line_per_building_and_the_total_read_back_from_csv_and_xlsx() {
        let staff = Actor::seeded("staff-1", "phone-s", Role::Staff, 71);
        let mut c = community::create(&staff, 0, "和平里社区").unwrap();
        let b3 = community::add_building(&mut c, &staff, 1, "3号楼").unwrap();
        community::add_building(&mut c, &staff, 2, "1号楼").unwrap();
        let day = Day::parse("2022-05-01").unwrap();
        community::set_zone(&mut c, &staff, 3, &b3, Zone::Sealed, day).unwrap();
        let community = community::read(&c).unwrap();

        let stops: Vec<StopPlan> = (0..3)
            .map(|i| StopPlan {
                label: format!("{i}"),
                ..Default::default()
            })
            .collect();
        let mut r = round::create(
            &staff,
            4,
            RoundKind::Delivery,
            day,
            &b3,
            "配送",
            &[],
            &stops,
        )
        .unwrap();
        let first = round::read(&r).unwrap().stops[0].id.clone();
        round::record(
            &mut r,
            &staff,
            5,
            &first,
            Outcome::Delivered,
            &Details::default(),
        )
        .unwrap();
        let mut l = ledger::create(&staff, 6, &b3).unwrap();
        let h = ledger::add_household(
            &mut l,
            &staff,
            7,
            &ledger::HouseholdDraft {
                unit: "1单元".into(),
                room: "101".into(),
                size: 1,
                ..Default::default()
            },
        )
        .unwrap();
        ledger::add_need(
            &mut l,
            &staff,
            8,
            &h,
            NeedKind::Medicine,
            "",
            Urgency::Urgent,
        )
        .unwrap();
        let held = ledger::read(&l).unwrap();
        let ledgers = BTreeMap::from([(b3.clone(), &held)]);
        let read = round::read(&r).unwrap();
        let rounds = vec![&read];

        let found = lines(&community, &ledgers, &rounds, day, day);
        assert_eq!(
            found.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
            ["1号楼", "3号楼"]
        );
        assert!(found[0].needs.is_none(), "no ledger of 1号楼 on this phone");
        let o = dashboard::overview(
            &dashboard::Inputs {
                community: &community,
                ledgers: &ledgers,
                rounds: &rounds,
                volunteers: &[],
                only: None,
                now: day.start(community.utc_offset_minutes) + 20 * HOUR,
            },
            day,
        );
        let as_of = BTreeMap::from([(b3.clone(), "2022-05-01 18:30".to_owned())]);
        let t = table(&o, &as_of, &ZH);
        assert_eq!(t[0], ZH.header);
        let line = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            t[1..],
            [
                line(&[
                    "1号楼",
                    "",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "",
                    "",
                    "",
                    "",
                    "0",
                    "0",
                    "尚未同步"
                ]),
                line(&[
                    "3号楼",
                    "封控区",
                    "1",
                    "3",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "1",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "2022-05-01 18:30"
                ]),
                line(&[
                    "合计", "", "1", "3", "0", "0", "0", "0", "0", "0", "1", "0", "0", "0", "0",
                    "0", ""
                ]),
            ]
        );
        // The reader drops empty cells at the end of a line, as a
        // spreadsheet shows them.
        let trimmed = |rows: &Rows| -> Rows {
            rows.iter()
                .map(|r| {
                    let keep = r.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
                    r[..keep].to_vec()
                })
                .collect()
        };
        assert_eq!(
            trimmed(&crate::table::read(csv::write(&t).as_bytes()).unwrap()),
            trimmed(&t)
        );
        assert_eq!(
            trimmed(&crate::table::read(&xlsx::write("每日汇总", &t)).unwrap()),
            trimmed(&t)
        );

        // The same table in the reader's words: the caller's headers and
        // total, the catalogue's English zone names.
        let en = Words {
            header: ["x"; COLUMNS],
            total: "Total",
            not_synced: "Not synced yet",
            english: true,
        };
        let t = table(&o, &as_of, &en);
        assert_eq!(t[0], ["x"; COLUMNS]);
        assert_eq!(
            (t[1][0].as_str(), t[1][16].as_str()),
            ("1号楼", "Not synced yet")
        );
        assert_eq!((t[2][1].as_str(), t[2][2].as_str()), ("Sealed zone", "1"));
        assert_eq!(t[3][0], "Total");
    }
}
