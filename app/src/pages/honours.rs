//! 优秀志愿者 (everyone): the volunteers staff marked as outstanding, each
//! with a short story and the day, newest first (宣传先进典型). Staff add one
//! here (a volunteer from the roster and the story), withdraw one entered by
//! mistake (after a second tap; it stays on record), and export the list as
//! CSV or Excel for the community's reports.
//!
//! Below it, for staff, the backbone roster (培育骨干): reliable volunteers to
//! call first next time, with their phone numbers; staff add and remove
//! them. Everything is a change to a document on this phone, offline too.

use leptos::prelude::*;
use linli_shared::{
    model::{
        Role,
        civil::Day,
        community::{self, Community},
        volunteer::{self, Volunteer},
    },
    table,
    vocabulary::DocumentId,
};

use crate::{browser::files, context::use_repo, documents, i18n::*, repo::Repo, text::labels};
use crate::{browser::files::file_part, text::Said};

/// The longest story the model takes.
const STORY_MAX: usize = 1000;

/// One recognition as shown.
#[derive(Clone, Debug, PartialEq)]
struct Honour {
    id: String,
    name: String,
    story: String,
    day: String,
}

fn roll(c: &Community) -> Vec<Honour> {
    c.honour_roll()
        .into_iter()
        .map(|r| Honour {
            id: r.id.clone(),
            name: documents::person_name(Some(c), &r.person),
            story: r.story.clone(),
            day: Day::of(r.at, c.utc_offset_minutes).iso(),
        })
        .collect()
}

/// The honour roll as a table: 姓名, 事迹, 表彰日期 (the file is in Chinese).
fn roll_table(list: &[Honour]) -> table::Rows {
    let zh = Locale::zh_CN;
    let mut rows = vec![vec![
        td_string!(zh, export.columns.name).to_owned(),
        td_string!(zh, export.columns.story).to_owned(),
        td_string!(zh, export.columns.honoured_on).to_owned(),
    ]];
    rows.extend(
        list.iter()
            .map(|h| vec![h.name.clone(), h.story.clone(), h.day.clone()]),
    );
    rows
}

/// What the page says after an action, in the screen's language.
#[derive(Clone, Debug, PartialEq)]
enum Note {
    Withdrawn,
    Exported,
    NothingToExport,
    ExportFailed,
    Refused(Said),
}

/// The note as (worked, text), tracked for the language.
fn note_text(i18n: leptos_i18n::I18nContext<Locale>, note: &Note) -> (bool, String) {
    match note {
        Note::Withdrawn => (true, t_string!(i18n, honours_withdrawn).to_string()),
        Note::Exported => (true, t_string!(i18n, honours_exported).to_string()),
        Note::NothingToExport => (false, t_string!(i18n, honours_export_none).to_string()),
        Note::ExportFailed => (false, t_string!(i18n, honours_export_failed).to_string()),
        Note::Refused(said) => (false, said.text()),
    }
}

