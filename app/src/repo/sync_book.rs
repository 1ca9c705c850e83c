//! What the phone knows about each document's sync: whether it holds changes
//! the relay has not acknowledged yet, and when the relay last confirmed it
//! had everything. Kept in the store so it survives a reload in a stairwell.

use std::collections::BTreeMap;

use linli_shared::sync::document_id::DocumentId;
use serde::{Deserialize, Serialize};

/// The meta record holding the book.
pub const KEY: &str = "sync-book";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocSync {
    /// Changes made here that the relay has not confirmed.
    #[serde(default)]
    pub unsynced: bool,
    /// When (ms since 1970) the relay last confirmed it had everything.
    #[serde(default)]
    pub last_synced: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncBook {
    pub documents: BTreeMap<DocumentId, DocSync>,
}

impl SyncBook {
    pub fn from_json(text: &str) -> SyncBook {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A local change: returns whether the book changed.
    pub fn changed_here(&mut self, document: DocumentId) -> bool {
        let d = self.documents.entry(document).or_default();
        !std::mem::replace(&mut d.unsynced, true)
    }

    /// The relay confirmed the document at `now`. Returns whether the change
    /// is worth writing down (a transition, or a minute since the last note).
    pub fn confirmed(&mut self, document: DocumentId, now: f64) -> bool {
        let d = self.documents.entry(document).or_default();
        let was_unsynced = std::mem::replace(&mut d.unsynced, false);
        let stale = d.last_synced.is_none_or(|t| now - t > 60_000.0);
        d.last_synced = Some(now);
        was_unsynced || stale
    }

    pub fn unsynced(&self) -> usize {
        self.documents.values().filter(|d| d.unsynced).count()
    }

    pub fn last_synced(&self) -> Option<f64> {
        self.documents
            .values()
            .filter_map(|d| d.last_synced)
            .reduce(f64::max)
    }
}
