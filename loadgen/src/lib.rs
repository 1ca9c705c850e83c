//! A phone without a screen: the shared sync engine driven over a real
//! WebSocket, with an in-memory disk. The relay's integration tests use it
//! as the phones of a scenario; `linli-loadgen` runs a thousand of them.
//!
//! Everything is explicit: nothing happens until the caller pumps
//! ([`Phone::pump_until`]), so tests read like the scenario they play.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value};
use futures_util::{SinkExt, StreamExt};
use linli_shared::sync::{
    ChunkKey, CloseReason, Config, DocumentId, Effect, Engine, Event, Message, OpenGate,
    StoredChunk,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest, protocol::CloseFrame};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How the socket ended, as the phone saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    pub code: Option<u16>,
    pub reason: String,
}

pub struct Phone {
    pub name: String,
    engine: Engine,
    socket: Option<Socket>,
    conn: u64,
    /// The phone's disk: what the engine asked to keep.
    pub disk: BTreeMap<DocumentId, BTreeMap<ChunkKey, StoredChunk>>,
    /// Documents the relay said it has not got (or this device may not have).
    pub unavailable: Vec<DocumentId>,
    /// Messages of type `error` the relay sent.
    pub errors: Vec<String>,
    pub closed: Option<Closed>,
    /// Passing signals received: (document, sender, data).
    pub ephemeral: Vec<(DocumentId, String, Vec<u8>)>,
    started: Instant,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phone").field("name", &self.name).finish()
    }
}

/// `ws://host/sync?token=…` for a relay's base URL.
pub fn sync_url(base: &str, token: &str) -> String {
    let base = base
        .trim_end_matches('/')
        .replacen("http://", "ws://", 1)
        .replacen("https://", "wss://", 1);
    format!("{base}/sync?token={token}")
}

