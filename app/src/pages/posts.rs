//! 岗位与区域: each building's zone (封控区 / 管控区 / 防范区, from a day)
//! with the guideline's recommended service categories for it and whether a
//! post covers each; then every open post with its shift pattern, headcount,
//! required courses and conditions, and how it is staffed on a chosen day
//! (names scheduled / headcount, the gap highlighted, the day's total gap).
//!
//! Staff set zones and create and edit posts (a missing recommended
//! category opens the new-post form with it chosen); building leads read.
//! Zone decisions are appended to the building's history on the community
//! document, so they work offline and two staff deciding at once both stay
//! on record ([`Building::current_zone`] picks the same one everywhere).
//!
//! Staffing counts the volunteers whose documents this phone holds
//! ([`documents::team`]): every volunteer on a staff phone, the building's own
//! on a lead's phone (said on the screen).

use leptos::prelude::*;
use linli_shared::model::{
    ModelError, Role,
    catalogue::{ServiceCategory, Zone},
    civil::Day,
    community::{self, Building, Community, Post},
    staffing::{self, PostStaffing},
};

use crate::{context::use_repo, documents, i18n::*, repo::Repo, text::labels, text::refusals};

use crate::text::{
    courses::course_title,
    when::{day_text, shift_text},
};

#[component]
pub fn PostsPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return view! { <p>{t!(i18n, not_joined_short)}</p> }.into_any();
    };
    let role = repo.session().role;
    if role == Role::Volunteer {
        return view! {
            <section class="card">
                <h1>{t!(i18n, posts_title)}</h1>
                <p class="notice" data-posts="not-for-volunteers">{t!(i18n, posts_not_for_volunteers)}</p>
                <a class="button button-block button-quiet" href="/training">{t!(i18n, posts_to_training)}</a>
            </section>
        }
        .into_any();
    }
    let staff = role == Role::Staff;
    let community = documents::community(&repo);
    let buildings = Memo::new(move |_| community.with(|c| documents::buildings(c.as_ref())));
    view! {
        <p><a class="back" href="/">{t!(i18n, posts_back)}</a></p>
        <section class="card">
            <h1>{t!(i18n, posts_title)}</h1>
            <p class="muted">{if staff { t!(i18n, posts_explain_staff).into_any() } else { t!(i18n, posts_explain_lead).into_any() }}</p>
            <Show when=move || community.with(Option::is_none)>
                <p class="notice">{t!(i18n, community_not_here)}</p>
            </Show>
        </section>
        <section class="card zones">
            <h2>{t!(i18n, zones_title)}</h2>
            <p class="muted">{t!(i18n, zones_explain)}</p>
            <Show
                when=move || !buildings.with(Vec::is_empty)
                fallback=move || view! { <p class="muted" data-zones="none">{t!(i18n, zones_no_buildings)}</p> }
            >
                <ul class="list">
                    <For
                        each=move || buildings.get()
                        key=|(id, _)| id.clone()
                        children=move |(id, _)| view! { <BuildingZone building=id staff /> }
                    />
                </ul>
            </Show>
        </section>
        <PostsSection repo=repo.clone() staff />
    }
    .into_any()
}