#[component]
pub fn HonoursPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
            .into_any();
    };
    let session = repo.session();
    let staff = session.role == Role::Staff && !session.pending;
    let community = documents::community(&repo);
    let honours = Memo::new(move |_| community.with(|c| c.as_ref().map(roll).unwrap_or_default()));
    let withdrawing = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<Note>);

    let withdraw = {
        let repo = repo.clone();
        move |id: String| {
            let doc = repo.session().community_document();
            let at = documents::now();
            match repo.change(&doc, |d, actor| {
                community::withdraw_recognition(d, actor, at, &id)
            }) {
                Ok(()) => {
                    withdrawing.set(None);
                    message.set(Some(Note::Withdrawn));
                }
                Err(e) => message.set(Some(Note::Refused(Said::refusal(&e)))),
            }
        }
    };
    let export = move |xlsx: bool| {
        let list = honours.get_untracked();
        if list.is_empty() {
            message.set(Some(Note::NothingToExport));
            return;
        }
        let (name, today) = community.with_untracked(|c| {
            (
                c.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                documents::today(c.as_ref()),
            )
        });
        let stem = format!(
            "{}-{}-{}",
            td_string!(Locale::zh_CN, export.honours),
            file_part(&name),
            today.iso()
        );
        let rows = roll_table(&list);
        let result = if xlsx {
            files::download(
                &format!("{stem}.xlsx"),
                files::XLSX,
                &table::xlsx::write(td_string!(Locale::zh_CN, export.honours), &rows),
            )
        } else {
            files::download(
                &format!("{stem}.csv"),
                files::CSV,
                table::csv::write(&rows).as_bytes(),
            )
        };
        message.set(Some(match result {
            Ok(()) => Note::Exported,
            Err(_) => Note::ExportFailed,
        }));
    };

    view! {
        <section class="card honours">
            <h1>{t!(i18n, honours_title)}</h1>
            <p class="muted">{t!(i18n, honours_explain)}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
            {move || {
                message.get().map(|note| {
                    let (ok, text) = note_text(i18n, &note);
                    if ok {
                        view! { <p class="ann-posted" role="status" data-honours-message="ok">{text}</p> }.into_any()
                    } else {
                        view! { <p class="error" role="alert" data-honours-message="error">{text}</p> }.into_any()
                    }
                })
            }}
            <Show
                when=move || !honours.with(Vec::is_empty)
                fallback=move || view! { <p class="muted" data-honours="none">{t!(i18n, honours_none)}</p> }
            >
                <ul class="list honour-list">
                    {
                        let withdraw = withdraw.clone();
                        move || {
                            honours
                                .get()
                                .into_iter()
                                .map(|h| {
                                    let withdraw = withdraw.clone();
                                    let id = h.id.clone();
                                    let asking = {
                                        let id = id.clone();
                                        move || withdrawing.with(|w| w.as_deref() == Some(id.as_str()))
                                    };
                                    let ask = {
                                        let id = id.clone();
                                        move |_| {
                                            message.set(None);
                                            withdrawing.set(Some(id.clone()));
                                        }
                                    };
                                    view! {
                                        <li class="list-item honour" data-honour=h.name.clone()>
                                            <span class="title honour-name">{h.name.clone()}</span>
                                            <p class="honour-story">{h.story.clone()}</p>
                                            <span class="meta" data-day=h.day.clone()>
                                                {
                                                    let day = h.day.clone();
                                                    move || crate::text::fill(t_string!(i18n, honours_on), &[("day", day.clone())])
                                                }
                                            </span>
                                            {staff.then(|| view! {
                                                <Show
                                                    when=asking.clone()
                                                    fallback=move || view! {
                                                        <button class="button button-quiet honour-withdraw" type="button" data-action="withdraw-honour" on:click=ask.clone()>
                                                            {t!(i18n, honours_withdraw)}
                                                        </button>
                                                    }
                                                >
                                                    <div class="note-form honour-confirm" role="group">
                                                        <p>{t!(i18n, honours_withdraw_confirm)}</p>
                                                        <div class="button-row">
                                                            <button class="button button-danger" type="button" data-action="confirm-withdraw" on:click={
                                                                let (withdraw, id) = (withdraw.clone(), id.clone());
                                                                move |_| withdraw(id.clone())
                                                            }>
                                                                {t!(i18n, honours_withdraw_yes)}
                                                            </button>
                                                            <button class="button button-quiet" type="button" data-action="cancel-withdraw" on:click=move |_| withdrawing.set(None)>
                                                                {t!(i18n, honours_withdraw_no)}
                                                            </button>
                                                        </div>
                                                    </div>
                                                </Show>
                                            })}
                                        </li>
                                    }
                                })
                                .collect_view()
                        }
                    }
                </ul>
            </Show>
            {staff.then(|| view! {
                <div class="button-row honour-export">
                    <button class="button" type="button" data-action="export-honours-csv" on:click=move |_| export(false)>
                        {t!(i18n, honours_export_csv)}
                    </button>
                    <button class="button" type="button" data-action="export-honours-xlsx" on:click=move |_| export(true)>
                        {t!(i18n, honours_export_xlsx)}
                    </button>
                </div>
            })}
        </section>
        {staff.then(|| view! { <RecogniseForm repo=repo.clone() community message /> })}
        {staff.then(|| view! { <Backbone repo=repo.clone() community /> })}
    }
    .into_any()
}

