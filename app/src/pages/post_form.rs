//! 新建岗位 / 编辑岗位 (staff): a post's service category (one of the ten),
//! title, requirements, content, headcount, daily shift (a shift may cross
//! midnight), the courses it requires (不培训不上岗), whether it requires
//! platform registration (insurance) and a signed agreement, and optionally
//! its building; on edit, 停用 / 重新启用.
//!
//! The form checks what it can before the model does (title, headcount,
//! `HH:MM` times, start ≠ end) and says what is wrong next to the field, in
//! the screen's language, keeping everything typed. An edit changes only the
//! fields changed here: the stored post is read again at saving and the
//! others are taken from it, so another phone's edit to a field left alone
//! here is kept (courses are added and removed one by one, likewise).
//!
//! Test hooks: `select[name=post-category]`, `input[name=post-title]`,
//! `textarea[name=post-requirements]`, `textarea[name=post-content]`,
//! `input[name=post-headcount]`, `input[name=post-shift-start]`,
//! `input[name=post-shift-end]`, `input[name=post-course][value=<course id>]`,
//! `input[name=post-insurance]`, `input[name=post-agreement]`,
//! `select[name=post-building]`, `[data-action=save-post]`,
//! `[data-action=archive-post]`, errors `[data-error=<field>]`.
//!
//! Long because one form does both creating and editing a post: its fields,
//! each field's check with its message, and keeping what another phone changed
//! meanwhile are one idea and read best together.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use linli_shared::model::{
    ModelError, Role,
    catalogue::ServiceCategory,
    community::{self, Post, minutes_of_day},
};

use wasm_bindgen::JsCast;

use crate::{context::use_repo, documents, i18n::*, text::labels, text::refusals};

use linli_shared::model::courses::{Section, sections};

use crate::text::{
    courses::{section_title, shown_title},
    when::shift_text,
};

/// Most people a post asks for per shift (a typo guard).
const MAX_HEADCOUNT: i64 = 999;

/// The form's values, one signal per field.
#[derive(Clone, Copy)]
struct PostFields {
    category: RwSignal<ServiceCategory>,
    title: RwSignal<String>,
    requirements: RwSignal<String>,
    content: RwSignal<String>,
    headcount: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    courses: RwSignal<Vec<String>>,
    insurance: RwSignal<bool>,
    agreement: RwSignal<bool>,
    building: RwSignal<String>,
}

/// What can be wrong with a field; shown in the screen's language (and
/// again in the other when the language is switched).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    Title,
    Headcount,
    Time,
    SameTime,
}

impl Problem {
    fn text(self, i18n: leptos_i18n::I18nContext<Locale>) -> String {
        match self {
            Problem::Title => t_string!(i18n, posts_error_title),
            Problem::Headcount => t_string!(i18n, posts_error_headcount),
            Problem::Time => t_string!(i18n, posts_error_time),
            Problem::SameTime => t_string!(i18n, posts_error_same_time),
        }
        .to_string()
    }
}

/// What is wrong, per field.
#[derive(Clone, Copy)]
struct PostErrors {
    title: RwSignal<Option<Problem>>,
    headcount: RwSignal<Option<Problem>>,
    start: RwSignal<Option<Problem>>,
    end: RwSignal<Option<Problem>>,
}

/// A time input's value as `HH:MM` (a browser may add seconds).
fn clock(s: &str) -> String {
    let s = s.trim();
    match s.len() {
        8 if s.ends_with(":00") => s[..5].to_owned(),
        _ => s.to_owned(),
    }
}

impl PostFields {
    fn new(category: ServiceCategory, building: String) -> Self {
        Self {
            category: RwSignal::new(category),
            title: RwSignal::new(String::new()),
            requirements: RwSignal::new(String::new()),
            content: RwSignal::new(String::new()),
            headcount: RwSignal::new("1".to_owned()),
            start: RwSignal::new("08:00".to_owned()),
            end: RwSignal::new("12:00".to_owned()),
            courses: RwSignal::new(Vec::new()),
            insurance: RwSignal::new(false),
            agreement: RwSignal::new(false),
            building: RwSignal::new(building),
        }
    }

    fn fill(&self, p: &Post) {
        self.category.set(p.category);
        self.title.set(p.title.clone());
        self.requirements.set(p.requirements.clone());
        self.content.set(p.content.clone());
        self.headcount.set(p.headcount.to_string());
        self.start.set(p.shift_start.clone());
        self.end.set(p.shift_end.clone());
        self.courses.set(p.required_courses.clone());
        self.insurance.set(p.requires_insurance);
        self.agreement.set(p.requires_agreement);
        self.building.set(p.building.clone().unwrap_or_default());
    }

