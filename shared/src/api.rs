//! The relay's HTTP API, as both ends see it: the paths, the JSON bodies the
//! phone sends and the relay answers, and the refusal every endpoint answers
//! with when it says no (`{"error": code}`, with a code from [`code`]).
//!
//! The relay's handlers (`linli-server`'s `api`) and the app's HTTP client
//! (`linli-app`'s `api`) both use these types, so a field renamed here is
//! renamed on both ends at once. The field names are the wire format: older
//! apps and independent clients read them, so they do not change.
//!
//! Endpoints (besides `/sync`, the WebSocket):
//!
//! | Method and path | Body | Answer |
//! |---|---|---|
//! | `POST /api/invites/redeem` | [`RedeemRequest`] | [`Redeemed`] |
//! | `POST /api/invites/preview` | [`PreviewRequest`] | [`Preview`] |
//! | `POST /api/invites` (staff) | [`MintRequest`] | [`Minted`] |
//! | `GET /api/me` | | [`DeviceView`] |
//! | `GET /api/applications` (staff) | | `[`[`Application`]`]` |
//! | `POST /api/devices/{id}/approve` (staff) | | 204 |
//! | `POST /api/devices/{id}/revoke` (staff) | | 204 |
//! | `PUT /api/documents/{id}/scope` | [`ScopeRequest`] | [`ScopeView`] |

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::model::Role;
use crate::sync::{DocumentId, Member, Scope};

/// The paths of the API. Those with an id in them are functions.
pub mod path {
    use crate::sync::DocumentId;

    pub const REDEEM: &str = "/api/invites/redeem";
    pub const PREVIEW: &str = "/api/invites/preview";
    pub const INVITES: &str = "/api/invites";
    pub const ME: &str = "/api/me";
    pub const APPLICATIONS: &str = "/api/applications";

    /// `POST`: staff let a waiting device in.
    pub fn approve(device: &str) -> String {
        format!("/api/devices/{device}/approve")
    }

    /// `POST`: staff take a device's membership away.
    pub fn revoke(device: &str) -> String {
        format!("/api/devices/{device}/revoke")
    }

    /// `PUT`: who may sync a document.
    pub fn scope(document: &DocumentId) -> String {
        format!("/api/documents/{document}/scope")
    }
}

