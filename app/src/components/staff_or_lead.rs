//! The gate of the progress and report screens: staff, or a building lead
//! for their building; anyone else (a volunteer, a phone still waiting for
//! approval, one that has not joined) sees the screen's title and why not.

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
