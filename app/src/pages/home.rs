//! The home screen: the welcome on a phone that has not joined, otherwise the
//! home of the device's role.

use leptos::prelude::*;
use linli_shared::model::Role;

use super::{
    lead_home::LeadHome, recruit::RecruitPending, staff_home::StaffHome,
    volunteer_home::VolunteerHome, welcome::Welcome,
};
use crate::context::use_repo;

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
