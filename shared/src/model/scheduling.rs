//! Scheduling a volunteer on a post, with the guideline's rules enforced:
//! - 不培训不上岗: every course the post requires must be passed; the error
//!   names the missing courses;
//! - insurance and agreement, where the post requires them;
//! - 每天不超过8小时: the shifts of any local day, this one included, may not
//!   exceed 8 hours; a shift across midnight counts on both days;
//! - one post at a time: a shift may not overlap another of the volunteer's.

use automerge::{AutoCommit, ObjType, ROOT, transaction::Transactable};

use crate::model::{
    Actor, ModelError, Role,
    civil::{self, Day, HOUR, MINUTE, Millis},
    community::Community,
    doc::{self, DocKind},
    service_hours::{DAILY_CAP_MINUTES, split_by_day},
    training_status::TrainingState,
    volunteer::{self, Volunteer},
};

/// Checks every rule for `post` on `[start, end)` without changing anything.
pub fn check(
    community: &Community,
    vol: &Volunteer,
    post_id: &str,
    start: Millis,
    end: Millis,
) -> Result<(), ModelError> {
    check_besides(community, vol, post_id, start, end, None)
}

/// [`check`], leaving one of the volunteer's shifts out of the day totals
/// (the shift being moved).
fn check_besides(
    community: &Community,
    vol: &Volunteer,
    post_id: &str,
    start: Millis,
    end: Millis,
    besides: Option<&str>,
) -> Result<(), ModelError> {
    let post = community
        .posts
        .get(post_id)
        .filter(|p| !p.archived)
        .ok_or_else(|| ModelError::NotFound {
            what: "post",
            id: post_id.to_owned(),
        })?;
    if end <= start || end - start > 24 * HOUR {
        return Err(ModelError::Invalid(
            "a shift must end after it starts, within a day".into(),
        ));
    }
    let missing: Vec<String> = post
        .required_courses
        .iter()
        .filter(|c| vol.training_state(c) != TrainingState::Passed)
        .map(|c| community.course_title(c))
        .collect();
    if !missing.is_empty() {
        return Err(ModelError::MissingTraining { missing });
    }
    if post.requires_insurance && !vol.profile.platform_registered {
        return Err(ModelError::NotInsured);
    }
    if post.requires_agreement && vol.profile.agreement_signed_on.is_none() {
        return Err(ModelError::NoAgreement);
    }
    let offset = community.utc_offset_minutes;
    // One person is at one post at a time.
    if let Some((_, other)) = vol
        .active_shifts()
        .into_iter()
        .find(|(id, s)| Some(id.as_str()) != besides && s.start < end && start < s.end)
    {
        let clock = |at: Millis| civil::clock(at, offset);
        return Err(ModelError::ShiftOverlap {
            post: community
                .posts
                .get(&other.post)
                .map_or_else(|| other.post.clone(), |p| p.title.clone()),
            day: Day::of(other.start, offset).iso(),
            from: clock(other.start),
            to: clock(other.end),
        });
    }
    for (day, ms) in split_by_day(start, end, offset) {
        let moving = besides
            .and_then(|id| vol.shifts.get(id))
            .filter(|s| !s.cancelled)
            .map_or(0, |s| {
                split_by_day(s.start, s.end, offset)
                    .into_iter()
                    .filter(|(d, _)| *d == day)
                    .map(|(_, ms)| ms / MINUTE)
                    .sum()
            });
        let scheduled = scheduled_minutes(vol, day, offset) - moving;
        let requested = ms / MINUTE;
        if scheduled + requested > DAILY_CAP_MINUTES {
            return Err(ModelError::OverDailyCap {
                day: day.iso(),
                scheduled_minutes: scheduled,
                requested_minutes: requested,
            });
        }
    }
    Ok(())
}

/// Minutes of active shifts on a local day.
pub fn scheduled_minutes(vol: &Volunteer, day: Day, offset_minutes: i64) -> i64 {
    vol.active_shifts()
        .into_iter()
        .flat_map(|(_, s)| split_by_day(s.start, s.end, offset_minutes))
        .filter(|(d, _)| *d == day)
        .map(|(_, ms)| ms / MINUTE)
        .sum()
}

