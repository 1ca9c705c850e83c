//! One volunteer's record (`/volunteers/:person`), for staff and the lead of
//! the volunteer's building: the profile (the phone number dials), the
//! credentials staff keep (platform registration with its insurance, the
//! agreement's date, psychological-support qualification, the backbone
//! mark) and recognitions; training with staff confirmations and
//! assessments; shifts — scheduled under the guideline's rules, flagged when
//! phones that scheduled offline together passed 8 hours on a day — with
//! cancelling; check-ins by day with staff checking in and out for someone
//! without a working phone, hours confirmed by staff; and the feedback the
//! volunteer wrote. Every action is one change to a document on this phone,
//! so all of it works offline.

use std::{collections::BTreeSet, sync::Arc};

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use linli_shared::{
    model::{
        Actor, ModelError, Role,
        civil::{Day, Millis, clock},
        community::{self, Community},
        scheduling,
        service_hours::{self, DayHours, Session},
        training_status::{TrainingAction, TrainingState},
        volunteer::{self, AttendanceAction, Volunteer},
    },
    sync::document_id::DocumentId,
};

use crate::{
    text::courses::state_code,
    context::use_repo,
    components::{
        ppe_checklist::PpeChecklist,
        schedule_form::{ScheduleForm, day_label, span},
    },
    i18n::*,
    labels,
    pages::volunteers::staff_and_leads_only,
    documents, refusals,
    repo::Repo,
};

/// What went wrong with the last action of a card, explained in the
/// screen's language when shown.
type Refusal = RwSignal<Option<Arc<ModelError>>>;

/// Runs one model operation on a document as one change; a refusal goes to
/// `refusal` (and nothing changes).
fn run<T>(
    repo: &Repo,
    doc: &DocumentId,
    refusal: Refusal,
    op: impl FnOnce(&mut automerge::AutoCommit, &Actor) -> Result<T, ModelError>,
) -> Option<T> {
    match repo.change(doc, op) {
        Ok(v) => {
            refusal.set(None);
            Some(v)
        }
        Err(e) => {
            refusal.set(Some(Arc::new(e)));
            None
        }
    }
}

fn refusal_view(refusal: Refusal) -> impl IntoView {
    move || {
        refusal.get().map(|e| {
            let en = labels::english();
            view! { <p class="error" role="alert" data-refusal>{refusals::explain(&e, en)}</p> }
        })
    }
}

fn offset_of(c: Option<&Community>) -> i64 {
    c.map_or(linli_shared::model::civil::BEIJING_OFFSET_MINUTES, |c| {
        c.utc_offset_minutes
    })
}

#[component]
pub fn VolunteerPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
            .into_any();
    };
    let session = repo.session();
    if session.role == Role::Volunteer || session.pending {
        return staff_and_leads_only().into_any();
    }
    let staff = session.role == Role::Staff;
    let person = use_params_map().with_untracked(|p| p.get("person").unwrap_or_default());
    let doc = DocumentId::for_volunteer(&session.community, &person);
    let community = documents::community(&repo);
    let vol = documents::volunteer(&repo, doc);
    let allowed = {
        let person = person.clone();
        let session = session.clone();
        Memo::new(move |_| {
            community.with(|c| {
                c.as_ref()
                    .and_then(|c| c.roster.get(&person))
                    .map(|entry| session.may_hold(&person, entry))
            })
        })
    };
    let roster_name = {
        let person = person.clone();
        move || community.with(|c| documents::person_name(c.as_ref(), &person))
    };
    let name = move || {
        vol.with(|v| v.as_ref().map(|v| v.profile.name.clone()))
            .unwrap_or_else(roster_name.clone())
    };
    // What the page can show changes rarely; the cards below follow the
    // document themselves, so forms keep what is typed while it changes.
    let state = Memo::new(move |_| {
        (
            allowed.get(),
            vol.with(Option::is_some),
            community.with(Option::is_some),
        )
    });
    let body = move || {
        match state.get() {
        (Some(false), ..) => view! {
            <section class="card"><p class="error" data-vol-not-yours>{t!(i18n, vol_not_yours)}</p></section>
        }
        .into_any(),
        (None, _, true) => view! {
            <section class="card"><p class="error" data-vol-unknown>{t!(i18n, vol_unknown)}</p></section>
        }
        .into_any(),
        (_, false, _) => view! {
            <section class="card"><p class="notice" data-vol-syncing>{t!(i18n, vol_record_syncing)}</p></section>
        }
        .into_any(),
        (_, true, _) => view! {
            <Shifts doc vol />
            <Training doc vol staff />
            <Credentials doc vol staff />
            <Attendance doc vol staff />
            <Recognitions person=person.clone() staff />
            <FeedbackList vol />
        }
        .into_any(),
    }
    };
    view! {
        <section class="card">
            <a class="back" href="/volunteers">{t!(i18n, vol_back_list)}</a>
            <h1 data-volunteer-name>{name}</h1>
            <Profile vol />
        </section>
        {body}
    }
    .into_any()
}