impl Phone {
    /// A phone with nothing on it and no connection.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            engine: Engine::new(Config::phone(format!("{name}-{}", std::process::id()))),
            socket: None,
            conn: 0,
            disk: BTreeMap::new(),
            unavailable: Vec::new(),
            errors: Vec::new(),
            closed: None,
            ephemeral: Vec::new(),
            started: Instant::now(),
            bytes_sent: 0,
            bytes_received: 0,
        }
    }

    /// Opens the WebSocket (`url` as from [`sync_url`]) and joins.
    pub async fn connect(&mut self, url: &str) -> anyhow::Result<()> {
        let request = url.into_client_request()?;
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .with_context(|| format!("{}: connecting", self.name))?;
        self.attach(socket).await;
        Ok(())
    }

    /// Connects, or says why the relay refused (the HTTP status).
    pub async fn try_connect(&mut self, url: &str) -> Result<(), u16> {
        match tokio_tungstenite::connect_async(url).await {
            Ok((socket, _)) => {
                self.attach(socket).await;
                Ok(())
            }
            Err(tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(_) => Err(0),
        }
    }

    /// A new connection: the engine says hello (`join`) on it.
    async fn attach(&mut self, socket: Socket) {
        self.socket = Some(socket);
        self.closed = None;
        self.conn += 1;
        let effects = self.handle(Event::Connected { conn: self.conn });
        self.run(effects).await;
    }

    pub fn is_connected(&self) -> bool {
        self.socket.is_some()
    }

    /// Drops the connection without a goodbye (a phone walking into a lift).
    pub async fn disconnect(&mut self) {
        if let Some(mut s) = self.socket.take() {
            let _ = s.close(None).await;
        }
        let effects = self.handle(Event::Disconnected { conn: self.conn });
        self.run(effects).await;
    }

    /// Sends raw bytes, as a hostile or broken client would.
    pub async fn send_raw(&mut self, bytes: Vec<u8>) -> anyhow::Result<()> {
        let socket = self.socket.as_mut().context("not connected")?;
        socket
            .send(tungstenite::Message::Binary(bytes.into()))
            .await?;
        Ok(())
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn handle(&mut self, event: Event) -> Vec<Effect> {
        self.engine.handle(event, &mut OpenGate)
    }

    /// Keeps a document in sync (reading it from the disk first).
    pub fn open(&mut self, id: DocumentId) {
        let effects = self.handle(Event::Open { document: id });
        for e in effects {
            if let Effect::Load { document } = e {
                let chunks = self
                    .disk
                    .get(&document)
                    .map(|m| m.values().cloned().collect())
                    .unwrap_or_default();
                let more = self.handle(Event::Loaded { document, chunks });
                self.keep(more);
            }
        }
    }

    /// Starts a document with an `events` list holding `first`.
    pub async fn create(&mut self, id: DocumentId, first: &str) {
        let mut doc = AutoCommit::new();
        let events = doc
            .put_object(automerge::ROOT, "events", ObjType::List)
            .expect("a new document takes a list");
        doc.insert(&events, 0, ScalarValue::Str(first.into()))
            .expect("a new list takes an item");
        doc.commit();
        let effects = self.engine.create(id, doc);
        self.run(effects).await;
    }

    /// Starts a document this phone made (a round, a ledger).
    pub async fn create_document(&mut self, id: DocumentId, doc: AutoCommit) {
        let effects = self.engine.create(id, doc);
        self.run(effects).await;
    }

    /// Changes a document with `f` (one model operation), then saves and
    /// syncs it as the app does; false while the phone has not got it.
    pub async fn change(&mut self, id: DocumentId, f: impl FnOnce(&mut AutoCommit)) -> bool {
        let Some(doc) = self.engine.document_mut(&id) else {
            return false;
        };
        f(doc);
        let effects = self.handle(Event::LocalChange { document: id });
        self.run(effects).await;
        true
    }

    /// Asks again for documents the relay had not got or would not give.
    pub async fn retry_unavailable(&mut self) {
        let effects = self.engine.retry_unavailable();
        self.run(effects).await;
    }

    /// The document, if this phone has it.
    pub fn document(&self, id: &DocumentId) -> Option<&AutoCommit> {
        self.engine.document(id)
    }

    /// Appends an event to the document's `events` list; false while the
    /// phone has not got the document yet.
    pub async fn record(&mut self, id: DocumentId, event: &str) -> bool {
        let Some(doc) = self.engine.document_mut(&id) else {
            return false;
        };
        let Ok(Some((Value::Object(ObjType::List), events))) = doc.get(automerge::ROOT, "events")
        else {
            return false;
        };
        let len = doc.length(&events);
        if doc
            .insert(&events, len, ScalarValue::Str(event.into()))
            .is_err()
        {
            return false;
        }
        doc.commit();
        let effects = self.handle(Event::LocalChange { document: id });
        self.run(effects).await;
        true
    }

    /// The events in a document, in list order.
    pub fn events(&self, id: &DocumentId) -> Vec<String> {
        self.engine.document(id).map(events_in).unwrap_or_default()
    }

    /// Whether the relay has acknowledged everything this phone has of `id`.
    pub fn on_relay(&self, id: &DocumentId) -> bool {
        self.engine.in_sync_with(self.conn, id)
    }

    /// Sends a passing signal about a document to the relay.
    pub async fn signal(&mut self, id: DocumentId, count: u64, data: Vec<u8>) {
        let effects =
            self.engine
                .broadcast_ephemeral(id, &format!("{}-session", self.name), count, data);
        self.run(effects).await;
    }

    fn keep(&mut self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut rest = Vec::new();
        for e in effects {
            match e {
                Effect::SaveChunk { document, chunk } => {
                    self.disk
                        .entry(document)
                        .or_default()
                        .insert(chunk.key.clone(), chunk);
                }
                Effect::Compact {
                    document,
                    snapshot,
                    replaces,
                } => {
                    let disk = self.disk.entry(document).or_default();
                    disk.insert(snapshot.key.clone(), snapshot);
                    for k in replaces {
                        disk.remove(&k);
                    }
                }
                Effect::Unavailable { document, .. } => self.unavailable.push(document),
                Effect::Ephemeral {
                    document,
                    sender,
                    data,
                } => self.ephemeral.push((document, sender, data)),
                other => rest.push(other),
            }
        }
        rest
    }

    async fn run(&mut self, effects: Vec<Effect>) {
        for e in self.keep(effects) {
            match e {
                Effect::Send { bytes, .. } => {
                    self.bytes_sent += bytes.len() as u64;
                    if let Some(s) = self.socket.as_mut()
                        && s.send(tungstenite::Message::Binary(bytes.into()))
                            .await
                            .is_err()
                    {
                        self.socket = None;
                    }
                }
                // After an `error` the relay closes the socket itself; read
                // on to learn its close code.
                Effect::Close {
                    reason: CloseReason::PeerError(_),
                    ..
                } => {}
                Effect::Close { reason, .. } => {
                    if let Some(mut s) = self.socket.take() {
                        let _ = s.close(None).await;
                    }
                    self.closed = Some(Closed {
                        code: None,
                        reason: format!("{reason:?}"),
                    });
                }
                _ => {}
            }
        }
    }

    /// Reads frames (and lets time pass) until `done` holds or `timeout`
    /// passes; returns whether `done` held.
    pub async fn pump_until(
        &mut self,
        timeout: Duration,
        mut done: impl FnMut(&Phone) -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if done(self) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            let Some(socket) = self.socket.as_mut() else {
                tokio::time::sleep(left.min(Duration::from_millis(20))).await;
                continue;
            };
            match tokio::time::timeout(left.min(Duration::from_millis(250)), socket.next()).await {
                Err(_) => {
                    let now = self.now();
                    let effects = self.handle(Event::Tick { now });
                    self.run(effects).await;
                }
                Ok(Some(Ok(tungstenite::Message::Binary(bytes)))) => {
                    self.bytes_received += bytes.len() as u64;
                    if let Ok(Message::Error { message, .. }) = Message::decode(&bytes) {
                        self.errors.push(message);
                    }
                    let effects = self.handle(Event::Received {
                        conn: self.conn,
                        bytes: bytes.to_vec(),
                    });
                    self.run(effects).await;
                }
                Ok(Some(Ok(tungstenite::Message::Close(frame)))) => {
                    self.closed = Some(closed(frame));
                    self.drop_socket().await;
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => {
                    if self.closed.is_none() {
                        self.closed = Some(Closed {
                            code: None,
                            reason: "connection lost".into(),
                        });
                    }
                    self.drop_socket().await;
                }
            }
        }
    }

    async fn drop_socket(&mut self) {
        self.socket = None;
        let effects = self.handle(Event::Disconnected { conn: self.conn });
        self.run(effects).await;
    }

    /// Pumps for a fixed time (to let the relay do whatever it will).
    pub async fn pump_for(&mut self, d: Duration) {
        self.pump_until(d, |_| false).await;
    }

    /// Pumps until the relay has everything this phone has of `ids`.
    pub async fn settle(&mut self, ids: &[DocumentId], timeout: Duration) -> anyhow::Result<()> {
        let ids = ids.to_vec();
        if !self
            .pump_until(timeout, |p| ids.iter().all(|id| p.on_relay(id)))
            .await
        {
            bail!(
                "{}: the relay did not acknowledge everything in {timeout:?}",
                self.name
            );
        }
        Ok(())
    }
}

fn closed(frame: Option<CloseFrame>) -> Closed {
    match frame {
        Some(f) => Closed {
            code: Some(u16::from(f.code)),
            reason: f.reason.to_string(),
        },
        None => Closed {
            code: None,
            reason: String::new(),
        },
    }
}

/// The `events` list of a scenario's document, in list order.
pub fn events_in(doc: &AutoCommit) -> Vec<String> {
    let Ok(Some((_, events))) = doc.get(automerge::ROOT, "events") else {
        return Vec::new();
    };
    (0..doc.length(&events))
        .filter_map(|i| match doc.get(&events, i) {
            Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
                ScalarValue::Str(s) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The events of a document as a relay stored it (its chunks, in order).
pub fn stored_events(chunks: &[StoredChunk]) -> Vec<String> {
    let mut doc = AutoCommit::new();
    for chunk in chunks {
        // A chunk that does not load leaves the events it held out: the
        // comparison that follows says what is missing.
        let _ = doc.load_incremental(&chunk.bytes);
    }
    events_in(&doc)
}

/// A document id every phone of a scenario derives from the same words.
pub fn document_named(name: &str) -> DocumentId {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    DocumentId::from_random_bytes(bytes)
}
