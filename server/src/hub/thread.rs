//! The sync hub: one thread that owns the relay's sync engine and drives it
//! with the sockets' frames, storage and a clock.
//!
//! It works in batches: it takes every event waiting (up to a limit), runs
//! them through the engine, writes all the chunks they produced in one
//! transaction, and only then sends the replies. Changes are passed on to the
//! other phones of a document every 50 ms, one message per phone. A phone is never told the
//! relay has a change that is not on disk, and many phones' writes share one
//! fsync.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use linli_shared::sync::{
    self, Access, CloseReason, ConnId, DocumentId, Effect, Engine, Event, Gate, Scope,
};
use tokio::sync::{mpsc, watch};

use crate::metrics::Metrics;
use crate::secret;
use crate::storage::{Device, Listener, Notice, Registration, Storage, Write};

/// Most events taken into one batch.
const BATCH: usize = 512;
/// How often changes are passed on to the other phones of a document. Edits
/// arriving within one window reach each phone as one sync message: on a
/// busy round that is several times fewer bytes over weak signal, for a
/// delay no one in a stairwell notices.
const FAN_OUT_EVERY: Duration = Duration::from_millis(50);
/// Close codes the app understands (4000–4999 are the application's).
pub const CLOSE_REVOKED: u16 = 4401;
pub const CLOSE_PROTOCOL: u16 = 1002;
pub const CLOSE_POLICY: u16 = 1008;
pub const CLOSE_SERVER_ERROR: u16 = 1011;

/// What a connection's writer task is told to do.
#[derive(Debug)]
pub enum Outbound {
    Frame(Vec<u8>),
    Close { code: u16, reason: String },
}

/// A connection as the hub holds it.
pub struct ConnLink {
    pub device: Device,
    /// Bounded: a phone that does not read its frames is dropped, not waited for.
    pub outbox: mpsc::Sender<Outbound>,
    /// Closes the connection at once, even when its outbox is full.
    pub kill: watch::Sender<Option<(u16, String)>>,
}

pub enum HubEvent {
    Connect {
        conn: ConnId,
        link: ConnLink,
    },
    Frame {
        conn: ConnId,
        bytes: Vec<u8>,
        at: Instant,
    },
    Disconnect {
        conn: ConnId,
    },
    /// A document's scope changed through the API: read it again.
    ScopeChanged {
        document: DocumentId,
    },
    /// A device was revoked through the API.
    Revoked {
        device: String,
    },
    /// A pending device was approved through the API: its sockets are
    /// offered what they were refused while it waited.
    Approved {
        device: String,
    },
    Tick,
    /// Pass the changes of the last moments on to the other phones.
    Flush,
    /// Another relay sharing the storage committed something.
    Elsewhere(Notice),
}

/// A handle to the hub thread.
#[derive(Clone)]
pub struct Hub {
    tx: mpsc::Sender<HubEvent>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hub")
    }
}

impl Hub {
    /// Starts the hub thread and its clock. The thread ends when every
    /// handle is dropped.
    pub fn start(storage: Arc<dyn Storage>, metrics: Arc<Metrics>) -> Self {
        let (tx, rx) = mpsc::channel(8192);
        let peer_id = format!("linli-relay-{}", secret::new_id());
        let listener = HubListener(tx.downgrade());
        std::thread::Builder::new()
            .name("sync-hub".into())
            .spawn(move || {
                // Off the async threads: a backend may block to connect.
                match storage.listen(Box::new(listener)) {
                    Ok(true) => tracing::info!("listening for other relays' changes"),
                    Ok(false) => {}
                    Err(e) => {
                        // Phones of this relay still sync with each other;
                        // a stalled sync restarts and reads storage again.
                        metrics.storage_errors.fetch_add(1, Relaxed);
                        tracing::error!(error = %e, "cannot hear other relays' changes");
                    }
                }
                HubThread::new(peer_id, storage, metrics).run(rx)
            })
            .expect("starting the sync hub thread");
        let flusher = tx.downgrade();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(FAN_OUT_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let Some(tx) = flusher.upgrade() else { break };
                if tx.send(HubEvent::Flush).await.is_err() {
                    break;
                }
            }
        });
        let clock = tx.downgrade();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            loop {
                every.tick().await;
                let Some(tx) = clock.upgrade() else { break };
                if tx.send(HubEvent::Tick).await.is_err() {
                    break;
                }
            }
        });
        Self { tx }
    }

    /// Waits while the hub is busy (backpressure on the sockets that feed it).
    pub async fn send(&self, event: HubEvent) {
        // The hub only stops with the process.
        let _ = self.tx.send(event).await;
    }
}