/// Staff mark a volunteer from the roster with a short story.
#[component]
fn RecogniseForm(
    repo: Repo,
    community: Memo<Option<Community>>,
    message: RwSignal<Option<Note>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let person = RwSignal::new(String::new());
    let story = RwSignal::new(String::new());
    let person_missing = RwSignal::new(false);
    // The story's problem: empty, or longer than the model takes.
    let story_error = RwSignal::new(None::<bool>);
    let error = RwSignal::new(None::<Said>);
    let added = RwSignal::new(false);
    // Volunteers and building leads, by name.
    let people = Memo::new(move |_| {
        community.with(|c| {
            let Some(c) = c else { return Vec::new() };
            let mut v: Vec<(String, String)> = c
                .roster
                .iter()
                .filter(|(_, e)| e.role != Role::Staff)
                .map(|(id, e)| (id.clone(), e.display_name.clone()))
                .collect();
            v.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
            v
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        message.set(None);
        added.set(false);
        let (p, s) = (person.get_untracked(), story.get_untracked());
        person_missing.set(p.is_empty());
        let len = s.trim().chars().count();
        story_error.set(if len == 0 {
            Some(false)
        } else if len > STORY_MAX {
            Some(true)
        } else {
            None
        });
        if p.is_empty() || len == 0 || len > STORY_MAX {
            return;
        }
        let doc = repo.session().community_document();
        let at = documents::now();
        match repo.change(&doc, |d, actor| community::recognise(d, actor, at, &p, &s)) {
            Ok(_) => {
                person.set(String::new());
                story.set(String::new());
                added.set(true);
            }
            // What was typed stays in the form.
            Err(e) => error.set(Some(Said::refusal(&e))),
        }
    };
    let count = move || {
        crate::text::fill(
            t_string!(i18n, honours_story_count),
            &[
                ("n", story.with(|s| s.trim().chars().count()).to_string()),
                ("max", STORY_MAX.to_string()),
            ],
        )
    };
    view! {
        <section class="card">
            <form class="stack honour-form" on:submit=submit novalidate>
                <h2>{t!(i18n, honours_add_title)}</h2>
                <label for="honour-person">{t!(i18n, honours_field_person)}</label>
                <select
                    id="honour-person"
                    name="honour-person"
                    aria-invalid=move || person_missing.get().to_string()
                    prop:value=move || person.get()
                    on:change=move |ev| {
                        person.set(event_target_value(&ev));
                        person_missing.set(false);
                        added.set(false);
                    }
                >
                    <option value="">{t!(i18n, honours_choose_person)}</option>
                    {move || {
                        people
                            .get()
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id>{name}</option> })
                            .collect_view()
                    }}
                </select>
                {move || person_missing.get().then(|| view! {
                    <p class="error field-error" role="alert" data-error="person">{t!(i18n, honours_error_person)}</p>
                })}
                <label for="honour-story">{t!(i18n, honours_field_story)}</label>
                <textarea
                    id="honour-story"
                    name="honour-story"
                    rows="4"
                    placeholder=move || t_string!(i18n, honours_story_placeholder).to_string()
                    aria-invalid=move || story_error.with(Option::is_some).to_string()
                    prop:value=move || story.get()
                    on:input=move |ev| {
                        story.set(event_target_value(&ev));
                        story_error.set(None);
                        added.set(false);
                    }
                ></textarea>
                <p class="muted honour-count">{count}</p>
                {move || story_error.get().map(|too_long| {
                    let text = if too_long {
                        t_string!(i18n, honours_error_story_long)
                    } else {
                        t_string!(i18n, honours_error_story)
                    };
                    view! { <p class="error field-error" role="alert" data-error="story">{text}</p> }
                })}
                <button class="button button-primary button-block" type="submit" data-action="add-honour">
                    {t!(i18n, honours_add)}
                </button>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e.text()}</p> })}
                <Show when=move || added.get()>
                    <p class="ann-posted" role="status" data-honour-added>{t!(i18n, honours_added)}</p>
                </Show>
            </form>
        </section>
    }
}

/// What stopped a change to the backbone roster.
#[derive(Clone, Debug, PartialEq)]
enum BackboneNote {
    ChooseFirst,
    Empty,
    ExportFailed,
    Refused(Said),
}

