//! Rule: who is on duty now, and where (the dispatch board, 在岗调度).
//!
//! A volunteer is on duty while a check-in session is open (service-hours
//! rule: the earliest unmatched check-in). Their post is that of the shift the
//! check-in names, or else of an active shift running now. A volunteer with a
//! shift running now and no open session is expected but not checked in.

use std::collections::BTreeMap;

use crate::model::{civil::Millis, community::Community, service_hours, volunteer::Volunteer};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnDuty {
    pub volunteer: String,
    /// Checked in since.
    pub since: Millis,
    /// The shift worked, when known.
    pub shift: Option<String>,
    /// The post of that shift, when known.
    pub post: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    pub on_duty: Vec<OnDuty>,
    /// (volunteer, shift id, post) scheduled now but not checked in.
    pub expected: Vec<(String, String, String)>,
}

pub fn board(volunteers: &[Volunteer], now: Millis) -> Board {
    let mut on_duty = Vec::new();
    let mut expected = Vec::new();
    for v in volunteers {
        let running = v
            .active_shifts()
            .into_iter()
            .find(|(_, s)| s.start <= now && now < s.end)
            .map(|(id, s)| (id.clone(), s.post.clone()));
        let open = service_hours::sessions(&v.attendance)
            .into_iter()
            .find(|s| s.end.is_none());
        match open {
            Some(session) => {
                let named = v
                    .shift_checked_in(session.start)
                    .map(|(id, s)| (id.clone(), s.post.clone()));
                let (shift, post) = named.or(running).unzip();
                on_duty.push(OnDuty {
                    volunteer: v.volunteer.clone(),
                    since: session.start,
                    shift,
                    post,
                });
            }
            None => {
                if let Some((shift, post)) = running {
                    expected.push((v.volunteer.clone(), shift, post));
                }
            }
        }
    }
    on_duty.sort_by(|a, b| (&a.post, a.since).cmp(&(&b.post, b.since)));
    expected.sort_by(|a, b| (&a.2, &a.0).cmp(&(&b.2, &b.0)));
    Board { on_duty, expected }
}

/// One volunteer on the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub volunteer: String,
    /// From their profile, or the roster when their document is not here.
    pub name: String,
    pub phone: String,
    /// Checked in since; None for someone expected and not checked in.
    pub since: Option<Millis>,
    /// The shift worked or expected, with its times.
    pub shift: Option<(String, Millis, Millis)>,
}

/// The volunteers of one post, or of service without a shift (`post: None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostGroup {
    pub post: Option<String>,
    /// The post's title; None without a shift, or when the post has not
    /// reached this phone yet.
    pub title: Option<String>,
    /// The name of the post's building, when it has one.
    pub building: Option<String>,
    pub on_duty: Vec<Line>,
    pub expected: Vec<Line>,
}

