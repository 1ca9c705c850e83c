//! The hub's batch loop: every event waiting, through the engine, the
//! chunks written in one transaction, then the replies sent.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::time::Instant;

use linli_shared::sync::{
    self, Access, CloseReason, ConnId, DocumentId, Effect, Engine, Event, Gate,
};
use tokio::sync::mpsc;

use super::gate::RelayGate;
use super::{ConnLink, HubEvent, Outbound};
use crate::metrics::Metrics;
use crate::quota::{CLOSE_QUOTA, Quotas, today};
use crate::secret;
use crate::storage::{Notice, Storage, Write};

/// The close frame's reason for a quota refusal: `quota:<which>`, which the
/// app reads (a close frame's reason is short; the `error` message before it
/// carries the sentence).
fn close_reason(reason: &str) -> String {
    reason
        .split_whitespace()
        .next()
        .unwrap_or("quota")
        .to_owned()
}

/// Most events taken into one batch.
const BATCH: usize = 512;
/// Close codes the app understands (4000–4999 are the application's).
pub const CLOSE_REVOKED: u16 = 4401;
pub const CLOSE_PROTOCOL: u16 = 1002;
pub const CLOSE_POLICY: u16 = 1008;
pub const CLOSE_SERVER_ERROR: u16 = 1011;

pub(super) struct HubThread {
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
    /// When the last batch finished, for `/healthz` and the sockets.
    beat: Arc<AtomicI64>,
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
    pub(super) fn new(
        peer_id: String,
        storage: Arc<dyn Storage>,
        metrics: Arc<Metrics>,
        quotas: Quotas,
        beat: Arc<AtomicI64>,
    ) -> Self {
        Self {
            engine: Engine::new(sync::Config::relay(peer_id)),
            gate: RelayGate::new(storage.clone(), metrics.clone(), quotas),
            storage,
            metrics,
            links: HashMap::new(),
            started: Instant::now(),
            revocations_checked: secret::now_millis(),
            ticks: 0,
            refused: HashMap::new(),
            beat,
        }
    }

    pub(super) fn run(&mut self, rx: &mut mpsc::Receiver<HubEvent>) {
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
            self.beat.store(secret::now_millis(), Relaxed);
        }
    }

    /// Closes every socket this hub holds (it stopped, and a new one starts
    /// with no sockets): their phones reconnect and resend.
    pub(super) fn close_all(&mut self) {
        let conns: Vec<ConnId> = self.links.keys().copied().collect();
        for conn in conns {
            if let Some(link) = self.links.get(&conn) {
                let _ = link
                    .kill
                    .send(Some((CLOSE_SERVER_ERROR, "relay restarting".to_owned())));
            }
        }
        self.links.clear();
    }

    fn event(&mut self, event: HubEvent, pending: &mut Pending) {
        // The connection whose frame this is: what it stores is its own.
        let mut source = None;
        let effects = match event {
            HubEvent::Connect { conn, mut link } => {
                // Revoked or approved between the socket's token check and
                // now: the Revoked or Approved event found no socket to act
                // on, so the device is read again as it joins.
                match self.storage.device(&link.device.id) {
                    Ok(Some(d)) => {
                        link.device.pending = d.pending;
                        link.device.revoked_at = d.revoked_at;
                    }
                    Ok(None) => link.device.revoked_at = Some(secret::now_millis()),
                    Err(e) => {
                        self.metrics.storage_errors.fetch_add(1, Relaxed);
                        tracing::error!(error = %e, "reading a joining device");
                    }
                }
                let revoked = link.device.is_revoked();
                let device = link.device.id.clone();
                self.gate.devices.insert(conn, link.device.clone());
                self.links.insert(conn, link);
                let effects = self
                    .engine
                    .handle(Event::Connected { conn }, &mut self.gate);
                if revoked {
                    self.close_device(&device);
                    return;
                }
                effects
            }
            HubEvent::Frame { conn, bytes, at } => {
                pending.frames.push(at);
                pending.conns.insert(conn);
                source = Some(conn);
                self.engine
                    .handle(Event::Received { conn, bytes }, &mut self.gate)
            }
            HubEvent::Heartbeat(reply) => {
                let _ = reply.send(());
                Vec::new()
            }
            HubEvent::Disconnect { conn } => {
                self.refused.retain(|_, conns| {
                    conns.remove(&conn);
                    !conns.is_empty()
                });
                self.gate.devices.remove(&conn);
                self.gate.over_quota.remove(&conn);
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
        pending
            .writes
            .extend(self.gate.registered.drain(..).map(Write::Register));
        self.effects(effects, source, pending);
    }

    fn effects(&mut self, effects: Vec<Effect>, source: Option<ConnId>, pending: &mut Pending) {
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Send { conn, bytes } => pending.sends.push((conn, Outbound::Frame(bytes))),
                Effect::Close { conn, reason } => {
                    let (code, text) = match &reason {
                        CloseReason::Protocol(t) => (CLOSE_PROTOCOL, t.clone()),
                        CloseReason::JoinTimeout => (CLOSE_POLICY, "join timeout".to_owned()),
                        CloseReason::PeerError(_) => (1000, "peer error".to_owned()),
                        CloseReason::OverQuota(t) => (CLOSE_QUOTA, close_reason(t)),
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
                    // What a phone's message added counts toward its
                    // device's day and its community's storage.
                    if let Some(device) = source.and_then(|c| self.gate.devices.get(&c)).cloned() {
                        let bytes = chunk.bytes.len() as u64;
                        self.gate.stored(&device, bytes);
                        pending.writes.push(Write::Usage {
                            device: device.id,
                            day: today(),
                            bytes,
                        });
                    }
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
                Effect::Refused {
                    conn,
                    document,
                    damage,
                } => {
                    self.metrics.sync_refused.add(damage.code());
                    let device = self
                        .gate
                        .devices
                        .get(&conn)
                        .map(|d| d.id.as_str())
                        .unwrap_or("?");
                    tracing::warn!(conn, device, document = %document, reason = damage.code(), "sync message refused: damaged changes");
                }
                Effect::Contained { document } => {
                    self.metrics.documents_contained.fetch_add(1, Relaxed);
                    let device = source
                        .and_then(|c| self.gate.devices.get(&c))
                        .map(|d| d.id.as_str())
                        .unwrap_or("?");
                    tracing::error!(document = %document, device, "automerge failed on a document; it leaves memory and is read again from storage");
                }
                Effect::Denied { conn, document } => {
                    // Refused for a quota (registering one document too
                    // many): the phone is told why and the socket closes.
                    if let Some(reason) = self.gate.over_quota.remove(&conn) {
                        let error = linli_shared::sync::Message::Error {
                            sender: self.engine.peer_id().to_owned(),
                            target: self.engine.peer_of(conn).unwrap_or_default().to_owned(),
                            message: reason.clone(),
                        };
                        pending.sends.push((conn, Outbound::Frame(error.encode())));
                        pending.sends.push((
                            conn,
                            Outbound::Close {
                                code: CLOSE_QUOTA,
                                reason: close_reason(&reason),
                            },
                        ));
                        continue;
                    }
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
            for document in pending.writes.iter().filter_map(Write::document) {
                self.engine.forget(document);
            }
            self.gate.forget_unwritten();
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
        self.gate.over_quota.remove(&conn);
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
