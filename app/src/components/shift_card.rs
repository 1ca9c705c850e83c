//! One shift as a volunteer reads it: the day, the time (a night shift as
//! 22:00–次日06:00), the post, its category and building, and where it
//! stands now. Times are the community's local times, whatever the phone's
//! own time zone says, so a shift reads the same on every phone.

use leptos::prelude::*;
use linli_shared::model::{
    catalogue::ServiceCategory,
    civil::{Day, MINUTE, Millis, clock},
};

use crate::{i18n::*, text::labels};

/// Where a shift stands at this moment, for this volunteer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShiftPhase {
    Upcoming,
    /// Starts within the hour: check-in is offered.
    Soon,
    Running,
    /// The volunteer is checked in on it.
    CheckedIn,
    Ended,
}

impl ShiftPhase {
    /// The phase of `[start, end)` at `now`.
    pub fn at(start: Millis, end: Millis, now: Millis) -> ShiftPhase {
        if now >= end {
            ShiftPhase::Ended
        } else if now >= start {
            ShiftPhase::Running
        } else if start - now <= 60 * MINUTE {
            ShiftPhase::Soon
        } else {
            ShiftPhase::Upcoming
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ShiftPhase::Upcoming => "upcoming",
            ShiftPhase::Soon => "soon",
            ShiftPhase::Running => "running",
            ShiftPhase::CheckedIn => "checked-in",
            ShiftPhase::Ended => "ended",
        }
    }
}

/// A shift with what the community document says about its post.
#[derive(Clone, Debug, PartialEq)]
pub struct ShiftView {
    pub id: String,
    /// The post's title; None while the community document lacks the post.
    pub post: Option<String>,
    pub category: Option<ServiceCategory>,
    /// The building's name, when the post is in one building.
    pub building: Option<String>,
    pub start: Millis,
    pub end: Millis,
}

/// A shift's time: `08:00–12:00`, or `22:00–次日06:00` across midnight.
pub fn span(start: Millis, end: Millis, offset_minutes: i64, en: bool) -> String {
    let (from, to) = (clock(start, offset_minutes), clock(end, offset_minutes));
    let crosses = Day::of(end - 1, offset_minutes) > Day::of(start, offset_minutes);
    if crosses {
        labels::span_overnight(&from, &to, en)
    } else {
        format!("{from}–{to}")
    }
}

/// A date as people say it: `5月2日`, `May 2`.
pub fn date_words(day: Day, en: bool) -> String {
    labels::date(day, en)
}

/// 今天 / 明天 / 昨天, or the date.
pub fn day_words(day: Day, today: Day, en: bool) -> String {
    labels::relative_day(day, today, en)
}

/// A moment as `08:05` today, `昨天 20:00` / `5月1日 20:00` otherwise.
pub fn moment(at: Millis, today: Day, offset_minutes: i64, en: bool) -> String {
    let day = Day::of(at, offset_minutes);
    let hm = clock(at, offset_minutes);
    if day == today {
        hm
    } else {
        format!("{} {hm}", day_words(day, today, en))
    }
}

#[component]
pub fn ShiftCard(
    shift: ShiftView,
    phase: ShiftPhase,
    offset: i64,
    today: Day,
    /// What the volunteer can do on it (the check-in button).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ShiftView {
        id,
        post,
        category,
        building,
        start,
        end,
    } = shift;
    let day = Day::of(start, offset);
    let post_attr = post.clone().unwrap_or_default();
    let phase_label = move || {
        match phase {
            ShiftPhase::Upcoming => t_string!(i18n, me_shift_upcoming),
            ShiftPhase::Soon => t_string!(i18n, me_shift_soon),
            ShiftPhase::Running => t_string!(i18n, me_shift_running),
            ShiftPhase::CheckedIn => t_string!(i18n, me_shift_checked_in),
            ShiftPhase::Ended => t_string!(i18n, me_shift_ended),
        }
        .to_string()
    };
    let meta = move || {
        let en = labels::english();
        let mut parts = Vec::new();
        if let Some(c) = category {
            parts.push(labels::service_category(c, en).to_owned());
        }
        if let Some(b) = &building {
            parts.push(b.clone());
        }
        parts.join(" · ")
    };
    view! {
        <li class="me-shift" data-shift=id data-phase=phase.code() data-post=post_attr>
            <div class="me-shift-when">
                <span class="me-shift-day">{move || day_words(day, today, labels::english())}</span>
                <strong class="me-shift-time" data-span=span(start, end, offset, false)>
                    {move || span(start, end, offset, labels::english())}
                </strong>
            </div>
            <div class="me-shift-head">
                <p class="me-shift-post">
                    {move || post.clone().unwrap_or_else(|| t_string!(i18n, me_post_unknown).to_string())}
                </p>
                <span class=format!("badge me-phase me-phase-{}", phase.code())>{phase_label}</span>
            </div>
            <p class="muted me-shift-meta">{meta}</p>
            {children.map(|c| c())}
        </li>
    }
}
