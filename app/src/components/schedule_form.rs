//! Scheduling one volunteer on a post (staff and building leads): the post,
//! the day, and the times prefilled from the post's shift pattern (editable;
//! an end at or before the start means the next morning, a night shift).
//! The model checks the guideline's rules (training, insurance, agreement,
//! 8 hours a day); a refusal is shown in the person's language and the form
//! keeps what was entered. Works offline: it is one change to the
//! volunteer's document.

use std::sync::Arc;

use leptos::prelude::*;
use linli_shared::{
    model::{
        ModelError,
        civil::{DAY, Day, MINUTE, Millis, clock},
        community::{Community, minutes_of_day},
        scheduling,
    },
    vocabulary::DocumentId,
};

use crate::{context::use_repo, documents, i18n::*, text::labels, text::refusals};

/// A community day as people say it: `5月1日` / `May 1`.
pub fn day_label(day: Day, en: bool) -> String {
    labels::date(day, en)
}

/// A shift or a session: `5月1日 20:00–次日 02:00` / `May 1 20:00–02:00 next day`.
pub fn span(start: Millis, end: Millis, offset: i64, en: bool) -> String {
    let day = Day::of(start, offset);
    let from = format!("{} {}", day_label(day, en), clock(start, offset));
    let to = if end == day.next().start(offset) {
        "24:00".to_owned()
    } else if Day::of(end, offset) == day {
        clock(end, offset)
    } else if Day::of(end, offset) == day.next() {
        labels::next_day(&clock(end, offset), en)
    } else {
        format!(
            "{} {}",
            day_label(Day::of(end, offset), en),
            clock(end, offset)
        )
    };
    format!("{from}–{to}")
}

/// The instant a shift starts and ends: `day` at `start`, until `end` the
/// same day, or the next day when `end` is not after `start`.
pub fn shift_times(day: Day, start: i64, end: i64, offset: i64) -> (Millis, Millis) {
    let midnight = day.start(offset);
    let from = midnight + start * MINUTE;
    let mut to = midnight + end * MINUTE;
    if end <= start {
        to += DAY;
    }
    (from, to)
}

/// What the form itself finds wrong before asking the model.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Problem {
    NoPost,
    NoDay,
    NoStart,
    NoEnd,
    SameTimes,
}

