//! 在岗调度: who is on duty now and where, for staff (every volunteer) and a
//! building lead (their building's volunteers). Grouped by post: who checked
//! in and since when, then who is scheduled now but has not checked in
//! (应到未到), with a call link; volunteers checked in without a shift stand
//! under 临时服务. A volunteer on a shift can be moved to another post
//! (调配) under the same rules as scheduling (training, insurance,
//! agreement, 8 hours a day); a refusal says what is missing.
//!
//! Everything is read from the volunteer documents on this phone, so the
//! board works offline: it shows what the phone had at its last sync, and
//! says so. It is recomputed on every change and every 30 seconds.

use leptos::prelude::*;
use linli_shared::{
    model::{
        ModelError, Role,
        civil::{Day, MINUTE, Millis},
        community::Community,
        on_duty::{self, Line},
        scheduling,
        volunteer::Volunteer,
    },
    vocabulary::DocumentId,
};

use crate::{
    components::last_sync_text,
    context::use_repo,
    documents,
    i18n::*,
    repo::{Link, Repo},
    text::labels,
    text::{Said, when::local_time},
};

/// How often the board is recomputed while it is open (durations move on,
/// shifts start and end).
const REFRESH: std::time::Duration = std::time::Duration::from_secs(30);

/// The volunteers of one post (or of 临时服务, `post: None`), titled in the
/// screen's language.
#[derive(Clone, Debug, PartialEq)]
struct Group {
    post: Option<String>,
    title: String,
    building: Option<String>,
    on_duty: Vec<Line>,
    expected: Vec<Line>,
}

/// The board grouped by post (the model's rule), each group titled.
fn groups(team: &[Volunteer], community: &Community, now: Millis, en: bool) -> Vec<Group> {
    let l = labels::locale(en);
    on_duty::by_post(team, community, now)
        .into_iter()
        .map(|g| Group {
            title: match (&g.post, g.title) {
                (None, _) => td_string!(l, dispatch_no_shift).to_owned(),
                (Some(_), Some(t)) => t,
                (Some(_), None) => td_string!(l, dispatch_post_not_here).to_owned(),
            },
            post: g.post,
            building: g.building,
            on_duty: g.on_duty,
            expected: g.expected,
        })
        .collect()
}

/// What stopped a reassignment.
#[derive(Clone, Debug, PartialEq)]
enum MoveProblem {
    ChoosePost,
    NoCommunity,
    NotHere,
    Refused(Said),
}

/// The reassignment open on the board: whose shift, and the post chosen.
#[derive(Clone, Debug, PartialEq)]
struct Moving {
    volunteer: String,
    shift: String,
    post: String,
    error: Option<MoveProblem>,
}