/// The board grouped by post: posts by title (those not here yet first),
/// service without a shift last.
pub fn by_post(team: &[Volunteer], community: &Community, now: Millis) -> Vec<PostGroup> {
    let board = board(team, now);
    let by_id: BTreeMap<&str, &Volunteer> =
        team.iter().map(|v| (v.volunteer.as_str(), v)).collect();
    let line = |id: &str, since: Option<Millis>, shift: Option<&String>| {
        let v = by_id.get(id);
        Line {
            volunteer: id.to_owned(),
            name: v.map_or_else(
                || {
                    community
                        .roster
                        .get(id)
                        .map_or_else(|| id.chars().take(6).collect(), |r| r.display_name.clone())
                },
                |v| v.profile.name.clone(),
            ),
            phone: v.map(|v| v.profile.phone.clone()).unwrap_or_default(),
            since,
            shift: shift.and_then(|s| {
                let found = v.and_then(|v| v.shifts.get(s))?;
                Some((s.clone(), found.start, found.end))
            }),
        }
    };
    let new_group = |post: Option<&String>| {
        let found = post.and_then(|p| community.posts.get(p));
        PostGroup {
            post: post.cloned(),
            title: found.map(|p| p.title.clone()),
            building: found.and_then(|p| p.building.as_deref()).map(|b| {
                community
                    .buildings
                    .get(b)
                    .map_or_else(|| b.to_owned(), |b| b.name.clone())
            }),
            on_duty: Vec::new(),
            expected: Vec::new(),
        }
    };
    let mut out: BTreeMap<Option<String>, PostGroup> = BTreeMap::new();
    for o in &board.on_duty {
        let l = line(&o.volunteer, Some(o.since), o.shift.as_ref());
        out.entry(o.post.clone())
            .or_insert_with(|| new_group(o.post.as_ref()))
            .on_duty
            .push(l);
    }
    for (v, shift, post) in &board.expected {
        let l = line(v, None, Some(shift));
        out.entry(Some(post.clone()))
            .or_insert_with(|| new_group(Some(post)))
            .expected
            .push(l);
    }
    let mut v: Vec<PostGroup> = out.into_values().collect();
    v.sort_by(|a, b| (a.post.is_none(), &a.title).cmp(&(b.post.is_none(), &b.title)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, Role,
        civil::HOUR,
        volunteer::{self, AttendanceAction, Registration},
    };
    use automerge::{ObjType, ROOT, transaction::Transactable};

    fn vol(id: &str, shift: Option<(&str, Millis, Millis)>) -> automerge::AutoCommit {
        let v = Actor::seeded(id, "p", Role::Volunteer, 90);
        let mut d = volunteer::create(
            &v,
            0,
            id,
            &Registration {
                name: id.into(),
                ..Default::default()
            },
        )
        .unwrap();
        if let Some((post, start, end)) = shift {
            let shifts = crate::model::doc::child(&d, &ROOT, "shifts").unwrap();
            let s = d.put_object(&shifts, "s1", ObjType::Map).unwrap();
            d.put(&s, "post", post).unwrap();
            d.put(&s, "start", start).unwrap();
            d.put(&s, "end", end).unwrap();
            d.put(&s, "scheduled_by", "staff").unwrap();
            d.put(&s, "at", 0).unwrap();
        }
        d
    }

    #[test]
    fn the_board_shows_who_is_in_and_who_is_missing() {
        let v = |id: &str| Actor::seeded(id, "p", Role::Volunteer, 91);
        let now = 10 * HOUR;
        let mut a = vol("a", Some(("gate", 8 * HOUR, 12 * HOUR)));
        volunteer::attend(
            &mut a,
            &v("a"),
            8 * HOUR,
            AttendanceAction::CheckIn,
            "s1",
            true,
            480,
        )
        .unwrap();
        let b = vol("b", Some(("delivery", 9 * HOUR, 11 * HOUR)));
        let mut c = vol("c", None);
        volunteer::attend(
            &mut c,
            &v("c"),
            7 * HOUR,
            AttendanceAction::CheckIn,
            "",
            true,
            480,
        )
        .unwrap();
        let mut d = vol("d", Some(("gate", 8 * HOUR, 12 * HOUR)));
        volunteer::attend(
            &mut d,
            &v("d"),
            8 * HOUR,
            AttendanceAction::CheckIn,
            "s1",
            true,
            480,
        )
        .unwrap();
        volunteer::attend(
            &mut d,
            &v("d"),
            9 * HOUR,
            AttendanceAction::CheckOut,
            "s1",
            false,
            480,
        )
        .unwrap();
        let all: Vec<Volunteer> = [a, b, c, d]
            .iter()
            .map(|d| volunteer::read(d).unwrap())
            .collect();
        let board = board(&all, now);
        let names: Vec<(&str, Option<&str>)> = board
            .on_duty
            .iter()
            .map(|o| (o.volunteer.as_str(), o.post.as_deref()))
            .collect();
        assert_eq!(names, vec![("c", None), ("a", Some("gate"))]);
        assert_eq!(
            board.expected,
            vec![
                ("b".to_string(), "s1".to_string(), "delivery".to_string()),
                ("d".to_string(), "s1".to_string(), "gate".to_string())
            ]
        );
    }

    #[test]
    fn the_board_groups_by_post_with_service_without_a_shift_last() {
        use crate::model::{
            catalogue::ServiceCategory,
            community::{self, Post},
        };
        let staff = Actor::new("s", "s", Role::Staff);
        let mut cd = community::create(&staff, 0, "和平里").unwrap();
        let post = |title: &str| Post {
            category: ServiceCategory::Checkpoint,
            title: title.into(),
            requirements: String::new(),
            content: String::new(),
            headcount: 2,
            shift_start: "08:00".into(),
            shift_end: "12:00".into(),
            required_courses: Vec::new(),
            requires_insurance: false,
            requires_agreement: false,
            building: None,
            archived: false,
        };
        let north = community::add_post(&mut cd, &staff, 1, &post("北门")).unwrap();
        let east = community::add_post(&mut cd, &staff, 1, &post("东门")).unwrap();
        let c = community::read(&cd).unwrap();
        let v = |id: &str| Actor::seeded(id, "p", Role::Volunteer, 93);
        let now = 10 * HOUR;
        let mut a = vol("a", Some((north.as_str(), 8 * HOUR, 12 * HOUR)));
        volunteer::attend(
            &mut a,
            &v("a"),
            8 * HOUR,
            AttendanceAction::CheckIn,
            "s1",
            true,
            480,
        )
        .unwrap();
        let b = vol("b", Some((east.as_str(), 9 * HOUR, 11 * HOUR)));
        let mut t = vol("t", None);
        volunteer::attend(
            &mut t,
            &v("t"),
            7 * HOUR,
            AttendanceAction::CheckIn,
            "",
            true,
            480,
        )
        .unwrap();
        let gone = vol("g", Some(("removed-post", 9 * HOUR, 11 * HOUR)));
        let team: Vec<Volunteer> = [a, b, t, gone]
            .iter()
            .map(|d| volunteer::read(d).unwrap())
            .collect();
        let groups = by_post(&team, &c, now);
        let titles: Vec<Option<&str>> = groups.iter().map(|g| g.title.as_deref()).collect();
        assert_eq!(titles, vec![None, Some("东门"), Some("北门"), None]);
        assert_eq!(
            groups[0].post.as_deref(),
            Some("removed-post"),
            "a post not here yet"
        );
        assert_eq!(groups[1].expected[0].volunteer, "b");
        assert_eq!(groups[2].on_duty[0].volunteer, "a");
        assert_eq!(
            groups[2].on_duty[0].shift.as_ref().map(|s| s.1),
            Some(8 * HOUR)
        );
        assert_eq!(groups[3].post, None, "service without a shift comes last");
        assert_eq!(groups[3].on_duty[0].name, "t");
    }
}
