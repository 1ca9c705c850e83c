//! The one error the relay's handlers answer with. Each variant is one
//! refusal on the wire, a status and a JSON body `{"error": code}` with a
//! stable code from [`linli_shared::api::code`] that the app translates;
//! what went wrong in detail goes to the log, here, where the refusal is
//! rendered (ids only, never a person's data), and never to the client.
//!
//! | Variant | Status | Code |
//! |---|---|---|
//! | `BadRequest` | 400 | `bad_request` |
//! | `BuildingTooLong` | 400 | `building_too_long` |
//! | `LeadNeedsBuilding` | 400 | `lead_needs_building` |
//! | `ApprovalVolunteersOnly` | 400 | `approval_volunteers_only` |
//! | `BadDocumentId` | 400 | `bad_document_id` |
//! | `BadScope` | 400 | `bad_scope` |
//! | `MissingToken` | 401 | `missing_token` |
//! | `UnknownToken` | 401 | `unknown_token` |
//! | `TokenRevoked` | 401 | `device_revoked` |
//! | `StaffOnly` | 403 | `staff_only` |
//! | `ScopeNotGrantable` | 403 | `scope_not_grantable` |
//! | `PendingApproval` | 403 | `pending_approval` |
//! | `NotAllowed` | 403 | `not_allowed` |
//! | `Invite(Unknown)` | 404 | `invite_unknown` |
//! | `CommunityUnknown` | 404 | `community_unknown` |
//! | `DocumentUnknown` | 404 | `document_unknown` |
//! | `DeviceUnknown` | 404 | `device_unknown` |
//! | `DeviceRevoked` | 409 | `device_revoked` |
//! | `NotPending` | 409 | `not_pending` |
//! | `Invite(Expired / UsedUp / Revoked)` | 410 | `invite_expired` / `invite_used_up` / `invite_revoked` |
//! | `TooManyRequests` | 429 | `too_many_requests` |
//! | `TooManyConnections` | 429 | `too_many_connections` |
//! | `Storage`, `Task` | 500 | `storage_error` |
//! | `RelayUnavailable` | 503 | `relay_unavailable` |
//! | `RelayFull` | 503 | `relay_full` |
//!
//! `/healthz`, `/metrics` and the built app answer in their own shapes (a
//! health status, Prometheus text, files) and do not use this type.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use linli_shared::api::{Refusal, code};