#[component]
pub fn DispatchPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
            .into_any();
    };
    let session = repo.session();
    if !matches!(session.role, Role::Staff | Role::Lead) || session.pending {
        return view! {
            <section class="card">
                <h1>{t!(i18n, dispatch_title)}</h1>
                <p class="error" data-dispatch="not-allowed">{t!(i18n, dispatch_staff_only)}</p>
            </section>
        }
        .into_any();
    }
    let community = documents::community(&repo);
    let team = documents::team(&repo, community);
    let clock = RwSignal::new(documents::now());
    if let Ok(h) = set_interval_with_handle(move || clock.set(documents::now()), REFRESH) {
        on_cleanup(move || h.clear());
    }
    let board = Memo::new(move |_| {
        let now = clock.get().max(documents::now());
        let en = labels::english();
        community.with(|c| {
            c.as_ref()
                .map(|c| team.with(|t| groups(t, c, now, en)))
                .unwrap_or_default()
        })
    });
    let counts = Memo::new(move |_| {
        board.with(|b| {
            (
                b.iter().map(|g| g.on_duty.len()).sum::<usize>(),
                b.iter().map(|g| g.expected.len()).sum::<usize>(),
            )
        })
    });
    // Volunteers on the roster whose documents have not reached this phone.
    let missing = {
        let session = session.clone();
        Memo::new(move |_| {
            let held = community.with(|c| {
                c.as_ref()
                    .map_or(0, |c| session.volunteer_documents(&c.roster).len())
            });
            held.saturating_sub(team.with(Vec::len))
        })
    };
    let signals = repo.signals;
    let as_of = move || {
        let last = last_sync_text(i18n, signals.book.with(|b| b.last_synced()));
        let template = if signals.link.get() == Link::Offline {
            t_string!(i18n, dispatch_as_of_offline)
        } else {
            t_string!(i18n, dispatch_as_of)
        };
        crate::text::fill(template, &[("sync", last)])
    };
    let moving = RwSignal::new(None::<Moving>);
    // Who was moved where, shown until the next reassignment.
    let moved = RwSignal::new(None::<(String, String)>);
    let lead = session.role == Role::Lead;
    let scope = move || {
        if lead {
            t_string!(i18n, dispatch_scope_lead).to_string()
        } else {
            t_string!(i18n, dispatch_scope_staff).to_string()
        }
    };
    view! {
        <section class="card dispatch">
            <h1>{t!(i18n, dispatch_title)}</h1>
            <p class="muted">{scope}</p>
            <div class="figures dispatch-counts">
                <div class="figure" data-count="on-duty" data-n=move || counts.get().0>
                    <span class="n">{move || counts.get().0}</span>
                    {t!(i18n, dispatch_on_duty)}
                </div>
                <div class="figure dispatch-missing-figure" data-count="expected" data-n=move || counts.get().1 data-alert=move || { (counts.get().1 > 0).to_string() }>
                    <span class="n">{move || counts.get().1}</span>
                    {t!(i18n, dispatch_expected)}
                </div>
            </div>
            <p class="dispatch-summary" data-dispatch-summary>
                {move || {
                    let (on, exp) = counts.get();
                    crate::text::fill(
                        t_string!(i18n, dispatch_summary),
                        &[("on", on.to_string()), ("expected", exp.to_string())],
                    )
                }}
            </p>
            <p class="muted dispatch-as-of" data-dispatch-as-of>{as_of}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
            <Show when=move || { missing.get() > 0 }>
                <p class="notice" data-dispatch="missing">
                    {move || crate::text::fill(t_string!(i18n, dispatch_missing_docs), &[("n", missing.get().to_string())])}
                </p>
            </Show>
            {move || {
                moved.get().map(|(name, post)| {
                    let text = crate::text::fill(
                        t_string!(i18n, dispatch_moved),
                        &[("name", name), ("post", post)],
                    );
                    view! { <p class="ann-posted" role="status" data-dispatch="moved">{text}</p> }
                })
            }}
        </section>
        <Show
            when=move || !board.with(Vec::is_empty)
            fallback=move || view! {
                <section class="card"><p class="muted" data-dispatch="empty">{t!(i18n, dispatch_empty)}</p></section>
            }
        >
            {
                let repo = repo.clone();
                move || {
                    board
                        .get()
                        .into_iter()
                        .map(|g| view! { <PostGroup group=g repo=repo.clone() community moving moved clock /> })
                        .collect_view()
                }
            }
        </Show>
    }
    .into_any()
}

/// One post's card: who is in, who is missing.
#[component]
fn PostGroup(
    group: Group,
    repo: Repo,
    community: Memo<Option<Community>>,
    moving: RwSignal<Option<Moving>>,
    moved: RwSignal<Option<(String, String)>>,
    clock: RwSignal<Millis>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Group {
        post,
        title,
        building,
        on_duty,
        expected,
    } = group;
    let key = post.clone().unwrap_or_else(|| "none".to_owned());
    let has_expected = !expected.is_empty();
    let header = match &building {
        Some(b) => format!("{title} · {b}"),
        None => title.clone(),
    };
    let line = {
        let repo = repo.clone();
        let post = post.clone();
        move |l: Line| view! { <BoardLine line=l post=post.clone() repo=repo.clone() community moving moved clock /> }
    };
    let nobody_in = on_duty.is_empty();
    let on_list = on_duty.into_iter().map(line.clone()).collect_view();
    let expected_list = expected.into_iter().map(line).collect_view();
    view! {
        <section class="card dispatch-post" data-post=key>
            <h2 class="dispatch-post-title">{header}</h2>
            {if nobody_in {
                view! { <p class="muted dispatch-nobody">{t!(i18n, dispatch_nobody_in)}</p> }.into_any()
            } else {
                view! { <ul class="list dispatch-list" data-list="on-duty">{on_list}</ul> }.into_any()
            }}
            {has_expected.then(|| view! {
                <h3 class="dispatch-expected-title">{t!(i18n, dispatch_expected_title)}</h3>
                <ul class="list dispatch-list" data-list="expected">{expected_list}</ul>
            })}
        </section>
    }
}

