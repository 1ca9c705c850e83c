//! What every screen may ask for from where it sits: the phone's state at
//! start (provided once by the root), the repo of a joined phone, and the
//! route's parameters.

use leptos::prelude::*;
use linli_shared::vocabulary::DocumentId;

use crate::{
    repo::Repo,
    store::{Store, StoreError},
};

/// What the app found at start.
#[derive(Clone, Debug)]
pub enum Boot {
    /// A new phone (or one that left): the welcome and join screens.
    NotJoined(Store),
    Joined(Repo),
    /// IndexedDB refused to open (private mode, storage disabled, disk full).
    NoStore(StoreError),
}

/// The repo of a joined phone, for screens that need it.
pub fn use_repo() -> Option<Repo> {
    match use_context::<Boot>() {
        Some(Boot::Joined(repo)) => Some(repo),
        _ => None,
    }
}

/// A route parameter as written (empty when the route has none).
pub fn param(name: &str) -> String {
    leptos_router::hooks::use_params_map()
        .with_untracked(|p| p.get(name))
        .unwrap_or_default()
}

/// The document named by the route's `:id` (None when it is not an id).
pub fn document_param() -> Option<DocumentId> {
    param("id").parse().ok()
}