/// Passes other relays' notices into the hub, for as long as it runs.
struct HubListener(mpsc::WeakSender<HubEvent>);

impl Listener for HubListener {
    fn notice(&mut self, notice: Notice) -> bool {
        match self.0.upgrade() {
            Some(tx) => tx.blocking_send(HubEvent::Elsewhere(notice)).is_ok(),
            None => false,
        }
    }

    fn listening(&self) -> bool {
        self.0.upgrade().is_some()
    }
}

/// Access control: the device behind each connection and the document
/// registry, cached, with storage as the authority.
struct RelayGate {
    storage: Arc<dyn Storage>,
    metrics: Arc<Metrics>,
    devices: HashMap<ConnId, Device>,
    registry: HashMap<DocumentId, Option<Registration>>,
    /// Documents first brought since the hub last looked: whoever asked for
    /// one before it existed is offered it.
    brought: Vec<DocumentId>,
}

impl RelayGate {
    fn registration(&mut self, document: &DocumentId) -> Option<Registration> {
        if let Some(r) = self.registry.get(document) {
            return r.clone();
        }
        match self.storage.registration(document) {
            Ok(r) => {
                if self.registry.len() > 100_000 {
                    self.registry.clear();
                }
                // Unknown documents are not cached: one may be registered
                // through the API at any moment.
                if r.is_some() {
                    self.registry.insert(*document, r.clone());
                }
                r
            }
            Err(e) => {
                self.metrics.storage_errors.fetch_add(1, Relaxed);
                tracing::error!(error = %e, "reading the document registry");
                None
            }
        }
    }
}

impl Gate for RelayGate {
    fn admit(&mut self, conn: ConnId, document: &DocumentId, access: Access) -> bool {
        let Some(device) = self.devices.get(&conn).cloned() else {
            return false;
        };
        if device.is_revoked() {
            return false;
        }
        match self.registration(document) {
            Some(r) => r.admits(&device),
            // Before approval a device may start one document: its own.
            None if access == Access::Offer
                && device.pending
                && *document != DocumentId::for_volunteer(&device.community, &device.id) =>
            {
                false
            }
            None if access == Access::Offer => {
                // First seen from this device: it belongs to the device's
                // community, and only its creator and staff may sync it.
                let new = Registration {
                    document: *document,
                    community: device.community.clone(),
                    scope: Scope::creator(&device.id),
                    creator: device.id.clone(),
                    created_at: secret::now_millis(),
                };
                match self.storage.register(&new) {
                    Ok(r) => {
                        tracing::info!(document = %document, device = %device.id, scope = r.scope.kind(), "document registered");
                        self.brought.push(*document);
                        let ok = r.admits(&device);
                        self.registry.insert(*document, Some(r));
                        ok
                    }
                    Err(e) => {
                        self.metrics.storage_errors.fetch_add(1, Relaxed);
                        tracing::error!(error = %e, "registering a document");
                        false
                    }
                }
            }
            None => false,
        }
    }
}

struct HubThread {
    engine: Engine,
    gate: RelayGate,
    storage: Arc<dyn Storage>,
    metrics: Arc<Metrics>,
    links: HashMap<ConnId, ConnLink>,
    started: Instant,
    /// Revocations already acted on are at or before this (milliseconds).
    revocations_checked: i64,
    ticks: u64,
    /// Who asked for a document and was refused: offered it again when its
    /// scope changes (a round declared just after its listing reached them).
    refused: HashMap<DocumentId, HashSet<ConnId>>,
}

/// What one batch wants done after the engine ran.
#[derive(Default)]
struct Pending {
    writes: Vec<Write>,
    sends: Vec<(ConnId, Outbound)>,
    frames: Vec<Instant>,
    conns: HashSet<ConnId>,
}

