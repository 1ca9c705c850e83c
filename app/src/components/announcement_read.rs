//! Which announcements this phone has opened: a per-phone record (not synced:
//! reading is personal, and the community document is shared by everyone),
//! kept in the store's meta record `announcements-read` as a JSON array.
//!
//! The announcements page and the unread badge share one signal, so marking
//! one read on the page updates the badge at once. It is provided on the root
//! owner the first time either asks for it: a badge on the home screen and the
//! page behind a route are not ancestors of each other.

use std::collections::BTreeSet;

use leptos::prelude::*;
use linli_shared::model::community::Community;

use crate::repo::Repo;

const KEY: &str = "announcements-read";

/// The ids of the announcements opened on this phone.
#[derive(Clone, Copy, Debug)]
pub struct ReadAnnouncements {
    pub ids: RwSignal<BTreeSet<String>>,
    /// False until the stored record has been read (the badge waits, so it
    /// does not flash a count that the store is about to lower).
    pub loaded: RwSignal<bool>,
    store: StoredValue<crate::store::Store>,
}

/// The shared read state, created (and read from the store) on first use.
pub fn read_announcements(repo: &Repo) -> ReadAnnouncements {
    if let Some(state) = use_context::<ReadAnnouncements>() {
        return state;
    }
    let mut root = Owner::current();
    while let Some(parent) = root.as_ref().and_then(Owner::parent) {
        root = Some(parent);
    }
    let create = || {
        let state = ReadAnnouncements {
            ids: RwSignal::new(BTreeSet::new()),
            loaded: RwSignal::new(false),
            store: StoredValue::new(repo.store()),
        };
        provide_context(state);
        state
    };
    let state = match root {
        Some(root) => root.with(create),
        None => create(),
    };
    let store = repo.store();
    let errors = repo.signals.storage_error;
    wasm_bindgen_futures::spawn_local(async move {
        let stored: Vec<String> = match store.get_meta(KEY).await {
            Ok(text) => text
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default(),
            Err(e) => {
                errors.set(Some(e));
                Vec::new()
            }
        };
        // Marked while the record was being read: keep both, and write the union.
        let marked_meanwhile = !state.ids.with_untracked(BTreeSet::is_empty);
        state.ids.update(|ids| ids.extend(stored));
        state.loaded.set(true);
        if marked_meanwhile {
            state.save();
        }
    });
    state
}

impl ReadAnnouncements {
    /// Marks announcements read and keeps the record.
    pub fn mark(&self, ids: impl IntoIterator<Item = String>) {
        let mut added = false;
        self.ids.update(|set| {
            for id in ids {
                added |= set.insert(id);
            }
        });
        if added && self.loaded.get_untracked() {
            self.save();
        }
    }

    pub fn is_read(&self, id: &str) -> bool {
        self.ids.with(|set| set.contains(id))
    }

    /// How many of the community's announcements this phone has not opened.
    pub fn unread(&self, community: Option<&Community>) -> usize {
        let Some(c) = community else { return 0 };
        self.ids.with(|set| {
            c.announcements
                .iter()
                .filter(|a| !set.contains(&a.id))
                .count()
        })
    }

    fn save(&self) {
        let text = self
            .ids
            .with_untracked(|set| serde_json::to_string(set).unwrap_or_default());
        let store = self.store.get_value();
        wasm_bindgen_futures::spawn_local(async move {
            // A failed write costs only the read marks; the store's own banner
            // reports a failing disk from the documents' writes.
            let _ = store.put_meta(KEY, &text).await;
        });
    }
}
