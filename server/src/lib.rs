//! The Linli relay.
//!
//! - [`cli`]: the command line (`serve`, and the admin commands as they come),
//!   with `--data` honoured by every subcommand.
//! - [`store`]: the relay's SQLite file under the data directory.
//! - [`static_files`]: the built app from `dist/`, precompressed, with cache
//!   headers that let phones keep it offline, and the SPA fallback.
//! - [`health`]: `/healthz` for load balancers and the app.
//! - [`serve`]: binding, TLS, and graceful shutdown.
//! - [`error`]: the one error type handlers answer with.

pub mod cli;
pub mod error;
pub mod health;
pub mod serve;
pub mod static_files;
pub mod store;

use std::{path::PathBuf, sync::Arc};

use axum::Router;

/// Everything a request handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The built app (`dist/`), served to phones.
    pub dist: Arc<PathBuf>,
    /// The relay's durable storage.
    pub store: store::Store,
}

/// The whole HTTP surface, without a listener, so tests can drive it with
/// `oneshot` as well as over a real socket.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .fallback(static_files::serve)
        .layer(serve::trace_layer())
        .with_state(state)
}
