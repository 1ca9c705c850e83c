//! "我的" (`/me`): a volunteer's own page, read from their own volunteer
//! document on the phone, all of it working offline.
//!
//! - 排班: today's and coming shifts; the one running now (or starting within
//!   the hour) on top with a big 签到, which opens the protective-equipment
//!   checklist; while checked in, since when and for how long, and 签退;
//!   a check-in without a shift (临时服务).
//! - 时长: service hours per day from the check-ins, confirmed by staff or not.
//! - 培训: the courses and where the volunteer stands; 标记已学完; the courses
//!   their scheduled posts require and they have not passed.
//! - 资料: the profile they edit, and what staff recorded (insurance, agreement).
//! - 反馈: feedback and suggestions, and what they sent before.
//!
//! A day over 8 hours is flagged on every tab, derived from the document, so
//! two phones that checked in offline and merged are flagged alike.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use linli_shared::model::{
    Role,
    catalogue::GENERAL_CATALOGUE,
    civil::{BEIJING_OFFSET_MINUTES, Day, MINUTE, Millis, clock},
    community::{self, Community, Course},
    service_hours::{self, DAILY_CAP_MINUTES},
    service_report,
    training_status::{TrainingAction, TrainingState},
    volunteer::{self, AttendanceAction, FeedbackKind, Volunteer},
};

use crate::{
    context::use_repo,
    components::{
        PpeChecklist, ProfileDraft, ProfileFields, ShiftCard,
        shift_card::{ShiftPhase, ShiftView, date_words, day_words, moment, span},
    },
    i18n::*,
    labels,
    text::courses::{section_title, shown_title, state_code},
    documents, refusals,
};

/// The longest feedback the model takes.
const FEEDBACK_MAX: usize = 2000;
/// How far back the hours list goes.
const RECENT_DAYS: i64 = 14;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Shifts,
    Hours,
    Training,
    Profile,
    Feedback,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Shifts,
        Tab::Hours,
        Tab::Training,
        Tab::Profile,
        Tab::Feedback,
    ];

    fn parse(s: Option<&str>) -> Tab {
        Tab::ALL
            .into_iter()
            .find(|t| Some(t.code()) == s)
            .unwrap_or(Tab::Shifts)
    }

    fn code(self) -> &'static str {
        match self {
            Tab::Shifts => "shifts",
            Tab::Hours => "hours",
            Tab::Training => "training",
            Tab::Profile => "profile",
            Tab::Feedback => "feedback",
        }
    }
}

/// What every part of the page reads: the volunteer's document, the
/// community's, and the clock.
#[derive(Clone, Copy)]
struct Mine {
    me: Memo<Option<Volunteer>>,
    community: Memo<Option<Community>>,
    /// The community's time zone (Beijing until its document is here).
    offset: Memo<i64>,
    /// Now, refreshed every 15 s, so "已服务 2 小时 10 分" moves on its own.
    now: RwSignal<Millis>,
    today: Memo<Day>,
}

