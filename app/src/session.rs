//! The device's membership: what redeeming an invite gave this phone. Kept in
//! the store's meta records (never in the URL, never logged).

use linli_shared::{
    model::{Actor, Role, community::RosterEntry},
    vocabulary::{DocumentId, Member},
};
use serde::{Deserialize, Serialize};

use crate::store::{self, Store};

const KEY: &str = "session";

/// The meta record set at joining, cleared once the person is on the roster
/// (see `crate::features::introduce`).
pub const INTRODUCE: &str = "introduce";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The device token for `/sync` and the API.
    pub token: String,
    pub device: String,
    /// The person's name as they gave it when joining.
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub building: Option<String>,
    pub community: String,
    pub community_name: String,
    /// Registered through a recruitment link and waiting for staff approval:
    /// the phone keeps only its own volunteer document until then.
    #[serde(default)]
    pub pending: bool,
}

impl Session {
    pub async fn load(store: &Store) -> store::Result<Option<Session>> {
        Ok(store
            .get_meta(KEY)
            .await?
            .and_then(|text| serde_json::from_str(&text).ok()))
    }

    pub async fn save(&self, store: &Store) -> store::Result<()> {
        let text = serde_json::to_string(self).unwrap_or_default();
        store.put_meta(KEY, &text).await
    }

    /// One phone is one person: the device id names both.
    pub fn actor(&self) -> Actor {
        Actor::new(self.device.clone(), self.device.clone(), self.role)
    }

    pub fn member(&self) -> Member<'_> {
        Member {
            device: &self.device,
            role: self.role,
            building: self.building.as_deref(),
            pending: self.pending,
        }
    }

    pub fn community_document(&self) -> DocumentId {
        DocumentId::for_community(&self.community)
    }

    /// This person's own volunteer document.
    pub fn volunteer_document(&self) -> DocumentId {
        DocumentId::for_volunteer(&self.community, &self.device)
    }

    /// Whether this device may hold the volunteer document of a roster
    /// entry. Staff hold every volunteer on the roster; a building lead the
    /// volunteers of their building (who they schedule); a volunteer only
    /// their own. The relay enforces the same through the document's scope.
    pub fn may_hold(&self, person: &str, entry: &RosterEntry) -> bool {
        if entry.role != Role::Volunteer {
            return false;
        }
        match self.role {
            Role::Staff => true,
            Role::Lead => entry.building.is_some() && entry.building == self.building,
            Role::Volunteer => person == self.device,
        }
    }

    /// The volunteers (roster id, document) this device holds, from the roster.
    pub fn volunteer_documents<'a>(
        &self,
        roster: impl IntoIterator<Item = (&'a String, &'a RosterEntry)>,
    ) -> Vec<(String, DocumentId)> {
        roster
            .into_iter()
            .filter(|(person, entry)| self.may_hold(person, entry))
            .map(|(person, _)| {
                (
                    person.clone(),
                    DocumentId::for_volunteer(&self.community, person),
                )
            })
            .collect()
    }
}