/// A volunteer on the board: name, since when and how long (or the shift
/// they are missing), a call link, and 调配 for a volunteer on a shift.
#[component]
fn BoardLine(
    line: Line,
    post: Option<String>,
    repo: Repo,
    community: Memo<Option<Community>>,
    moving: RwSignal<Option<Moving>>,
    moved: RwSignal<Option<(String, String)>>,
    clock: RwSignal<Millis>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Line {
        volunteer,
        name,
        phone,
        since,
        shift,
    } = line;
    let offset = community.with_untracked(|c| {
        c.as_ref()
            .map_or(linli_shared::model::civil::BEIJING_OFFSET_MINUTES, |c| {
                c.utc_offset_minutes
            })
    });
    let today = Day::of(documents::now(), offset);
    let state = if since.is_some() {
        "on-duty"
    } else {
        "expected"
    };
    let shift_id = shift.as_ref().map(|(id, _, _)| id.clone());
    let detail = move || {
        let en = labels::english();
        let window = shift.as_ref().map(|(_, s, e)| {
            format!(
                "{}–{}",
                local_time(*s, offset, today),
                local_time(*e, offset, today)
            )
        });
        match since {
            Some(t) => {
                let how_long =
                    labels::duration((clock.get().max(documents::now()) - t).max(0) / MINUTE, en);
                let mut text = crate::text::fill(
                    t_string!(i18n, dispatch_since),
                    &[
                        ("time", local_time(t, offset, today)),
                        ("duration", how_long),
                    ],
                );
                if let Some(w) = window {
                    text.push_str(" · ");
                    text.push_str(&crate::text::fill(
                        t_string!(i18n, dispatch_shift),
                        &[("time", w)],
                    ));
                }
                text
            }
            None => crate::text::fill(
                t_string!(i18n, dispatch_not_checked_in),
                &[("time", window.unwrap_or_default())],
            ),
        }
    };
    let call = if phone.trim().is_empty() {
        view! { <span class="muted dispatch-no-phone">{t!(i18n, dispatch_no_phone)}</span> }
            .into_any()
    } else {
        let tel: String = phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        let label = crate::text::fill(t_string!(i18n, dispatch_call), &[("phone", phone.clone())]);
        view! {
            <a class="button button-quiet dispatch-call" href=format!("tel:{tel}") data-action="call">{label}</a>
        }
        .into_any()
    };
    let mover = shift_id.map(|shift_id| {
        view! {
            <Reassign
                volunteer=volunteer.clone()
                name=name.clone()
                shift=shift_id
                current=post.clone()
                repo=repo.clone()
                community
                moving
                moved
            />
        }
    });
    view! {
        <li class="list-item dispatch-line" data-volunteer=name.clone() data-state=state>
            <span class="title">{name.clone()}</span>
            <span class="meta" data-detail>{detail}</span>
            <div class="button-row dispatch-actions">
                {call}
                {mover}
            </div>
        </li>
    }
}

