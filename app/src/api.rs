//! The relay's HTTP API (JSON; refusals are `{"error": code}`), called with
//! the browser's fetch. Used online only: joining, minting invites, declaring
//! a new document's scope, asking whether this device is still a member.
//!
//! The paths and bodies are [`linli_shared::api`]'s, the same types the relay
//! answers with; one function per endpoint below, over [`call`].

use linli_shared::api::{
    Application, DeviceView, MintRequest, Minted, Preview, PreviewRequest, RedeemRequest, Redeemed,
    Refusal, ScopeRequest, ScopeView, path,
};
use linli_shared::vocabulary::{DocumentId, Scope};
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// No answer: offline, or the relay is down.
    Network,
    /// The relay refused, with its stable code (`invite_expired`, …).
    Refused { status: u16, code: String },
    /// An answer this version cannot read.
    Unreadable,
}

impl ApiError {
    pub fn code(&self) -> &str {
        match self {
            ApiError::Network => "network",
            ApiError::Refused { code, .. } => code,
            ApiError::Unreadable => "unreadable",
        }
    }
}

/// `POST /api/invites/redeem`: an invite code for this device's token.
pub async fn redeem(code: &str, device_name: &str) -> Result<Redeemed, ApiError> {
    let body = RedeemRequest {
        code: code.to_owned(),
        device_name: device_name.to_owned(),
    };
    call("POST", path::REDEEM, None, Some(&body)).await
}

/// `POST /api/invites/preview`: what a code is for, without using it.
pub async fn preview(code: &str) -> Result<Preview, ApiError> {
    let body = PreviewRequest {
        code: code.to_owned(),
    };
    call("POST", path::PREVIEW, None, Some(&body)).await
}

/// `GET /api/me`: this device as the relay knows it (a 401 when revoked).
pub async fn me(token: &str) -> Result<DeviceView, ApiError> {
    call::<(), _>("GET", path::ME, Some(token), None).await
}

/// `POST /api/invites` (staff): a new invite and its link.
pub async fn mint_invite(token: &str, request: &MintRequest) -> Result<Minted, ApiError> {
    call("POST", path::INVITES, Some(token), Some(request)).await
}

/// `GET /api/applications` (staff): devices waiting for approval, oldest first.
pub async fn applications(token: &str) -> Result<Vec<Application>, ApiError> {
    call::<(), _>("GET", path::APPLICATIONS, Some(token), None).await
}

/// `POST /api/devices/{id}/approve` (staff).
pub async fn approve(token: &str, device: &str) -> Result<(), ApiError> {
    call::<(), ()>("POST", &path::approve(device), Some(token), None).await
}

/// `POST /api/devices/{id}/revoke` (staff): a device leaves the community
/// (an application turned down, a lost phone).
pub async fn revoke(token: &str, device: &str) -> Result<(), ApiError> {
    call::<(), ()>("POST", &path::revoke(device), Some(token), None).await
}

/// `PUT /api/documents/{id}/scope`: who may sync a document.
pub async fn declare_scope(
    token: &str,
    document: &DocumentId,
    scope: Scope,
) -> Result<ScopeView, ApiError> {
    let body = ScopeRequest { scope };
    call("PUT", &path::scope(document), Some(token), Some(&body)).await
}

/// One call: `body` as JSON, the answer read as `T` (`()` for 204), a
/// refusal as [`ApiError::Refused`] with its code.
pub async fn call<B: Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| ApiError::Network)?;
    if let Some(token) = token {
        let _ = headers.set("authorization", &format!("Bearer {token}"));
    }
    if let Some(body) = body {
        let _ = headers.set("content-type", "application/json");
        let text = serde_json::to_string(body).map_err(|_| ApiError::Unreadable)?;
        init.set_body(&JsValue::from_str(&text));
    }
    init.set_headers(&headers);
    let request =
        web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Network)?;
    let response = JsFuture::from(leptos::prelude::window().fetch_with_request(&request))
        .await
        .map_err(|_| ApiError::Network)?;
    let response: web_sys::Response = response.unchecked_into();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if !response.ok() {
        let code = serde_json::from_str::<Refusal>(&text)
            .map(|r| r.error.into_owned())
            .unwrap_or_else(|_| format!("http_{}", response.status()));
        return Err(ApiError::Refused {
            status: response.status(),
            code,
        });
    }
    // An empty answer (204 No Content) reads as `null`, so `T = ()` fits it.
    let text = if text.trim().is_empty() {
        "null"
    } else {
        &text
    };
    serde_json::from_str(text).map_err(|_| ApiError::Unreadable)
}
