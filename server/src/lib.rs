//! The Linli relay.
//!
//! - [`cli`]: the command line (`serve` and the admin commands), with
//!   `--data` honoured by every subcommand.
//! - [`admin`]: communities, invites, tokens and devices from the terminal.
//! - [`buildings`]: a community's buildings from the terminal (list, add
//!   with its ledger, find the one an invite names).
//! - [`storage`]: the storage trait and its backends, SQLite (the embedded
//!   default) and PostgreSQL (several relays on one database): chunks and
//!   snapshots of documents, communities, devices, invites, the registry,
//!   and the notices relays send one another.
//! - [`hub`]: the thread that drives the sync engine, stores, then sends;
//!   supervised, with a heartbeat.
//! - [`quota`]: what one device, community or client address may ask of the
//!   relay.
//! - [`sync_socket`]: `/sync`, the WebSocket phones sync over; token check and
//!   limits.
//! - [`auth`]: the device behind a token, and storage calls off the async
//!   threads.
//! - [`api`]: invites, the device's own record, document scopes, approval and
//!   revocation; its bodies are `linli_shared::api`'s, shared with the app.
//! - [`metrics`]: `/metrics` for Prometheus.
//! - [`static_files`]: the built app from `dist/`, precompressed, with cache
//!   headers that let phones keep it offline, and the SPA fallback.
//! - [`health`]: `/healthz` for load balancers and the app.
//! - [`serve`]: binding, TLS, and graceful shutdown.
//! - [`secret`]: random ids, tokens and invite codes, and their hashes.
//! - [`error`]: the one error type handlers answer with: each refusal's
//!   status and `{"error": code}` body, and its detail in the log.

pub mod admin;
pub mod api;
pub mod auth;
pub mod buildings;
pub mod cli;
pub mod error;
pub mod health;
pub mod hub;
pub mod metrics;
pub mod quota;
pub mod secret;
pub mod serve;
pub mod static_files;
pub mod storage;
pub mod sync_socket;

use std::sync::atomic::AtomicU64;
use std::{path::PathBuf, sync::Arc};

use axum::Router;

/// Everything a request handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The built app (`dist/`), served to phones.
    pub dist: Arc<PathBuf>,
    /// The relay's durable storage.
    pub storage: Arc<dyn storage::Storage>,
    /// The sync engine's thread.
    pub hub: hub::Hub,
    pub metrics: Arc<metrics::Metrics>,
    pub limits: Arc<sync_socket::Limits>,
    pub usage: Arc<sync_socket::Usage>,
    /// Per-device, per-community and per-relay quotas (the hub holds a copy).
    pub quotas: Arc<quota::Quotas>,
    /// Per-address allowances: upgrades without a token, invite calls.
    pub addresses: Arc<quota::Addresses>,
    /// Numbers connections for the hub.
    pub next_conn: Arc<AtomicU64>,
    /// Where phones reach this relay (for join links), if configured.
    pub public_url: Option<Arc<str>>,
}

impl AppState {
    /// Starts the hub on `storage` with the default quotas; must run inside
    /// the Tokio runtime.
    pub fn new(dist: PathBuf, storage: Arc<dyn storage::Storage>) -> Self {
        Self::with_quotas(dist, storage, quota::Quotas::default(), Vec::new())
    }

    /// Starts the hub on `storage` with these quotas, trusting
    /// `X-Forwarded-For` from `trusted_proxies`.
    pub fn with_quotas(
        dist: PathBuf,
        storage: Arc<dyn storage::Storage>,
        quotas: quota::Quotas,
        trusted_proxies: Vec<std::net::IpAddr>,
    ) -> Self {
        let metrics = Arc::new(metrics::Metrics::default());
        let addresses = quota::Addresses::new(&quotas, trusted_proxies);
        let forget = Arc::downgrade(&addresses);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                every.tick().await;
                let Some(addresses) = forget.upgrade() else {
                    break;
                };
                addresses.forget_idle();
            }
        });
        Self {
            dist: Arc::new(dist),
            hub: hub::Hub::start(storage.clone(), metrics.clone(), quotas.clone()),
            storage,
            metrics,
            limits: Arc::new(sync_socket::Limits::default()),
            usage: Arc::new(sync_socket::Usage::default()),
            quotas: Arc::new(quotas),
            addresses,
            next_conn: Arc::new(AtomicU64::new(1)),
            public_url: None,
        }
    }
}

/// The whole HTTP surface, without a listener, so tests can drive it with
/// `oneshot` as well as over a real socket.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(metrics::routes())
        .merge(api::routes())
        .merge(sync_socket::routes())
        .fallback(static_files::serve)
        .layer(serve::trace_layer())
        .with_state(state)
}