/// Schedules the volunteer whose document is `d` on a post. Staff and leads
/// schedule; the rules of [`check`] must hold.
pub fn schedule(
    d: &mut AutoCommit,
    community: &Community,
    actor: &Actor,
    at: Millis,
    post_id: &str,
    start: Millis,
    end: Millis,
) -> Result<String, ModelError> {
    actor.require(&[Role::Staff, Role::Lead])?;
    let vol = volunteer::read(d)?;
    check(community, &vol, post_id, start, end)?;
    doc::check(d, DocKind::Volunteer)?;
    let shifts = doc::child(d, &ROOT, "shifts")?;
    let id = actor.new_id();
    let s = d.put_object(&shifts, &id, ObjType::Map)?;
    d.put(&s, "post", post_id)?;
    d.put(&s, "start", start)?;
    d.put(&s, "end", end)?;
    d.put(&s, "scheduled_by", actor.person.as_str())?;
    d.put(&s, "at", at)?;
    doc::commit(d, at, "schedule");
    Ok(id)
}

/// Days whose active shifts add up to more than 8 hours: each phone refuses
/// such a schedule, but two phones scheduling offline can together exceed
/// the cap; the merged schedule is flagged so staff cancel or move a shift.
pub fn days_over_cap(vol: &Volunteer, offset_minutes: i64) -> Vec<(Day, i64)> {
    let mut per_day = std::collections::BTreeMap::<Day, i64>::new();
    for (_, s) in vol.active_shifts() {
        for (day, ms) in split_by_day(s.start, s.end, offset_minutes) {
            *per_day.entry(day).or_default() += ms / MINUTE;
        }
    }
    per_day
        .into_iter()
        .filter(|(_, m)| *m > DAILY_CAP_MINUTES)
        .collect()
}

