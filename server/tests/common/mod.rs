//! A relay on 127.0.0.1:0 in this process, with a community and helpers to
//! mint devices and call the HTTP API.

#![allow(dead_code)]

pub mod faulty;
pub mod postgres;
pub mod process;
pub mod raw;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use linli_server::{
    AppState, admin, quota::Quotas, storage::SqliteStorage, storage::Storage, sync_socket::Limits,
};
use linli_shared::model::actor::Role;
use tokio::net::TcpListener;
use tower::ServiceExt;

pub struct TestRelay {
    pub base: String,
    pub state: AppState,
    pub storage: Arc<SqliteStorage>,
    pub community: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _data: tempfile::TempDir,
}

pub struct Member {
    pub device: String,
    pub token: String,
}

impl TestRelay {
    pub async fn start() -> Self {
        Self::with_limits(Limits::default()).await
    }

    pub async fn with_limits(limits: Limits) -> Self {
        Self::with(limits, Quotas::default(), |s| s).await
    }

    pub async fn with_quotas(quotas: Quotas) -> Self {
        Self::with(Limits::default(), quotas, |s| s).await
    }

    /// A relay whose hub and handlers use `wrap(storage)` (a storage that
    /// fails or stalls on purpose); `storage` stays the plain database.
    pub async fn with(
        limits: Limits,
        quotas: Quotas,
        wrap: impl FnOnce(Arc<dyn Storage>) -> Arc<dyn Storage>,
    ) -> Self {
        let data = tempfile::tempdir().unwrap();
        let storage = Arc::new(SqliteStorage::open(data.path()).unwrap());
        let used = wrap(storage.clone());
        let mut state =
            AppState::with_quotas(data.path().join("no-dist"), used, quotas, Vec::new());
        state.limits = Arc::new(limits);
        let community = admin::create_community(storage.as_ref(), "和平里社区").unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(linli_server::serve::run(
            listener,
            linli_server::app(state.clone()),
            None,
            async move {
                let _ = rx.await;
            },
        ));
        Self {
            base,
            state,
            storage,
            community,
            stop: Some(tx),
            _data: data,
        }
    }

    /// A device of this relay's community.
    pub fn member(&self, role: Role, building: Option<&str>) -> Member {
        self.member_of(&self.community.clone(), role, building)
    }

    pub fn member_of(&self, community: &str, role: Role, building: Option<&str>) -> Member {
        let token = admin::create_token_as_given(
            self.storage.as_ref(),
            community,
            role,
            building.map(str::to_owned),
            "test phone",
        )
        .unwrap();
        let device = self
            .storage
            .device_by_token(&linli_server::secret::hash(&token))
            .unwrap()
            .unwrap()
            .id;
        Member { device, token }
    }

    pub fn sync_url(&self, token: &str) -> String {
        linli_loadgen::sync_url(&self.base, token)
    }

    /// Calls the HTTP API without a socket.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let response = linli_server::app(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, json)
    }
}

impl Drop for TestRelay {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