    /// The post as typed (after [`PostFields::check`] passed).
    fn post(&self) -> Post {
        let building = self.building.get_untracked();
        Post {
            category: self.category.get_untracked(),
            title: self.title.get_untracked().trim().to_owned(),
            requirements: self.requirements.get_untracked().trim().to_owned(),
            content: self.content.get_untracked().trim().to_owned(),
            headcount: self.headcount.get_untracked().trim().parse().unwrap_or(0),
            shift_start: clock(&self.start.get_untracked()),
            shift_end: clock(&self.end.get_untracked()),
            required_courses: self.courses.get_untracked(),
            requires_insurance: self.insurance.get_untracked(),
            requires_agreement: self.agreement.get_untracked(),
            building: (!building.is_empty()).then_some(building),
            archived: false,
        }
    }

    /// Checks every field, sets each one's error, and says whether all pass.
    fn check(&self, errors: PostErrors) -> bool {
        let title = self
            .title
            .get_untracked()
            .trim()
            .is_empty()
            .then_some(Problem::Title);
        let headcount = match self.headcount.get_untracked().trim().parse::<i64>() {
            Ok(n) if (1..=MAX_HEADCOUNT).contains(&n) => None,
            _ => Some(Problem::Headcount),
        };
        let start = minutes_of_day(&clock(&self.start.get_untracked()));
        let end = minutes_of_day(&clock(&self.end.get_untracked()));
        let start_error = start.is_none().then_some(Problem::Time);
        let end_error = match (start, end) {
            (_, None) => Some(Problem::Time),
            (Some(s), Some(e)) if s == e => Some(Problem::SameTime),
            _ => None,
        };
        let ok =
            title.is_none() && headcount.is_none() && start_error.is_none() && end_error.is_none();
        errors.title.set(title);
        errors.headcount.set(headcount);
        errors.start.set(start_error);
        errors.end.set(end_error);
        ok
    }
}

/// Brings the first field marked wrong into view and focus (the save button
/// is at the bottom of a long form), once the marks are drawn.
fn focus_first_problem() {
    request_animation_frame(|| {
        let field = document()
            .query_selector(".post-form [aria-invalid=\"true\"]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
        }
    });
}

/// The post to store on an edit: each field changed on this form (against
/// what the form was filled with) over the post as stored now.
fn merged(stored: &Post, was: &Post, typed: &Post) -> Post {
    fn pick<T: PartialEq + Clone>(stored: &T, was: &T, typed: &T) -> T {
        if typed != was { typed } else { stored }.clone()
    }
    let was_courses: BTreeSet<&String> = was.required_courses.iter().collect();
    let typed_courses: BTreeSet<&String> = typed.required_courses.iter().collect();
    // Kept: every stored course except those unticked here.
    let mut courses: Vec<String> = stored
        .required_courses
        .iter()
        .filter(|c| !was_courses.contains(c) || typed_courses.contains(c))
        .cloned()
        .collect();
    for c in &typed.required_courses {
        if !was_courses.contains(c) && !courses.contains(c) {
            courses.push(c.clone());
        }
    }
    Post {
        category: pick(&stored.category, &was.category, &typed.category),
        title: pick(&stored.title, &was.title, &typed.title),
        requirements: pick(&stored.requirements, &was.requirements, &typed.requirements),
        content: pick(&stored.content, &was.content, &typed.content),
        headcount: pick(&stored.headcount, &was.headcount, &typed.headcount),
        shift_start: pick(&stored.shift_start, &was.shift_start, &typed.shift_start),
        shift_end: pick(&stored.shift_end, &was.shift_end, &typed.shift_end),
        required_courses: courses,
        requires_insurance: pick(
            &stored.requires_insurance,
            &was.requires_insurance,
            &typed.requires_insurance,
        ),
        requires_agreement: pick(
            &stored.requires_agreement,
            &was.requires_agreement,
            &typed.requires_agreement,
        ),
        building: pick(&stored.building, &was.building, &typed.building),
        archived: stored.archived,
    }
}

/// `/posts/new`: a new post (`?category=` chooses the category).
#[component]
pub fn NewPostPage() -> impl IntoView {
    view! { <PostFormPage editing=None /> }
}

