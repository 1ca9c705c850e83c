//! The volunteer-team screens a role uses, as one card on its home: staff
//! manage everything; a building lead schedules and dispatches their
//! building's volunteers; a volunteer has their own shifts and training.

use leptos::prelude::*;
use linli_shared::model::Role;

use crate::{context::use_repo, i18n::*};

#[component]
pub fn TeamLinks() -> impl IntoView {
    let i18n = use_i18n();
    let role = use_repo().map(|r| r.session().role);
    let link = move |href: &'static str, action: &'static str, label: String| {
        view! {
            <a class="button button-block button-quiet" href=href data-action=action>{label}</a>
        }
    };
    view! {
        <section class="card team-links">
            <h2>{t!(i18n, team_title)}</h2>
            {move || {
                let mut links = Vec::new();
                match role {
                    Some(Role::Staff) => {
                        links.push(link("/volunteers", "volunteers", t_string!(i18n, team_volunteers).to_string()));
                        links.push(link("/dispatch", "dispatch", t_string!(i18n, team_dispatch).to_string()));
                        links.push(link("/posts", "posts", t_string!(i18n, team_posts).to_string()));
                        links.push(link("/training", "training", t_string!(i18n, team_training).to_string()));
                        links.push(link("/hours", "hours", t_string!(i18n, team_hours).to_string()));
                        links.push(link("/feedback", "feedback", t_string!(i18n, team_feedback).to_string()));
                        links.push(link("/honours", "honours", t_string!(i18n, team_honours).to_string()));
                    }
                    Some(Role::Lead) => {
                        links.push(link("/volunteers", "volunteers", t_string!(i18n, team_volunteers).to_string()));
                        links.push(link("/dispatch", "dispatch", t_string!(i18n, team_dispatch).to_string()));
                        links.push(link("/posts", "posts", t_string!(i18n, team_posts).to_string()));
                        links.push(link("/honours", "honours", t_string!(i18n, team_honours).to_string()));
                    }
                    Some(Role::Volunteer) => {
                        links.push(link("/me", "me", t_string!(i18n, team_me).to_string()));
                        links.push(link("/honours", "honours", t_string!(i18n, team_honours).to_string()));
                    }
                    None => {}
                }
                links.collect_view()
            }}
        </section>
    }
}