/// One building: the zone in force today (and a decision taking effect
/// later), the recommended categories for it, and the staff's form.
#[component]
fn BuildingZone(building: String, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let b = building.clone();
    let record: Memo<Option<Building>> = Memo::new(move |_| {
        community.with(|c| c.as_ref().and_then(|c| c.buildings.get(&b).cloned()))
    });
    let today = Memo::new(move |_| community.with(|c| documents::today(c.as_ref())));
    let b = building.clone();
    let recommended = Memo::new(move |_| {
        community.with(|c| {
            c.as_ref()
                .map(|c| c.recommendations(&b))
                .unwrap_or_default()
        })
    });
    let name = move || record.with(|r| r.as_ref().map(|r| r.name.clone()).unwrap_or_default());
    let in_force = move || {
        record.with(|r| {
            r.as_ref()
                .and_then(|r| r.zone_on(today.get()))
                .map(|z| (z.zone, z.since.clone()))
        })
    };
    // The latest decision when it takes effect after today.
    let upcoming = move || {
        record.with(|r| {
            let r = r.as_ref()?;
            let latest = r.current_zone()?;
            let later = Day::parse(&latest.since).is_some_and(|d| d > today.get());
            later.then(|| (latest.zone, latest.since.clone()))
        })
    };
    let zone_code = move || in_force().map(|(z, _)| z.as_str()).unwrap_or("none");
    let open = RwSignal::new(false);
    let id = building.clone();
    view! {
        <li class="list-item zone-building" data-zone-building=id data-zone=zone_code>
            <div class="posts-head">
                <span class="title">{name}</span>
                {move || {
                    let en = labels::english();
                    match in_force() {
                        Some((z, _)) => view! {
                            <span class=format!("badge zone-badge zone-{}", z.as_str())>{labels::zone(z, en)}</span>
                        }
                        .into_any(),
                        None => view! { <span class="badge">{t!(i18n, zones_unset)}</span> }.into_any(),
                    }
                }}
            </div>
            {move || {
                let en = labels::english();
                (
                    in_force().map(|(_, since)| {
                        let text = crate::text::fill(t_string!(i18n, zones_since), &[("day", since.clone())]);
                        view! { <p class="meta" data-zone-since=since>{text}</p> }
                    }),
                    upcoming().map(|(z, since)| view! {
                        <p class="meta zone-upcoming" data-zone-upcoming=z.as_str()>
                            {crate::text::fill(
                                t_string!(i18n, zones_upcoming),
                                &[("day", since), ("zone", labels::zone(z, en).to_owned())],
                            )}
                        </p>
                    }),
                )
            }}
            <Show when=move || !recommended.with(Vec::is_empty)>
                <p class="meta">{t!(i18n, zones_recommended)}</p>
                <ul class="posts-recommend">
                    {move || {
                        let en = labels::english();
                        recommended
                            .get()
                            .into_iter()
                            .map(|(c, staffed)| recommendation(i18n, c, staffed, staff, en))
                            .collect_view()
                    }}
                </ul>
            </Show>
            {staff.then(|| view! {
                <Show
                    when=move || open.get()
                    fallback=move || view! {
                        <button
                            class="button button-quiet button-block"
                            type="button"
                            data-action="open-zone-form"
                            on:click=move |_| open.set(true)
                        >
                            {t!(i18n, zones_change)}
                        </button>
                    }
                >
                    <ZoneForm building=building.clone() open />
                </Show>
            })}
        </li>
    }
}

/// A recommended category: a plain line when a post covers it; a link to the
/// new-post form with the category chosen when it is missing (staff).
fn recommendation(
    i18n: leptos_i18n::I18nContext<Locale>,
    c: ServiceCategory,
    staffed: bool,
    staff: bool,
    en: bool,
) -> AnyView {
    let label = labels::service_category(c, en);
    let status = if staffed {
        t_string!(i18n, zones_staffed).to_string()
    } else {
        t_string!(i18n, zones_missing).to_string()
    };
    let badge = if staffed {
        "badge badge-done"
    } else {
        "badge badge-missing"
    };
    if !staffed && staff {
        view! {
            <li>
                <a
                    class="posts-recommend-item posts-recommend-missing"
                    href=format!("/posts/new?category={}", c.as_str())
                    data-recommend=c.as_str()
                    data-staffed="false"
                    data-action="new-post-from-recommendation"
                >
                    <span>{label}</span>
                    <span class=badge>{status}</span>
                    <span class="posts-recommend-add" aria-hidden="true">"＋"</span>
                </a>
            </li>
        }
        .into_any()
    } else {
        view! {
            <li>
                <span class="posts-recommend-item" data-recommend=c.as_str() data-staffed=staffed.to_string()>
                    <span>{label}</span>
                    <span class=badge>{status}</span>
                </span>
            </li>
        }
        .into_any()
    }
}

