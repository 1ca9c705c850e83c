//! Binding, TLS and graceful shutdown for `linli-server serve`.

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{Router, extract::Request};
use tokio::net::TcpListener;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// How long open connections get to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(10);

/// PEM files for HTTPS.
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Request logs name the method and path only: query strings will carry device
/// tokens (`/sync?token=…`) and must never reach a log.
pub fn trace_layer() -> TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    impl Fn(&Request) -> tracing::Span + Clone,
> {
    TraceLayer::new_for_http()
        .make_span_with(|req: &Request| {
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        })
        .on_response(DefaultOnResponse::new().level(Level::DEBUG))
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains.
pub async fn run(
    listener: TcpListener,
    app: Router,
    tls: Option<Tls>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // One signal, two listeners: the server starts draining, and a deadline
    // starts so that a connection that never closes (a stuck client) cannot
    // keep the process alive.
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = tx.send(true);
    });
    let signalled = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let deadline = {
        let rx = rx.clone();
        async move {
            signalled(rx).await;
            tokio::time::sleep(DRAIN).await;
        }
    };
    let serving = async move {
        match tls {
            None => {
                axum::serve(
                    listener,
                    app.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .with_graceful_shutdown(signalled(rx))
                .await
                .context("serving HTTP")?;
            }
            Some(tls) => {
                let config = rustls_config(&tls).await?;
                let handle = axum_server::Handle::new();
                let on_signal = handle.clone();
                tokio::spawn(async move {
                    signalled(rx).await;
                    on_signal.graceful_shutdown(Some(DRAIN));
                });
                let std_listener = listener.into_std().context("taking the listener")?;
                axum_server::from_tcp_rustls(std_listener, config)
                    .handle(handle)
                    .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
                    .context("serving HTTPS")?;
            }
        }
        anyhow::Ok(())
    };
    tokio::select! {
        result = serving => result?,
        () = deadline => tracing::warn!("connections still open after {DRAIN:?}: closing them"),
    }
    Ok(())
}

async fn rustls_config(tls: &Tls) -> anyhow::Result<axum_server::tls_rustls::RustlsConfig> {
    // One process-wide crypto provider; a second install attempt is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .with_context(|| {
            format!(
                "loading the TLS certificate {} and key {}",
                tls.cert.display(),
                tls.key.display()
            )
        })
}

/// Resolves on SIGINT or SIGTERM, or when `stdin_eof` is set and standard input
/// closes (a test harness that dies takes its relay with it).
pub async fn shutdown_signal(stdin_eof: bool) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    let stdin_closed = async {
        if !stdin_eof {
            return std::future::pending::<()>().await;
        }
        // A plain thread, not tokio's blocking pool: the runtime waits for its
        // blocking tasks on exit, and a read of an open stdin never returns.
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut stdin = std::io::stdin();
            let mut buf = [0u8; 64];
            while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
            let _ = tx.send(());
        });
        let _ = rx.await;
    };
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT: shutting down"),
        () = terminate => tracing::info!("SIGTERM: shutting down"),
        () = stdin_closed => tracing::info!("standard input closed: shutting down"),
    }
}

/// Shared by `main` and tests: the state for a data directory and a `dist/`.
pub fn state(data: &std::path::Path, dist: PathBuf) -> anyhow::Result<crate::AppState> {
    let storage = crate::storage::SqliteStorage::open(data)
        .with_context(|| format!("opening the data directory {}", data.display()))?;
    Ok(crate::AppState::new(dist, Arc::new(storage)))
}