use crate::storage::{RedeemError, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no body, or not the JSON this endpoint reads")]
    BadRequest,
    #[error("a building name over the length limit")]
    BuildingTooLong,
    #[error("a lead's invite without a building")]
    LeadNeedsBuilding,
    #[error("an invite needing approval for another role than volunteer")]
    ApprovalVolunteersOnly,
    #[error("not a document id")]
    BadDocumentId,
    #[error("no scope in the body")]
    BadScope,

    #[error("no token")]
    MissingToken,
    #[error("no device has this token")]
    UnknownToken,
    #[error("the token's device {device} is revoked")]
    TokenRevoked { device: String },

    #[error("device {device} is not staff")]
    StaffOnly { device: String },
    #[error("device {device} may not grant this scope")]
    ScopeNotGrantable { device: String },
    #[error("device {device} waits for approval and starts only its own document")]
    PendingApproval { device: String },
    #[error("device {device} may not change this document's scope")]
    NotAllowed { device: String },

    #[error("{0}")]
    Invite(#[from] RedeemError),
    #[error("the device's community {community} is gone")]
    CommunityUnknown { community: String },
    #[error("not a document device {device} may see")]
    DocumentUnknown { device: String },
    #[error("no device {device} in the caller's community")]
    DeviceUnknown { device: String },

    #[error("device {device} is revoked")]
    DeviceRevoked { device: String },
    #[error("device {device} is not waiting for approval")]
    NotPending { device: String },

    /// One client address over an allowance (`quota` names it, as in the
    /// `linli_quota_refusals_total` metric).
    #[error("one address over the {quota} allowance")]
    TooManyRequests { quota: &'static str },
    #[error("device {device} has as many sockets open as it may")]
    TooManyConnections { device: String },

    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    #[error("storage task failed: {0}")]
    Task(#[from] tokio::task::JoinError),

    #[error("the sync hub does not answer")]
    RelayUnavailable,
    #[error("the relay holds as many sockets as it may ({max})")]
    RelayFull { max: usize },
}

impl AppError {
    /// The status and the stable code the client sees.
    pub fn refusal(&self) -> (StatusCode, &'static str) {
        use AppError::*;
        match self {
            BadRequest => (StatusCode::BAD_REQUEST, code::BAD_REQUEST),
            BuildingTooLong => (StatusCode::BAD_REQUEST, code::BUILDING_TOO_LONG),
            LeadNeedsBuilding => (StatusCode::BAD_REQUEST, code::LEAD_NEEDS_BUILDING),
            ApprovalVolunteersOnly => (StatusCode::BAD_REQUEST, code::APPROVAL_VOLUNTEERS_ONLY),
            BadDocumentId => (StatusCode::BAD_REQUEST, code::BAD_DOCUMENT_ID),
            BadScope => (StatusCode::BAD_REQUEST, code::BAD_SCOPE),
            MissingToken => (StatusCode::UNAUTHORIZED, code::MISSING_TOKEN),
            UnknownToken => (StatusCode::UNAUTHORIZED, code::UNKNOWN_TOKEN),
            TokenRevoked { .. } => (StatusCode::UNAUTHORIZED, code::DEVICE_REVOKED),
            StaffOnly { .. } => (StatusCode::FORBIDDEN, code::STAFF_ONLY),
            ScopeNotGrantable { .. } => (StatusCode::FORBIDDEN, code::SCOPE_NOT_GRANTABLE),
            PendingApproval { .. } => (StatusCode::FORBIDDEN, code::PENDING_APPROVAL),
            NotAllowed { .. } => (StatusCode::FORBIDDEN, code::NOT_ALLOWED),
            Invite(RedeemError::Unknown) => (StatusCode::NOT_FOUND, code::INVITE_UNKNOWN),
            Invite(RedeemError::Expired) => (StatusCode::GONE, code::INVITE_EXPIRED),
            Invite(RedeemError::UsedUp) => (StatusCode::GONE, code::INVITE_USED_UP),
            Invite(RedeemError::Revoked) => (StatusCode::GONE, code::INVITE_REVOKED),
            CommunityUnknown { .. } => (StatusCode::NOT_FOUND, code::COMMUNITY_UNKNOWN),
            DocumentUnknown { .. } => (StatusCode::NOT_FOUND, code::DOCUMENT_UNKNOWN),
            DeviceUnknown { .. } => (StatusCode::NOT_FOUND, code::DEVICE_UNKNOWN),
            DeviceRevoked { .. } => (StatusCode::CONFLICT, code::DEVICE_REVOKED),
            NotPending { .. } => (StatusCode::CONFLICT, code::NOT_PENDING),
            TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, code::TOO_MANY_REQUESTS),
            TooManyConnections { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, code::TOO_MANY_CONNECTIONS)
            }
            Storage(_) | Task(_) => (StatusCode::INTERNAL_SERVER_ERROR, code::STORAGE_ERROR),
            RelayUnavailable => (StatusCode::SERVICE_UNAVAILABLE, code::RELAY_UNAVAILABLE),
            RelayFull { .. } => (StatusCode::SERVICE_UNAVAILABLE, code::RELAY_FULL),
        }
    }

    /// The stable code alone.
    pub fn code(&self) -> &'static str {
        self.refusal().1
    }

    /// Writes the detail to the log, as loud as it deserves: the relay's own
    /// failures as errors, its limits reached as warnings or notes, and a
    /// client's mistakes (which clients make all day: a phone revoked, a
    /// link expired) for debugging only.
    fn log(&self, status: StatusCode, code: &'static str) {
        let status = status.as_u16();
        match self {
            AppError::Storage(_) | AppError::Task(_) => {
                tracing::error!(status, code, error = %self, "request failed");
            }
            AppError::RelayUnavailable | AppError::RelayFull { .. } => {
                tracing::warn!(status, code, error = %self, "refused");
            }
            // Tokenless sockets over the allowance are a flood by
            // definition: counted in the metrics, not logged one by one.
            AppError::TooManyRequests {
                quota: "anonymous_upgrades",
            } => {
                tracing::debug!(status, code, error = %self, "refused");
            }
            AppError::TooManyRequests { .. } | AppError::TooManyConnections { .. } => {
                tracing::info!(status, code, error = %self, "refused");
            }
            _ => tracing::debug!(status, code, error = %self, "refused"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.refusal();
        self.log(status, code);
        (status, Json(Refusal::new(code))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `e` as the client sees it.
    async fn wire(e: AppError) -> (u16, String, String) {
        let response = e.into_response();
        let status = response.status().as_u16();
        let content_type = response.headers()[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        (
            status,
            content_type,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    #[tokio::test]
    async fn every_refusal_renders_its_status_and_code() {
        let d = || "d1".to_owned();
        let table: Vec<(AppError, u16, &str)> = vec![
            (AppError::BadRequest, 400, "bad_request"),
            (AppError::BuildingTooLong, 400, "building_too_long"),
            (AppError::LeadNeedsBuilding, 400, "lead_needs_building"),
            (
                AppError::ApprovalVolunteersOnly,
                400,
                "approval_volunteers_only",
            ),
            (AppError::BadDocumentId, 400, "bad_document_id"),
            (AppError::BadScope, 400, "bad_scope"),
            (AppError::MissingToken, 401, "missing_token"),
            (AppError::UnknownToken, 401, "unknown_token"),
            (
                AppError::TokenRevoked { device: d() },
                401,
                "device_revoked",
            ),
            (AppError::StaffOnly { device: d() }, 403, "staff_only"),
            (
                AppError::ScopeNotGrantable { device: d() },
                403,
                "scope_not_grantable",
            ),
            (
                AppError::PendingApproval { device: d() },
                403,
                "pending_approval",
            ),
            (AppError::NotAllowed { device: d() }, 403, "not_allowed"),
            (RedeemError::Unknown.into(), 404, "invite_unknown"),
            (RedeemError::Expired.into(), 410, "invite_expired"),
            (RedeemError::UsedUp.into(), 410, "invite_used_up"),
            (RedeemError::Revoked.into(), 410, "invite_revoked"),
            (
                AppError::CommunityUnknown { community: d() },
                404,
                "community_unknown",
            ),
            (
                AppError::DocumentUnknown { device: d() },
                404,
                "document_unknown",
            ),
            (
                AppError::DeviceUnknown { device: d() },
                404,
                "device_unknown",
            ),
            (
                AppError::DeviceRevoked { device: d() },
                409,
                "device_revoked",
            ),
            (AppError::NotPending { device: d() }, 409, "not_pending"),
            (
                AppError::TooManyRequests {
                    quota: "invite_calls",
                },
                429,
                "too_many_requests",
            ),
            (
                AppError::TooManyConnections { device: d() },
                429,
                "too_many_connections",
            ),
            (
                StorageError::Damaged("row 3".into()).into(),
                500,
                "storage_error",
            ),
            (AppError::RelayUnavailable, 503, "relay_unavailable"),
            (AppError::RelayFull { max: 3 }, 503, "relay_full"),
        ];
        for (error, status, code) in table {
            let shown = format!("{error:?}");
            assert_eq!(
                wire(error).await,
                (
                    status,
                    "application/json".to_owned(),
                    format!(r#"{{"error":"{code}"}}"#)
                ),
                "{shown}"
            );
        }
    }

    #[tokio::test]
    async fn a_failed_storage_task_is_a_storage_error_and_keeps_its_detail_to_itself() {
        let join = tokio::task::spawn_blocking(|| panic!("a secret detail"))
            .await
            .unwrap_err();
        let (status, _, body) = wire(AppError::from(join)).await;
        assert_eq!(
            (status, body.as_str()),
            (500, r#"{"error":"storage_error"}"#)
        );
    }
}
