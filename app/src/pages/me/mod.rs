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

mod feedback;
mod hours;
mod mine;
mod profile;
mod shifts;
mod training;

use feedback::FeedbackTab;
use hours::HoursTab;
use mine::{Mine, RECENT_DAYS};
use profile::ProfileTab;
use shifts::ShiftsTab;
use training::TrainingTab;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use linli_shared::model::{
    Role,
    civil::{BEIJING_OFFSET_MINUTES, Day},
    service_report,
};

use crate::{
    components::shift_card::date_words, context::use_repo, documents, i18n::*, text::labels,
};

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
                    crate::text::fill(t_string!(i18n, me_over_cap_today), &[("h", h)])
                } else {
                    crate::text::fill(
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
