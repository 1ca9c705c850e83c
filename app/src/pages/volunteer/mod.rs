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

mod attendance;
mod card;
mod credentials;
mod feedback;
mod profile;
mod recognitions;
mod shifts;
mod training;

use attendance::Attendance;
use credentials::Credentials;
use feedback::FeedbackList;
use profile::Profile;
use recognitions::Recognitions;
use shifts::Shifts;
use training::Training;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use linli_shared::{model::Role, vocabulary::DocumentId};

use crate::{
    components::staff_or_lead::staff_and_leads_only, context::use_repo, documents, i18n::*,
};

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