impl HubThread {
    fn new(peer_id: String, storage: Arc<dyn Storage>, metrics: Arc<Metrics>) -> Self {
        Self {
            engine: Engine::new(sync::Config::relay(peer_id)),
            gate: RelayGate {
                storage: storage.clone(),
                metrics: metrics.clone(),
                devices: HashMap::new(),
                registry: HashMap::new(),
                brought: Vec::new(),
            },
            storage,
            metrics,
            links: HashMap::new(),
            started: Instant::now(),
            revocations_checked: secret::now_millis(),
            ticks: 0,
            refused: HashMap::new(),
        }
    }

    fn run(mut self, mut rx: mpsc::Receiver<HubEvent>) {
        while let Some(first) = rx.blocking_recv() {
            let mut pending = Pending::default();
            self.event(first, &mut pending);
            for _ in 1..BATCH {
                match rx.try_recv() {
                    Ok(event) => self.event(event, &mut pending),
                    Err(_) => break,
                }
            }
            self.finish(pending);
        }
    }

    fn event(&mut self, event: HubEvent, pending: &mut Pending) {
        let effects = match event {
            HubEvent::Connect { conn, mut link } => {
                // Approved between the socket's handshake and now: the
                // Approved event found no socket to update.
                if link.device.pending
                    && let Ok(Some(d)) = self.storage.device(&link.device.id)
                {
                    link.device.pending = d.pending;
                }
                self.gate.devices.insert(conn, link.device.clone());
                self.links.insert(conn, link);
                self.engine
                    .handle(Event::Connected { conn }, &mut self.gate)
            }
            HubEvent::Frame { conn, bytes, at } => {
                pending.frames.push(at);
                pending.conns.insert(conn);
                self.engine
                    .handle(Event::Received { conn, bytes }, &mut self.gate)
            }
            HubEvent::Disconnect { conn } => {
                self.refused.retain(|_, conns| {
                    conns.remove(&conn);
                    !conns.is_empty()
                });
                self.gate.devices.remove(&conn);
                self.links.remove(&conn);
                self.engine
                    .handle(Event::Disconnected { conn }, &mut self.gate)
            }
            HubEvent::ScopeChanged { document } => self.scope_changed(document),
            HubEvent::Revoked { device } => {
                self.close_device(&device);
                Vec::new()
            }
            HubEvent::Approved { device } => self.approve_device(&device),
            HubEvent::Elsewhere(notice) => self.elsewhere(notice),
            HubEvent::Flush => self.engine.handle(Event::Flush, &mut self.gate),
            HubEvent::Tick => {
                self.ticks += 1;
                if self.ticks.is_multiple_of(2) {
                    self.poll_revocations();
                }
                let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
                self.engine.handle(Event::Tick { now }, &mut self.gate)
            }
        };
        let mut effects = effects;
        // Asked for before anyone brought it: refused then, offered now
        // (once its scope admits them; a round's scope is often declared a
        // moment later, and offered again then).
        for document in std::mem::take(&mut self.gate.brought) {
            if self.refused.contains_key(&document) {
                effects.extend(self.scope_changed(document));
            }
        }
        self.effects(effects, pending);
    }

