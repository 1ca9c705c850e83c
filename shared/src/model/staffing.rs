//! Rule: how well each post is staffed on a day (岗位缺口).
//!
//! A post's day window runs from its shift start to its shift end on that
//! local day (into the next day when the end is not after the start). A
//! volunteer counts for the post on that day when one of their active shifts
//! on the post overlaps the window; one person counts once however many
//! shifts they have there. The gap is the headcount minus those people.

use std::collections::BTreeSet;

use crate::model::{
    civil::{Day, MINUTE, Millis},
    community::{Community, minutes_of_day},
    volunteer::Volunteer,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostStaffing {
    pub post: String,
    pub headcount: i64,
    /// Volunteer ids scheduled in the window, in id order.
    pub scheduled: Vec<String>,
    /// People still needed (never negative).
    pub gap: i64,
}

/// The post's window on `day`: `[start, end)`.
pub fn window(community: &Community, post: &str, day: Day) -> Option<(Millis, Millis)> {
    let p = community.posts.get(post)?;
    let offset = community.utc_offset_minutes;
    let midnight = day.start(offset);
    let start = minutes_of_day(&p.shift_start)?;
    let mut end = minutes_of_day(&p.shift_end)?;
    if end <= start {
        end += 24 * 60;
    }
    Some((midnight + start * MINUTE, midnight + end * MINUTE))
}

/// Every open post's staffing on `day`, in post id order.
pub fn on_day(community: &Community, volunteers: &[Volunteer], day: Day) -> Vec<PostStaffing> {
    community
        .posts
        .iter()
        .filter(|(_, p)| !p.archived)
        .filter_map(|(id, p)| {
            let (from, to) = window(community, id, day)?;
            let scheduled: BTreeSet<String> = volunteers
                .iter()
                .filter(|v| {
                    v.active_shifts()
                        .iter()
                        .any(|(_, s)| s.post == *id && s.start < to && s.end > from)
                })
                .map(|v| v.volunteer.clone())
                .collect();
            Some(PostStaffing {
                post: id.clone(),
                headcount: p.headcount,
                gap: (p.headcount - scheduled.len() as i64).max(0),
                scheduled: scheduled.into_iter().collect(),
            })
        })
        .collect()
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
        volunteer,
    };

    #[test]
    fn gaps_count_people_in_the_window_once() {
        let staff = Actor::seeded("staff-1", "phone-s", Role::Staff, 61);
        let mut c = community::create(&staff, 0, "社区").unwrap();
        let mut day_post = sample_post(); // 08:00–12:00, 4 people
        day_post.requires_insurance = false;
        day_post.required_courses.clear();
        let day_post = community::add_post(&mut c, &staff, 1, &day_post).unwrap();
        let mut night = sample_post();
        night.title = "夜间值守".into();
        night.shift_start = "22:00".into();
        night.shift_end = "06:00".into();
        night.headcount = 1;
        night.requires_insurance = false;
        night.required_courses.clear();
        let night = community::add_post(&mut c, &staff, 1, &night).unwrap();
        let community = community::read(&c).unwrap();
        let day = Day::parse("2022-05-01").unwrap();
        let midnight = day.start(480);
        let mut vols = Vec::new();
        for (i, (post, from, to)) in [(&day_post, 8, 10), (&day_post, 10, 12), (&night, 22, 30)]
            .into_iter()
            .enumerate()
        {
            let v = Actor::seeded(format!("v-{i}"), "p", Role::Volunteer, 70 + i as u64);
            let mut d = volunteer::create(
                &v,
                0,
                &format!("v-{i}"),
                &volunteer::Registration {
                    name: format!("志愿者{i}"),
                    ..Default::default()
                },
            )
            .unwrap();
            volunteer::record_training(&mut d, &staff, 1, "x", TrainingAction::Confirmed, None)
                .unwrap();
            scheduling::schedule(
                &mut d,
                &community,
                &staff,
                2,
                post,
                midnight + from * HOUR,
                midnight + to * HOUR,
            )
            .unwrap();
            if i == 1 {
                // The same person twice on the post counts once.
                scheduling::schedule(
                    &mut d,
                    &community,
                    &staff,
                    3,
                    post,
                    midnight + 8 * HOUR,
                    midnight + 9 * HOUR,
                )
                .unwrap();
            }
            vols.push(volunteer::read(&d).unwrap());
        }
        let today = on_day(&community, &vols, day);
        let by_post = |id: &str| today.iter().find(|p| p.post == id).unwrap().clone();
        assert_eq!(by_post(&day_post).scheduled, vec!["v-0", "v-1"]);
        assert_eq!(by_post(&day_post).gap, 2);
        assert_eq!(by_post(&night).gap, 0);
        let tomorrow = on_day(&community, &vols, day.next());
        assert_eq!(tomorrow.iter().map(|p| p.gap).sum::<i64>(), 5);
    }
}
