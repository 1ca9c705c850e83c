//! Who is calling: the device behind a token (from `?token=` or
//! `Authorization: Bearer`), and the JSON refusals every endpoint answers
//! with. Storage calls run off the async threads through [`blocking`].

use axum::{
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::AppState;
use crate::secret;
use crate::storage::{Device, Storage, StorageError};

/// A JSON error the app turns into a sentence in the user's language.
pub fn refuse(status: StatusCode, code: &'static str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": code }))).into_response()
}

/// Runs a storage call off the async threads; a failure is logged and
/// answered `storage_error`.
pub async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&dyn Storage) -> Result<T, StorageError> + Send + 'static,
) -> Result<T, Response> {
    let storage = state.storage.clone();
    match tokio::task::spawn_blocking(move || f(storage.as_ref())).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "storage");
            Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "storage_error"))
        }
        Err(e) => {
            tracing::error!(error = %e, "storage task");
            Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, "storage_error"))
        }
    }
}

/// The token from `Authorization: Bearer …`, if there is one.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// Why a token gave no device.
pub enum AuthError {
    /// Unknown or revoked: the code to answer 401 with.
    Refused(&'static str),
    /// Storage failed; the response says so.
    Storage(Response),
}

impl From<AuthError> for Response {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Refused(code) => refuse(StatusCode::UNAUTHORIZED, code),
            AuthError::Storage(r) => r,
        }
    }
}

/// The device a token belongs to, if it is valid and not revoked.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Device, AuthError> {
    let hash = secret::hash(token);
    match blocking(state, move |s| s.device_by_token(&hash))
        .await
        .map_err(AuthError::Storage)?
    {
        Some(d) if !d.is_revoked() => Ok(d),
        Some(_) => Err(AuthError::Refused("device_revoked")),
        None => Err(AuthError::Refused("unknown_token")),
    }
}

/// The device behind the request's bearer token.
pub async fn device_from(state: &AppState, headers: &HeaderMap) -> Result<Device, Response> {
    let token = bearer(headers).ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "missing_token"))?;
    authenticate(state, &token).await.map_err(Response::from)
}