    fn effects(&mut self, effects: Vec<Effect>, pending: &mut Pending) {
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Send { conn, bytes } => pending.sends.push((conn, Outbound::Frame(bytes))),
                Effect::Close { conn, reason } => {
                    let (code, text) = match &reason {
                        CloseReason::Protocol(t) => (CLOSE_PROTOCOL, t.clone()),
                        CloseReason::JoinTimeout => (CLOSE_POLICY, "join timeout".to_owned()),
                        CloseReason::PeerError(_) => (1000, "peer error".to_owned()),
                    };
                    if let Some(device) = self.gate.devices.get(&conn) {
                        tracing::info!(conn, device = %device.id, reason = %text, "closing sync connection");
                    }
                    pending
                        .sends
                        .push((conn, Outbound::Close { code, reason: text }));
                }
                Effect::Load { document } => match self.storage.load_chunks(&document) {
                    Ok(chunks) => queue.extend(
                        self.engine
                            .handle(Event::Loaded { document, chunks }, &mut self.gate),
                    ),
                    Err(e) => {
                        // Serve nothing rather than an empty document: the
                        // phones ask again and nothing is overwritten.
                        self.metrics.storage_errors.fetch_add(1, Relaxed);
                        tracing::error!(document = %document, error = %e, "loading a document");
                        self.engine.forget(&document);
                    }
                },
                Effect::SaveChunk { document, chunk } => {
                    pending.writes.push(Write::Chunk { document, chunk })
                }
                Effect::Compact {
                    document,
                    snapshot,
                    replaces,
                } => pending.writes.push(Write::Compact {
                    document,
                    snapshot,
                    replaces,
                }),
                Effect::CorruptChunk { document, key } => {
                    self.metrics.storage_errors.fetch_add(1, Relaxed);
                    tracing::warn!(document = %document, chunk = %key.0, "stored chunk does not load; kept as it is");
                }
                Effect::Denied { conn, document } => {
                    self.metrics.denied.fetch_add(1, Relaxed);
                    if self.refused.len() > 100_000 {
                        self.refused.clear();
                    }
                    self.refused.entry(document).or_default().insert(conn);
                    let device = self
                        .gate
                        .devices
                        .get(&conn)
                        .map(|d| d.id.as_str())
                        .unwrap_or("?");
                    tracing::info!(conn, device, document = %document, "doc-unavailable: not in this device's scope or unknown");
                }
                Effect::Joined { conn, .. } => tracing::debug!(conn, "peer joined"),
                Effect::Changed { .. } | Effect::Unavailable { .. } | Effect::Ephemeral { .. } => {}
            }
        }
    }

    /// Store, then send: the order that makes every reply a promise kept.
    fn finish(&mut self, pending: Pending) {
        if let Err(e) = self.storage.write(&pending.writes) {
            // Nothing of this batch reached the disk. Forget those documents
            // (they reload from what is stored) and close every connection,
            // so phones start their sync over and resend what is missing.
            self.metrics.storage_errors.fetch_add(1, Relaxed);
            tracing::error!(error = %e, "storage write failed; closing all sync connections");
            for w in &pending.writes {
                let (Write::Chunk { document, .. } | Write::Compact { document, .. }) = w;
                self.engine.forget(document);
            }
            let conns: Vec<ConnId> = self.links.keys().copied().collect();
            for conn in conns {
                self.kill(conn, CLOSE_SERVER_ERROR, "relay storage failed");
            }
            return;
        }
        for (conn, out) in pending.sends {
            let Some(link) = self.links.get(&conn) else {
                continue;
            };
            let bytes = match &out {
                Outbound::Frame(b) => b.len() as u64,
                Outbound::Close { .. } => 0,
            };
            let closing = matches!(out, Outbound::Close { .. });
            match link.outbox.try_send(out) {
                Ok(()) => {
                    if bytes > 0 {
                        self.metrics.messages_out.fetch_add(1, Relaxed);
                        self.metrics.bytes_out.fetch_add(bytes, Relaxed);
                    }
                }
                Err(mpsc::error::TrySendError::Full(_)) => {
                    self.metrics.slow_clients_dropped.fetch_add(1, Relaxed);
                    tracing::info!(conn, "phone is not reading its messages; closing");
                    self.kill(conn, CLOSE_POLICY, "too slow");
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
            if closing {
                self.forget_conn(conn);
            }
        }
        let now = Instant::now();
        for at in pending.frames {
            self.metrics.observe_sync_latency(now.duration_since(at));
        }
        self.metrics
            .documents_in_memory
            .store(self.engine.documents_in_memory() as u64, Relaxed);
    }

    fn kill(&mut self, conn: ConnId, code: u16, reason: &str) {
        if let Some(link) = self.links.get(&conn) {
            let _ = link.kill.send(Some((code, reason.to_owned())));
        }
        self.forget_conn(conn);
    }

    fn forget_conn(&mut self, conn: ConnId) {
        self.links.remove(&conn);
        self.gate.devices.remove(&conn);
        self.engine
            .handle(Event::Disconnected { conn }, &mut self.gate);
    }

    fn close_device(&mut self, device: &str) {
        let conns: Vec<ConnId> = self
            .links
            .iter()
            .filter(|(_, l)| l.device.id == device)
            .map(|(c, _)| *c)
            .collect();
        for conn in conns {
            tracing::info!(conn, device, "device revoked: closing its connection");
            if let Some(link) = self.links.get(&conn) {
                // Tell automerge-repo clients why, then close.
                let error = linli_shared::sync::Message::Error {
                    sender: self.engine.peer_id().to_owned(),
                    target: self.engine.peer_of(conn).unwrap_or_default().to_owned(),
                    message: "device revoked".into(),
                };
                let _ = link.outbox.try_send(Outbound::Frame(error.encode()));
            }
            self.kill(conn, CLOSE_REVOKED, "device revoked");
        }
    }

    /// A device's sockets now belong to a member: the gate learns it, and
    /// every document they were refused is offered again (the community
    /// document first of all), so the phone need not reconnect.
    fn approve_device(&mut self, device: &str) -> Vec<Effect> {
        let mut conns = HashSet::new();
        for (conn, link) in self.links.iter_mut() {
            if link.device.id == device {
                link.device.pending = false;
                conns.insert(*conn);
            }
        }
        for (conn, d) in self.gate.devices.iter_mut() {
            if d.id == device {
                d.pending = false;
                conns.insert(*conn);
            }
        }
        let mut offers = Vec::new();
        self.refused.retain(|document, refused| {
            for conn in conns.iter() {
                if refused.remove(conn) {
                    offers.push((*conn, *document));
                }
            }
            !refused.is_empty()
        });
        let mut effects = Vec::new();
        for (conn, document) in offers {
            effects.extend(self.engine.offer(conn, document, &mut self.gate));
        }
        effects
    }

    /// A document's scope changed (here or on another relay): read it again,
    /// and offer the document to whoever was refused it.
    /// Those it still refuses stay on the list for the next change.
    fn scope_changed(&mut self, document: DocumentId) -> Vec<Effect> {
        self.gate.registry.remove(&document);
        let Some(refused) = self.refused.remove(&document) else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        let mut still = HashSet::new();
        for conn in refused {
            if self.gate.admit(conn, &document, Access::Request) {
                effects.extend(self.engine.offer(conn, document, &mut self.gate));
            } else {
                still.insert(conn);
            }
        }
        if !still.is_empty() {
            self.refused.insert(document, still);
        }
        effects
    }

    /// What another relay sharing the storage committed: its phones' changes
    /// reach the phones here; scopes, approvals and revocations take effect
    /// here as they would had they been made here.
    fn elsewhere(&mut self, notice: Notice) -> Vec<Effect> {
        self.metrics.relay_notices.fetch_add(1, Relaxed);
        match notice {
            Notice::Stored(document) => self.read_again(document),
            Notice::Scope(document) => self.scope_changed(document),
            Notice::Approved(device) => self.approve_device(&device),
            Notice::Revoked(device) => {
                self.poll_revocations();
                self.close_device(&device);
                Vec::new()
            }
            Notice::Missed => {
                // Whatever happened meanwhile is in storage: read it all.
                self.gate.registry.clear();
                self.poll_revocations();
                let held: Vec<DocumentId> = self.engine.documents().collect();
                held.into_iter()
                    .flat_map(|document| self.read_again(document))
                    .collect()
            }
        }
    }

    /// Brings a document held in memory up to date with storage.
    fn read_again(&mut self, document: DocumentId) -> Vec<Effect> {
        let Some(known) = self.engine.stored_chunks(&document) else {
            return Vec::new();
        };
        match self.storage.load_chunks_except(&document, &known) {
            Ok(chunks) => {
                self.metrics.documents_read_again.fetch_add(1, Relaxed);
                self.engine
                    .stored_elsewhere(document, chunks, &mut self.gate)
            }
            Err(e) => {
                // Read afresh when next wanted; the phones' stalled syncs
                // restart meanwhile.
                self.metrics.storage_errors.fetch_add(1, Relaxed);
                tracing::error!(document = %document, error = %e, "reading another relay's change");
                self.engine.forget(&document);
                Vec::new()
            }
        }
    }

    /// Revocations made by the admin command line (another process) or
    /// another relay reach this one through storage.
    fn poll_revocations(&mut self) {
        if self.links.is_empty() {
            self.revocations_checked = secret::now_millis();
            return;
        }
        let since = self.revocations_checked;
        match self.storage.revoked_since(since) {
            Ok(revoked) => {
                for (device, at) in revoked {
                    self.revocations_checked = self.revocations_checked.max(at);
                    for d in self.gate.devices.values_mut() {
                        if d.id == device {
                            d.revoked_at = Some(at);
                        }
                    }
                    self.close_device(&device);
                }
            }
            Err(e) => {
                self.metrics.storage_errors.fetch_add(1, Relaxed);
                tracing::error!(error = %e, "reading revocations");
            }
        }
    }
}