/// `/posts/:id`: edit a post.
#[component]
pub fn EditPostPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    view! { <PostFormPage editing=Some(id) /> }
}

#[component]
fn PostFormPage(editing: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let back = view! { <p><a class="back" href="/posts">{t!(i18n, posts_form_back)}</a></p> };
    if repo.session().role != Role::Staff {
        return view! {
            {back}
            <section class="card">
                <p class="notice" data-post-form="not-allowed">{t!(i18n, posts_form_staff_only)}</p>
            </section>
        }
        .into_any();
    }
    let community = documents::community(&repo);
    let query = use_query_map().get_untracked();
    let fields = PostFields::new(
        query
            .get("category")
            .and_then(|c| ServiceCategory::parse(&c))
            .unwrap_or(ServiceCategory::Delivery),
        query.get("building").unwrap_or_default(),
    );
    let errors = PostErrors {
        title: RwSignal::new(None),
        headcount: RwSignal::new(None),
        start: RwSignal::new(None),
        end: RwSignal::new(None),
    };
    let error = RwSignal::new(None::<String>);
    // The last save was stopped by the form's own checks.
    let invalid = RwSignal::new(false);
    // Some(archived) once 停用 / 重新启用 is done.
    let status = RwSignal::new(None::<bool>);

    // On edit: the post as stored now, and what the form was filled with.
    let post_id = editing.clone().unwrap_or_default();
    let stored = {
        let id = post_id.clone();
        Memo::new(move |_| community.with(|c| c.as_ref().and_then(|c| c.posts.get(&id).cloned())))
    };
    let filled_with = RwSignal::new(None::<Post>);
    if editing.is_some() {
        Effect::new(move |_| {
            if filled_with.with_untracked(Option::is_some) {
                return;
            }
            if let Some(p) = stored.get() {
                fields.fill(&p);
                filled_with.set(Some(p));
            }
        });
    }
    let is_edit = editing.is_some();
    let navigate = use_navigate();

    let save = {
        let repo = repo.clone();
        let post_id = post_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            error.set(None);
            status.set(None);
            invalid.set(false);
            if !fields.check(errors) {
                invalid.set(true);
                focus_first_problem();
                return;
            }
            let typed = fields.post();
            let at = documents::now();
            let doc = repo.session().community_document();
            let result = if is_edit {
                let (Some(now), Some(was)) = (stored.get_untracked(), filled_with.get_untracked())
                else {
                    error.set(Some(t_string!(i18n, posts_form_missing).to_string()));
                    return;
                };
                let post = merged(&now, &was, &typed);
                if post == now {
                    Ok(())
                } else {
                    repo.change(&doc, |d, actor| {
                        community::edit_post(d, actor, at, &post_id, &post)
                    })
                }
            } else {
                repo.change(&doc, |d, actor| community::add_post(d, actor, at, &typed))
                    .map(|_| ())
            };
            match result {
                Ok(()) => navigate("/posts", Default::default()),
                Err(ModelError::Missing(_)) => {
                    error.set(Some(t_string!(i18n, community_not_here).to_string()))
                }
                Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
            }
        }
    };

    // 停用 / 重新启用 applies to the stored post, whatever is typed above.
    let toggle_archive = {
        let repo = repo.clone();
        let post_id = post_id.clone();
        move |_| {
            error.set(None);
            let Some(mut post) = stored.get_untracked() else {
                error.set(Some(t_string!(i18n, posts_form_missing).to_string()));
                return;
            };
            post.archived = !post.archived;
            let archived = post.archived;
            let at = documents::now();
            let doc = repo.session().community_document();
            match repo.change(&doc, |d, actor| {
                community::edit_post(d, actor, at, &post_id, &post)
            }) {
                Ok(()) => status.set(Some(archived)),
                Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
            }
        }
    };
    let archived = Memo::new(move |_| stored.with(|p| p.as_ref().is_some_and(|p| p.archived)));
    let missing = move || is_edit && stored.with(Option::is_none);

    view! {
        {back}
        <section class="card">
            <h1 data-post-form=if is_edit { "edit" } else { "new" }>
                {if is_edit { t!(i18n, posts_form_edit_title).into_any() } else { t!(i18n, posts_form_new_title).into_any() }}
            </h1>
            <p class="muted">{t!(i18n, posts_form_explain)}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
            <Show when=move || missing() && community.with(Option::is_some)>
                <p class="notice" data-post-form="missing">{t!(i18n, posts_form_missing)}</p>
            </Show>
            <Show when=move || archived.get()>
                <p class="notice" data-post-archived="true">{t!(i18n, posts_form_is_archived)}</p>
            </Show>
        </section>
        <section class="card">
            <form class="stack post-form" on:submit=save novalidate>
                <Fields fields errors />
                <button class="button button-primary button-block" type="submit" data-action="save-post">
                    {if is_edit { t!(i18n, posts_form_save).into_any() } else { t!(i18n, posts_form_create).into_any() }}
                </button>
                {move || invalid.get().then(|| view! { <p class="error" role="alert" data-error="check">{t!(i18n, posts_error_check)}</p> })}
                {move || error.get().map(|e| view! { <p class="error" role="alert" data-error="form">{e}</p> })}
            </form>
        </section>
        {is_edit.then(|| view! {
            <section class="card">
                <h2>{move || if archived.get() { t_string!(i18n, posts_form_restore_title) } else { t_string!(i18n, posts_form_archive_title) }}</h2>
                <p class="muted">{move || if archived.get() { t_string!(i18n, posts_form_restore_explain) } else { t_string!(i18n, posts_form_archive_explain) }}</p>
                <button
                    class=move || if archived.get() { "button button-block" } else { "button button-danger button-block" }
                    type="button"
                    data-action="archive-post"
                    data-archived=move || archived.get().to_string()
                    disabled=move || stored.with(Option::is_none)
                    on:click=toggle_archive
                >
                    {move || if archived.get() { t_string!(i18n, posts_form_restore) } else { t_string!(i18n, posts_form_archive) }}
                </button>
                {move || status.get().map(|archived| view! {
                    <p class="posts-saved" role="status">
                        {if archived { t_string!(i18n, posts_form_archived) } else { t_string!(i18n, posts_form_restored) }}
                    </p>
                })}
            </section>
        })}
    }
    .into_any()
}

