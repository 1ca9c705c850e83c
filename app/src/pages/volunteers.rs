//! 志愿者名单: the volunteers this phone holds (staff: everyone on the
//! roster; a building lead: their building's), each with where they come
//! from, skills, training progress, insurance and agreement, backbone mark
//! and today's shift; filters; and for staff the backbone roster (骨干名单)
//! as a CSV file for the next call-up. A roster entry whose volunteer
//! document has not reached this phone yet is listed as syncing.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linli_shared::{
    model::{
        Role,
        civil::{Day, clock},
        service_hours,
        service_report::hours,
        training_status::TrainingState,
        volunteer::{self, Volunteer},
    },
    table::{Rows, csv},
};

use linli_shared::model::courses::required_courses;

use crate::{browser::files, context::use_repo, documents, i18n::*, text::labels};

/// One line of the roster: the roster's facts, and the volunteer's own
/// document once it is here.
#[derive(Clone, PartialEq)]
struct Line {
    person: String,
    name: String,
    building: Option<String>,
    volunteer: Option<Volunteer>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Backbone,
    AwaitingTraining,
    MissingCredentials,
}

impl Filter {
    fn code(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Backbone => "backbone",
            Filter::AwaitingTraining => "awaiting-training",
            Filter::MissingCredentials => "missing-credentials",
        }
    }

    fn keeps(self, line: &Line) -> bool {
        let Some(v) = &line.volunteer else {
            return self == Filter::All;
        };
        match self {
            Filter::All => true,
            Filter::Backbone => v.profile.backbone,
            Filter::AwaitingTraining => !awaiting(v).is_empty(),
            Filter::MissingCredentials => {
                !v.profile.platform_registered || v.profile.agreement_signed_on.is_none()
            }
        }
    }
}

/// Courses the volunteer marked done that staff have not yet confirmed.
pub fn awaiting(v: &Volunteer) -> Vec<String> {
    let courses: BTreeSet<&String> = v.training.iter().map(|e| &e.course).collect();
    courses
        .into_iter()
        .filter(|c| v.training_state(c) == TrainingState::AwaitingConfirmation)
        .cloned()
        .collect()
}

/// Minutes served (closed check-in sessions) and how many sessions.
pub fn served(v: &Volunteer, offset: i64) -> (i64, usize) {
    let minutes = v.hours(offset).iter().map(|h| h.minutes).sum();
    let sessions = service_hours::sessions(&v.attendance)
        .iter()
        .filter(|s| s.end.is_some())
        .count();
    (minutes, sessions)
}

/// The backbone roster for the next call-up: name, phone, source, skills,
/// total hours, sessions attended.
fn call_up_rows(lines: &[Line], offset: i64, en: bool) -> Rows {
    let l = labels::locale(en);
    let header = [
        td_string!(l, export.columns.name),
        td_string!(l, export.columns.phone),
        td_string!(l, export.columns.source),
        td_string!(l, export.columns.skills),
        td_string!(l, export.columns.total_hours),
        td_string!(l, export.columns.duties),
    ];
    let mut rows: Rows = vec![header.iter().map(|s| (*s).to_owned()).collect()];
    for v in lines
        .iter()
        .filter_map(|l| l.volunteer.as_ref())
        .filter(|v| v.profile.backbone)
    {
        let (minutes, sessions) = served(v, offset);
        let skills: Vec<&str> = v
            .profile
            .skills()
            .into_iter()
            .map(|s| labels::skill(s, en))
            .collect();
        rows.push(vec![
            v.profile.name.clone(),
            v.profile.phone.clone(),
            v.profile
                .source
                .map(|s| labels::volunteer_source(s, en).to_owned())
                .unwrap_or_default(),
            skills.join(if en { "; " } else { "、" }),
            hours(minutes),
            sessions.to_string(),
        ]);
    }
    rows
}