/// The schedule form for the volunteer whose document is `document`.
#[component]
pub fn ScheduleForm(document: DocumentId) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let post = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let refusal = RwSignal::new(None::<Arc<ModelError>>);
    let scheduled = RwSignal::new(None::<(Millis, Millis)>);
    // Today, once the community (and its time zone) is known.
    Effect::new(move |_| {
        if date.get_untracked().is_empty() {
            let today = community.with(|c| documents::today(c.as_ref()));
            date.set(today.iso());
        }
    });
    let posts = Memo::new(move |_| {
        community.with(|c| {
            let Some(c) = c else { return Vec::new() };
            let mut v: Vec<(String, String, String, String)> = c
                .posts
                .iter()
                .filter(|(_, p)| !p.archived)
                .map(|(id, p)| {
                    (
                        id.clone(),
                        p.title.clone(),
                        p.shift_start.clone(),
                        p.shift_end.clone(),
                    )
                })
                .collect();
            v.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
            v
        })
    });
    let choose_post = move |id: String| {
        let pattern = posts.with_untracked(|p| {
            p.iter()
                .find(|(pid, ..)| *pid == id)
                .map(|(_, _, s, e)| (s.clone(), e.clone()))
        });
        if let Some((s, e)) = pattern {
            start.set(s);
            end.set(e);
        }
        post.set(id);
        problem.set(None);
        refusal.set(None);
        scheduled.set(None);
    };
    let overnight = move || match (minutes_of_day(&start.get()), minutes_of_day(&end.get())) {
        (Some(s), Some(e)) => e < s,
        _ => false,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        refusal.set(None);
        scheduled.set(None);
        let found = if post.get_untracked().is_empty() {
            Some(Problem::NoPost)
        } else if Day::parse(&date.get_untracked()).is_none() {
            Some(Problem::NoDay)
        } else if minutes_of_day(&start.get_untracked()).is_none() {
            Some(Problem::NoStart)
        } else if minutes_of_day(&end.get_untracked()).is_none() {
            Some(Problem::NoEnd)
        } else if start.get_untracked() == end.get_untracked() {
            Some(Problem::SameTimes)
        } else {
            None
        };
        problem.set(found);
        if found.is_some() {
            return;
        }
        let Some(c): Option<Community> = community.get_untracked() else {
            refusal.set(Some(Arc::new(ModelError::Missing("community"))));
            return;
        };
        let offset = c.utc_offset_minutes;
        let (Some(day), Some(s), Some(e)) = (
            Day::parse(&date.get_untracked()),
            minutes_of_day(&start.get_untracked()),
            minutes_of_day(&end.get_untracked()),
        ) else {
            return;
        };
        let (from, to) = shift_times(day, s, e, offset);
        let post_id = post.get_untracked();
        let at = documents::now();
        match repo.change(&document, |d, actor| {
            scheduling::schedule(d, &c, actor, at, &post_id, from, to)
        }) {
            Ok(_) => scheduled.set(Some((from, to))),
            Err(e) => refusal.set(Some(Arc::new(e))),
        }
    };
    let problem_text = move |p: Problem| match p {
        Problem::NoPost => t_string!(i18n, vol_schedule_no_post).to_string(),
        Problem::NoDay => t_string!(i18n, vol_schedule_no_day).to_string(),
        Problem::NoStart => t_string!(i18n, vol_schedule_no_start).to_string(),
        Problem::NoEnd => t_string!(i18n, vol_schedule_no_end).to_string(),
        Problem::SameTimes => t_string!(i18n, vol_schedule_same_times).to_string(),
    };
    let field_error = move |which: &'static [Problem]| {
        move || {
            problem
                .get()
                .filter(|p| which.contains(p))
                .map(|p| view! { <p class="error field-error" role="alert" data-error="schedule">{problem_text(p)}</p> })
        }
    };
    view! {
        <form class="stack schedule-form" on:submit=submit novalidate>
            <h3>{t!(i18n, vol_schedule_title)}</h3>
            <label for="shift-post">{t!(i18n, vol_schedule_post)}</label>
            <select
                id="shift-post"
                name="shift-post"
                prop:value=move || post.get()
                on:change=move |ev| choose_post(event_target_value(&ev))
            >
                <option value="">{t!(i18n, vol_schedule_choose_post)}</option>
                {move || {
                    posts
                        .get()
                        .into_iter()
                        .map(|(id, title, s, e)| {
                            let selected = post.get_untracked() == id;
                            view! { <option value=id selected=selected>{labels::with_detail(&title, &format!("{s}–{e}"), labels::english())}</option> }
                        })
                        .collect_view()
                }}
            </select>
            {field_error(&[Problem::NoPost])}
            <Show when=move || posts.with(Vec::is_empty)>
                <p class="muted" data-no-posts>{t!(i18n, vol_schedule_no_posts)}</p>
            </Show>
            <label for="shift-date">{t!(i18n, vol_schedule_date)}</label>
            <input
                id="shift-date"
                name="shift-date"
                type="date"
                prop:value=move || date.get()
                on:input=move |ev| date.set(event_target_value(&ev))
            />
            {field_error(&[Problem::NoDay])}
            <div class="vol-times">
                <div class="stack">
                    <label for="shift-start">{t!(i18n, vol_schedule_start)}</label>
                    <input
                        id="shift-start"
                        name="shift-start"
                        type="time"
                        prop:value=move || start.get()
                        on:input=move |ev| start.set(event_target_value(&ev))
                    />
                </div>
                <div class="stack">
                    <label for="shift-end">{t!(i18n, vol_schedule_end)}</label>
                    <input
                        id="shift-end"
                        name="shift-end"
                        type="time"
                        prop:value=move || end.get()
                        on:input=move |ev| end.set(event_target_value(&ev))
                    />
                </div>
            </div>
            {field_error(&[Problem::NoStart, Problem::NoEnd, Problem::SameTimes])}
            <Show when=overnight>
                <p class="hint" data-overnight>{t!(i18n, vol_schedule_overnight)}</p>
            </Show>
            <button class="button button-primary button-block" type="submit" data-action="schedule">
                {t!(i18n, vol_schedule_submit)}
            </button>
            {move || {
                refusal
                    .get()
                    .map(|e| {
                        let en = labels::english();
                        view! { <p class="error vol-refusal" role="alert" data-refusal>{refusals::explain(&e, en)}</p> }
                    })
            }}
            {move || {
                scheduled
                    .get()
                    .map(|(from, to)| {
                        let en = labels::english();
                        let offset = community.with(|c| c.as_ref().map_or(480, |c| c.utc_offset_minutes));
                        view! {
                            <p class="vol-saved vol-done" role="status" data-scheduled>
                                {crate::text::fill(t_string!(i18n, vol_schedule_done), &[("when", span(from, to, offset, en))])}
                            </p>
                        }
                    })
            }}
        </form>
    }
}
