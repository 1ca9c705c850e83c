//! The relay's HTTP API (JSON; refusals are `{"error": code}`), called with
//! the browser's fetch. Used online only: joining, minting invites, declaring
//! a new document's scope, asking whether this device is still a member.

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
        let code = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|c| c.as_str()).map(str::to_owned))
            .unwrap_or_else(|| format!("http_{}", response.status()));
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
