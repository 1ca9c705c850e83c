//! A volunteer's home: the rounds they are assigned to, and the community's
//! latest announcements.

use leptos::prelude::*;

use linli_shared::model::doc::DocKind;

use crate::{
    components::{RoundList, TeamLinks, announcement_badge::UnreadAnnouncements},
    context::use_repo,
    documents,
    i18n::*,
};

#[component]
pub fn VolunteerHome() -> impl IntoView {
    let i18n = use_i18n();
    let repo = use_repo().expect("joined");
    let session = repo.session();
    let community = documents::community(&repo);
    let casebooks = documents::listings(community, &repo, DocKind::Casebook);
    let announcements = move || {
        community.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.announcements
                        .iter()
                        .rev()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <section class="card">
            <h1>{t!(i18n, my_tasks)}</h1>
            <p class="muted">{t!(i18n, greeting_volunteer, name = session.name.clone())}</p>
            <RoundList />
        </section>
        <TeamLinks />
        <section class="card">
            <UnreadAnnouncements />
            <Show when=move || !casebooks.with(Vec::is_empty)>
                <a class="button button-block button-quiet" href="/casebook" data-action="casebook">{t!(i18n, casebook_link)}</a>
            </Show>
        </section>
        <Show when=move || !announcements().is_empty()>
            <section class="card">
                <h2>{t!(i18n, announcements_title)}</h2>
                <ul class="list">
                    {move || {
                        announcements()
                            .into_iter()
                            .map(|a| view! { <li><strong>{a.title}</strong><p>{a.body}</p></li> })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
}
