//! Asks the browser not to evict this phone's data (`navigator.storage.persist()`).
//! A phone that has been offline for days holds work nobody else has yet; losing
//! it to storage pressure would lose that work.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What the browser answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// The browser will not evict our storage on its own.
    Persisted,
    /// The browser declined (or the user did); data may be evicted under pressure.
    NotPersisted,
    /// No StorageManager (old browser, or not a secure context).
    Unsupported,
}

/// Checks whether storage is already persistent and, if not, asks for it.
pub async fn request() -> Persistence {
    match try_request().await {
        Ok(true) => Persistence::Persisted,
        Ok(false) => Persistence::NotPersisted,
        Err(_) => Persistence::Unsupported,
    }
}

async fn try_request() -> Result<bool, JsValue> {
    let navigator = leptos::prelude::window().navigator();
    let storage = js_sys::Reflect::get(&navigator, &JsValue::from_str("storage"))?;
    if storage.is_undefined() || storage.is_null() {
        return Err(JsValue::UNDEFINED);
    }
    let storage: web_sys::StorageManager = storage.unchecked_into();
    if JsFuture::from(storage.persisted()?).await?.is_truthy() {
        return Ok(true);
    }
    Ok(JsFuture::from(storage.persist()?).await?.is_truthy())
}