/// Staff set a building's zone from a day (today unless changed).
#[component]
fn ZoneForm(building: String, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let community = documents::community(&repo);
    let b = building.clone();
    let current = community.with_untracked(|c| {
        c.as_ref()
            .and_then(|c| c.buildings.get(&b))
            .and_then(Building::current_zone)
            .map(|z| z.zone)
    });
    let zone = RwSignal::new(current.unwrap_or(Zone::Sealed));
    let since = RwSignal::new(
        community
            .with_untracked(|c| documents::today(c.as_ref()))
            .iso(),
    );
    let since_error = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let form_id = format!("zone-form-{building}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(day) = Day::parse(since.get_untracked().trim()) else {
            since_error.set(true);
            return;
        };
        since_error.set(false);
        let z = zone.get_untracked();
        let at = documents::now();
        let doc = repo.session().community_document();
        match repo.change(&doc, |d, actor| {
            community::set_zone(d, actor, at, &building, z, day)
        }) {
            Ok(()) => open.set(false),
            Err(ModelError::Missing(_)) => {
                error.set(Some(t_string!(i18n, community_not_here).to_string()))
            }
            Err(e) => error.set(Some(refusals::explain(&e, labels::english_untracked()))),
        }
    };
    let since_id = format!("{form_id}-since");
    view! {
        <form class="stack zone-form" on:submit=submit novalidate>
            <fieldset class="choices">
                <legend>{t!(i18n, zones_field_zone)}</legend>
                {move || {
                    let en = labels::english();
                    Zone::ALL
                        .iter()
                        .map(|z| {
                            let z = *z;
                            view! {
                                <label class="choice">
                                    <input
                                        type="radio"
                                        name="zone"
                                        value=z.as_str()
                                        prop:checked=move || zone.get() == z
                                        on:change=move |_| zone.set(z)
                                    />
                                    <span>{labels::zone(z, en)}</span>
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
            <label for=since_id.clone()>{t!(i18n, zones_field_since)}</label>
            <input
                id=since_id
                name="zone-since"
                type="date"
                aria-invalid=move || since_error.get().to_string()
                prop:value=move || since.get()
                on:input=move |ev| since.set(event_target_value(&ev))
            />
            {move || since_error.get().then(|| view! { <p class="error field-error" role="alert" data-error="zone-since">{t!(i18n, zones_error_since)}</p> })}
            <div class="button-row">
                <button class="button button-quiet" type="button" data-action="cancel-zone" on:click=move |_| open.set(false)>
                    {t!(i18n, zones_cancel)}
                </button>
                <button class="button button-primary" type="submit" data-action="set-zone">
                    {t!(i18n, zones_save)}
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </form>
    }
}

/// Open posts with their staffing on a chosen day.
#[component]
fn PostsSection(repo: Repo, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let community = documents::community(&repo);
    let team = documents::team(&repo, community);
    let chosen = RwSignal::new(None::<Day>);
    let today = Memo::new(move |_| community.with(|c| documents::today(c.as_ref())));
    let day = Memo::new(move |_| chosen.get().unwrap_or_else(|| today.get()));
    let staffing = Memo::new(move |_| {
        let d = day.get();
        community.with(|c| {
            c.as_ref()
                .map(|c| team.with(|t| staffing::on_day(c, t, d)))
                .unwrap_or_default()
        })
    });
    let total_gap = Memo::new(move |_| staffing.with(|s| s.iter().map(|p| p.gap).sum::<i64>()));
    let archived = Memo::new(move |_| {
        community.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.posts
                        .iter()
                        .filter(|(_, p)| p.archived)
                        .map(|(id, p)| (id.clone(), p.title.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let lead = repo.session().role == Role::Lead;
    let shift = move |by: i64| chosen.set(Some(Day(day.get_untracked().0 + by)));
    view! {
        <section class="card posts">
            <h2>{t!(i18n, posts_list_title)}</h2>
            {staff.then(|| view! {
                <a class="button button-primary button-block" href="/posts/new" data-action="new-post">
                    {t!(i18n, posts_new)}
                </a>
            })}
            <div class="posts-day" role="group" aria-label=move || t_string!(i18n, posts_day_label).to_string()>
                <button class="button button-quiet" type="button" data-action="previous-day" on:click=move |_| shift(-1)>
                    {t!(i18n, posts_previous_day)}
                </button>
                <p class="posts-day-text" data-day=move || day.get().iso()>
                    <span>{move || day_text(day.get(), labels::english())}</span>
                    {move || (day.get() == today.get()).then(|| view! { <span class="badge badge-done">{t!(i18n, posts_today)}</span> })}
                </p>
                <button class="button button-quiet" type="button" data-action="next-day" on:click=move |_| shift(1)>
                    {t!(i18n, posts_next_day)}
                </button>
            </div>
            <Show when=move || day.get() != today.get()>
                <button class="button button-quiet button-block" type="button" data-action="back-to-today" on:click=move |_| chosen.set(None)>
                    {t!(i18n, posts_back_to_today)}
                </button>
            </Show>
            <p class="posts-total" data-total-gap=move || total_gap.get() data-gap-positive=move || { (total_gap.get() > 0).to_string() }>
                {move || match (staffing.with(Vec::is_empty), total_gap.get()) {
                    (true, _) => t_string!(i18n, posts_none_open).to_string(),
                    (false, 0) => t_string!(i18n, posts_total_full).to_string(),
                    (false, n) => crate::text::fill(t_string!(i18n, posts_total_gap), &[("n", n.to_string())]),
                }}
            </p>
            {lead.then(|| view! { <p class="muted posts-hint">{t!(i18n, posts_lead_counts)}</p> })}
            <ul class="list posts-list">
                {move || {
                    let en = labels::english();
                    let rows = staffing.get();
                    community.with(|c| {
                        let Some(c) = c else { return Vec::new() };
                        rows.into_iter()
                            .filter_map(|s| {
                                let post = c.posts.get(&s.post)?.clone();
                                Some(post_item(i18n, c, post, s, staff, en))
                            })
                            .collect::<Vec<_>>()
                    })
                }}
            </ul>
            {staff.then(|| view! {
                <Show when=move || !archived.with(Vec::is_empty)>
                    <details class="fold posts-archived">
                        <summary>
                            {move || crate::text::fill(t_string!(i18n, posts_archived_title), &[("n", archived.with(Vec::len).to_string())])}
                        </summary>
                        <ul class="list">
                            {move || archived.get().into_iter().map(|(id, title)| view! {
                                <li>
                                    <a class="list-item" href=format!("/posts/{id}") data-archived-post=id.clone()>
                                        <span class="title">{title}</span>
                                        <span class="meta">{t!(i18n, posts_archived_open)}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    </details>
                </Show>
            })}
        </section>
    }
}

/// One open post: what it is, its conditions, and its staffing that day.
fn post_item(
    i18n: leptos_i18n::I18nContext<Locale>,
    c: &Community,
    post: Post,
    s: PostStaffing,
    staff: bool,
    en: bool,
) -> AnyView {
    let sep = labels::list_separator(en);
    let names = s
        .scheduled
        .iter()
        .map(|p| documents::person_name(Some(c), p))
        .collect::<Vec<_>>();
    let courses = post
        .required_courses
        .iter()
        .map(|id| course_title(Some(c), id, en))
        .collect::<Vec<_>>();
    let building = post
        .building
        .as_deref()
        .map(|b| documents::building_name(Some(c), b));
    let filled = crate::text::fill(
        t_string!(i18n, posts_filled),
        &[
            ("n", names.len().to_string()),
            ("headcount", post.headcount.to_string()),
        ],
    );
    let gap_text = if s.gap > 0 {
        crate::text::fill(t_string!(i18n, posts_gap), &[("n", s.gap.to_string())])
    } else {
        t_string!(i18n, posts_full).to_string()
    };
    let head = view! {
        <div class="posts-head">
            <span class="title" data-post-title=post.title.clone()>{post.title.clone()}</span>
            <span class="badge posts-category">{labels::service_category(post.category, en)}</span>
        </div>
        <p class="meta">
            <span data-shift>{shift_text(&post.shift_start, &post.shift_end, en)}</span>
            " · "
            {crate::text::fill(t_string!(i18n, posts_headcount), &[("n", post.headcount.to_string())])}
            {building.map(|b| view! { " · " <span>{b}</span> })}
        </p>
    };
    let courses_text = if courses.is_empty() {
        t_string!(i18n, posts_no_courses).to_string()
    } else {
        crate::text::fill(
            t_string!(i18n, posts_courses),
            &[("courses", courses.join(sep))],
        )
    };
    let course_count = post.required_courses.len();
    let conditions = view! {
        <div class="tags posts-conditions">
            {post.requires_insurance.then(|| view! { <span class="tag" data-requires="insurance">{t!(i18n, posts_requires_insurance)}</span> })}
            {post.requires_agreement.then(|| view! { <span class="tag" data-requires="agreement">{t!(i18n, posts_requires_agreement)}</span> })}
        </div>
        <p class="meta posts-courses" data-courses=course_count>{courses_text}</p>
    };
    let gap_class = if s.gap > 0 {
        "badge badge-missing posts-gap"
    } else {
        "badge badge-done posts-gap"
    };
    let staffing = view! {
        <div class="posts-staffing" data-gap=s.gap data-scheduled=names.len()>
            <p class="posts-staffing-line">
                <span class="posts-filled">{filled}</span>
                <span class=gap_class>
                    {gap_text}
                </span>
            </p>
            <p class="meta posts-names">
                {if names.is_empty() {
                    t_string!(i18n, posts_nobody).to_string()
                } else {
                    names.join(sep)
                }}
            </p>
        </div>
    };
    let id = s.post.clone();
    if staff {
        view! {
            <li class="posts-item" data-post=id.clone() data-gap=s.gap>
                <a class="list-item" href=format!("/posts/{id}") data-action="edit-post">
                    {head}
                    {conditions}
                    {staffing}
                </a>
            </li>
        }
        .into_any()
    } else {
        view! {
            <li class="posts-item" data-post=id data-gap=s.gap data-readonly="true">
                <div class="list-item">
                    {head}
                    {conditions}
                    {staffing}
                </div>
            </li>
        }
        .into_any()
    }
}