#[component]
pub fn MePage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
            .into_any();
    };
    let session = repo.session();
    if session.role != Role::Volunteer || session.pending {
        let pending = session.pending;
        return view! {
            <section class="card">
                <h1>{t!(i18n, me_title)}</h1>
                <p class="notice" data-me-unavailable>
                    {move || if pending {
                        t_string!(i18n, me_pending).to_string()
                    } else {
                        t_string!(i18n, me_not_volunteer).to_string()
                    }}
                </p>
                <a class="button button-block" href="/">{t!(i18n, back_home)}</a>
            </section>
        }
        .into_any();
    }
    let me = documents::me(&repo);
    let community = documents::community(&repo);
    let offset = Memo::new(move |_| {
        community.with(|c| {
            c.as_ref()
                .map_or(BEIJING_OFFSET_MINUTES, |c| c.utc_offset_minutes)
        })
    });
    let now = RwSignal::new(documents::now());
    if let Ok(h) = set_interval_with_handle(
        move || now.set(documents::now()),
        std::time::Duration::from_secs(15),
    ) {
        on_cleanup(move || h.clear());
    }
    let today = Memo::new(move |_| Day::of(now.get(), offset.get()));
    let mine = Mine {
        me,
        community,
        offset,
        now,
        today,
    };
    let query = use_query_map();
    let tab = Memo::new(move |_| query.with(|q| Tab::parse(q.get("tab").as_deref())));
    let present = Memo::new(move |_| me.with(Option::is_some));
    let fallback_name = session.name.clone();
    let name = move || {
        me.with(|v| v.as_ref().map(|v| v.profile.name.clone()))
            .unwrap_or_else(|| fallback_name.clone())
    };
    let tab_label = move |t: Tab| {
        match t {
            Tab::Shifts => t_string!(i18n, me_tab_shifts),
            Tab::Hours => t_string!(i18n, me_tab_hours),
            Tab::Training => t_string!(i18n, me_tab_training),
            Tab::Profile => t_string!(i18n, me_tab_profile),
            Tab::Feedback => t_string!(i18n, me_tab_feedback),
        }
        .to_string()
    };
    view! {
        <section class="card me-head">
            <h1>{t!(i18n, me_title)}</h1>
            <p class="muted me-name" data-me-name>{name}</p>
            <nav class="me-tabs" aria-label=move || t_string!(i18n, me_title).to_string()>
                {Tab::ALL
                    .into_iter()
                    .map(|t| {
                        view! {
                            <a
                                class="me-tab"
                                href=format!("/me?tab={}", t.code())
                                data-tab=t.code()
                                aria-current=move || (tab.get() == t).then_some("page")
                            >
                                {move || tab_label(t)}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
        </section>
        <OverCap mine />
        {move || {
            if !present.get() {
                return view! {
                    <section class="card">
                        <p class="notice" data-me-missing>{t!(i18n, me_missing)}</p>
                    </section>
                }
                    .into_any();
            }
            match tab.get() {
                Tab::Shifts => view! { <ShiftsTab mine /> }.into_any(),
                Tab::Hours => view! { <HoursTab mine /> }.into_any(),
                Tab::Training => view! { <TrainingTab mine /> }.into_any(),
                Tab::Profile => view! { <ProfileTab mine /> }.into_any(),
                Tab::Feedback => view! { <FeedbackTab mine /> }.into_any(),
            }
        }}
    }
    .into_any()
}

/// Days of the last two weeks over 8 hours, newest first: on every tab, as
/// the check-ins on the document give them (two phones merged included).
#[component]
fn OverCap(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let over = Memo::new(move |_| {
        let (today, offset) = (mine.today.get(), mine.offset.get());
        mine.me.with(|v| {
            let Some(v) = v else { return Vec::new() };
            let mut days: Vec<(Day, i64)> = v
                .hours(offset)
                .into_iter()
                .filter(|h| h.excess_minutes > 0 && h.day <= today)
                .filter(|h| today.0 - h.day.0 < RECENT_DAYS)
                .map(|h| (h.day, h.minutes))
                .collect();
            days.reverse();
            days
        })
    });
    move || {
        let today = mine.today.get();
        let en = labels::english();
        over.get()
            .into_iter()
            .map(|(day, minutes)| {
                let h = service_report::hours(minutes);
                let text = if day == today {
                    crate::fill(t_string!(i18n, me_over_cap_today), &[("h", h)])
                } else {
                    crate::fill(
                        t_string!(i18n, me_over_cap_day),
                        &[("h", h), ("day", date_words(day, en))],
                    )
                };
                view! {
                    <p class="me-over-cap" role="alert" data-over-day=day.iso() data-minutes=minutes.to_string()>
                        {text}
                    </p>
                }
            })
            .collect_view()
    }
}

/// The session the volunteer is checked in on, if any.
#[derive(Clone, Debug, PartialEq)]
struct OnDuty {
    start: Millis,
    /// The shift its check-in named ("" for ad-hoc service).
    shift: String,
    /// That shift's post title, when known.
    post: Option<String>,
}

/// What the last check-out on this screen gave.
#[derive(Clone, Debug, PartialEq)]
struct CheckedOut {
    at: Millis,
    session_minutes: i64,
    today_minutes: i64,
}

fn shift_view(c: Option<&Community>, id: &str, s: &volunteer::Shift) -> ShiftView {
    let post = c.and_then(|c| c.posts.get(&s.post));
    ShiftView {
        id: id.to_owned(),
        post: post.map(|p| p.title.clone()),
        category: post.map(|p| p.category),
        building: post
            .and_then(|p| p.building.as_deref())
            .map(|b| documents::building_name(c, b)),
        start: s.start,
        end: s.end,
    }
}

/// "2 小时 10 分" / "2 h 10 min".
fn elapsed(minutes: i64, en: bool) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, en) {
        // No-break spaces: "45 分" never ends up alone on a line.
        (0, false) => format!("{m}\u{a0}分钟"),
        (0, true) => format!("{m}\u{a0}min"),
        (_, false) => format!("{h}\u{a0}小时\u{a0}{m}\u{a0}分"),
        (_, true) => format!("{h}\u{a0}h\u{a0}{m}\u{a0}min"),
    }
}

#[component]
fn ShiftsTab(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let doc = repo.session().volunteer_document();
    let on_duty = Memo::new(move |_| {
        mine.me.with(|v| {
            let v = v.as_ref()?;
            let open = service_hours::sessions(&v.attendance)
                .pop()
                .filter(|s| s.end.is_none())?;
            let shift = v
                .attendance
                .iter()
                .filter(|a| a.action == AttendanceAction::CheckIn && a.at == open.start)
                .map(|a| a.shift.clone())
                .find(|s| !s.is_empty())
                .unwrap_or_default();
            let post = v.shifts.get(&shift).and_then(|s| {
                mine.community
                    .with(|c| c.as_ref()?.posts.get(&s.post).map(|p| p.title.clone()))
            });
            Some(OnDuty {
                start: open.start,
                shift,
                post,
            })
        })
    });
    // Shifts from today on (today's finished ones too), in start order.
    let shifts = Memo::new(move |_| {
        let start_of_today = mine.today.get().start(mine.offset.get());
        mine.me.with(|v| {
            mine.community.with(|c| {
                v.as_ref()
                    .map(|v| {
                        v.active_shifts()
                            .into_iter()
                            .filter(|(_, s)| s.end > start_of_today)
                            .map(|(id, s)| shift_view(c.as_ref(), id, s))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    });
    let current = Memo::new(move |_| {
        let now = mine.now.get();
        shifts.with(|all| {
            all.iter()
                .find(|s| s.start - 60 * MINUTE <= now && now < s.end)
                .cloned()
        })
    });
    // The checklist is open for this shift ("" for ad-hoc service).
    let checking = RwSignal::new(None::<String>);
    let checked_out = RwSignal::new(None::<CheckedOut>);
    let error = RwSignal::new(None::<String>);

    let check_in = {
        let repo = repo.clone();
        move |shift: String| {
            let at = documents::now();
            let offset = mine.offset.get_untracked();
            let result = repo.change(&doc, |d, actor| {
                volunteer::attend(
                    d,
                    actor,
                    at,
                    AttendanceAction::CheckIn,
                    &shift,
                    true,
                    offset,
                )
            });
            match result {
                Ok(_) => {
                    checking.set(None);
                    checked_out.set(None);
                    error.set(None);
                    mine.now.set(at);
                }
                Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
            }
        }
    };
    let check_out = {
        let repo = repo.clone();
        move |_| {
            let Some(duty) = on_duty.get_untracked() else {
                return;
            };
            let at = documents::now();
            let offset = mine.offset.get_untracked();
            let result = repo.change(&doc, |d, actor| {
                volunteer::attend(
                    d,
                    actor,
                    at,
                    AttendanceAction::CheckOut,
                    &duty.shift,
                    false,
                    offset,
                )
            });
            match result {
                Ok(days) => {
                    let today = Day::of(at, offset);
                    checked_out.set(Some(CheckedOut {
                        at,
                        session_minutes: (at - duty.start).max(0) / MINUTE,
                        today_minutes: days
                            .iter()
                            .find(|h| h.day == today)
                            .map_or(0, |h| h.minutes),
                    }));
                    error.set(None);
                    mine.now.set(at);
                }
                Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
            }
        }
    };
    let purpose = Signal::derive(move || {
        let Some(shift) = checking.get() else {
            return String::new();
        };
        let en = labels::english();
        let offset = mine.offset.get();
        shifts
            .with(|all| all.iter().find(|s| s.id == shift).cloned())
            .map(|s| {
                format!(
                    "{} · {}",
                    s.post
                        .unwrap_or_else(|| t_string!(i18n, me_post_unknown).to_string()),
                    span(s.start, s.end, offset, en)
                )
            })
            .unwrap_or_else(|| t_string!(i18n, me_adhoc).to_string())
    });
    let on_confirm = {
        let check_in = check_in.clone();
        Callback::new(move |()| {
            if let Some(shift) = checking.get_untracked() {
                check_in(shift);
            }
        })
    };
    let on_cancel = Callback::new(move |()| checking.set(None));

    // Every listed shift with its phase: the lists re-render when a phase
    // changes, not at every tick of the clock (a tap is never lost to it).
    let listed = Memo::new(move |_| {
        let now = mine.now.get();
        let duty = on_duty.with(|d| d.as_ref().map(|d| d.shift.clone()));
        shifts
            .get()
            .into_iter()
            .map(|s| {
                let phase = if duty.as_deref() == Some(s.id.as_str()) {
                    ShiftPhase::CheckedIn
                } else {
                    ShiftPhase::at(s.start, s.end, now)
                };
                (s, phase)
            })
            .collect::<Vec<_>>()
    });
    let card = move |s: ShiftView, phase: ShiftPhase, button: bool| {
        let (offset, today) = (mine.offset.get(), mine.today.get());
        let id = s.id.clone();
        let offer = button && on_duty.with(Option::is_none) && checking.with(Option::is_none);
        view! {
            <ShiftCard shift=s phase offset today>
                {offer.then(|| view! {
                    <button
                        class="button button-primary button-block me-big"
                        type="button"
                        data-action="check-in"
                        on:click=move |_| {
                            error.set(None);
                            checking.set(Some(id.clone()));
                        }
                    >
                        {t!(i18n, me_check_in)}
                    </button>
                })}
            </ShiftCard>
        }
    };
    let later = move |today_only: bool| {
        let (offset, today) = (mine.offset.get(), mine.today.get());
        let current_id = current.with(|c| c.as_ref().map(|c| c.id.clone()));
        listed
            .get()
            .into_iter()
            .filter(|(s, _)| Some(&s.id) != current_id.as_ref())
            .filter(|(s, _)| (Day::of(s.start, offset) <= today) == today_only)
            .collect::<Vec<_>>()
    };
    // The shift on now, unless the volunteer is checked in on it (the
    // on-duty card says so then).
    let now_card = Memo::new(move |_| {
        let id = current.with(|c| c.as_ref().map(|c| c.id.clone()))?;
        if on_duty.with(|d| d.as_ref().is_some_and(|d| d.shift == id)) {
            return None;
        }
        listed.with(|all| all.iter().find(|(s, _)| s.id == id).cloned())
    });

    view! {
        {move || on_duty.get().map(|duty| {
            let start = duty.start;
            let minutes = move || (mine.now.get() - start).max(0) / MINUTE;
            let since = move || {
                let en = labels::english();
                crate::fill(
                    t_string!(i18n, me_checked_in_since),
                    &[
                        ("time", moment(start, mine.today.get(), mine.offset.get(), en)),
                        ("elapsed", elapsed(minutes(), en)),
                    ],
                )
            };
            // The shift's day, time, category and building, when it is one.
            let shift = duty.shift.clone();
            let shift_line = move || {
                let en = labels::english();
                let (offset, today) = (mine.offset.get(), mine.today.get());
                shifts
                    .with(|all| all.iter().find(|s| s.id == shift).cloned())
                    .map(|s| {
                        let day = day_words(Day::of(s.start, offset), today, en);
                        let mut parts = vec![format!("{day} {}", span(s.start, s.end, offset, en))];
                        if let Some(c) = s.category {
                            parts.push(labels::service_category(c, en).to_owned());
                        }
                        parts.extend(s.building);
                        view! { <p class="muted me-duty-shift" data-duty-span>{parts.join(" · ")}</p> }
                    })
            };
            let what = move || {
                duty.post.clone().unwrap_or_else(|| {
                    if duty.shift.is_empty() {
                        t_string!(i18n, me_adhoc).to_string()
                    } else {
                        t_string!(i18n, me_post_unknown).to_string()
                    }
                })
            };
            view! {
                <section class="card me-on-duty" data-checked-in="true" data-since=move || clock(start, mine.offset.get())>
                    <h2>{what}</h2>
                    {shift_line}
                    <p class="me-since" data-elapsed=move || minutes().to_string()>{since}</p>
                    <button
                        class="button button-primary button-block me-big"
                        type="button"
                        data-action="check-out"
                        on:click=check_out.clone()
                    >
                        {t!(i18n, me_check_out)}
                    </button>
                </section>
            }
        })}
        {move || checked_out.get().map(|o| {
            let en = labels::english();
            let text = crate::fill(
                t_string!(i18n, me_checked_out),
                &[
                    ("time", clock(o.at, mine.offset.get())),
                    ("session", labels::hours(o.session_minutes, en)),
                    ("today", labels::hours(o.today_minutes, en)),
                ],
            );
            view! {
                <p class="me-checked-out" role="status" data-day-total=o.today_minutes.to_string()>{text}</p>
            }
        })}
        {move || error.get().map(|e| view! { <p class="error sticky-error" role="alert" data-error="attendance">{e}</p> })}
        <Show when=move || checking.with(Option::is_some)>
            <PpeChecklist purpose on_confirm on_cancel />
        </Show>
        {move || now_card.get().map(|(s, phase)| view! {
            <section class="card me-now">
                <h2>{t!(i18n, me_now_title)}</h2>
                <ul class="list">{card(s, phase, true)}</ul>
            </section>
        })}
        <section class="card me-today">
            <h2>{t!(i18n, me_today_title)}</h2>
            {move || {
                let today = later(true);
                if today.is_empty() {
                    let none = if current.with(Option::is_some) {
                        t_string!(i18n, me_no_more_today)
                    } else {
                        t_string!(i18n, me_no_shifts_today)
                    };
                    view! { <p class="muted" data-shifts="none">{none}</p> }.into_any()
                } else {
                    view! { <ul class="list me-shifts">{today.into_iter().map(|(s, phase)| card(s, phase, false)).collect_view()}</ul> }.into_any()
                }
            }}
        </section>
        <section class="card me-upcoming">
            <h2>{t!(i18n, me_upcoming_title)}</h2>
            {move || {
                let coming = later(false);
                if coming.is_empty() {
                    view! { <p class="muted">{t!(i18n, me_no_upcoming)}</p> }.into_any()
                } else {
                    view! { <ul class="list me-shifts">{coming.into_iter().map(|(s, phase)| card(s, phase, false)).collect_view()}</ul> }.into_any()
                }
            }}
        </section>
        <Show when=move || on_duty.with(Option::is_none) && checking.with(Option::is_none)>
            <section class="card me-adhoc">
                <h2>{t!(i18n, me_adhoc)}</h2>
                <p class="muted">{t!(i18n, me_adhoc_explain)}</p>
                <button
                    class="button button-block"
                    type="button"
                    data-action="check-in-adhoc"
                    on:click=move |_| {
                        error.set(None);
                        checking.set(Some(String::new()));
                    }
                >
                    {t!(i18n, me_check_in_adhoc)}
                </button>
            </section>
        </Show>
        <p class="muted me-offline-hint">{t!(i18n, me_offline_ok)}</p>
    }
}

/// The hours tab's figures.
#[derive(Clone, Debug, PartialEq)]
struct Summary {
    /// Days of the last two weeks with service, newest first: the day, its
    /// minutes, whether staff confirmed exactly those.
    recent: Vec<(Day, i64, bool)>,
    recent_minutes: i64,
    total_minutes: i64,
    confirmed_minutes: i64,
    /// Checked in now: that session counts once it is closed.
    on_duty: bool,
}

#[component]
fn HoursTab(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let summary = Memo::new(move |_| {
        let (today, offset) = (mine.today.get(), mine.offset.get());
        mine.me.with(|v| {
            let v = v.as_ref()?;
            let days: Vec<(Day, i64, bool)> = v
                .hours(offset)
                .into_iter()
                .filter(|h| h.minutes > 0)
                .map(|h| {
                    (
                        h.day,
                        h.minutes,
                        v.confirmed_minutes(h.day) == Some(h.minutes),
                    )
                })
                .collect();
            let recent: Vec<_> = days
                .iter()
                .rev()
                .filter(|(d, _, _)| *d <= today && today.0 - d.0 < RECENT_DAYS)
                .copied()
                .collect();
            Some(Summary {
                recent_minutes: recent.iter().map(|(_, m, _)| m).sum(),
                recent,
                total_minutes: days.iter().map(|(_, m, _)| m).sum(),
                confirmed_minutes: days.iter().filter(|(_, _, c)| *c).map(|(_, m, _)| m).sum(),
                on_duty: service_hours::sessions(&v.attendance)
                    .last()
                    .is_some_and(|s| s.end.is_none()),
            })
        })
    });
    view! {
        <section class="card me-hours">
            <h2>{t!(i18n, me_hours_title)}</h2>
            <p class="muted">{t!(i18n, me_hours_explain)}</p>
            {move || summary.get().map(|s| {
                let en = labels::english();
                let today = mine.today.get();
                view! {
                    <div class="figures me-figures">
                        <div class="figure" data-total-minutes=s.total_minutes.to_string()>
                            <span class="n">{service_report::hours(s.total_minutes)}</span>
                            <span>{t!(i18n, me_hours_total)}</span>
                        </div>
                        <div class="figure" data-confirmed-minutes=s.confirmed_minutes.to_string()>
                            <span class="n">{service_report::hours(s.confirmed_minutes)}</span>
                            <span>{t!(i18n, me_hours_confirmed_total)}</span>
                        </div>
                        <div class="figure" data-recent-minutes=s.recent_minutes.to_string()>
                            <span class="n">{service_report::hours(s.recent_minutes)}</span>
                            <span>{t!(i18n, me_hours_recent)}</span>
                        </div>
                    </div>
                    {s.on_duty.then(|| view! { <p class="hint" data-on-duty>{t!(i18n, me_hours_open)}</p> })}
                    {if s.recent.is_empty() {
                        view! { <p class="muted" data-days="none">{t!(i18n, me_hours_none)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list me-days">
                                {s.recent.into_iter().map(|(day, minutes, confirmed)| {
                                    let relative = (today.0 - day.0 <= 1).then(|| day_words(day, today, en));
                                    view! {
                                        <li class="list-item me-day" data-day=day.iso() data-minutes=minutes.to_string() data-confirmed=confirmed.to_string()>
                                            <div class="me-day-head">
                                                <span class="title">
                                                    {date_words(day, en)}
                                                    {relative.map(|r| view! { <span class="muted">" · "{r}</span> })}
                                                </span>
                                                <strong class="me-day-hours">{labels::hours(minutes, en)}</strong>
                                            </div>
                                            <div class="me-day-flags">
                                                {if confirmed {
                                                    view! { <span class="badge badge-done">{t!(i18n, me_confirmed)}</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge badge-waiting">{t!(i18n, me_unconfirmed)}</span> }.into_any()
                                                }}
                                                {(minutes > DAILY_CAP_MINUTES).then(|| view! { <span class="flag" data-over-cap>{t!(i18n, me_over_cap_badge)}</span> })}
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
        </section>
    }
}

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
fn TrainingTab(mine: Mine) -> impl IntoView {
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
                .map(|p| {
                    if en {
                        format!("“{p}”")
                    } else {
                        format!("「{p}」")
                    }
                })
                .collect::<Vec<_>>()
                .join(if en { ", " } else { "、" });
            crate::fill(t_string!(i18n, me_course_needed), &[("posts", posts)])
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
                        {crate::fill(t_string!(i18n, me_training_progress), &[("passed", passed.to_string()), ("total", total.to_string())])}
                    </p>
                })
            }}
            {move || (missing.get() > 0).then(|| view! {
                <p class="notice me-training-missing" data-missing=missing.get().to_string()>
                    {crate::fill(t_string!(i18n, me_training_missing), &[("n", missing.get().to_string())])}
                </p>
            })}
            {move || mine.community.with(Option::is_none).then(|| view! { <p class="notice">{t!(i18n, community_not_here)}</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
        {move || groups().into_iter().map(|(key, title, kind, rows)| {
            let open = expanded.with(|e| e.contains(&key));
            let passed = rows.iter().filter(|r| r.state == TrainingState::Passed).count();
            let count = crate::fill(
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

#[component]
fn ProfileTab(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let doc = repo.session().volunteer_document();
    let draft = ProfileDraft::new(false);
    // The form starts from what is stored, once; a later change from staff's
    // phone does not overwrite what is being typed.
    let filled = RwSignal::new(false);
    Effect::new(move |_| {
        if filled.get_untracked() {
            return;
        }
        if let Some(p) = mine.me.with(|v| v.as_ref().map(|v| v.profile.clone())) {
            draft.fill(&p);
            filled.set(true);
        }
    });
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<bool>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(None);
        error.set(None);
        let Some(reg) = draft.checked() else {
            return;
        };
        let stored = mine
            .me
            .with_untracked(|v| v.as_ref().map(|v| v.profile.clone()));
        let unchanged = stored.as_ref().is_some_and(|p| {
            p.name == reg.name
                && p.phone == reg.phone
                && p.source == reg.source
                && p.skills() == reg.skills
                && p.availability == reg.availability
        });
        if unchanged {
            saved.set(Some(false));
            return;
        }
        let at = documents::now();
        let renamed = stored.is_some_and(|p| p.name != reg.name);
        let result = repo
            .change(&doc, |d, actor| volunteer::edit_profile(d, actor, at, &reg))
            .and_then(|()| {
                // The roster (what staff and leads assign from) shows the new
                // name too, once staff have put the person on it.
                if !renamed {
                    return Ok(());
                }
                let community = repo.session().community_document();
                match repo.change(&community, |d, actor| {
                    community::rename_self(d, actor, at, &reg.name)
                }) {
                    Err(linli_shared::model::ModelError::NotFound { .. }) => Ok(()),
                    other => other,
                }
            });
        match result {
            Ok(()) => saved.set(Some(true)),
            Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
        }
    };
    let credentials = move || {
        mine.me.with(|v| {
            v.as_ref().map(|v| {
                (
                    v.profile.platform_registered,
                    v.profile.agreement_signed_on.clone(),
                )
            })
        })
    };
    view! {
        <form class="card stack me-profile" on:submit=save novalidate>
            <h2>{t!(i18n, me_profile_title)}</h2>
            <ProfileFields draft=draft prefix="me" />
            <button class="button button-primary button-block" type="submit" data-action="save-profile">
                {t!(i18n, me_save)}
            </button>
            {move || saved.get().map(|changed| view! {
                <p class="me-saved" role="status" data-saved=changed.to_string()>
                    {if changed { t_string!(i18n, me_saved) } else { t_string!(i18n, me_unchanged) }}
                </p>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-error="form">{e}</p> })}
        </form>
        <section class="card me-credentials">
            <h2>{t!(i18n, me_credentials_title)}</h2>
            <p class="muted">{t!(i18n, me_credentials_explain)}</p>
            {move || credentials().map(|(registered, agreement)| {
                let signed = agreement.is_some().to_string();
                view! {
                <dl class="facts">
                    <dt>{t!(i18n, me_insurance)}</dt>
                    <dd data-fact="insurance" data-on=registered.to_string()>
                        {if registered { t_string!(i18n, me_registered) } else { t_string!(i18n, me_not_registered) }}
                    </dd>
                    <dt>{t!(i18n, me_agreement)}</dt>
                    <dd data-fact="agreement" data-on=signed>
                        {match agreement {
                            Some(day) => crate::fill(t_string!(i18n, me_agreement_signed), &[("day", day)]),
                            None => t_string!(i18n, me_agreement_none).to_string(),
                        }}
                    </dd>
                </dl>
                }
            })}
        </section>
    }
}

#[component]
fn FeedbackTab(mine: Mine) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let doc = repo.session().volunteer_document();
    let kind = RwSignal::new(FeedbackKind::Feedback);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(false);
    let count = Memo::new(move |_| text.with(|t| t.chars().count()));
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(false);
        let body = text.get_untracked();
        if body.trim().is_empty() {
            error.set(Some(t_string!(i18n, me_feedback_error_empty).to_string()));
            return;
        }
        if body.trim().chars().count() > FEEDBACK_MAX {
            error.set(Some(t_string!(i18n, me_feedback_error_long).to_string()));
            return;
        }
        let (k, at) = (kind.get_untracked(), documents::now());
        match repo.change(&doc, |d, actor| {
            volunteer::give_feedback(d, actor, at, k, &body)
        }) {
            Ok(()) => {
                error.set(None);
                text.set(String::new());
                sent.set(true);
            }
            // What was typed stays in the box.
            Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
        }
    };
    let mine_sent = Memo::new(move |_| {
        mine.me.with(|v| {
            let mut all = v.as_ref().map(|v| v.feedback.clone()).unwrap_or_default();
            all.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
            all
        })
    });
    let kind_button = move |k: FeedbackKind| {
        view! {
            <button
                class="button"
                type="button"
                data-kind=k.as_str()
                aria-pressed=move || (kind.get() == k).to_string()
                on:click=move |_| kind.set(k)
            >
                {move || labels::feedback_kind(k, labels::english())}
            </button>
        }
    };
    view! {
        <form class="card stack me-feedback-form" on:submit=send novalidate>
            <h2>{t!(i18n, me_feedback_title)}</h2>
            <p class="muted">{t!(i18n, me_feedback_explain)}</p>
            <div class="toggle-row me-kinds" role="group" aria-label=move || t_string!(i18n, me_feedback_kind).to_string()>
                {kind_button(FeedbackKind::Feedback)}
                {kind_button(FeedbackKind::Suggestion)}
            </div>
            <label for="me-feedback">{t!(i18n, me_feedback_text)}</label>
            <textarea
                id="me-feedback"
                name="feedback"
                rows="5"
                maxlength=FEEDBACK_MAX.to_string()
                placeholder=move || t_string!(i18n, me_feedback_placeholder).to_string()
                aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    sent.set(false);
                }
            ></textarea>
            <p class="muted me-count" data-count=move || count.get().to_string()>
                {move || format!("{}/{FEEDBACK_MAX}", count.get())}
            </p>
            {move || error.get().map(|e| view! { <p class="error field-error" role="alert" data-error="feedback">{e}</p> })}
            <button class="button button-primary button-block" type="submit" data-action="send-feedback">
                {t!(i18n, me_feedback_send)}
            </button>
            {move || sent.get().then(|| view! { <p class="me-saved" role="status" data-sent>{t!(i18n, me_feedback_sent)}</p> })}
        </form>
        <section class="card">
            <h2>{t!(i18n, me_feedback_mine)}</h2>
            {move || {
                let all = mine_sent.get();
                if all.is_empty() {
                    return view! { <p class="muted" data-feedback="none">{t!(i18n, me_feedback_none)}</p> }.into_any();
                }
                let en = labels::english();
                let (today, offset) = (mine.today.get(), mine.offset.get());
                view! {
                    <ul class="list me-feedback-list">
                        {all.into_iter().map(|f| view! {
                            <li class="list-item me-feedback-item" data-feedback=f.id.clone() data-kind=f.kind.as_str()>
                                <div class="me-feedback-head">
                                    <span class="badge">{labels::feedback_kind(f.kind, en)}</span>
                                    <span class="muted">{moment(f.at, today, offset, en)}</span>
                                </div>
                                <p class="me-feedback-text">{f.text.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}
