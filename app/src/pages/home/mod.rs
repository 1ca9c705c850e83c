//! The home screen: the welcome on a phone that has not joined, the waiting
//! screen of one registered through a recruitment link, otherwise the home of
//! the device's role (a file each).

use leptos::prelude::*;
use linli_shared::model::Role;

mod lead;
mod staff;
mod volunteer;
mod welcome;

use crate::{components::RecruitPending, context::use_repo};
use lead::LeadHome;
use staff::StaffHome;
use volunteer::VolunteerHome;
use welcome::Welcome;

#[component]
pub fn Home() -> impl IntoView {
    match use_repo() {
        None => view! { <Welcome /> }.into_any(),
        // Registered through a recruitment link, not approved yet.
        Some(repo) if repo.session().pending => view! { <RecruitPending repo /> }.into_any(),
        Some(repo) => match repo.session().role {
            Role::Staff => view! { <StaffHome /> }.into_any(),
            Role::Lead => view! { <LeadHome /> }.into_any(),
            Role::Volunteer => view! { <VolunteerHome /> }.into_any(),
        },
    }
}