/// Moves a shift to another post (dispatch: 调配), with the same rules as
/// scheduling it there.
pub fn reassign(
    d: &mut AutoCommit,
    community: &Community,
    actor: &Actor,
    at: Millis,
    shift: &str,
    post_id: &str,
) -> Result<(), ModelError> {
    actor.require(&[Role::Staff, Role::Lead])?;
    let vol = volunteer::read(d)?;
    let current = vol
        .shifts
        .get(shift)
        .filter(|s| !s.cancelled)
        .ok_or_else(|| ModelError::NotFound {
            what: "shift",
            id: shift.to_owned(),
        })?;
    check_besides(
        community,
        &vol,
        post_id,
        current.start,
        current.end,
        Some(shift),
    )?;
    let shifts = doc::child(d, &ROOT, "shifts")?;
    let s = doc::entry(d, &shifts, "shift", shift)?;
    d.put(&s, "post", post_id)?;
    d.put(&s, "scheduled_by", actor.person.as_str())?;
    d.put(&s, "at", at)?;
    doc::commit(d, at, "reassign");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        community::{self, tests::sample_post},
        training_status::TrainingAction,
        volunteer::tests::volunteer_doc,
    };

    struct World {
        community: AutoCommit,
        vol: AutoCommit,
        staff: Actor,
        post: String,
        day: Millis,
    }

    fn world() -> World {
        let staff = Actor::seeded("staff-1", "phone-s2", Role::Staff, 54);
        let mut c = community::create(&staff, 1, "社区").unwrap();
        let mut p = sample_post();
        p.required_courses = vec!["g-protect-1".into(), "g-protect-2".into()];
        p.requires_insurance = true;
        p.requires_agreement = true;
        let post = community::add_post(&mut c, &staff, 2, &p).unwrap();
        let (vol, _) = volunteer_doc();
        World {
            community: c,
            vol,
            staff,
            post,
            day: Day::parse("2022-05-01").unwrap().start(480),
        }
    }

    fn qualify(w: &mut World) {
        for c in ["g-protect-1", "g-protect-2"] {
            volunteer::record_training(&mut w.vol, &w.staff, 3, c, TrainingAction::Confirmed, None)
                .unwrap();
        }
        volunteer::set_credentials(
            &mut w.vol,
            &w.staff,
            3,
            Some(true),
            Some(Some(Day(19_000))),
            None,
        )
        .unwrap();
    }

    #[test]
    fn no_training_no_shift_and_the_error_names_the_missing_courses() {
        let mut w = world();
        let c = community::read(&w.community).unwrap();
        volunteer::record_training(
            &mut w.vol,
            &w.staff,
            3,
            "g-protect-1",
            TrainingAction::Confirmed,
            None,
        )
        .unwrap();
        match schedule(
            &mut w.vol,
            &c,
            &w.staff,
            4,
            &w.post,
            w.day + 8 * HOUR,
            w.day + 12 * HOUR,
        ) {
            Err(ModelError::MissingTraining { missing }) => {
                assert_eq!(missing, vec!["如何正确佩戴口罩"])
            }
            other => panic!("{other:?}"),
        }
        volunteer::record_training(
            &mut w.vol,
            &w.staff,
            5,
            "g-protect-2",
            TrainingAction::Assessed,
            Some(false),
        )
        .unwrap();
        assert!(matches!(
            schedule(
                &mut w.vol,
                &c,
                &w.staff,
                6,
                &w.post,
                w.day + 8 * HOUR,
                w.day + 12 * HOUR
            ),
            Err(ModelError::MissingTraining { .. })
        ));
    }

    #[test]
    fn insurance_and_agreement_are_required_where_the_post_says() {
        let mut w = world();
        let c = community::read(&w.community).unwrap();
        for course in ["g-protect-1", "g-protect-2"] {
            volunteer::record_training(
                &mut w.vol,
                &w.staff,
                3,
                course,
                TrainingAction::Confirmed,
                None,
            )
            .unwrap();
        }
        let slot = (w.day + 8 * HOUR, w.day + 12 * HOUR);
        assert!(matches!(
            schedule(&mut w.vol, &c, &w.staff, 4, &w.post, slot.0, slot.1),
            Err(ModelError::NotInsured)
        ));
        volunteer::set_credentials(&mut w.vol, &w.staff, 5, Some(true), None, None).unwrap();
        assert!(matches!(
            schedule(&mut w.vol, &c, &w.staff, 6, &w.post, slot.0, slot.1),
            Err(ModelError::NoAgreement)
        ));
        volunteer::set_credentials(&mut w.vol, &w.staff, 7, None, Some(Some(Day(19_000))), None)
            .unwrap();
        schedule(&mut w.vol, &c, &w.staff, 8, &w.post, slot.0, slot.1).unwrap();
    }

    #[test]
    fn more_than_eight_hours_a_day_is_refused_with_the_reason() {
        let mut w = world();
        qualify(&mut w);
        let c = community::read(&w.community).unwrap();
        schedule(
            &mut w.vol,
            &c,
            &w.staff,
            4,
            &w.post,
            w.day + 8 * HOUR,
            w.day + 12 * HOUR,
        )
        .unwrap();
        schedule(
            &mut w.vol,
            &c,
            &w.staff,
            5,
            &w.post,
            w.day + 13 * HOUR,
            w.day + 17 * HOUR,
        )
        .unwrap();
        match schedule(
            &mut w.vol,
            &c,
            &w.staff,
            6,
            &w.post,
            w.day + 18 * HOUR,
            w.day + 19 * HOUR,
        ) {
            Err(ModelError::OverDailyCap {
                day,
                scheduled_minutes: 480,
                requested_minutes: 60,
            }) => {
                assert_eq!(day, "2022-05-01");
            }
            other => panic!("{other:?}"),
        }
        // The next day is free, but a night shift reaching back into today is not.
        assert!(matches!(
            schedule(
                &mut w.vol,
                &c,
                &w.staff,
                7,
                &w.post,
                w.day + 23 * HOUR,
                w.day + 27 * HOUR
            ),
            Err(ModelError::OverDailyCap { .. })
        ));
        schedule(
            &mut w.vol,
            &c,
            &w.staff,
            8,
            &w.post,
            w.day + 24 * HOUR,
            w.day + 28 * HOUR,
        )
        .unwrap();
        // Cancelling frees the time.
        let vol = volunteer::read(&w.vol).unwrap();
        let first = vol.active_shifts()[0].0.clone();
        volunteer::cancel_shift(&mut w.vol, &w.staff, 9, &first).unwrap();
        schedule(
            &mut w.vol,
            &c,
            &w.staff,
            10,
            &w.post,
            w.day + 18 * HOUR,
            w.day + 19 * HOUR,
        )
        .unwrap();
    }

    #[test]
    fn one_post_at_a_time_and_the_refusal_names_the_other_shift() {
        let mut w = world();
        qualify(&mut w);
        let c = community::read(&w.community).unwrap();
        let night = schedule(
            &mut w.vol,
            &c,
            &w.staff,
            4,
            &w.post,
            w.day + 22 * HOUR,
            w.day + 26 * HOUR,
        )
        .unwrap();
        match schedule(
            &mut w.vol,
            &c,
            &w.staff,
            5,
            &w.post,
            w.day + 25 * HOUR,
            w.day + 27 * HOUR,
        ) {
            Err(ModelError::ShiftOverlap {
                post,
                day,
                from,
                to,
            }) => {
                assert_eq!(
                    (post.as_str(), day.as_str(), from.as_str(), to.as_str()),
                    (sample_post().title.as_str(), "2022-05-01", "22:00", "02:00")
                );
            }
            other => panic!("{other:?}"),
        }
        // Back to back is fine, and a shift moved onto its own time is not
        // in its own way.
        schedule(
            &mut w.vol,
            &c,
            &w.staff,
            6,
            &w.post,
            w.day + 26 * HOUR,
            w.day + 28 * HOUR,
        )
        .unwrap();
        reassign(&mut w.vol, &c, &w.staff, 7, &night, &w.post).unwrap();
    }

    #[test]
    fn volunteers_do_not_schedule_and_posts_must_exist() {
        let mut w = world();
        qualify(&mut w);
        let c = community::read(&w.community).unwrap();
        let v = Actor::seeded("vol-1", "phone-v", Role::Volunteer, 52);
        assert!(matches!(
            schedule(&mut w.vol, &c, &v, 4, &w.post, w.day, w.day + HOUR),
            Err(ModelError::NotPermitted(_))
        ));
        assert!(matches!(
            schedule(&mut w.vol, &c, &w.staff, 4, "nope", w.day, w.day + HOUR),
            Err(ModelError::NotFound { .. })
        ));
        assert!(schedule(&mut w.vol, &c, &w.staff, 4, &w.post, w.day + HOUR, w.day).is_err());
    }

    #[test]
    fn a_shift_moves_to_another_post_under_the_same_rules() {
        let mut w = world();
        qualify(&mut w);
        let staff = Actor::seeded("staff-1", "phone-s2", Role::Staff, 54);
        let mut c = w.community.clone();
        let mut open = sample_post();
        open.title = "消杀".into();
        let other = community::add_post(&mut c, &staff, 3, &open).unwrap();
        let mut strict = sample_post();
        strict.required_courses = vec!["g-rights-1".into()];
        let strict = community::add_post(&mut c, &staff, 3, &strict).unwrap();
        let c = community::read(&c).unwrap();
        let id = schedule(
            &mut w.vol,
            &c,
            &staff,
            4,
            &w.post,
            w.day + 8 * HOUR,
            w.day + 16 * HOUR,
        )
        .unwrap();
        assert_ne!(other, w.post);
        // Its own 8 hours do not count against moving it.
        reassign(&mut w.vol, &c, &staff, 5, &id, &other).unwrap();
        let vol = volunteer::read(&w.vol).unwrap();
        assert_eq!(vol.shifts[&id].post, other);
        assert!(matches!(
            reassign(&mut w.vol, &c, &staff, 6, &id, &strict),
            Err(ModelError::MissingTraining { .. })
        ));
        assert!(reassign(&mut w.vol, &c, &staff, 6, "nope", &other).is_err());
    }

    #[test]
    fn two_phones_scheduling_offline_past_the_cap_are_flagged() {
        let mut w = world();
        qualify(&mut w);
        let c = community::read(&w.community).unwrap();
        let lead = Actor::seeded("lead-1", "phone-l", Role::Lead, 53);
        let mut other = doc::load(&w.vol.save(), &lead).unwrap();
        schedule(
            &mut w.vol,
            &c,
            &w.staff,
            4,
            &w.post,
            w.day + 8 * HOUR,
            w.day + 13 * HOUR,
        )
        .unwrap();
        schedule(
            &mut other,
            &c,
            &lead,
            4,
            &w.post,
            w.day + 14 * HOUR,
            w.day + 19 * HOUR,
        )
        .unwrap();
        w.vol.merge(&mut other).unwrap();
        let vol = volunteer::read(&w.vol).unwrap();
        let day = Day::of(w.day, 480);
        assert_eq!(days_over_cap(&vol, 480), vec![(day, 600)]);
        // Both shifts are kept; nothing more fits that day.
        assert_eq!(vol.active_shifts().len(), 2);
        assert!(check(&c, &vol, &w.post, w.day + 20 * HOUR, w.day + 21 * HOUR).is_err());
    }
}
