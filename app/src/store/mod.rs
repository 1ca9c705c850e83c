//! The phone's store: every document as content-keyed chunks in IndexedDB.
//!
//! - A change is kept as an incremental chunk, written with strict
//!   durability before anything about it is sent.
//! - When the chunks outgrow the document, the engine asks for a compaction:
//!   the snapshot is written (and committed) first, and only then are the
//!   chunks it replaces deleted. A crash between the two leaves the snapshot
//!   and the old chunks, which load to the same document.
//! - Keys follow content, so two tabs writing the same chunk write the same
//!   record, and a tab never deletes a chunk it did not fold into a snapshot
//!   of its own: several tabs share one store without corrupting it.

pub mod schema;

use std::collections::BTreeMap;

use indexed_db_futures::{
    database::{Database, ObjectStoreName},
    prelude::*,
    transaction::{Transaction, TransactionDurability, TransactionMode, TransactionOptions},
};
use linli_shared::sync::{
    chunk::{ChunkKey, ChunkKind, StoredChunk},
    document_id::DocumentId,
};
use wasm_bindgen::JsValue;

use schema::{CHUNKS, META};

/// A storage failure, with the browser's words. `quota` when the disk (or the
/// browser's share of it) is full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub message: String,
    pub quota: bool,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        let message = e.to_string();
        let quota = message.contains("Quota");
        StoreError { message, quota }
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError {
            message: e.to_string(),
            quota: false,
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open store. Cheap to clone (one IndexedDB connection).
#[derive(Clone, Debug)]
pub struct Store {
    // One thread in the browser; the wrapper lets the store sit in contexts.
    db: send_wrapper::SendWrapper<std::rc::Rc<Database>>,
}

/// The app's database; tests open their own names.
pub const DATABASE: &str = "linli";

fn chunk_record_key(document: &DocumentId, kind: ChunkKind, key: &ChunkKey) -> String {
    let kind = match kind {
        ChunkKind::Incremental => "i",
        ChunkKind::Snapshot => "s",
    };
    format!("{document}/{kind}/{}", key.0)
}

fn parse_record_key(text: &str) -> Option<(DocumentId, ChunkKind, ChunkKey)> {
    let mut parts = text.splitn(3, '/');
    let document = parts.next()?.parse().ok()?;
    let kind = match parts.next()? {
        "i" => ChunkKind::Incremental,
        "s" => ChunkKind::Snapshot,
        _ => return None,
    };
    Some((document, kind, ChunkKey(parts.next()?.to_owned())))
}

impl Store {
    /// Opens (creating or migrating) the database `name`.
    pub async fn open(name: &str) -> Result<Store> {
        let db = Database::open(name)
            .with_version(schema::VERSION)
            .with_on_upgrade_needed(|event, db| {
                schema::migrate(&db, event.old_version() as u32)?;
                Ok(())
            })
            .await?;
        Ok(Store {
            db: send_wrapper::SendWrapper::new(std::rc::Rc::new(db)),
        })
    }

    /// A read-write transaction whose commit waits until the data is on
    /// disk (`strict` durability): what a phone in a stairwell relies on.
    fn write<S: ObjectStoreName>(&self, stores: S) -> Result<Transaction<'_>> {
        Ok(self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()?)
    }

    /// Every chunk of every document, grouped by document. Records this
    /// version cannot name are left where they are.
    pub async fn load_all(&self) -> Result<BTreeMap<DocumentId, Vec<StoredChunk>>> {
        let tx = self.db.transaction(CHUNKS).build()?;
        let store = tx.object_store(CHUNKS)?;
        let keys: Vec<String> = store
            .get_all_keys::<String>()
            .await?
            .collect::<std::result::Result<_, _>>()?;
        let values: Vec<JsValue> = store
            .get_all::<JsValue>()
            .await?
            .collect::<std::result::Result<_, _>>()?;
        let mut out: BTreeMap<DocumentId, Vec<StoredChunk>> = BTreeMap::new();
        for (key, value) in keys.iter().zip(values) {
            let Some((document, kind, key)) = parse_record_key(key) else {
                continue;
            };
            let bytes = js_sys::Uint8Array::new(&value).to_vec();
            out.entry(document)
                .or_default()
                .push(StoredChunk { key, kind, bytes });
        }
        Ok(out)
    }

    /// One chunk of one document (another tab announced it).
    pub async fn load_chunk(
        &self,
        document: &DocumentId,
        kind: ChunkKind,
        key: &ChunkKey,
    ) -> Result<Option<Vec<u8>>> {
        let tx = self.db.transaction(CHUNKS).build()?;
        let store = tx.object_store(CHUNKS)?;
        let value: Option<JsValue> = store.get(chunk_record_key(document, kind, key)).await?;
        Ok(value.map(|v| js_sys::Uint8Array::new(&v).to_vec()))
    }

    /// Keeps one chunk (or snapshot), committed with strict durability.
    pub async fn save_chunk(&self, document: &DocumentId, chunk: &StoredChunk) -> Result<()> {
        let tx = self.write(CHUNKS)?;
        let store = tx.object_store(CHUNKS)?;
        let bytes = js_sys::Uint8Array::from(chunk.bytes.as_slice());
        store
            .put(JsValue::from(bytes))
            .with_key(chunk_record_key(document, chunk.kind, &chunk.key))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes chunks a snapshot replaced. Call only after the snapshot's
    /// own save has returned.
    pub async fn delete_chunks(&self, document: &DocumentId, replaced: &[ChunkKey]) -> Result<()> {
        if replaced.is_empty() {
            return Ok(());
        }
        let tx = self.write(CHUNKS)?;
        let store = tx.object_store(CHUNKS)?;
        for key in replaced {
            for kind in [ChunkKind::Incremental, ChunkKind::Snapshot] {
                store.delete(chunk_record_key(document, kind, key)).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Compaction: the snapshot in, then the chunks it replaces out.
    pub async fn compact(
        &self,
        document: &DocumentId,
        snapshot: &StoredChunk,
        replaces: &[ChunkKey],
    ) -> Result<()> {
        self.save_chunk(document, snapshot).await?;
        let replaces: Vec<ChunkKey> = replaces
            .iter()
            .filter(|k| **k != snapshot.key)
            .cloned()
            .collect();
        self.delete_chunks(document, &replaces).await
    }

    /// Waits (a few seconds at most) until the document is in the store, so a
    /// reload right after does not lose it.
    pub async fn until_stored(&self, id: &DocumentId) {
        for _ in 0..40 {
            if let Ok(all) = self.load_all().await
                && all.get(id).is_some_and(|c| !c.is_empty())
            {
                return;
            }
            gloo_timers::future::TimeoutFuture::new(100).await;
        }
    }

    /// A small record (JSON text) from the meta store.
    pub async fn get_meta(&self, key: &str) -> Result<Option<String>> {
        let tx = self.db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        Ok(store.get(key).await?)
    }

    pub async fn put_meta(&self, key: &str, value: &str) -> Result<()> {
        let tx = self.write(META)?;
        let store = tx.object_store(META)?;
        store.put(value).with_key(key).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_meta(&self, key: &str) -> Result<()> {
        let tx = self.write(META)?;
        tx.object_store(META)?.delete(key).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Leaving the community: every document and record, in one transaction.
    pub async fn wipe(&self) -> Result<()> {
        let tx = self.write([CHUNKS, META])?;
        tx.object_store(CHUNKS)?.clear()?.await?;
        tx.object_store(META)?.clear()?.await?;
        tx.commit().await?;
        Ok(())
    }
}
