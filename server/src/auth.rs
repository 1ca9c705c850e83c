//! Who is calling: the device behind a token (from `?token=` or
//! `Authorization: Bearer`). Storage calls run off the async threads through
//! [`blocking`]. Refusals are [`AppError`]s.

use axum::http::{HeaderMap, header};

use crate::AppState;
use crate::error::AppError;
use crate::secret;
use crate::storage::{Device, Storage};

/// Runs a storage call off the async threads. The call may fail with a
/// storage error or with a refusal of its own (anything that becomes an
/// [`AppError`]); a storage failure is answered `storage_error`.
pub async fn blocking<T: Send + 'static, E: Into<AppError> + Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&dyn Storage) -> Result<T, E> + Send + 'static,
) -> Result<T, AppError> {
    let storage = state.storage.clone();
    tokio::task::spawn_blocking(move || f(storage.as_ref()))
        .await?
        .map_err(Into::into)
}

/// The token from `Authorization: Bearer …`, if there is one.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// The device a token belongs to, if it is valid and not revoked: otherwise
/// [`AppError::UnknownToken`] or [`AppError::TokenRevoked`] (or a storage
/// failure).
pub async fn authenticate(state: &AppState, token: &str) -> Result<Device, AppError> {
    let hash = secret::hash(token);
    match blocking(state, move |s| s.device_by_token(&hash)).await? {
        Some(d) if !d.is_revoked() => Ok(d),
        Some(d) => Err(AppError::TokenRevoked { device: d.id }),
        None => Err(AppError::UnknownToken),
    }
}

/// The device behind the request's bearer token.
pub async fn device_from(state: &AppState, headers: &HeaderMap) -> Result<Device, AppError> {
    let token = bearer(headers).ok_or(AppError::MissingToken)?;
    authenticate(state, &token).await
}
