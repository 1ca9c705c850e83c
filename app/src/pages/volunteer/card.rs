//! What every card of the volunteer record shares: running one operation
//! with its refusal kept for the card, showing that refusal, and the
//! community's time zone.

use std::sync::Arc;

use leptos::prelude::*;
use linli_shared::{
    model::{Actor, ModelError, community::Community},
    vocabulary::DocumentId,
};

use crate::{repo::Repo, text::labels, text::refusals};

/// What went wrong with the last action of a card, explained in the
/// screen's language when shown.
pub(super) type Refusal = RwSignal<Option<Arc<ModelError>>>;

/// Runs one model operation on a document as one change; a refusal goes to
/// `refusal` (and nothing changes).
pub(super) fn run<T>(
    repo: &Repo,
    doc: &DocumentId,
    refusal: Refusal,
    op: impl FnOnce(&mut automerge::AutoCommit, &Actor) -> Result<T, ModelError>,
) -> Option<T> {
    match repo.change(doc, op) {
        Ok(v) => {
            refusal.set(None);
            Some(v)
        }
        Err(e) => {
            refusal.set(Some(Arc::new(e)));
            None
        }
    }
}

pub(super) fn refusal_view(refusal: Refusal) -> impl IntoView {
    move || {
        refusal.get().map(|e| {
            let en = labels::english();
            view! { <p class="error" role="alert" data-refusal>{refusals::explain(&e, en)}</p> }
        })
    }
}

pub(super) fn offset_of(c: Option<&Community>) -> i64 {
    c.map_or(linli_shared::model::civil::BEIJING_OFFSET_MINUTES, |c| {
        c.utc_offset_minutes
    })
}
