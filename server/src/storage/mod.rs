//! The relay's durable storage, behind one trait so that SQLite (one file
//! under `--data`, the default) and PostgreSQL (several relays) are
//! interchangeable. Every method is blocking: async callers use
//! `spawn_blocking`, and the sync hub calls it from its own thread.
//!
//! - [`records`]: communities, devices, invites, the document registry.
//! - [`sqlite`]: the SQLite backend.
//! - [`postgres`]: the PostgreSQL backend, which several relays share.
//! - [`database`]: `--database`: which backend, where.
//! - [`notice`]: what one relay's writes tell the others sharing its storage.

pub mod database;
pub mod notice;
pub mod postgres;
pub mod records;
pub mod sqlite;

use linli_shared::sync::{ChunkKey, DocumentId, Scope, StoredChunk};

pub use database::Database;
pub use notice::{Listener, Notice};
pub use postgres::PostgresStorage;
pub use records::{
    Community, Device, Invite, Moved, NewDevice, NewInvite, Record, Redeemed, Registration,
};
pub use sqlite::SqliteStorage;

/// Where an import's records go, one at a time.
pub type Sink<'a> = dyn FnMut(Record) -> Result<(), StorageError> + 'a;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgresql: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("the database was written by a newer relay (schema {found}, this relay knows {known})")]
    TooNew { found: usize, known: usize },
    #[error("no community {0}")]
    NoCommunity(String),
    #[error("stored record is damaged: {0}")]
    Damaged(String),
    #[error("cannot start the thread that listens to other relays: {0}")]
    ListenThread(std::io::Error),
}

/// Why an invite code did not give a device token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    #[error("unknown invite code")]
    Unknown,
    #[error("the invite has expired")]
    Expired,
    #[error("the invite has been used up")]
    UsedUp,
    #[error("the invite was withdrawn")]
    Revoked,
}

/// One write of the sync hub; a batch of them is one transaction.
#[derive(Debug, Clone)]
pub enum Write {
    Chunk {
        document: DocumentId,
        chunk: StoredChunk,
    },
    /// The snapshot goes in before the chunks it replaces go out.
    Compact {
        document: DocumentId,
        snapshot: StoredChunk,
        replaces: Vec<ChunkKey>,
    },
    /// Bytes a device's messages added on a day (UTC, days since 1970), for
    /// its daily quota; counted in the same transaction as the chunks.
    Usage {
        device: String,
        day: i64,
        bytes: u64,
    },
    /// A document first brought by a device, registered with the batch (the
    /// first registration wins, as with [`Storage::register`]): a device
    /// starting many documents costs one transaction per batch, not one
    /// per document.
    Register(Registration),
}

impl Write {
    /// The document a write stores, if it stores one.
    pub fn document(&self) -> Option<&DocumentId> {
        match self {
            Write::Chunk { document, .. } | Write::Compact { document, .. } => Some(document),
            Write::Usage { .. } => None,
            Write::Register(r) => Some(&r.document),
        }
    }
}

