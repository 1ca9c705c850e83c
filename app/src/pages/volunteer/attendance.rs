//! Check-ins by day, hours with staff confirmation, and staff checking the
//! volunteer in or out (someone without a working phone).

use leptos::prelude::*;
use linli_shared::{
    model::{
        civil::{Day, clock},
        service_hours::{self, DayHours, Session},
        volunteer::{self, AttendanceAction, Volunteer},
    },
    vocabulary::DocumentId,
};

use super::card::{Refusal, offset_of, refusal_view, run};
use crate::{
    components::{
        ppe_checklist::PpeChecklist,
        schedule_form::{day_label, span},
    },
    context::use_repo,
    documents,
    i18n::*,
    text::labels,
};

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
pub(super) fn Attendance(
    doc: DocumentId,
    vol: Memo<Option<Volunteer>>,
    staff: bool,
) -> impl IntoView {
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
        crate::text::fill(
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
                            crate::text::fill(t_string!(i18n, vol_on_duty_since), &[("when", when)])
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
                        {crate::text::fill(
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
                                    Some(m) => crate::text::fill(t_string!(i18n, vol_hours_changed), &[("hours", labels::hours(m, en))]),
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
                                                    {crate::text::fill(t_string!(i18n, vol_hours_over), &[("hours", labels::hours(h.excess_minutes, en))])}
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