/// The stable codes of [`Refusal`]s, which the app translates into
/// sentences. The HTTP status each comes with is in brackets.
pub mod code {
    /// \[400] The body is missing, or not JSON.
    pub const BAD_REQUEST: &str = "bad_request";
    /// \[404] No such invite code (or a code too long to be one).
    pub const INVITE_UNKNOWN: &str = "invite_unknown";
    /// \[410]
    pub const INVITE_EXPIRED: &str = "invite_expired";
    /// \[410]
    pub const INVITE_USED_UP: &str = "invite_used_up";
    /// \[410] Withdrawn by staff.
    pub const INVITE_REVOKED: &str = "invite_revoked";
    /// \[401] No bearer token (nor `?token=` on `/sync`).
    pub const MISSING_TOKEN: &str = "missing_token";
    /// \[401]
    pub const UNKNOWN_TOKEN: &str = "unknown_token";
    /// \[401] The token's device was revoked; \[409] on approve: the device
    /// to approve was revoked.
    pub const DEVICE_REVOKED: &str = "device_revoked";
    /// \[403] Only staff may do this.
    pub const STAFF_ONLY: &str = "staff_only";
    /// \[400] A building name over 80 characters.
    pub const BUILDING_TOO_LONG: &str = "building_too_long";
    /// \[400] A lead's invite names their building.
    pub const LEAD_NEEDS_BUILDING: &str = "lead_needs_building";
    /// \[400] Only volunteers are recruited with approval.
    pub const APPROVAL_VOLUNTEERS_ONLY: &str = "approval_volunteers_only";
    /// \[404] The device's community is gone.
    pub const COMMUNITY_UNKNOWN: &str = "community_unknown";
    /// \[400]
    pub const BAD_DOCUMENT_ID: &str = "bad_document_id";
    /// \[400] The scope body is missing.
    pub const BAD_SCOPE: &str = "bad_scope";
    /// \[403] The device's role may not grant this scope.
    pub const SCOPE_NOT_GRANTABLE: &str = "scope_not_grantable";
    /// \[403] A device waiting for approval starts only its own document.
    pub const PENDING_APPROVAL: &str = "pending_approval";
    /// \[404] Not a document of the device's community (or not one it may see).
    pub const DOCUMENT_UNKNOWN: &str = "document_unknown";
    /// \[403] The device may not change this document's scope.
    pub const NOT_ALLOWED: &str = "not_allowed";
    /// \[404] No such device in the staff member's community.
    pub const DEVICE_UNKNOWN: &str = "device_unknown";
    /// \[409] The device is not waiting for approval (any more).
    pub const NOT_PENDING: &str = "not_pending";
    /// \[429] Too many calls from one address (invites, tokenless sockets).
    pub const TOO_MANY_REQUESTS: &str = "too_many_requests";
    /// \[429] The device has as many sockets open as it may.
    pub const TOO_MANY_CONNECTIONS: &str = "too_many_connections";
    /// \[503] The relay's sync hub does not answer.
    pub const RELAY_UNAVAILABLE: &str = "relay_unavailable";
    /// \[503] The relay holds as many sockets as it may.
    pub const RELAY_FULL: &str = "relay_full";
    /// \[500] The relay could not read or write its storage.
    pub const STORAGE_ERROR: &str = "storage_error";
}

/// The body of every refusal: `{"error": code}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub error: Cow<'static, str>,
}

impl Refusal {
    pub const fn new(code: &'static str) -> Self {
        Refusal {
            error: Cow::Borrowed(code),
        }
    }
}

/// A community, as the relay keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Community {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// A phone the relay knows, as the relay keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub community: String,
    pub role: Role,
    /// The building a lead looks after, or a volunteer was invited to.
    #[serde(default)]
    pub building: Option<String>,
    /// What the person called the phone, to tell devices apart when revoking.
    pub name: String,
    pub created_at: i64,
    #[serde(default)]
    pub revoked_at: Option<i64>,
    /// Registered through a recruitment link, waiting for staff to approve:
    /// it syncs only its own volunteer document until then.
    #[serde(default)]
    pub pending: bool,
}

impl Device {
    /// The device as a scope sees it.
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

/// An invite (never its code, which only [`Minted`] shows, once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub id: String,
    pub community: String,
    pub role: Role,
    #[serde(default)]
    pub building: Option<String>,
    pub uses_left: u32,
    pub expires_at: i64,
    /// A recruitment link: the devices it makes wait for staff approval.
    #[serde(default)]
    pub approval: bool,
}

/// `POST /api/invites/redeem`: an invite code for a device token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequest {
    pub code: String,
    /// What the person calls the phone (their name, on a join).
    #[serde(default)]
    pub device_name: String,
}

/// A device, its community, and where the community document lives: the
/// answer to `GET /api/me`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    pub device: Device,
    pub community: Community,
    /// `DocumentId::for_community(&community.id)`.
    pub community_document: DocumentId,
}

impl DeviceView {
    pub fn new(device: Device, community: Community) -> Self {
        let community_document = DocumentId::for_community(&community.id);
        DeviceView {
            device,
            community,
            community_document,
        }
    }
}

/// The answer to a redeemed invite: the device's token (the only time it
/// is shown) and what `GET /api/me` says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redeemed {
    pub token: String,
    #[serde(flatten)]
    pub view: DeviceView,
}

/// `POST /api/invites/preview`: what a code is for, without using it (a POST
/// so the code stays out of URLs and logs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRequest {
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub community: Community,
    pub role: Role,
    #[serde(default)]
    pub approval: bool,
    pub expires_at: i64,
}

