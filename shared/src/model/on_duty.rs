//! Rule: who is on duty now, and where (the dispatch board, 在岗调度).
//!
//! A volunteer is on duty while a check-in session is open (service-hours
//! rule: the earliest unmatched check-in). Their post is that of the shift the
//! check-in names, or else of an active shift running now. A volunteer with a
//! shift running now and no open session is expected but not checked in.

use crate::model::{civil::Millis, service_hours, volunteer::Volunteer};

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
}
