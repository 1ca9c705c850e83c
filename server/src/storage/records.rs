//! The rows the relay keeps besides documents. Ids are short random strings;
//! secrets (tokens, invite codes) never appear here, only their hashes in
//! the backend.

use linli_shared::model::actor::Role;
use linli_shared::sync::{DocumentId, Member, Scope};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Community {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub id: String,
    pub community: String,
    pub role: Role,
    /// The building a lead looks after, or a volunteer was invited to.
    pub building: Option<String>,
    /// What the person called the phone, to tell devices apart when revoking.
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// Registered through a recruitment link, waiting for staff to approve:
    /// it syncs only its own volunteer document until then.
    pub pending: bool,
}

impl Device {
    pub fn member(&self) -> Member<'_> {
        Member {
            device: &self.id,
            role: self.role,
            building: self.building.as_deref(),
            pending: self.pending,
        }
    }

    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invite {
    pub id: String,
    pub community: String,
    pub role: Role,
    pub building: Option<String>,
    pub uses_left: u32,
    pub expires_at: i64,
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