/// The form's fields with their errors.
#[component]
fn Fields(fields: PostFields, errors: PostErrors) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let PostFields {
        category,
        title,
        requirements,
        content,
        headcount,
        start,
        end,
        courses,
        insurance,
        agreement,
        building,
    } = fields;
    let field_error = move |signal: RwSignal<Option<Problem>>, name: &'static str| {
        move || {
            signal.get().map(|e| {
                view! { <p class="error field-error" role="alert" data-error=name>{e.text(i18n)}</p> }
            })
        }
    };
    let invalid =
        |signal: RwSignal<Option<Problem>>| move || signal.with(Option::is_some).to_string();
    let overnight = move || {
        let (s, e) = (clock(&start.get()), clock(&end.get()));
        matches!((minutes_of_day(&s), minutes_of_day(&e)), (Some(a), Some(b)) if b < a)
            .then(|| shift_text(&s, &e, labels::english()))
    };
    let buildings = move || community.with(|c| documents::buildings(c.as_ref()));
    let catalogue =
        Memo::new(move |_| community.with(|c| c.as_ref().map(sections).unwrap_or_default()));
    view! {
        <label for="post-category">{t!(i18n, posts_field_category)}</label>
        <select
            id="post-category"
            name="post-category"
            on:change=move |ev| {
                if let Some(c) = ServiceCategory::parse(&event_target_value(&ev)) {
                    category.set(c)
                }
            }
        >
            {move || {
                let en = labels::english();
                ServiceCategory::ALL
                    .iter()
                    .map(|c| view! {
                        <option value=c.as_str() prop:selected=move || category.get() == *c>
                            {labels::service_category(*c, en)}
                        </option>
                    })
                    .collect_view()
            }}
        </select>

        <label for="post-title">{t!(i18n, posts_field_title)}</label>
        <input
            id="post-title"
            name="post-title"
            placeholder=move || t_string!(i18n, posts_field_title_placeholder).to_string()
            aria-invalid=invalid(errors.title)
            prop:value=move || title.get()
            on:input=move |ev| title.set(event_target_value(&ev))
        />
        {field_error(errors.title, "title")}

        <label for="post-requirements">{t!(i18n, posts_field_requirements)}</label>
        <textarea
            id="post-requirements"
            name="post-requirements"
            rows="2"
            placeholder=move || t_string!(i18n, posts_field_requirements_placeholder).to_string()
            prop:value=move || requirements.get()
            on:input=move |ev| requirements.set(event_target_value(&ev))
        ></textarea>

        <label for="post-content">{t!(i18n, posts_field_content)}</label>
        <textarea
            id="post-content"
            name="post-content"
            rows="3"
            placeholder=move || t_string!(i18n, posts_field_content_placeholder).to_string()
            prop:value=move || content.get()
            on:input=move |ev| content.set(event_target_value(&ev))
        ></textarea>

        <label for="post-headcount">{t!(i18n, posts_field_headcount)}</label>
        <input
            id="post-headcount"
            name="post-headcount"
            type="number"
            inputmode="numeric"
            min="1"
            max=MAX_HEADCOUNT
            aria-invalid=invalid(errors.headcount)
            prop:value=move || headcount.get()
            on:input=move |ev| headcount.set(event_target_value(&ev))
        />
        {field_error(errors.headcount, "headcount")}

        <fieldset class="choices posts-shift">
            <legend>{t!(i18n, posts_field_shift)}</legend>
            <div class="row2">
                <label>
                    {t!(i18n, posts_field_start)}
                    <input
                        name="post-shift-start"
                        type="time"
                        aria-invalid=invalid(errors.start)
                        prop:value=move || start.get()
                        on:input=move |ev| start.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    {t!(i18n, posts_field_end)}
                    <input
                        name="post-shift-end"
                        type="time"
                        aria-invalid=invalid(errors.end)
                        prop:value=move || end.get()
                        on:input=move |ev| end.set(event_target_value(&ev))
                    />
                </label>
            </div>
            {field_error(errors.start, "shift-start")}
            {field_error(errors.end, "shift-end")}
            <p class="muted posts-hint">{t!(i18n, posts_field_shift_hint)}</p>
            {move || overnight().map(|s| view! {
                <p class="hint" data-overnight="true">
                    {crate::text::fill(t_string!(i18n, posts_field_overnight), &[("shift", s)])}
                </p>
            })}
        </fieldset>

        <CourseChoice courses catalogue />

        <fieldset class="choices">
            <legend>{t!(i18n, posts_field_conditions)}</legend>
            <label class="choice">
                <input
                    type="checkbox"
                    name="post-insurance"
                    prop:checked=move || insurance.get()
                    on:change=move |ev| insurance.set(event_target_checked(&ev))
                />
                <span>{t!(i18n, posts_field_insurance)}</span>
            </label>
            <label class="choice">
                <input
                    type="checkbox"
                    name="post-agreement"
                    prop:checked=move || agreement.get()
                    on:change=move |ev| agreement.set(event_target_checked(&ev))
                />
                <span>{t!(i18n, posts_field_agreement)}</span>
            </label>
        </fieldset>

        <label for="post-building">{t!(i18n, posts_field_building)}</label>
        <select id="post-building" name="post-building" on:change=move |ev| building.set(event_target_value(&ev))>
            <option value="" prop:selected=move || building.with(String::is_empty)>{t!(i18n, posts_field_building_any)}</option>
            {move || buildings().into_iter().map(|(id, name)| {
                let selected = {
                    let id = id.clone();
                    move || building.with(|b| *b == id)
                };
                view! { <option value=id prop:selected=selected>{name}</option> }
            }).collect_view()}
        </select>
    }
}