/// `POST /api/invites` (staff): a new invite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MintRequest {
    pub role: Role,
    /// A lead's building (required for a lead), or a volunteer's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    /// How many devices may join with it (1 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<u32>,
    /// A week when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_hours: Option<u32>,
    /// A recruitment link (volunteers only): its devices wait for staff
    /// approval.
    #[serde(default)]
    pub approval: bool,
}

/// A new invite: its code (the only time it is shown) and the link that
/// carries it (`/join#CODE`, or `/recruit#CODE` for a recruitment link).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minted {
    pub code: String,
    pub link: String,
    pub invite: Invite,
}

/// A device waiting for approval (`GET /api/applications`, staff).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: String,
    /// The name the person gave when registering.
    pub name: String,
    pub created_at: i64,
}

/// `PUT /api/documents/{id}/scope`: who may sync a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeRequest {
    pub scope: Scope,
}

/// A document's scope as the relay now holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeView {
    pub document: DocumentId,
    pub scope: Scope,
    /// The device that first brought or declared it.
    pub creator: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn device() -> Device {
        Device {
            id: "d1".into(),
            community: "c1".into(),
            role: Role::Volunteer,
            building: None,
            name: "王阿姨".into(),
            created_at: 5,
            revoked_at: None,
            pending: true,
        }
    }

    fn community() -> Community {
        Community {
            id: "c1".into(),
            name: "和平里社区".into(),
            created_at: 1,
        }
    }

    #[test]
    fn a_refusal_is_one_field() {
        let body = serde_json::to_string(&Refusal::new(code::INVITE_EXPIRED)).unwrap();
        assert_eq!(body, r#"{"error":"invite_expired"}"#);
        let back: Refusal = serde_json::from_str(r#"{"error":"x","detail":1}"#).unwrap();
        assert_eq!(back.error, "x");
    }

    #[test]
    fn redeemed_keeps_its_wire_names() {
        let r = Redeemed {
            token: "t".into(),
            view: DeviceView::new(device(), community()),
        };
        let value = serde_json::to_value(&r).unwrap();
        assert_eq!(
            value,
            json!({
                "token": "t",
                "device": {
                    "id": "d1", "community": "c1", "role": "volunteer", "building": null,
                    "name": "王阿姨", "created_at": 5, "revoked_at": null, "pending": true,
                },
                "community": {"id": "c1", "name": "和平里社区", "created_at": 1},
                "community_document": DocumentId::for_community("c1").to_string(),
            })
        );
        assert_eq!(serde_json::from_value::<Redeemed>(value).unwrap(), r);
    }

    #[test]
    fn an_older_relays_device_reads_without_the_newer_fields() {
        let d: Device = serde_json::from_value(json!({
            "id": "d1", "community": "c1", "role": "lead", "name": "", "created_at": 0,
        }))
        .unwrap();
        assert!(!d.pending && d.building.is_none() && !d.is_revoked());
    }

    #[test]
    fn a_mint_request_sends_only_what_is_chosen() {
        let m = MintRequest {
            role: Role::Volunteer,
            building: None,
            uses: Some(500),
            expires_in_hours: None,
            approval: true,
        };
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            json!({"role": "volunteer", "uses": 500, "approval": true})
        );
        let read: MintRequest =
            serde_json::from_value(json!({"role": "lead", "building": null})).unwrap();
        assert_eq!(read.building, None);
        assert!(!read.approval);
    }

    #[test]
    fn paths_name_their_ids() {
        assert_eq!(path::approve("d1"), "/api/devices/d1/approve");
        assert_eq!(path::revoke("d1"), "/api/devices/d1/revoke");
        let doc = DocumentId::for_community("c1");
        assert_eq!(path::scope(&doc), format!("/api/documents/{doc}/scope"));
    }
}
