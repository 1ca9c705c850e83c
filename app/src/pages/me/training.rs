//! 培训: the courses and where the volunteer stands, 标记已学完, and the courses
//! their scheduled posts require that they have not passed.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linli_shared::model::{
    catalogue::GENERAL_CATALOGUE,
    community::Course,
    training_status::{TrainingAction, TrainingState},
    volunteer::{self},
};

use super::mine::Mine;
use crate::{
    context::use_repo,
    documents,
    i18n::*,
    text::courses::{section_title, shown_title, state_code},
    text::labels,
    text::refusals,
};

/// A course on the volunteer's training list.
#[derive(Clone, Debug, PartialEq)]
struct CourseRow {
    id: String,
    course: Course,
    state: TrainingState,
    /// Titles of the posts the volunteer is scheduled on that require it.
    needed_by: Vec<String>,
}

#[component]
pub(super) fn TrainingTab(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let doc = repo.session().volunteer_document();
    let courses = Memo::new(move |_| {
        let now = mine.now.get();
        mine.me.with(|v| {
            mine.community.with(|c| {
                let (Some(v), Some(c)) = (v.as_ref(), c.as_ref()) else {
                    return Vec::new();
                };
                // Posts of the shifts not yet over, with what they require.
                let mut posts: Vec<(&str, &[String])> = Vec::new();
                for (_, s) in v.active_shifts() {
                    if s.end > now
                        && let Some(p) = c.posts.get(&s.post)
                        && !posts.iter().any(|(t, _)| *t == p.title)
                    {
                        posts.push((p.title.as_str(), &p.required_courses));
                    }
                }
                let mut rows: Vec<CourseRow> = c
                    .courses
                    .iter()
                    .map(|(id, course)| CourseRow {
                        id: id.clone(),
                        course: course.clone(),
                        state: v.training_state(id),
                        needed_by: posts
                            .iter()
                            .filter(|(_, req)| req.contains(id))
                            .map(|(t, _)| (*t).to_owned())
                            .collect(),
                    })
                    .collect();
                let place = |r: &CourseRow| {
                    GENERAL_CATALOGUE
                        .iter()
                        .position(|g| g.id == r.id)
                        .unwrap_or(usize::MAX)
                };
                rows.sort_by(|a, b| {
                    (place(a), &a.course.section, &a.course.title).cmp(&(
                        place(b),
                        &b.course.section,
                        &b.course.title,
                    ))
                });
                rows
            })
        })
    });
    let error = RwSignal::new(None::<String>);
    let mark_done = move |course: String| {
        let at = documents::now();
        let result = repo.change(&doc, |d, actor| {
            volunteer::record_training(d, actor, at, &course, TrainingAction::Completed, None)
        });
        error.set(
            result
                .err()
                .map(|e| refusals::explain(&e, labels::english_untracked())),
        );
    };
    let row = move |r: CourseRow| {
        let en = labels::english();
        let id = r.id.clone();
        let mark_done = mark_done.clone();
        let needs = (r.state != TrainingState::Passed && !r.needed_by.is_empty()).then(|| {
            let posts = r
                .needed_by
                .iter()
                .map(|p| labels::quoted(p, en))
                .collect::<Vec<_>>()
                .join(labels::list_separator(en));
            crate::text::fill(t_string!(i18n, me_course_needed), &[("posts", posts)])
        });
        view! {
            <li class="me-course" data-course=r.id.clone() data-state=state_code(r.state)>
                <div class="me-course-head">
                    <span class="me-course-title">{shown_title(&r.id, &r.course, en)}</span>
                    <span class=format!("badge me-course-{}", state_code(r.state))>{labels::training_state(r.state, en)}</span>
                </div>
                {needs.map(|n| view! { <p class="me-course-needed" data-needed>{n}</p> })}
                {(r.state == TrainingState::Failed).then(|| view! { <p class="muted">{t!(i18n, me_course_failed_hint)}</p> })}
                {(r.state == TrainingState::NotStarted).then(|| view! {
                    <button class="button button-block me-course-done" type="button" data-action="course-done" on:click=move |_| mark_done(id.clone())>
                        {t!(i18n, me_course_done)}
                    </button>
                })}
            </li>
        }
    };
    // The course groups: what the volunteer's posts require, the
    // community's own courses, then attachment 2's sections, each as (key,
    // title, kind, courses).
    let groups = move || {
        let en = labels::english();
        let all = courses.get();
        let mut out: Vec<(String, String, &'static str, Vec<CourseRow>)> = Vec::new();
        let required: Vec<_> = all
            .iter()
            .filter(|r| !r.needed_by.is_empty())
            .cloned()
            .collect();
        if !required.is_empty() {
            let title = t_string!(i18n, me_training_required).to_string();
            out.push(("required".into(), title, "required", required));
        }
        let custom: Vec<_> = all
            .iter()
            .filter(|r| r.needed_by.is_empty() && r.course.custom)
            .cloned()
            .collect();
        if !custom.is_empty() {
            let title = t_string!(i18n, me_training_post_courses).to_string();
            out.push(("post".into(), title, "post", custom));
        }
        for r in all
            .iter()
            .filter(|r| r.needed_by.is_empty() && !r.course.custom)
        {
            match out.last_mut() {
                Some((key, _, "general", rows)) if *key == r.course.section => rows.push(r.clone()),
                _ => out.push((
                    r.course.section.clone(),
                    section_title(&r.course.section, en),
                    "general",
                    vec![r.clone()],
                )),
            }
        }
        out
    };
    // Open groups: what the posts require and the community's own courses
    // to begin with; a section opens with a tap (17 courses are a long list
    // on a phone).
    let expanded = RwSignal::new(BTreeSet::from(["required".to_owned(), "post".to_owned()]));
    let missing = Memo::new(move |_| {
        courses.with(|all| {
            all.iter()
                .filter(|r| !r.needed_by.is_empty() && r.state != TrainingState::Passed)
                .count()
        })
    });
    view! {
        <section class="card me-training">
            <h2>{t!(i18n, me_training_title)}</h2>
            <p class="muted">{t!(i18n, me_training_explain)}</p>
            {move || {
                let (passed, total) = courses.with(|all| {
                    (all.iter().filter(|r| r.state == TrainingState::Passed).count(), all.len())
                });
                (total > 0).then(|| view! {
                    <p class="me-training-progress" data-passed=passed.to_string()>
                        {crate::text::fill(t_string!(i18n, me_training_progress), &[("passed", passed.to_string()), ("total", total.to_string())])}
                    </p>
                })
            }}
            {move || (missing.get() > 0).then(|| view! {
                <p class="notice me-training-missing" data-missing=missing.get().to_string()>
                    {crate::text::fill(t_string!(i18n, me_training_missing), &[("n", missing.get().to_string())])}
                </p>
            })}
            {move || mine.community.with(Option::is_none).then(|| view! { <p class="notice">{t!(i18n, community_not_here)}</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
        {move || groups().into_iter().map(|(key, title, kind, rows)| {
            let open = expanded.with(|e| e.contains(&key));
            let passed = rows.iter().filter(|r| r.state == TrainingState::Passed).count();
            let count = crate::text::fill(
                t_string!(i18n, me_training_group_count),
                &[("passed", passed.to_string()), ("n", rows.len().to_string())],
            );
            let toggle = key.clone();
            view! {
                <section class="card me-course-group" data-group=kind data-section=key data-open=open.to_string()>
                    <button
                        class="me-group-toggle"
                        type="button"
                        data-action="toggle-section"
                        aria-expanded=open.to_string()
                        on:click=move |_| expanded.update(|e| {
                            if !e.remove(&toggle) {
                                e.insert(toggle.clone());
                            }
                        })
                    >
                        <span class="me-group-title">{title}</span>
                        <span class="me-group-count">{count}</span>
                        <span class="me-chevron" aria-hidden="true">{if open { "▾" } else { "▸" }}</span>
                    </button>
                    {open.then(|| view! { <ul class="list me-courses">{rows.into_iter().map(&row).collect_view()}</ul> })}
                </section>
            }
        }).collect_view()}
    }
}
