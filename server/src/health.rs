//! `/healthz`: answers 200 only when the relay can reach its storage.

use axum::{Json, Router, extract::State, routing::get};
use serde::Serialize;

use crate::{AppState, error::AppError};

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    let storage = state.storage.clone();
    tokio::task::spawn_blocking(move || storage.ping()).await??;
    Ok(Json(Health {
        status: "ok",
        version: linli_shared::release::VERSION,
    }))
}