/// The courses a post requires (不培训不上岗), chosen from the catalogue by
/// section.
#[component]
fn CourseChoice(courses: RwSignal<Vec<String>>, catalogue: Memo<Vec<Section>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="choices posts-courses-choice">
            <legend>
                {move || crate::text::fill(t_string!(i18n, posts_field_courses), &[("n", courses.with(Vec::len).to_string())])}
            </legend>
            <p class="muted posts-hint">{t!(i18n, posts_field_courses_hint)}</p>
            {move || {
                let en = labels::english();
                catalogue
                    .get()
                    .into_iter()
                    .map(|s| view! {
                        <p class="posts-course-section">{section_title(&s.name, en)}</p>
                        {s.courses
                            .into_iter()
                            .map(|(id, c)| {
                                let (a, b) = (id.clone(), id.clone());
                                view! {
                                    <label class="choice">
                                        <input
                                            type="checkbox"
                                            name="post-course"
                                            value=id.clone()
                                            prop:checked=move || courses.with(|v| v.contains(&a))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                courses.update(|v| {
                                                    v.retain(|x| *x != b);
                                                    if on {
                                                        v.push(b.clone());
                                                    }
                                                });
                                            }
                                        />
                                        <span>{shown_title(&id, &c, en)}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    })
                    .collect_view()
            }}
        </fieldset>
    }
}