/// Who the volunteer is: badges, phone (dials), source, skills, availability.
#[component]
fn Profile(vol: Memo<Option<Volunteer>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let en = labels::english();
        vol.with(|v| {
            let v = v.as_ref()?;
            let p = &v.profile;
            let tel = format!(
                "tel:{}",
                p.phone
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect::<String>()
            );
            Some(view! {
                <div class="vol-badges" data-badges>
                    {p.backbone.then(|| view! { <span class="badge vol-badge-backbone">{t!(i18n, vol_badge_backbone)}</span> })}
                    {if p.platform_registered {
                        view! { <span class="badge badge-done">{t!(i18n, vol_badge_insured)}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-missing">{t!(i18n, vol_badge_not_insured)}</span> }.into_any()
                    }}
                    {if p.agreement_signed_on.is_some() {
                        view! { <span class="badge badge-done">{t!(i18n, vol_badge_agreement)}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-missing">{t!(i18n, vol_badge_no_agreement)}</span> }.into_any()
                    }}
                    {p.psych_qualified.then(|| view! { <span class="badge badge-done">{t!(i18n, vol_badge_psych)}</span> })}
                </div>
                <dl class="facts vol-facts">
                    <dt>{t!(i18n, vol_phone)}</dt>
                    <dd>
                        {if p.phone.is_empty() {
                            view! { <span class="muted">{t!(i18n, vol_phone_none)}</span> }.into_any()
                        } else {
                            view! { <a class="vol-tel" href=tel data-phone=p.phone.clone()>{p.phone.clone()}</a> }.into_any()
                        }}
                    </dd>
                    <dt>{t!(i18n, vol_source)}</dt>
                    <dd>
                        {match p.source {
                            Some(s) => view! { <span>{labels::volunteer_source(s, en)}</span> }.into_any(),
                            None => view! { <span class="muted">{t!(i18n, vol_not_given)}</span> }.into_any(),
                        }}
                    </dd>
                    <dt>{t!(i18n, vol_skills)}</dt>
                    <dd>
                        {if p.skills().is_empty() {
                            view! { <span class="muted">{t!(i18n, vol_not_given)}</span> }.into_any()
                        } else {
                            view! {
                                <span class="tags">
                                    {p.skills().into_iter().map(|s| view! { <span class="tag" data-skill=s.as_str()>{labels::skill(s, en)}</span> }).collect_view()}
                                </span>
                            }
                            .into_any()
                        }}
                    </dd>
                    <dt>{t!(i18n, vol_availability)}</dt>
                    <dd>
                        {if p.availability.is_empty() {
                            view! { <span class="muted">{t!(i18n, vol_not_given)}</span> }.into_any()
                        } else {
                            view! { <span>{p.availability.clone()}</span> }.into_any()
                        }}
                    </dd>
                </dl>
            })
        })
    }
}

/// Staff keep the volunteer's credentials: platform registration (the
/// insurance), the agreement's date, psychological-support qualification,
/// and the backbone mark.
#[component]
fn Credentials(doc: DocumentId, vol: Memo<Option<Volunteer>>, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let refusal: Refusal = RwSignal::new(None);
    let agreement = RwSignal::new(String::new());
    let agreement_problem = RwSignal::new(false);
    let saved = RwSignal::new(false);
    // The date input starts from what is stored, once.
    let filled = RwSignal::new(false);
    Effect::new(move |_| {
        if filled.get_untracked() {
            return;
        }
        if let Some(v) = vol.get() {
            agreement.set(v.profile.agreement_signed_on.clone().unwrap_or_default());
            filled.set(true);
        }
    });
    let set = {
        let repo = repo.clone();
        move |platform: Option<bool>, signed: Option<Option<Day>>, psych: Option<bool>| {
            let at = documents::now();
            saved.set(false);
            run(&repo, &doc, refusal, |d, a| {
                volunteer::set_credentials(d, a, at, platform, signed, psych)
            })
            .is_some()
        }
    };
    let backbone = {
        let repo = repo.clone();
        move |on: bool| {
            let at = documents::now();
            run(&repo, &doc, refusal, |d, a| {
                volunteer::mark_backbone(d, a, at, on)
            })
            .is_some()
        }
    };
    let toggle = move |ev: leptos::ev::Event, done: bool| {
        // A refused change leaves the box as the document has it.
        if !done {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            input.set_checked(!input.checked());
        }
    };
    let set_registered = {
        let set = set.clone();
        move |ev: leptos::ev::Event| {
            let done = set(Some(event_target_checked(&ev)), None, None);
            toggle(ev, done);
        }
    };
    let set_psych = {
        let set = set.clone();
        move |ev: leptos::ev::Event| {
            let done = set(None, None, Some(event_target_checked(&ev)));
            toggle(ev, done);
        }
    };
    let set_backbone = move |ev: leptos::ev::Event| {
        let done = backbone(event_target_checked(&ev));
        toggle(ev, done);
    };
    let save_agreement = {
        let set = set.clone();
        move |_| {
            let Some(day) = Day::parse(agreement.get_untracked().trim()) else {
                agreement_problem.set(true);
                return;
            };
            agreement_problem.set(false);
            if set(None, Some(Some(day)), None) {
                saved.set(true);
            }
        }
    };
    let clear_agreement = move |_| {
        agreement_problem.set(false);
        if set(None, Some(None), None) {
            agreement.set(String::new());
            saved.set(true);
        }
    };
    let flag = move |f: fn(&Volunteer) -> bool| move || vol.with(|v| v.as_ref().is_some_and(f));
    let signed_on = move || {
        vol.with(|v| {
            v.as_ref()
                .and_then(|v| v.profile.agreement_signed_on.clone())
        })
    };
    if !staff {
        return ().into_any();
    }
    view! {
        <section class="card vol-credentials">
            <h2>{t!(i18n, vol_credentials_title)}</h2>
            <label class="choice vol-toggle">
                <input
                    type="checkbox"
                    name="platform-registered"
                    prop:checked=flag(|v| v.profile.platform_registered)
                    on:change=set_registered
                />
                <span>{t!(i18n, vol_registered)}</span>
            </label>
            <p class="muted vol-hint">{t!(i18n, vol_registered_hint)}</p>
            <label for="agreement-date">{t!(i18n, vol_agreement_date)}</label>
            <p class="muted vol-hint" data-agreement=move || signed_on().unwrap_or_default()>
                {move || match signed_on() {
                    Some(d) => crate::fill(t_string!(i18n, vol_agreement_signed), &[("day", d)]),
                    None => t_string!(i18n, vol_agreement_none).to_string(),
                }}
            </p>
            <div class="row vol-agreement">
                <input
                    id="agreement-date"
                    name="agreement-date"
                    type="date"
                    aria-invalid=move || agreement_problem.get().to_string()
                    prop:value=move || agreement.get()
                    on:input=move |ev| {
                        agreement.set(event_target_value(&ev));
                        saved.set(false);
                    }
                />
                <button class="button button-primary" type="button" data-action="save-agreement" on:click=save_agreement>
                    {t!(i18n, vol_save)}
                </button>
                <button class="button button-quiet" type="button" data-action="clear-agreement" on:click=clear_agreement>
                    {t!(i18n, vol_clear)}
                </button>
            </div>
            <Show when=move || agreement_problem.get()>
                <p class="error field-error" role="alert">{t!(i18n, vol_agreement_pick)}</p>
            </Show>
            <label class="choice vol-toggle">
                <input
                    type="checkbox"
                    name="psych-qualified"
                    prop:checked=flag(|v| v.profile.psych_qualified)
                    on:change=set_psych
                />
                <span>{t!(i18n, vol_psych)}</span>
            </label>
            <label class="choice vol-toggle">
                <input
                    type="checkbox"
                    name="backbone"
                    prop:checked=flag(|v| v.profile.backbone)
                    on:change=set_backbone
                />
                <span>{t!(i18n, vol_backbone)}</span>
            </label>
            <p class="muted vol-hint">{t!(i18n, vol_backbone_hint)}</p>
            <Show when=move || saved.get()>
                <p class="vol-saved" role="status">{t!(i18n, vol_saved)}</p>
            </Show>
            {refusal_view(refusal)}
        </section>
    }
    .into_any()
}

/// Recognitions of this volunteer (宣传先进典型); staff add one with a short story.
#[component]
fn Recognitions(person: String, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let story = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let refusal: Refusal = RwSignal::new(None);
    let done = RwSignal::new(false);
    let mine = {
        let person = person.clone();
        Memo::new(move |_| {
            community.with(|c| {
                c.as_ref()
                    .map(|c| {
                        c.honour_roll()
                            .into_iter()
                            .filter(|r| r.person == person)
                            .map(|r| (r.id.clone(), r.story.clone(), r.at))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    };
    let recognise = {
        let repo = repo.clone();
        let person = person.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            done.set(false);
            let text = story.get_untracked();
            let length = text.trim().chars().count();
            if length == 0 {
                problem.set(Some("empty"));
                return;
            }
            if length > 1000 {
                problem.set(Some("long"));
                return;
            }
            problem.set(None);
            let at = documents::now();
            let community_doc = repo.session().community_document();
            if run(&repo, &community_doc, refusal, |d, a| {
                community::recognise(d, a, at, &person, &text)
            })
            .is_some()
            {
                story.set(String::new());
                done.set(true);
            }
        }
    };
    view! {
        <section class="card vol-recognitions">
            <h2>{t!(i18n, vol_recognition_title)}</h2>
            {move || {
                let en = labels::english();
                let offset = community.with(|c| offset_of(c.as_ref()));
                let list = mine.get();
                if list.is_empty() {
                    return view! { <p class="muted" data-recognitions="0">{t!(i18n, vol_recognition_none)}</p> }.into_any();
                }
                let n = list.len();
                view! {
                    <ul class="list" data-recognitions=n>
                        {list
                            .into_iter()
                            .map(|(id, text, at)| view! {
                                <li class="vol-story" data-recognition=id>
                                    <p>{text}</p>
                                    <p class="muted vol-meta">{format!("{} {}", day_label(Day::of(at, offset), en), clock(at, offset))}</p>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {staff.then(|| view! {
                <form class="stack" on:submit=recognise.clone() novalidate>
                    <label for="recognition-story">{t!(i18n, vol_recognition_story)}</label>
                    <textarea
                        id="recognition-story"
                        name="recognition-story"
                        rows="3"
                        placeholder=move || t_string!(i18n, vol_recognition_placeholder).to_string()
                        aria-invalid=move || problem.with(Option::is_some).to_string()
                        prop:value=move || story.get()
                        on:input=move |ev| {
                            story.set(event_target_value(&ev));
                            done.set(false);
                        }
                    ></textarea>
                    {move || problem.get().map(|p| {
                        let text = if p == "long" {
                            t_string!(i18n, vol_recognition_too_long).to_string()
                        } else {
                            t_string!(i18n, vol_recognition_empty).to_string()
                        };
                        view! { <p class="error field-error" role="alert">{text}</p> }
                    })}
                    <button class="button button-primary button-block" type="submit" data-action="recognise">
                        {t!(i18n, vol_recognise)}
                    </button>
                    <Show when=move || done.get()>
                        <p class="vol-saved" role="status">{t!(i18n, vol_recognised)}</p>
                    </Show>
                    {refusal_view(refusal)}
                </form>
            })}
        </section>
    }
}

/// Training: every course a post requires, and every course with a record;
/// staff confirm a course or record an assessment.
#[component]
fn Training(doc: DocumentId, vol: Memo<Option<Volunteer>>, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let refusal: Refusal = RwSignal::new(None);
    let courses = Memo::new(move |_| {
        let required: BTreeSet<String> = community.with(|c| {
            c.as_ref()
                .map(linli_shared::model::courses::required_courses)
                .unwrap_or_default()
                .into_iter()
                .collect()
        });
        let recorded: BTreeSet<String> = vol.with(|v| {
            v.as_ref()
                .map(|v| v.training.iter().map(|e| e.course.clone()).collect())
                .unwrap_or_default()
        });
        let mut list: Vec<(String, bool)> = required.iter().map(|c| (c.clone(), true)).collect();
        list.extend(
            recorded
                .into_iter()
                .filter(|c| !required.contains(c))
                .map(|c| (c, false)),
        );
        list
    });
    let record = Callback::new(
        move |(course, action, passed): (String, TrainingAction, Option<bool>)| {
            let at = documents::now();
            run(&repo, &doc, refusal, |d, a| {
                volunteer::record_training(d, a, at, &course, action, passed)
            });
        },
    );
    view! {
        <section class="card vol-training">
            <h2>{t!(i18n, vol_training_title)}</h2>
            <p class="muted vol-hint">{t!(i18n, vol_training_hint)}</p>
            {move || {
                let en = labels::english();
                let list = courses.get();
                if list.is_empty() {
                    return view! { <p class="muted">{t!(i18n, vol_training_empty)}</p> }.into_any();
                }
                view! {
                    <ul class="list">
                        {list
                            .into_iter()
                            .map(|(course, required)| {
                                let (title, section) = community.with(|c| {
                                    c.as_ref()
                                        .map(|c| {
                                            (
                                                c.course_title(&course),
                                                c.courses.get(&course).map(|x| x.section.clone()).unwrap_or_default(),
                                            )
                                        })
                                        .unwrap_or_else(|| (course.clone(), String::new()))
                                });
                                let state = vol.with(|v| {
                                    v.as_ref().map_or(TrainingState::NotStarted, |v| v.training_state(&course))
                                });
                                let badge = match state {
                                    TrainingState::Passed => "badge badge-done",
                                    TrainingState::AwaitingConfirmation => "badge badge-waiting",
                                    TrainingState::Failed => "badge badge-missing",
                                    TrainingState::NotStarted => "badge",
                                };
                                let buttons = staff.then(|| {
                                    let (c1, c2, c3) = (course.clone(), course.clone(), course.clone());
                                    let passed = state == TrainingState::Passed;
                                    view! {
                                        <div class="button-row vol-course-actions">
                                            {(!passed).then(|| view! {
                                                <button class="button button-primary" type="button" data-action="confirm-course"
                                                    on:click=move |_| record.run((c1.clone(), TrainingAction::Confirmed, None))>
                                                    {t!(i18n, vol_course_confirm)}
                                                </button>
                                                <button class="button" type="button" data-action="assess-pass"
                                                    on:click=move |_| record.run((c2.clone(), TrainingAction::Assessed, Some(true)))>
                                                    {t!(i18n, vol_course_pass)}
                                                </button>
                                            })}
                                            <button class="button button-quiet" type="button" data-action="assess-fail"
                                                on:click=move |_| record.run((c3.clone(), TrainingAction::Assessed, Some(false)))>
                                                {t!(i18n, vol_course_fail)}
                                            </button>
                                        </div>
                                    }
                                });
                                view! {
                                    <li class="vol-course" data-course=course.clone() data-course-title=title.clone() data-state=state_code(state)>
                                        <div class="vol-course-head">
                                            <span class="title">{title.clone()}</span>
                                            <span class=badge>{labels::training_state(state, en)}</span>
                                        </div>
                                        <span class="muted vol-meta">
                                            {section}
                                            {required.then(|| view! { " · " {t!(i18n, vol_course_required)} })}
                                        </span>
                                        {buttons}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {refusal_view(refusal)}
        </section>
    }
}

/// Shifts: the days over 8 hours after offline schedules merged, the
/// schedule form, and the active shifts with cancelling.
#[component]
fn Shifts(doc: DocumentId, vol: Memo<Option<Volunteer>>) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let refusal: Refusal = RwSignal::new(None);
    let offset = move || community.with(|c| offset_of(c.as_ref()));
    let over = Memo::new(move |_| {
        let offset = offset();
        vol.with(|v| {
            v.as_ref()
                .map(|v| scheduling::days_over_cap(v, offset))
                .unwrap_or_default()
        })
    });
    let cancel = Callback::new(move |(id, what): (String, String)| {
        let question = crate::fill(t_string!(i18n, vol_cancel_question), &[("shift", what)]);
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        let at = documents::now();
        run(&repo, &doc, refusal, |d, a| {
            volunteer::cancel_shift(d, a, at, &id)
        });
    });
    view! {
        <section class="card vol-shifts">
            <h2>{t!(i18n, vol_shifts_title)}</h2>
            {move || {
                let en = labels::english();
                over.get()
                    .into_iter()
                    .map(|(day, minutes)| view! {
                        <p class="error vol-over-cap" role="alert" data-over-cap=day.iso()>
                            {crate::fill(
                                t_string!(i18n, vol_over_cap),
                                &[("day", day_label(day, en)), ("hours", linli_shared::model::service_report::hours(minutes))],
                            )}
                        </p>
                    })
                    .collect_view()
            }}
            {move || {
                let en = labels::english();
                let offset = offset();
                let over_days: Vec<Day> = over.with(|o| o.iter().map(|(d, _)| *d).collect());
                let shifts: Vec<(String, String, Millis, Millis, String)> = vol.with(|v| {
                    v.as_ref()
                        .map(|v| {
                            v.active_shifts()
                                .into_iter()
                                .map(|(id, s)| (id.clone(), s.post.clone(), s.start, s.end, s.scheduled_by.clone()))
                                .collect()
                        })
                        .unwrap_or_default()
                });
                if shifts.is_empty() {
                    return view! { <p class="muted" data-shifts="0">{t!(i18n, vol_shifts_none)}</p> }.into_any();
                }
                let count = shifts.len();
                view! {
                    <ul class="list" data-shifts=count>
                        {shifts
                            .into_iter()
                            .map(|(id, post, start, end, by)| {
                                let title = community.with(|c| {
                                    c.as_ref()
                                        .and_then(|c| c.posts.get(&post))
                                        .map_or_else(|| t_string!(i18n, vol_post_gone).to_string(), |p| p.title.clone())
                                });
                                let who = community.with(|c| documents::person_name(c.as_ref(), &by));
                                let when = span(start, end, offset, en);
                                let flagged = service_hours::split_by_day(start, end, offset)
                                    .iter()
                                    .any(|(d, _)| over_days.contains(d));
                                let what = format!("{when} {title}");
                                let shift = id.clone();
                                view! {
                                    <li class="vol-shift" data-shift=id.clone() data-over=flagged.to_string()>
                                        <div class="vol-shift-head">
                                            <span class="title">{when.clone()}</span>
                                            {flagged.then(|| view! { <span class="badge badge-missing">{t!(i18n, vol_over_badge)}</span> })}
                                        </div>
                                        <span>{title.clone()}</span>
                                        <span class="muted vol-meta">{crate::fill(t_string!(i18n, vol_scheduled_by), &[("name", who)])}</span>
                                        <button class="button button-quiet vol-cancel" type="button" data-action="cancel-shift"
                                            on:click=move |_| cancel.run((shift.clone(), what.clone()))>
                                            {t!(i18n, vol_cancel_shift)}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {refusal_view(refusal)}
            <ScheduleForm document=doc />
        </section>
    }
}

/// A day's service: its total and flags, and the sessions touching it.
#[derive(Clone, PartialEq)]
struct DayRecord {
    hours: DayHours,
    sessions: Vec<Session>,
    confirmed: Option<i64>,
}

/// Check-ins by day, hours with staff confirmation, and staff checking the
/// volunteer in or out (someone without a working phone).
#[component]
fn Attendance(doc: DocumentId, vol: Memo<Option<Volunteer>>, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let refusal: Refusal = RwSignal::new(None);
    let offset = move || community.with(|c| offset_of(c.as_ref()));
    let open = Memo::new(move |_| {
        vol.with(|v| {
            v.as_ref().and_then(|v| {
                service_hours::sessions(&v.attendance)
                    .into_iter()
                    .find(|s| s.end.is_none())
                    .map(|s| s.start)
            })
        })
    });
    let days = Memo::new(move |_| {
        let offset = offset();
        vol.with(|v| {
            let Some(v) = v else { return Vec::new() };
            let sessions = service_hours::sessions(&v.attendance);
            let mut out: Vec<DayRecord> = v
                .hours(offset)
                .into_iter()
                .map(|h| DayRecord {
                    sessions: sessions
                        .iter()
                        .filter(|s| {
                            s.end.is_some_and(|end| {
                                service_hours::split_by_day(s.start, end, offset)
                                    .iter()
                                    .any(|(d, _)| *d == h.day)
                            })
                        })
                        .cloned()
                        .collect(),
                    confirmed: v.confirmed_minutes(h.day),
                    hours: h,
                })
                .collect();
            out.reverse();
            out
        })
    });
    let shift_choice = RwSignal::new(String::new());
    // The checklist is open: staff go through it with the volunteer.
    let checking = RwSignal::new(false);
    let over_at_checkout = RwSignal::new(None::<(Day, i64)>);
    // Shifts to check in to: those of today and tomorrow's early hours.
    let candidates = Memo::new(move |_| {
        let offset = offset();
        let today = community.with(|c| documents::today(c.as_ref()));
        vol.with(|v| {
            v.as_ref()
                .map(|v| {
                    v.active_shifts()
                        .into_iter()
                        .filter(|(_, s)| {
                            service_hours::split_by_day(s.start, s.end, offset)
                                .iter()
                                .any(|(d, _)| *d == today)
                        })
                        .map(|(id, s)| (id.clone(), s.post.clone(), s.start, s.end))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    // The shift running now is the likely one.
    Effect::new(move |_| {
        let now = documents::now();
        let list = candidates.get();
        if shift_choice.get_untracked().is_empty()
            && let Some((id, ..)) = list
                .iter()
                .find(|(_, _, s, e)| *s <= now && now < *e)
                .or(list.first())
        {
            shift_choice.set(id.clone());
        }
    });
    let check_in = {
        let repo = repo.clone();
        Callback::new(move |()| {
            let at = documents::now();
            let offset = offset();
            let shift = shift_choice.get_untracked();
            if run(&repo, &doc, refusal, |d, a| {
                volunteer::attend(d, a, at, AttendanceAction::CheckIn, &shift, true, offset)
            })
            .is_some()
            {
                checking.set(false);
            }
        })
    };
    let purpose = Signal::derive(move || {
        let en = labels::english();
        let offset = offset();
        let who = vol.with(|v| {
            v.as_ref()
                .map(|v| v.profile.name.clone())
                .unwrap_or_default()
        });
        let chosen = shift_choice.get();
        let what = candidates.with(|list| {
            list.iter()
                .find(|(id, ..)| *id == chosen)
                .map(|(_, post, s, e)| {
                    let title = community.with(|c| {
                        c.as_ref()
                            .and_then(|c| c.posts.get(post))
                            .map(|p| p.title.clone())
                            .unwrap_or_default()
                    });
                    format!("{} {title}", span(*s, *e, offset, en))
                })
                .unwrap_or_else(|| t_string!(i18n, vol_proxy_no_shift).to_string())
        });
        crate::fill(
            t_string!(i18n, vol_proxy_purpose),
            &[("name", who), ("what", what)],
        )
    });
    let check_out = {
        let repo = repo.clone();
        move |_| {
            let at = documents::now();
            let offset = offset();
            let since = open.get_untracked();
            let shift = vol.with_untracked(|v| {
                v.as_ref()
                    .zip(since)
                    .and_then(|(v, start)| v.shift_checked_in(start).map(|(id, _)| id.clone()))
                    .unwrap_or_default()
            });
            if let Some(days) = run(&repo, &doc, refusal, |d, a| {
                volunteer::attend(d, a, at, AttendanceAction::CheckOut, &shift, false, offset)
            }) {
                let touched: Vec<Day> = since
                    .map(|s| {
                        service_hours::split_by_day(s, at.max(s + 1), offset)
                            .into_iter()
                            .map(|(d, _)| d)
                            .collect()
                    })
                    .unwrap_or_default();
                over_at_checkout.set(
                    days.into_iter()
                        .find(|h| h.excess_minutes > 0 && touched.contains(&h.day))
                        .map(|h| (h.day, h.minutes)),
                );
            }
        }
    };
    let confirm = Callback::new(move |day: Day| {
        let at = documents::now();
        let offset = offset();
        run(&repo, &doc, refusal, |d, a| {
            volunteer::confirm_hours(d, a, at, day, offset)
        });
    });
    let proxy = move || {
        if !staff {
            return None;
        }
        let on_duty = open.get().is_some();
        Some(if on_duty {
            view! {
                <button class="button button-primary button-block" type="button" data-action="proxy-check-out" on:click=check_out.clone()>
                    {t!(i18n, vol_proxy_check_out)}
                </button>
            }
            .into_any()
        } else {
            view! {
                <div class="stack vol-proxy">
                    <p class="muted vol-hint">{t!(i18n, vol_proxy_hint)}</p>
                    <label for="proxy-shift">{t!(i18n, vol_proxy_shift)}</label>
                    <select
                        id="proxy-shift"
                        name="proxy-shift"
                        prop:value=move || shift_choice.get()
                        on:change=move |ev| shift_choice.set(event_target_value(&ev))
                    >
                        <option value="">{t!(i18n, vol_proxy_no_shift)}</option>
                        {move || {
                            let en = labels::english();
                            let offset = offset();
                            candidates
                                .get()
                                .into_iter()
                                .map(|(id, post, s, e)| {
                                    let title = community.with(|c| {
                                        c.as_ref().and_then(|c| c.posts.get(&post)).map(|p| p.title.clone()).unwrap_or_default()
                                    });
                                    let selected = shift_choice.get_untracked() == id;
                                    view! { <option value=id selected=selected>{format!("{} {title}", span(s, e, offset, en))}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    <Show
                        when=move || checking.get()
                        fallback=move || view! {
                            <button class="button button-primary button-block" type="button" data-action="proxy-check-in"
                                on:click=move |_| {
                                    over_at_checkout.set(None);
                                    checking.set(true);
                                }>
                                {t!(i18n, vol_proxy_check_in)}
                            </button>
                        }
                    >
                        <PpeChecklist
                            purpose=purpose
                            on_confirm=check_in
                            on_cancel=Callback::new(move |()| checking.set(false))
                        />
                    </Show>
                </div>
            }
            .into_any()
        })
    };
    view! {
        <section class="card vol-attendance">
            <h2>{t!(i18n, vol_attendance_title)}</h2>
            <p class="vol-duty" data-on-duty=move || open.get().is_some().to_string()>
                {move || {
                    let en = labels::english();
                    match open.get() {
                        Some(start) => {
                            let offset = offset();
                            let when = format!("{} {}", day_label(Day::of(start, offset), en), clock(start, offset));
                            crate::fill(t_string!(i18n, vol_on_duty_since), &[("when", when)])
                        }
                        None => t_string!(i18n, vol_not_on_duty).to_string(),
                    }
                }}
            </p>
            {proxy}
            {move || over_at_checkout.get().map(|(day, minutes)| {
                let en = labels::english();
                view! {
                    <p class="error" role="alert" data-checkout-over=day.iso()>
                        {crate::fill(
                            t_string!(i18n, vol_checkout_over),
                            &[("day", day_label(day, en)), ("hours", labels::hours(minutes, en))],
                        )}
                    </p>
                }
            })}
            {refusal_view(refusal)}
            <h3>{t!(i18n, vol_hours_title)}</h3>
            {move || {
                let en = labels::english();
                let offset = offset();
                let list = days.get();
                if list.is_empty() {
                    return view! { <p class="muted" data-days="0">{t!(i18n, vol_hours_none)}</p> }.into_any();
                }
                let count = list.len();
                view! {
                    <ul class="list" data-days=count>
                        {list
                            .into_iter()
                            .map(|r| {
                                let DayRecord { hours: h, sessions, confirmed } = r;
                                let state = match confirmed {
                                    Some(m) if m == h.minutes => "yes",
                                    Some(_) => "changed",
                                    None => "no",
                                };
                                let state_text = match confirmed {
                                    Some(m) if m == h.minutes => t_string!(i18n, vol_hours_confirmed).to_string(),
                                    Some(m) => crate::fill(t_string!(i18n, vol_hours_changed), &[("hours", labels::hours(m, en))]),
                                    None => t_string!(i18n, vol_hours_unconfirmed).to_string(),
                                };
                                let badge = if state == "yes" { "badge badge-done" } else { "badge badge-waiting" };
                                let day = h.day;
                                let n = sessions.len();
                                view! {
                                    <li
                                        class="vol-day"
                                        data-day=day.iso()
                                        data-minutes=h.minutes
                                        data-sessions=n
                                        data-confirmed=state
                                        data-over=(h.excess_minutes > 0).to_string()
                                    >
                                        <div class="vol-shift-head">
                                            <span class="title">{day_label(day, en)} " · " {labels::hours(h.minutes, en)}</span>
                                            {(h.excess_minutes > 0).then(|| view! {
                                                <span class="badge badge-missing">
                                                    {crate::fill(t_string!(i18n, vol_hours_over), &[("hours", labels::hours(h.excess_minutes, en))])}
                                                </span>
                                            })}
                                        </div>
                                        <ul class="vol-sessions">
                                            {sessions
                                                .into_iter()
                                                .map(|s| view! { <li data-session>{span(s.start, s.end.unwrap_or(s.start), offset, en)}</li> })
                                                .collect_view()}
                                        </ul>
                                        <div class="vol-day-foot">
                                            <span class=badge>{state_text}</span>
                                            {(staff && state != "yes").then(|| view! {
                                                <button class="button button-primary" type="button" data-action="confirm-hours"
                                                    on:click=move |_| confirm.run(day)>
                                                    {t!(i18n, vol_hours_confirm)}
                                                </button>
                                            })}
                                        </div>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

/// What the volunteer wrote after service (read-only here).
#[component]
fn FeedbackList(vol: Memo<Option<Volunteer>>) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    view! {
        <section class="card vol-feedback">
            <h2>{t!(i18n, vol_feedback_title)}</h2>
            {move || {
                let en = labels::english();
                let offset = community.with(|c| offset_of(c.as_ref()));
                let mut list = vol.with(|v| v.as_ref().map(|v| v.feedback.clone()).unwrap_or_default());
                list.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
                if list.is_empty() {
                    return view! { <p class="muted" data-feedback="0">{t!(i18n, vol_feedback_none)}</p> }.into_any();
                }
                let n = list.len();
                view! {
                    <ul class="list" data-feedback=n>
                        {list
                            .into_iter()
                            .map(|f| view! {
                                <li class="vol-story">
                                    <p class="muted vol-meta">
                                        {labels::feedback_kind(f.kind, en)} " · "
                                        {format!("{} {}", day_label(Day::of(f.at, offset), en), clock(f.at, offset))}
                                    </p>
                                    <p>{f.text}</p>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}
