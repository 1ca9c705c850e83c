//! The gates of the screens for staff and building leads: the progress and
//! report screens (staff, or a lead for their building; anyone else sees the
//! screen's title and why not), and the roster and volunteer records (a
//! volunteer's phone, or one waiting for approval, is sent home).

use leptos::prelude::*;
use linli_shared::model::Role;

use crate::{context::use_repo, i18n::*, repo::Repo};

/// The phone's repo when staff or a lead may see the screen; otherwise the
/// card to show instead, under `title`.
pub fn admitted(title: impl Fn() -> String + Send + Sync + 'static) -> Result<Repo, AnyView> {
    let i18n = use_i18n();
    let Some(repo) = use_repo() else {
        return Err(
            view! { <section class="card"><p>{t!(i18n, not_joined_short)}</p></section> }
                .into_any(),
        );
    };
    let session = repo.session();
    if matches!(session.role, Role::Staff | Role::Lead) && !session.pending {
        return Ok(repo);
    }
    Err(view! {
        <section class="card">
            <h1>{title}</h1>
            <p class="error" data-report="not-allowed">{t!(i18n, dash_staff_only)}</p>
        </section>
    }
    .into_any())
}

/// What a volunteer's phone (or one waiting for approval) shows instead of the
/// roster and the records: they are for staff and building leads.
pub fn staff_and_leads_only() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <p class="error" data-vol-denied>{t!(i18n, vol_staff_only)}</p>
            <a class="button button-block button-quiet" href="/">{t!(i18n, vol_back_home)}</a>
        </section>
    }
}