/// 骨干名单: volunteers staff will call first next time.
#[component]
fn Backbone(repo: Repo, community: Memo<Option<Community>>) -> impl IntoView {
    let i18n = use_i18n();
    let team = documents::team(&repo, community);
    let listed = Memo::new(move |_| {
        team.with(|t| {
            let mut v: Vec<Volunteer> = t.iter().filter(|v| v.profile.backbone).cloned().collect();
            v.sort_by(|a, b| a.profile.name.cmp(&b.profile.name));
            v
        })
    });
    let others = Memo::new(move |_| {
        team.with(|t| {
            let mut v: Vec<(String, String)> = t
                .iter()
                .filter(|v| !v.profile.backbone)
                .map(|v| (v.volunteer.clone(), v.profile.name.clone()))
                .collect();
            v.sort_by(|a, b| a.1.cmp(&b.1));
            v
        })
    });
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<BackboneNote>);
    let mark = {
        let repo = repo.clone();
        move |volunteer: String, on: bool| {
            error.set(None);
            let doc = DocumentId::for_volunteer(&repo.session().community, &volunteer);
            let at = documents::now();
            match repo.change(&doc, |d, actor| volunteer::mark_backbone(d, actor, at, on)) {
                Ok(()) => {
                    if on {
                        chosen.set(String::new());
                    }
                }
                Err(e) => error.set(Some(BackboneNote::Refused(Said::refusal(&e)))),
            }
        }
    };
    let add = {
        let mark = mark.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let v = chosen.get_untracked();
            if v.is_empty() {
                error.set(Some(BackboneNote::ChooseFirst));
                return;
            }
            mark(v, true);
        }
    };
    let export = move |_| {
        let list = listed.get_untracked();
        if list.is_empty() {
            error.set(Some(BackboneNote::Empty));
            return;
        }
        // The file is in Chinese, whatever the screen's language.
        let zh = Locale::zh_CN;
        let mut rows = vec![vec![
            td_string!(zh, export.columns.name).to_owned(),
            td_string!(zh, export.columns.phone).to_owned(),
            td_string!(zh, export.columns.source).to_owned(),
            td_string!(zh, export.columns.skills).to_owned(),
            td_string!(zh, export.columns.availability).to_owned(),
        ]];
        for v in &list {
            rows.push(vec![
                v.profile.name.clone(),
                v.profile.phone.clone(),
                v.profile
                    .source
                    .map(|s| labels::volunteer_source(s, false).to_owned())
                    .unwrap_or_default(),
                v.profile
                    .skills()
                    .into_iter()
                    .map(|s| labels::skill(s, false))
                    .collect::<Vec<_>>()
                    .join(labels::list_separator(false)),
                v.profile.availability.clone(),
            ]);
        }
        let (name, today) = community.with_untracked(|c| {
            (
                c.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                documents::today(c.as_ref()),
            )
        });
        if files::download(
            &format!(
                "{}-{}-{}.csv",
                td_string!(Locale::zh_CN, export.backbone),
                file_part(&name),
                today.iso()
            ),
            files::CSV,
            table::csv::write(&rows).as_bytes(),
        )
        .is_err()
        {
            error.set(Some(BackboneNote::ExportFailed));
        }
    };
    view! {
        <section class="card backbone">
            <h2>{t!(i18n, honours_backbone_title)}</h2>
            <p class="muted">{t!(i18n, honours_backbone_explain)}</p>
            <Show
                when=move || !listed.with(Vec::is_empty)
                fallback=move || view! { <p class="muted" data-backbone="none">{t!(i18n, honours_backbone_none)}</p> }
            >
                <ul class="list backbone-list">
                    {
                        let mark = mark.clone();
                        move || {
                            listed
                                .get()
                                .into_iter()
                                .map(|v| {
                                    let mark = mark.clone();
                                    let id = v.volunteer.clone();
                                    let phone = v.profile.phone.clone();
                                    let tel: String = phone
                                        .chars()
                                        .filter(|c| c.is_ascii_digit() || *c == '+')
                                        .collect();
                                    view! {
                                        <li class="list-item backbone-item" data-backbone=v.profile.name.clone()>
                                            <span class="title">{v.profile.name.clone()}</span>
                                            <div class="button-row">
                                                {(!tel.is_empty()).then(|| view! {
                                                    <a class="button button-quiet" href=format!("tel:{tel}") data-action="call">{phone.clone()}</a>
                                                })}
                                                <button class="button button-quiet" type="button" data-action="remove-backbone" on:click=move |_| mark(id.clone(), false)>
                                                    {t!(i18n, honours_backbone_remove)}
                                                </button>
                                            </div>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }
                    }
                </ul>
            </Show>
            <form class="stack" on:submit=add novalidate>
                <label for="backbone-person">{t!(i18n, honours_backbone_field)}</label>
                <select
                    id="backbone-person"
                    name="backbone-person"
                    prop:value=move || chosen.get()
                    on:change=move |ev| {
                        chosen.set(event_target_value(&ev));
                        error.set(None);
                    }
                >
                    <option value="">{t!(i18n, honours_choose_person)}</option>
                    {move || {
                        others
                            .get()
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id>{name}</option> })
                            .collect_view()
                    }}
                </select>
                <div class="button-row">
                    <button class="button button-primary" type="submit" data-action="add-backbone">
                        {t!(i18n, honours_backbone_add)}
                    </button>
                    <button class="button" type="button" data-action="export-backbone" on:click=export>
                        {t!(i18n, honours_backbone_export)}
                    </button>
                </div>
                {move || error.get().map(|e| {
                    let text = match e {
                        BackboneNote::ChooseFirst => t_string!(i18n, honours_error_backbone).to_string(),
                        BackboneNote::Empty => t_string!(i18n, honours_backbone_export_none).to_string(),
                        BackboneNote::ExportFailed => t_string!(i18n, honours_export_failed).to_string(),
                        BackboneNote::Refused(said) => said.text(),
                    };
                    view! { <p class="error" role="alert" data-error="backbone">{text}</p> }
                })}
            </form>
        </section>
    }
}
