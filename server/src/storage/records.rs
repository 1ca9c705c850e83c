//! The rows the relay keeps besides documents. Ids are short random strings;
//! secrets (tokens, invite codes) never appear here, only their hashes in
//! the backend.

use linli_shared::model::actor::Role;
use linli_shared::sync::{DocumentId, Scope, StoredChunk};

/// Communities, devices and invites are kept as the API shows them.
pub use linli_shared::api::{Community, Device, Invite};

#[derive(Debug, Clone)]
pub struct NewDevice {
    pub community: String,
    pub role: Role,
    pub building: Option<String>,
    pub name: String,
    /// Waits for staff approval (a recruitment link's device).
    pub pending: bool,
}

#[derive(Debug, Clone)]
pub struct NewInvite {
    pub community: String,
    pub role: Role,
    pub building: Option<String>,
    pub uses: u32,
    pub expires_at: i64,
    /// The staff device that minted it (None: the admin command line).
    pub created_by: Option<String>,
    /// A recruitment link: the devices it makes wait for staff approval.
    pub approval: bool,
}

/// An invite exchanged for a device.
#[derive(Debug, Clone)]
pub struct Redeemed {
    pub device: Device,
    pub community: Community,
}

/// Which community a document belongs to and who may sync it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub document: DocumentId,
    pub community: String,
    pub scope: Scope,
    /// The device that first brought or declared it.
    pub creator: String,
    pub created_at: i64,
}

impl Registration {
    /// May this device sync the document?
    pub fn admits(&self, device: &Device) -> bool {
        !device.is_revoked()
            && device.community == self.community
            && self.scope.admits(&device.member())
    }
}

/// One row of a relay's storage, secrets as their hashes: what `linli-server
/// migrate` carries from one database to another.
#[derive(Debug, Clone)]
pub enum Record {
    Community(Community),
    Device {
        device: Device,
        token_hash: String,
        approved_at: Option<i64>,
        approved_by: Option<String>,
    },
    Invite {
        invite: Invite,
        code_hash: String,
        created_at: i64,
        created_by: Option<String>,
        revoked_at: Option<i64>,
    },
    Document(Registration),
    Chunk {
        document: DocumentId,
        chunk: StoredChunk,
    },
}

/// What an import wrote: rows seen, and of them those that were new.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    pub communities: u64,
    pub devices: u64,
    pub invites: u64,
    pub documents: u64,
    pub chunks: u64,
    pub chunk_bytes: u64,
    /// Rows that were there already (an earlier, interrupted move).
    pub already_there: u64,
}

impl Moved {
    /// Counts a record; `new` says whether it was written.
    pub fn count(&mut self, record: &Record, new: bool) {
        match record {
            Record::Community(_) => self.communities += 1,
            Record::Device { .. } => self.devices += 1,
            Record::Invite { .. } => self.invites += 1,
            Record::Document(_) => self.documents += 1,
            Record::Chunk { chunk, .. } => {
                self.chunks += 1;
                self.chunk_bytes += chunk.bytes.len() as u64;
            }
        }
        if !new {
            self.already_there += 1;
        }
    }
}

impl std::fmt::Display for Moved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} communities, {} devices, {} invites, {} documents, {} chunks ({} bytes)",
            self.communities,
            self.devices,
            self.invites,
            self.documents,
            self.chunks,
            self.chunk_bytes
        )?;
        if self.already_there > 0 {
            write!(f, "; {} rows were there already", self.already_there)?;
        }
        Ok(())
    }
}