pub trait Storage: Send + Sync + 'static {
    /// Cheap round trip, for `/healthz`.
    fn ping(&self) -> Result<(), StorageError>;

    // Documents.
    fn load_chunks(&self, document: &DocumentId) -> Result<Vec<StoredChunk>, StorageError>;
    /// The document's stored chunks other than `known` (what another relay
    /// wrote since this one read it), in the order [`Storage::load_chunks`]
    /// gives them.
    fn load_chunks_except(
        &self,
        document: &DocumentId,
        known: &[ChunkKey],
    ) -> Result<Vec<StoredChunk>, StorageError> {
        let mut chunks = self.load_chunks(document)?;
        chunks.retain(|c| !known.contains(&c.key));
        Ok(chunks)
    }
    /// All writes or none (a crash mid-batch leaves the batch unwritten).
    fn write(&self, batch: &[Write]) -> Result<(), StorageError>;

    // The document registry.
    fn registration(&self, document: &DocumentId) -> Result<Option<Registration>, StorageError>;
    /// Inserts unless the document is registered already; returns what is
    /// registered afterwards (the first registration wins).
    fn register(&self, registration: &Registration) -> Result<Registration, StorageError>;
    fn set_scope(&self, document: &DocumentId, scope: &Scope) -> Result<(), StorageError>;
    /// How many documents a device has registered (its quota).
    fn documents_created_by(&self, device: &str) -> Result<u64, StorageError>;

    // Quotas.
    /// Bytes stored for a community's documents (chunks and snapshots).
    fn community_bytes(&self, community: &str) -> Result<u64, StorageError>;
    /// Bytes a device's messages added on a day ([`Write::Usage`]).
    fn device_bytes_on(&self, device: &str, day: i64) -> Result<u64, StorageError>;

    // Communities.
    fn create_community(&self, name: &str, now: i64) -> Result<Community, StorageError>;
    fn community(&self, id: &str) -> Result<Option<Community>, StorageError>;

    // Devices: tokens are stored only as hashes. Creating a device also
    // registers its own volunteer document (`DocumentId::for_volunteer`) to
    // it, so no other device can claim that derived id first.
    fn create_device(
        &self,
        device: &NewDevice,
        token_hash: &str,
        now: i64,
    ) -> Result<Device, StorageError>;
    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StorageError>;
    fn device(&self, id: &str) -> Result<Option<Device>, StorageError>;
    fn devices(&self, community: &str) -> Result<Vec<Device>, StorageError>;
    /// Returns false when there is no such device (revoking twice is fine).
    fn revoke_device(&self, id: &str, now: i64) -> Result<bool, StorageError>;
    /// Devices revoked at or after `since` (milliseconds), for relays to
    /// close their sockets.
    fn revoked_since(&self, since: i64) -> Result<Vec<(String, i64)>, StorageError>;
    /// The community's devices waiting for approval (not revoked), oldest
    /// first.
    fn pending_devices(&self, community: &str) -> Result<Vec<Device>, StorageError>;
    /// Approves a pending device; false when it is not pending (already
    /// approved, revoked, or no such device).
    fn approve_device(&self, id: &str, by: &str, now: i64) -> Result<bool, StorageError>;

    // Invites: codes are stored only as hashes.
    fn create_invite(
        &self,
        invite: &NewInvite,
        code_hash: &str,
        now: i64,
    ) -> Result<Invite, StorageError>;
    /// Withdraws an invite; false when there is no such invite.
    fn revoke_invite(&self, id: &str, now: i64) -> Result<bool, StorageError>;
    /// What an invite code is for (its community), without using it; the
    /// same refusals as redeeming.
    fn preview_invite(
        &self,
        code_hash: &str,
        now: i64,
    ) -> Result<Result<(Invite, Community), RedeemError>, StorageError>;
    /// Uses the invite once and creates the device, atomically.
    fn redeem_invite(
        &self,
        code_hash: &str,
        device_name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<Result<Redeemed, RedeemError>, StorageError>;

    // Several relays.
    /// Tells `listener` (from a thread of the backend's) what other relays
    /// sharing this storage commit, until it stops listening. Returns false
    /// when no other relay can share it (SQLite: one relay per file).
    fn listen(&self, listener: Box<dyn Listener>) -> Result<bool, StorageError> {
        let _ = listener;
        Ok(false)
    }

    // Moving a deployment.
    /// Every row, parents before children: communities, devices, invites,
    /// documents, then chunks (snapshots first).
    fn export(&self, sink: &mut Sink<'_>) -> Result<(), StorageError>;
    /// Writes what `feed` passes to its sink, all in one transaction; rows
    /// already here (same id, token, code or chunk) are kept as they are, so
    /// an interrupted move can be run again.
    fn import(
        &self,
        feed: &mut dyn FnMut(&mut Sink<'_>) -> Result<(), StorageError>,
    ) -> Result<Moved, StorageError>;
}
