//! `/healthz`: answers 200 only when the relay can reach its storage and its
//! sync hub answers a heartbeat; otherwise 503, saying which failed, so a
//! load balancer or supervisor stops sending it phones.

use std::time::Duration;

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;

use crate::AppState;

/// How long the hub has to answer.
const HEARTBEAT_WITHIN: Duration = Duration::from_secs(3);

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Response {
    let answer = |code: StatusCode, status: &'static str| {
        (
            code,
            Json(Health {
                status,
                version: linli_shared::release::VERSION,
            }),
        )
            .into_response()
    };
    let storage = state.storage.clone();
    match tokio::task::spawn_blocking(move || storage.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: storage");
            return answer(StatusCode::SERVICE_UNAVAILABLE, "storage_unreachable");
        }
        Err(e) => {
            tracing::error!(error = %e, "health check: storage task");
            return answer(StatusCode::SERVICE_UNAVAILABLE, "storage_unreachable");
        }
    }
    if !state.hub.answers(HEARTBEAT_WITHIN).await {
        tracing::error!("health check: the sync hub did not answer");
        return answer(StatusCode::SERVICE_UNAVAILABLE, "hub_unresponsive");
    }
    answer(StatusCode::OK, "ok")
}
