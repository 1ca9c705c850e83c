//! The IndexedDB schema and its migrations. Each version adds what it needs
//! on top of the last; a phone that skipped versions runs every step it
//! missed, in order, inside the browser's upgrade transaction (all or
//! nothing).

use indexed_db_futures::{database::Database, prelude::*};

/// Incremental chunks and compacted snapshots of every document, keyed
/// `document/kind/content-hash`, valued the bytes.
pub const CHUNKS: &str = "chunks";
/// Small JSON records: the device's credentials, per-document sync state,
/// scopes waiting to be declared.
pub const META: &str = "meta";

/// The version this code writes.
pub const VERSION: u32 = 2;

/// Runs the migrations from `from` (0 for a new phone) up to [`VERSION`].
pub fn migrate(db: &Database, from: u32) -> Result<(), indexed_db_futures::error::Error> {
    for step in from + 1..=VERSION {
        match step {
            // 1: the documents.
            1 => {
                db.create_object_store(CHUNKS).build()?;
            }
            // 2: the device and its sync state, which version 1 kept in
            // localStorage (lost with private browsing, not shared atomically).
            2 => {
                db.create_object_store(META).build()?;
            }
            _ => {}
        }
    }
    Ok(())
}