#[component]
pub fn VolunteersPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
            .into_any();
    };
    let session = repo.session();
    if session.role == Role::Volunteer || session.pending {
        return crate::components::staff_or_lead::staff_and_leads_only().into_any();
    }
    let staff = session.role == Role::Staff;
    let community = documents::community(&repo);
    let lines = {
        let repo = repo.clone();
        Memo::new(move |_| {
            repo.signals.revision.track();
            let session = repo.session();
            community.with(|c| {
                let Some(c) = c else { return Vec::new() };
                let mut out: Vec<Line> = session
                    .volunteer_documents(&c.roster)
                    .into_iter()
                    .map(|(person, id)| {
                        let entry = &c.roster[&person];
                        let volunteer = repo.read(&id, |d| volunteer::read(d).ok()).flatten();
                        Line {
                            name: volunteer.as_ref().map_or_else(
                                || entry.display_name.clone(),
                                |v| v.profile.name.clone(),
                            ),
                            building: entry.building.clone(),
                            person,
                            volunteer,
                        }
                    })
                    .collect();
                out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.person.cmp(&b.person)));
                out
            })
        })
    };
    let filter = RwSignal::new(Filter::All);
    let shown = Memo::new(move |_| {
        let f = filter.get();
        lines.with(|l| l.iter().filter(|x| f.keeps(x)).cloned().collect::<Vec<_>>())
    });
    let export_error = RwSignal::new(None::<String>);
    let export = move |_| {
        export_error.set(None);
        let en = labels::english_untracked();
        let offset = community.with_untracked(|c| c.as_ref().map_or(480, |c| c.utc_offset_minutes));
        let rows = lines.with_untracked(|l| call_up_rows(l, offset, en));
        if rows.len() < 2 {
            export_error.set(Some(t_string!(i18n, vol_export_none).to_string()));
            return;
        }
        let today = community.with_untracked(|c| documents::today(c.as_ref()));
        let name = crate::text::fill(
            td_string!(labels::locale(en), export.backbone_roster),
            &[("day", today.iso())],
        );
        if files::download(&name, files::CSV, csv::write(&rows).as_bytes()).is_err() {
            export_error.set(Some(t_string!(i18n, vol_export_failed).to_string()));
        }
    };
    let chip = move |f: Filter, label: String| {
        view! {
            <button
                type="button"
                class="chip"
                data-filter=f.code()
                aria-pressed=move || (filter.get() == f).to_string()
                on:click=move |_| filter.set(f)
            >
                {label}
            </button>
        }
    };
    let scope_line = {
        let building = session.building.clone();
        move || match (staff, &building) {
            (false, Some(b)) => {
                let name = community.with(|c| documents::building_name(c.as_ref(), b));
                crate::text::fill(t_string!(i18n, vol_scope_lead), &[("building", name)])
            }
            _ => t_string!(i18n, vol_scope_staff).to_string(),
        }
    };
    view! {
        <section class="card">
            <a class="back" href="/">{t!(i18n, vol_back_home)}</a>
            <h1>{t!(i18n, vol_title)}</h1>
            <p class="muted">{scope_line}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
            <p
                class="vol-count"
                data-vol-count=move || lines.with(Vec::len)
                data-vol-shown=move || shown.with(Vec::len)
            >
                {move || {
                    let (all, shown) = (lines.with(Vec::len), shown.with(Vec::len));
                    let backbone = lines.with(|l| {
                        l.iter()
                            .filter(|x| x.volunteer.as_ref().is_some_and(|v| v.profile.backbone))
                            .count()
                    });
                    crate::text::fill(
                        t_string!(i18n, vol_count),
                        &[("all", all.to_string()), ("shown", shown.to_string()), ("backbone", backbone.to_string())],
                    )
                }}
            </p>
            <div class="chips" role="group">
                {move || {
                    vec![
                        chip(Filter::All, t_string!(i18n, vol_filter_all).to_string()),
                        chip(Filter::Backbone, t_string!(i18n, vol_filter_backbone).to_string()),
                        chip(Filter::AwaitingTraining, t_string!(i18n, vol_filter_awaiting).to_string()),
                        chip(Filter::MissingCredentials, t_string!(i18n, vol_filter_missing).to_string()),
                    ]
                    .collect_view()
                }}
            </div>
            {staff.then(|| view! {
                <button class="button button-quiet button-block" type="button" data-action="export-backbone" on:click=export>
                    {t!(i18n, vol_export_backbone)}
                </button>
                <p class="muted vol-hint">{t!(i18n, vol_export_hint)}</p>
                {move || export_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            })}
        </section>
        <section class="card">
            {move || {
                if shown.with(Vec::is_empty) {
                    let text = if lines.with(Vec::is_empty) {
                        t_string!(i18n, vol_none).to_string()
                    } else {
                        t_string!(i18n, vol_none_match).to_string()
                    };
                    return view! { <p class="muted" data-vol-empty>{text}</p> }.into_any();
                }
                view! {
                    <ul class="list vol-list">
                        {move || shown.get().into_iter().map(|l| view! { <VolunteerLine line=l /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}

/// One volunteer in the list, linking to their record.
#[component]
fn VolunteerLine(line: Line) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let Line {
        person,
        name,
        building,
        volunteer,
    } = line;
    let href = format!("/volunteers/{person}");
    let Some(v) = volunteer else {
        return view! {
            <li>
                <a class="list-item vol-item" href=href data-person=person.clone() data-name=name.clone() data-syncing="true">
                    <span class="title">{name.clone()} " " <span class="badge badge-waiting">{t!(i18n, vol_syncing)}</span></span>
                    <span class="meta">{t!(i18n, vol_syncing_hint)}</span>
                </a>
            </li>
        }
        .into_any();
    };
    let backbone = v.profile.backbone;
    let insured = v.profile.platform_registered;
    let agreement = v.profile.agreement_signed_on.is_some();
    let waiting = awaiting(&v).len();
    let details = move || {
        let en = labels::english();
        community.with(|c| {
            let offset = c.as_ref().map_or(480, |c| c.utc_offset_minutes);
            let today = documents::today(c.as_ref());
            let required = c.as_ref().map(required_courses).unwrap_or_default();
            let passed = required
                .iter()
                .filter(|course| v.training_state(course) == TrainingState::Passed)
                .count();
            let training = if required.is_empty() {
                t_string!(i18n, vol_training_none_required).to_string()
            } else {
                crate::text::fill(
                    t_string!(i18n, vol_training_progress),
                    &[("passed", passed.to_string()), ("required", required.len().to_string())],
                )
            };
            let shifts_today: Vec<String> = v
                .active_shifts()
                .into_iter()
                .filter(|(_, s)| {
                    service_hours::split_by_day(s.start, s.end, offset)
                        .iter()
                        .any(|(d, _)| *d == today)
                })
                .map(|(_, s)| {
                    let post = c
                        .as_ref()
                        .and_then(|c| c.posts.get(&s.post))
                        .map_or_else(String::new, |p| p.title.clone());
                    let until = if Day::of(s.end, offset) == Day::of(s.start, offset) {
                        clock(s.end, offset)
                    } else {
                        format!("{}{}", t_string!(i18n, vol_next_day), clock(s.end, offset))
                    };
                    format!("{}–{until} {post}", clock(s.start, offset))
                })
                .collect();
            let today_text = if shifts_today.is_empty() {
                t_string!(i18n, vol_today_free).to_string()
            } else {
                crate::text::fill(t_string!(i18n, vol_today_shift), &[("shift", shifts_today.join("；"))])
            };
            let place = building
                .as_ref()
                .map(|b| documents::building_name(c.as_ref(), b));
            let source = v.profile.source.map(|s| labels::volunteer_source(s, en));
            let facts: Vec<String> = place.into_iter().chain(source.map(str::to_owned)).collect();
            view! {
                {(!facts.is_empty()).then(|| view! { <span class="meta">{facts.join(" · ")}</span> })}
                <span class="tags">
                    {v.profile.skills().into_iter().map(|s| view! { <span class="tag" data-skill=s.as_str()>{labels::skill(s, en)}</span> }).collect_view()}
                </span>
                <span class="meta" data-training=format!("{passed}/{}", required.len())>
                    {training}
                    {(waiting > 0).then(|| view! {
                        " · " <span class="flag">{crate::text::fill(t_string!(i18n, vol_awaiting_n), &[("n", waiting.to_string())])}</span>
                    })}
                </span>
                <span class="meta" data-today=shifts_today.len()>{today_text}</span>
            }
        })
    };
    view! {
        <li>
            <a
                class="list-item vol-item"
                href=href
                data-person=person.clone()
                data-name=name.clone()
                data-backbone=backbone.to_string()
                data-insured=insured.to_string()
                data-agreement=agreement.to_string()
            >
                <span class="title vol-item-head">
                    <span>{name.clone()}</span>
                    {backbone.then(|| view! { <span class="badge vol-badge-backbone">{t!(i18n, vol_badge_backbone)}</span> })}
                </span>
                <span class="vol-badges">
                    {if insured {
                        view! { <span class="badge badge-done">{t!(i18n, vol_badge_insured)}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-missing">{t!(i18n, vol_badge_not_insured)}</span> }.into_any()
                    }}
                    {if agreement {
                        view! { <span class="badge badge-done">{t!(i18n, vol_badge_agreement)}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-missing">{t!(i18n, vol_badge_no_agreement)}</span> }.into_any()
                    }}
                </span>
                {details}
            </a>
        </li>
    }
    .into_any()
}
