//! 培训课程: the community's training catalogue — the general courses of
//! attachment 2 (附件2 通用培训目录) by section, then the community's
//! post-specific courses — with the posts that require each course
//! (不培训不上岗).
//!
//! - Staff add a post-specific course (section + title) and see how many
//!   volunteers passed each course or await confirmation.
//! - A volunteer sees their own state per course and marks a course done
//!   (标记已学完) on their own document; staff confirm it on the volunteer's
//!   page. The same state words as on "我的" ([`labels::training_state`]).
//! - Leads read the catalogue.
//!
//! Course titles are the community catalogue's own (Chinese) text; the
//! general courses and sections carry an English name too, in
//! [`linli_shared::model::catalogue`], so the English screen reads in English
//! where the text is the guideline's and not the community's.

use leptos::prelude::*;
use linli_shared::model::{
    ModelError, Role, catalogue,
    community::{self, Course},
    training_status::{TrainingAction, TrainingState},
    volunteer::{self, Volunteer},
};

use linli_shared::model::courses::{Section, posts_requiring, sections};

use crate::{
    context::use_repo,
    documents,
    i18n::*,
    repo::Repo,
    text::courses::{section_title, shown_title, state_code},
    text::labels,
    text::refusals,
};

#[component]
pub fn TrainingPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let session = repo.session();
    let role = session.role;
    let community = documents::community(&repo);
    let me = (role == Role::Volunteer).then(|| documents::me(&repo));
    let team = (role == Role::Staff).then(|| documents::team(&repo, community));
    let catalogue = Memo::new(move |_| community.with(|c| c.as_ref().map(sections)));
    let error = RwSignal::new(None::<String>);

    let mark_done = {
        let repo = repo.clone();
        Callback::new(move |course: String| {
            let id = repo.session().volunteer_document();
            let at = documents::now();
            let en = labels::english_untracked();
            error.set(
                repo.change(&id, |d, actor| {
                    volunteer::record_training(
                        d,
                        actor,
                        at,
                        &course,
                        TrainingAction::Completed,
                        None,
                    )
                })
                .err()
                .map(|e| match e {
                    ModelError::Missing(_) => {
                        t_string!(i18n, training_error_no_profile).to_string()
                    }
                    e => refusals::explain(&e, en),
                }),
            );
        })
    };

    let course_item = move |id: String, course: Course| {
        let en = labels::english();
        let title = shown_title(&id, &course, en);
        let required = community.with(|c| {
            c.as_ref()
                .map(|c| posts_requiring(c, &id))
                .unwrap_or_default()
        });
        // Which posts need it; a volunteer is not told about courses no post
        // needs (their list stays short), staff and leads are.
        let required_line = if required.is_empty() {
            me.is_none().then(|| {
                view! { <p class="muted training-posts" data-required-by="0">{t!(i18n, training_no_post)}</p> }
                    .into_any()
            })
        } else {
            let n = required.len();
            let names = required
                .iter()
                .map(|(_, t)| t.clone())
                .collect::<Vec<_>>()
                .join(labels::list_separator(en));
            Some(
                view! {
                    <p class="training-posts" data-required-by=n>
                        {crate::text::fill(t_string!(i18n, training_required_by), &[("posts", names)])}
                    </p>
                }
                .into_any(),
            )
        };
        // A volunteer's own state beside the title, with the one thing they
        // can do about it below.
        let state = me.map(|me| me.with(|v| v.as_ref().map(|v| v.training_state(&id))));
        let badge = state.map(|state| match state {
            None => view! { <span class="badge" data-training-state="syncing">"…"</span> }.into_any(),
            Some(state) => view! {
                <span class=format!("badge {}", state_badge(state)) data-training-state=state_code(state)>
                    {labels::training_state(state, en)}
                </span>
            }
            .into_any(),
        });
        let action = state.map(|state| {
            let course = id.clone();
            let mark = mark_done;
            match state {
                None => view! { <p class="muted training-hint">{t!(i18n, training_profile_syncing)}</p> }.into_any(),
                Some(TrainingState::NotStarted) => view! {
                    <div class="training-mine">
                        <button
                            class="button button-primary"
                            type="button"
                            data-action="mark-course-done"
                            on:click=move |_| mark.run(course.clone())
                        >
                            {t!(i18n, training_mark_done)}
                        </button>
                    </div>
                }
                .into_any(),
                Some(TrainingState::Failed) => view! {
                    <p class="muted training-hint">{t!(i18n, training_failed_hint)}</p>
                }
                .into_any(),
                Some(_) => ().into_any(),
            }
        });
        // Staff: how far the team has got with this course.
        let counts = team.map(|team| {
            let (passed, waiting) = team.with(|t| counts(t, &id));
            view! {
                <p class="muted training-counts" data-passed=passed data-waiting=waiting>
                    {crate::text::fill(
                        t_string!(i18n, training_team_counts),
                        &[("passed", passed.to_string()), ("waiting", waiting.to_string())],
                    )}
                </p>
            }
        });
        view! {
            <li class="list-item training-course" data-course=id.clone()>
                <div class="posts-head">
                    <span class="title">{title}</span>
                    {badge}
                </div>
                {required_line}
                {counts}
                {action}
            </li>
        }
    };

    let general = move || {
        catalogue.with(|s| {
            s.as_ref()
                .map(|s| s.iter().filter(|s| !s.custom).cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let custom = move || {
        catalogue.with(|s| {
            s.as_ref()
                .map(|s| s.iter().filter(|s| s.custom).cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let render = move |sections: Vec<Section>| {
        let en = labels::english();
        sections
            .into_iter()
            .map(|s| {
                let item = course_item;
                view! {
                    <section class="training-section" data-section=s.name.clone()>
                        <h3>{section_title(&s.name, en)}</h3>
                        <ul class="list">
                            {s.courses.into_iter().map(|(id, c)| item(id, c)).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()
    };

    view! {
        <p><a class="back" href="/">{t!(i18n, training_back)}</a></p>
        <section class="card">
            <h1>{t!(i18n, training_title)}</h1>
            <p class="muted">{t!(i18n, training_explain)}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
            {(role == Role::Volunteer).then(|| view! { <p class="muted">{t!(i18n, training_volunteer_explain)}</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
        {(role == Role::Staff).then(|| view! { <CourseForm repo=repo.clone() /> })}
        <section class="card" data-catalogue="general">
            <h2>{t!(i18n, training_general_title)}</h2>
            <p class="muted">{t!(i18n, training_general_explain)}</p>
            {move || render(general())}
        </section>
        <section class="card" data-catalogue="custom">
            <h2>{t!(i18n, training_custom_title)}</h2>
            {move || {
                let list = custom();
                if list.is_empty() {
                    view! { <p class="muted" data-custom-courses="0">{t!(i18n, training_custom_none)}</p> }.into_any()
                } else {
                    render(list).into_any()
                }
            }}
        </section>
    }
    .into_any()
}

/// (passed, awaiting confirmation) among the volunteers on this phone.
fn counts(team: &[Volunteer], course: &str) -> (usize, usize) {
    let states: Vec<TrainingState> = team.iter().map(|v| v.training_state(course)).collect();
    (
        states
            .iter()
            .filter(|s| **s == TrainingState::Passed)
            .count(),
        states
            .iter()
            .filter(|s| **s == TrainingState::AwaitingConfirmation)
            .count(),
    )
}

fn state_badge(s: TrainingState) -> &'static str {
    match s {
        TrainingState::NotStarted => "",
        TrainingState::AwaitingConfirmation => "badge-waiting",
        TrainingState::Passed => "badge-done",
        TrainingState::Failed => "badge-missing",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TitleProblem {
    Empty,
    Duplicate,
}

/// Staff add a post-specific course: a section (suggested, editable) and a
/// title, both required; a title already in that section is refused so a
/// course tapped twice is not listed twice.
#[component]
fn CourseForm(repo: Repo) -> impl IntoView {
    let i18n = use_i18n();
    let community = documents::community(&repo);
    let section = RwSignal::new(
        catalogue::CUSTOM_SECTION
            .get(labels::english_untracked())
            .to_owned(),
    );
    let title = RwSignal::new(String::new());
    let section_error = RwSignal::new(false);
    let title_error = RwSignal::new(None::<TitleProblem>);
    let error = RwSignal::new(None::<String>);
    let added = RwSignal::new(None::<String>);
    // Sections already used by the community's own courses, for the list,
    // in the screen's language.
    let known_sections = Memo::new(move |_| {
        let en = labels::english();
        community.with(|c| {
            let mut v: Vec<String> = c
                .as_ref()
                .map(|c| {
                    c.courses
                        .values()
                        .filter(|c| c.custom)
                        .map(|c| section_title(&c.section, en))
                        .collect()
                })
                .unwrap_or_default();
            v.push(catalogue::CUSTOM_SECTION.get(en).to_owned());
            v.sort();
            v.dedup();
            v
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        added.set(None);
        error.set(None);
        let (s, t) = (section.get_untracked(), title.get_untracked());
        let (s, t) = (s.trim().to_owned(), t.trim().to_owned());
        // A catalogue section typed in English is stored by its Chinese name,
        // as every phone's catalogue names it.
        let s = catalogue::section_named(&s).map_or(s, |n| n.zh.to_owned());
        section_error.set(s.is_empty());
        let duplicate = community.with_untracked(|c| {
            c.as_ref()
                .is_some_and(|c| c.courses.values().any(|c| c.section == s && c.title == t))
        });
        title_error.set(if t.is_empty() {
            Some(TitleProblem::Empty)
        } else if duplicate {
            Some(TitleProblem::Duplicate)
        } else {
            None
        });
        if s.is_empty() || t.is_empty() || duplicate {
            return;
        }
        let at = documents::now();
        let doc = repo.session().community_document();
        match repo.change(&doc, |d, actor| community::add_course(d, actor, at, &s, &t)) {
            Ok(_) => {
                title.set(String::new());
                added.set(Some(t));
            }
            Err(ModelError::Missing(_)) => {
                error.set(Some(t_string!(i18n, community_not_here).to_string()))
            }
            Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
        }
    };
    view! {
        <section class="card">
            <h2>{t!(i18n, training_add_title)}</h2>
            <form class="stack" on:submit=submit novalidate>
                <label for="course-section">{t!(i18n, training_field_section)}</label>
                <input
                    id="course-section"
                    name="course-section"
                    list="course-sections"
                    aria-invalid=move || section_error.get().to_string()
                    prop:value=move || section.get()
                    on:input=move |ev| section.set(event_target_value(&ev))
                />
                <datalist id="course-sections">
                    {move || known_sections.get().into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
                </datalist>
                {move || section_error.get().then(|| view! { <p class="error field-error" role="alert" data-error="section">{t!(i18n, training_error_section)}</p> })}
                <label for="course-title">{t!(i18n, training_field_title)}</label>
                <input
                    id="course-title"
                    name="course-title"
                    placeholder=move || t_string!(i18n, training_field_title_placeholder).to_string()
                    aria-invalid=move || title_error.with(Option::is_some).to_string()
                    prop:value=move || title.get()
                    on:input=move |ev| {
                        title.set(event_target_value(&ev));
                        added.set(None);
                    }
                />
                {move || title_error.get().map(|e| view! {
                    <p class="error field-error" role="alert" data-error="course-title">
                        {match e {
                            TitleProblem::Empty => t_string!(i18n, training_error_title),
                            TitleProblem::Duplicate => t_string!(i18n, training_error_duplicate),
                        }}
                    </p>
                })}
                <button class="button button-primary button-block" type="submit" data-action="add-course">
                    {t!(i18n, training_add)}
                </button>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                {move || added.get().map(|t| {
                    let text = crate::text::fill(t_string!(i18n, training_added), &[("title", t.clone())]);
                    view! { <p class="posts-saved" role="status" data-course-added=t>{text}</p> }
                })}
            </form>
        </section>
    }
}
