//! 排班: today's and coming shifts, the one running now on top with a big 签到
//! (which opens the protective-equipment checklist), since when and for how long while
//! checked in, 签退, and a check-in without a shift (临时服务).

use leptos::prelude::*;
use linli_shared::model::{
    civil::{Day, MINUTE, Millis, clock},
    community::Community,
    service_hours::{self},
    volunteer::{self, AttendanceAction},
};

use super::mine::Mine;
use crate::{
    components::{
        PpeChecklist, ShiftCard,
        shift_card::{ShiftPhase, ShiftView, day_words, moment, span},
    },
    context::use_repo,
    documents,
    i18n::*,
    text::labels,
    text::refusals,
};

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
    // No-break spaces: "45 分" never ends up alone on a line.
    labels::duration(minutes, en).replace(' ', "\u{a0}")
}

#[component]
pub(super) fn ShiftsTab(mine: Mine) -> impl IntoView {
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
                crate::text::fill(
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
            let text = crate::text::fill(
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