/// 调配: choose another post for the volunteer's shift.
#[component]
fn Reassign(
    volunteer: String,
    name: String,
    shift: String,
    current: Option<String>,
    repo: Repo,
    community: Memo<Option<Community>>,
    moving: RwSignal<Option<Moving>>,
    moved: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = {
        let (volunteer, shift) = (volunteer.clone(), shift.clone());
        Signal::derive(move || {
            moving.with(|m| {
                m.as_ref()
                    .is_some_and(|m| m.volunteer == volunteer && m.shift == shift)
            })
        })
    };
    let start = {
        let (volunteer, shift) = (volunteer.clone(), shift.clone());
        move |_| {
            moved.set(None);
            moving.set(Some(Moving {
                volunteer: volunteer.clone(),
                shift: shift.clone(),
                post: String::new(),
                error: None,
            }));
        }
    };
    // Posts it could move to: every post in use, not the current one.
    let choices = {
        let current = current.clone();
        Memo::new(move |_| {
            let en = labels::english();
            community.with(|c| {
                let Some(c) = c else { return Vec::new() };
                let mut v: Vec<(String, String)> = c
                    .posts
                    .iter()
                    .filter(|(id, p)| !p.archived && Some(*id) != current.as_ref())
                    .map(|(id, p)| {
                        let place = p
                            .building
                            .as_deref()
                            .map(|b| format!(" · {}", documents::building_name(Some(c), b)))
                            .unwrap_or_default();
                        (
                            id.clone(),
                            labels::with_detail(
                                &format!("{}{place}", p.title),
                                &format!(
                                    "{} {}–{}",
                                    labels::service_category(p.category, en),
                                    p.shift_start,
                                    p.shift_end
                                ),
                                en,
                            ),
                        )
                    })
                    .collect();
                v.sort_by(|a, b| a.1.cmp(&b.1));
                v
            })
        })
    };
    let confirm = {
        let repo = repo.clone();
        let (volunteer, shift, name) = (volunteer.clone(), shift.clone(), name.clone());
        move |_| {
            let Some(m) = moving.get_untracked() else {
                return;
            };
            let fail = |e: MoveProblem| {
                moving.update(|m| {
                    if let Some(m) = m {
                        m.error = Some(e);
                    }
                })
            };
            if m.post.is_empty() {
                fail(MoveProblem::ChoosePost);
                return;
            }
            let Some(c) = community.get_untracked() else {
                fail(MoveProblem::NoCommunity);
                return;
            };
            let doc = DocumentId::for_volunteer(&repo.session().community, &volunteer);
            let at = documents::now();
            match repo.change(&doc, |d, actor| {
                scheduling::reassign(d, &c, actor, at, &shift, &m.post)
            }) {
                Ok(()) => {
                    let title = c
                        .posts
                        .get(&m.post)
                        .map(|p| p.title.clone())
                        .unwrap_or_default();
                    moving.set(None);
                    moved.set(Some((name.clone(), title)));
                }
                Err(ModelError::Missing(_)) => fail(MoveProblem::NotHere),
                Err(e) => fail(MoveProblem::Refused(Said::refusal(&e))),
            }
        }
    };
    let select_id = format!("reassign-{volunteer}-{shift}");
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button class="button dispatch-move" type="button" data-action="reassign" on:click=start.clone()>
                    {t!(i18n, dispatch_reassign)}
                </button>
            }
        >
            <div class="dispatch-move-form" data-reassign>
                <label for=select_id.clone()>{t!(i18n, dispatch_move_to)}</label>
                <select
                    id=select_id.clone()
                    name="reassign-post"
                    aria-invalid=move || moving.with(|m| m.as_ref().is_some_and(|m| m.error.is_some())).to_string()
                    prop:value=move || moving.with(|m| m.as_ref().map(|m| m.post.clone()).unwrap_or_default())
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        moving.update(|m| {
                            if let Some(m) = m {
                                m.post = value;
                                m.error = None;
                            }
                        });
                    }
                >
                    <option value="">{t!(i18n, dispatch_choose_post_option)}</option>
                    {move || {
                        choices
                            .get()
                            .into_iter()
                            .map(|(id, label)| view! { <option value=id>{label}</option> })
                            .collect_view()
                    }}
                </select>
                {move || {
                    moving
                        .with(|m| m.as_ref().and_then(|m| m.error.clone()))
                        .map(|e| {
                            let text = match e {
                                MoveProblem::ChoosePost => t_string!(i18n, dispatch_choose_post).to_string(),
                                MoveProblem::NoCommunity => t_string!(i18n, community_not_here).to_string(),
                                MoveProblem::NotHere => t_string!(i18n, dispatch_not_here).to_string(),
                                MoveProblem::Refused(said) => said.text(),
                            };
                            view! { <p class="error field-error" role="alert" data-error="reassign">{text}</p> }
                        })
                }}
                <div class="button-row">
                    <button class="button button-primary" type="button" data-action="confirm-reassign" on:click=confirm.clone()>
                        {t!(i18n, dispatch_confirm_move)}
                    </button>
                    <button class="button button-quiet" type="button" data-action="cancel-reassign" on:click=move |_| moving.set(None)>
                        {t!(i18n, dispatch_cancel)}
                    </button>
                </div>
            </div>
        </Show>
    }
}
