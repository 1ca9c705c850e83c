//! The sans-IO sync engine: events in, effects out. The relay drives one
//! engine for every phone connected to it; a phone drives one for its link to
//! the relay. Neither the engine nor its caller's IO knows about the other:
//! the caller turns a socket frame into [`Event::Received`], and turns
//! [`Effect::Send`] back into a frame; it turns [`Effect::Load`] into a read of
//! its storage and answers with [`Event::Loaded`].
//!
//! Durability: every change that reaches a document yields
//! [`Effect::SaveChunk`] before the replies it causes, so a caller that runs
//! the effects in order (saving before sending) never tells a peer it has
//! something that is not yet on disk.
//!
//! Long because the engine is one state machine (connections, documents, the
//! sync state of each pair, retries, ephemeral messages, scopes): splitting it
//! would spread one set of invariants over several files. Its tests are in
//! `shared/tests/`.

use std::collections::{BTreeMap, BTreeSet};

use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::sync::{self, ChunkList, SyncDoc};
use automerge::{AutoCommit, ChangeHash};

use super::chunk::{ChunkKey, ChunkKind, StoredChunk};
use super::intake::Intake;
use super::message::{Message, PROTOCOL_V1, PeerId, PeerMetadata};
use crate::intact::{self, Damage, Limits};
use crate::vocabulary::DocumentId;

/// Automerge's `advance_heads`: after applying a peer's changes, the new
/// heads (and the old shared heads still heads) are what both sides have.
fn advance_shared_heads(state: &mut sync::State, before: &[ChangeHash], after: &[ChangeHash]) {
    let mut shared: Vec<ChangeHash> = after
        .iter()
        .filter(|h| !before.contains(h))
        .chain(state.shared_heads.iter().filter(|h| after.contains(h)))
        .copied()
        .collect();
    shared.sort();
    shared.dedup();
    state.shared_heads = shared;
}

/// One connection, numbered by the caller.
pub type ConnId = u64;

/// Milliseconds on the caller's clock (only differences matter).
pub type Millis = u64;

/// Which end of the wire this engine is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Answers `join` with `peer`; answers `request`s, never makes them.
    Relay,
    /// Sends `join`; syncs the documents it has opened with every peer.
    Phone,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub peer_id: PeerId,
    pub side: Side,
    pub storage_id: Option<String>,
    /// A connection that has not joined by then is closed (relay).
    pub join_timeout: Millis,
    /// Documents that no connection has touched for this long leave memory
    /// (relay); `None` keeps them (a phone keeps what it opened).
    pub unload_after: Option<Millis>,
    /// A phone starts a document's sync with a peer over again when they
    /// have not agreed on its heads and nothing moved for this long: the
    /// sync protocol waits for answers, and a lost or repeated frame would
    /// otherwise leave it waiting for good.
    pub resync_after: Millis,
    /// Relay: pass changes on to the other peers of a document at
    /// [`Event::Flush`] rather than after each message, so the edits of a
    /// moment reach each peer as one sync message.
    pub coalesce: bool,
    /// Incremental chunks are folded into a snapshot once they together
    /// outgrow it (and are at least this many bytes).
    pub compact_above: usize,
    /// What one message may ask of Automerge (inflated bytes, rows).
    pub limits: Limits,
}

impl Config {
    pub fn relay(peer_id: impl Into<PeerId>) -> Self {
        Self {
            peer_id: peer_id.into(),
            side: Side::Relay,
            storage_id: None,
            join_timeout: 10_000,
            unload_after: Some(60_000),
            resync_after: 15_000,
            coalesce: true,
            compact_above: 4096,
            limits: Limits::DEFAULT,
        }
    }

    pub fn phone(peer_id: impl Into<PeerId>) -> Self {
        Self {
            peer_id: peer_id.into(),
            side: Side::Phone,
            storage_id: None,
            join_timeout: 10_000,
            unload_after: None,
            resync_after: 15_000,
            coalesce: false,
            compact_above: 4096,
            limits: Limits::DEFAULT,
        }
    }
}

#[derive(Debug)]
pub enum Event {
    /// A socket opened (either direction).
    Connected { conn: ConnId },
    /// A binary frame arrived.
    Received { conn: ConnId, bytes: Vec<u8> },
    /// The socket closed, for whatever reason.
    Disconnected { conn: ConnId },
    /// The phone wants this document kept in sync (loads it first).
    Open { document: DocumentId },
    /// The caller changed a document through [`Engine::document_mut`].
    LocalChange { document: DocumentId },
    /// The answer to [`Effect::Load`]: every chunk and snapshot stored for it.
    Loaded {
        document: DocumentId,
        chunks: Vec<StoredChunk>,
    },
    /// Time passes.
    Tick { now: Millis },
    /// The caller has handled a batch of events: pass the batch's changes
    /// on (with [`Config::coalesce`]).
    Flush,
}

/// Why the engine wants a connection closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer broke the protocol; the text went to it in an `error` message.
    Protocol(String),
    /// No `join` in time.
    JoinTimeout,
    /// The peer sent us an `error`.
    PeerError(String),
    /// The gate refused what the peer sent (a quota); the text went to it.
    OverQuota(String),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    Send {
        conn: ConnId,
        bytes: Vec<u8>,
    },
    Close {
        conn: ConnId,
        reason: CloseReason,
    },
    /// Read every chunk of this document and answer with [`Event::Loaded`].
    Load {
        document: DocumentId,
    },
    /// Keep this chunk (before running the effects that follow it).
    SaveChunk {
        document: DocumentId,
        chunk: StoredChunk,
    },
    /// Write the snapshot, and only then delete the chunks it replaces.
    Compact {
        document: DocumentId,
        snapshot: StoredChunk,
        replaces: Vec<ChunkKey>,
    },
    /// A stored chunk did not load; it is kept untouched and the rest serves.
    CorruptChunk {
        document: DocumentId,
        key: ChunkKey,
    },
    /// The document's content changed (new local or remote changes).
    Changed {
        document: DocumentId,
    },
    /// A connection asked for a document it may not have; it got
    /// `doc-unavailable`. For the log: ids only, never content.
    Denied {
        conn: ConnId,
        document: DocumentId,
    },
    /// The peer on `conn` has not got this document (or may not give it).
    Unavailable {
        conn: ConnId,
        document: DocumentId,
    },
    /// A connection finished its handshake.
    Joined {
        conn: ConnId,
        peer: PeerId,
    },
    /// A passing signal for the app (who is working which stairwell).
    Ephemeral {
        document: DocumentId,
        sender: PeerId,
        data: Vec<u8>,
    },
    /// A peer sent changes that failed the checks every chunk passes before
    /// Automerge sees it: the message was refused whole (nothing of it
    /// applied) and the connection closed with the reason. Ids only.
    Refused {
        conn: ConnId,
        document: DocumentId,
        damage: Damage,
    },
    /// Automerge panicked working on this document (what the checks missed):
    /// the document left memory, to be read again from storage when next
    /// wanted, and the connection whose message it was is closed. Every
    /// other document carries on.
    Contained {
        document: DocumentId,
    },
}

/// What the relay's access control is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The peer asks for a document it does not have.
    Request,
    /// The peer offers changes to a document (and may be creating it).
    Offer,
    /// We are about to pass a document's changes or signals to the peer.
    Deliver,
}

/// The relay's access control: may the device on `conn` sync `document`?
/// An [`Access::Offer`] of an unknown document is where a gate registers it.
pub trait Gate {
    fn admit(&mut self, conn: ConnId, document: &DocumentId, access: Access) -> bool;

    /// Before a peer's changes (`bytes` of chunks) are taken into a
    /// document: may the device on `conn` add them (the relay's quotas)?
    /// `Err` carries the reason the peer is told before it is disconnected.
    fn may_take(
        &mut self,
        conn: ConnId,
        document: &DocumentId,
        bytes: usize,
    ) -> Result<(), String> {
        let _ = (conn, document, bytes);
        Ok(())
    }
}

/// A phone trusts its relay with every document it opened.
#[derive(Debug, Default, Clone, Copy)]
pub struct OpenGate;

impl Gate for OpenGate {
    fn admit(&mut self, _: ConnId, _: &DocumentId, _: Access) -> bool {
        true
    }
}

enum Handshake {
    /// Relay side: waiting for `join` since then.
    AwaitingJoin {
        since: Millis,
    },
    /// Phone side: sent `join`, waiting for `peer`.
    AwaitingPeer,
    Ready {
        peer: PeerId,
    },
}

struct Conn {
    handshake: Handshake,
    /// The documents this connection syncs, to forget them when it goes.
    documents: BTreeSet<DocumentId>,
}

struct PeerSync {
    state: sync::State,
    /// The peer asked (a `request`) and has not been answered yet.
    asked: bool,
    /// When a message about this document last went either way.
    last_activity: Millis,
    /// The peer said it has not got the document.
    unavailable: bool,
}

impl PeerSync {
    fn new() -> Self {
        Self {
            state: sync::State::new(),
            asked: false,
            last_activity: 0,
            unavailable: false,
        }
    }
}

struct Doc {
    doc: AutoCommit,
    /// Messages that arrived while storage was read.
    loading: Option<Vec<(ConnId, Message)>>,
    peers: BTreeMap<ConnId, PeerSync>,
    saved_heads: Vec<ChangeHash>,
    chunks: Vec<(ChunkKey, usize)>,
    snapshot: Option<(ChunkKey, usize)>,
    /// A phone keeps documents it opened in sync with every peer.
    opened: bool,
    /// Relay: peers to offer the document to once it has loaded.
    offers: Vec<ConnId>,
    last_used: Millis,
    /// Where peers' changes are checked before they join the document, and
    /// wait for what they depend on.
    intake: Intake,
}

impl Doc {
    /// Applies a stored chunk and remembers it, so that a compaction
    /// replaces it.
    fn take_in(&mut self, document: DocumentId, chunk: StoredChunk, out: &mut Vec<Effect>) {
        let loaded = if intact::intact(&chunk.bytes) {
            self.doc.load_incremental(&chunk.bytes).map_err(|_| ())
        } else {
            Err(())
        };
        match loaded {
            Ok(_) => match chunk.kind {
                ChunkKind::Incremental => self.chunks.push((chunk.key, chunk.bytes.len())),
                ChunkKind::Snapshot => {
                    // An older snapshot (left by a crash mid-compaction, or
                    // another relay's) is folded into the next compaction.
                    if let Some((old, _)) = self.snapshot.take() {
                        self.chunks.push((old, 0));
                    }
                    self.snapshot = Some((chunk.key, chunk.bytes.len()));
                }
            },
            Err(_) => out.push(Effect::CorruptChunk {
                document,
                key: chunk.key,
            }),
        }
    }

    /// Every stored chunk this document was read from or wrote.
    fn chunk_keys(&self) -> Vec<ChunkKey> {
        self.chunks
            .iter()
            .chain(self.snapshot.iter())
            .map(|(k, _)| k.clone())
            .collect()
    }

    fn new(now: Millis) -> Self {
        Self {
            doc: AutoCommit::new(),
            loading: Some(Vec::new()),
            peers: BTreeMap::new(),
            saved_heads: Vec::new(),
            chunks: Vec::new(),
            snapshot: None,
            opened: false,
            offers: Vec::new(),
            last_used: now,
            intake: Intake::default(),
        }
    }
}

pub struct Engine {
    config: Config,
    now: Millis,
    conns: BTreeMap<ConnId, Conn>,
    docs: BTreeMap<DocumentId, Doc>,
    /// Documents changed since the last [`Event::Flush`] (with coalescing).
    changed: BTreeSet<DocumentId>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("peer_id", &self.config.peer_id)
            .field("connections", &self.conns.len())
            .field("documents", &self.docs.len())
            .finish()
    }
}

impl Engine {
    pub fn new(config: Config) -> Self {
        Self {
            config,
            now: 0,
            conns: BTreeMap::new(),
            docs: BTreeMap::new(),
            changed: BTreeSet::new(),
        }
    }

    pub fn peer_id(&self) -> &str {
        &self.config.peer_id
    }

    /// Documents held in memory now.
    pub fn documents_in_memory(&self) -> usize {
        self.docs.len()
    }

    /// Changes from peers waiting for what they depend on, over every
    /// document in memory.
    pub fn waiting_changes(&self) -> usize {
        self.docs.values().map(|d| d.intake.waiting()).sum()
    }

    pub fn connections(&self) -> usize {
        self.conns.len()
    }

    /// The peer on a connection, once it has joined.
    pub fn peer_of(&self, conn: ConnId) -> Option<&str> {
        match &self.conns.get(&conn)?.handshake {
            Handshake::Ready { peer } => Some(peer),
            _ => None,
        }
    }

    /// A loaded document, to read.
    pub fn document(&self, id: &DocumentId) -> Option<&AutoCommit> {
        self.docs
            .get(id)
            .filter(|d| d.loading.is_none())
            .map(|d| &d.doc)
    }

    /// A loaded document, to change; follow with [`Event::LocalChange`].
    pub fn document_mut(&mut self, id: &DocumentId) -> Option<&mut AutoCommit> {
        self.docs
            .get_mut(id)
            .filter(|d| d.loading.is_none())
            .map(|d| &mut d.doc)
    }

    /// Drops a document from memory, with every peer's sync state for it
    /// (storage failed to keep its last changes): the next message about it
    /// reads it afresh from storage, and peers resend what is missing.
    pub fn forget(&mut self, document: &DocumentId) {
        self.changed.remove(document);
        if self.docs.remove(document).is_some() {
            for c in self.conns.values_mut() {
                c.documents.remove(document);
            }
        }
    }

    /// The documents in memory.
    pub fn documents(&self) -> impl Iterator<Item = DocumentId> + '_ {
        self.docs.keys().copied()
    }

    /// Relay: the stored chunks a loaded document holds, or `None` when it
    /// is not in memory (nothing to bring up to date: it is read from
    /// storage when next wanted).
    pub fn stored_chunks(&self, id: &DocumentId) -> Option<Vec<ChunkKey>> {
        self.docs
            .get(id)
            .filter(|d| d.loading.is_none())
            .map(Doc::chunk_keys)
    }

    /// Relay: chunks another relay sharing the storage wrote (those not in
    /// [`Engine::stored_chunks`]). They are on disk already, so nothing is
    /// saved again; what they add reaches this relay's phones of the
    /// document at the next [`Event::Flush`] (or at once, without
    /// coalescing).
    pub fn stored_elsewhere(
        &mut self,
        document: DocumentId,
        chunks: Vec<StoredChunk>,
        gate: &mut dyn Gate,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        let Some(d) = self.docs.get_mut(&document).filter(|d| d.loading.is_none()) else {
            return out;
        };
        let known = d.chunk_keys();
        let before = d.doc.get_heads();
        let all_saved = before == d.saved_heads;
        for chunk in chunks {
            if !known.contains(&chunk.key) {
                d.take_in(document, chunk, &mut out);
            }
        }
        if d.doc.get_heads() == before {
            return out;
        }
        if all_saved {
            d.saved_heads = d.doc.get_heads();
            out.push(Effect::Changed { document });
        } else {
            self.after_change(document, &mut out);
        }
        if self.config.coalesce {
            self.changed.insert(document);
        } else {
            self.deliver_to_others(document, None, gate, &mut out);
        }
        out
    }

    /// A phone starts a new document (already loaded: it has no past).
    pub fn create(&mut self, id: DocumentId, doc: AutoCommit) -> Vec<Effect> {
        let mut d = Doc::new(self.now);
        d.loading = None;
        d.doc = doc;
        d.opened = true;
        self.docs.insert(id, d);
        let mut out = Vec::new();
        self.after_change(id, &mut out);
        self.start_sync_everywhere(id, &mut out);
        out
    }

    /// Whether the peer on `conn` has acknowledged everything saved of the
    /// document (what a phone shows as "on the relay").
    pub fn in_sync_with(&self, conn: ConnId, id: &DocumentId) -> bool {
        let Some(d) = self.docs.get(id) else {
            return false;
        };
        let Some(p) = d.peers.get(&conn) else {
            return false;
        };
        p.state.shared_heads == d.saved_heads
    }

    pub fn handle(&mut self, event: Event, gate: &mut dyn Gate) -> Vec<Effect> {
        let mut out = Vec::new();
        match event {
            Event::Connected { conn } => self.connected(conn, &mut out),
            Event::Received { conn, bytes } => self.received(conn, &bytes, gate, &mut out),
            Event::Disconnected { conn } => self.disconnected(conn),
            Event::Open { document } => self.open(document, &mut out),
            Event::LocalChange { document } => {
                if self.docs.contains_key(&document) {
                    self.contain(document, None, &mut out, |e, out| {
                        e.after_change(document, out);
                        e.deliver_to_others(document, None, gate, out);
                    });
                }
            }
            Event::Loaded { document, chunks } => {
                self.contain(document, None, &mut out, |e, out| {
                    e.loaded(document, chunks, gate, out)
                })
            }
            Event::Tick { now } => self.tick(now, &mut out),
            Event::Flush => {
                for document in std::mem::take(&mut self.changed) {
                    self.contain(document, None, &mut out, |e, out| {
                        e.deliver_to_others(document, None, gate, out)
                    });
                }
            }
        }
        out
    }

    /// Runs Automerge's work on one document so that a panic inside it (what
    /// the checks missed) costs only that document's memory state: its
    /// effects so far are dropped, it leaves memory (storage has everything
    /// acknowledged), and the connection whose message caused it, if any,
    /// is closed. On the relay (`panic = "unwind"`) this keeps every other
    /// document syncing; on a phone (`panic = "abort"`) nothing can be
    /// caught, which is why every chunk is checked before Automerge sees it.
    fn contain(
        &mut self,
        document: DocumentId,
        conn: Option<ConnId>,
        out: &mut Vec<Effect>,
        work: impl FnOnce(&mut Self, &mut Vec<Effect>),
    ) {
        let mark = out.len();
        let caught = catch_unwind(AssertUnwindSafe(|| work(self, out)));
        if caught.is_err() {
            out.truncate(mark);
            self.forget(&document);
            out.push(Effect::Contained { document });
            if let Some(conn) = conn
                && self.conns.contains_key(&conn)
            {
                self.refuse(conn, "the relay could not apply these changes", out);
            }
        }
    }

    fn connected(&mut self, conn: ConnId, out: &mut Vec<Effect>) {
        let handshake = match self.config.side {
            Side::Relay => Handshake::AwaitingJoin { since: self.now },
            Side::Phone => {
                let join = Message::Join {
                    sender: self.config.peer_id.clone(),
                    metadata: self.metadata(),
                    supported_versions: vec![PROTOCOL_V1.to_owned()],
                };
                out.push(Effect::Send {
                    conn,
                    bytes: join.encode(),
                });
                Handshake::AwaitingPeer
            }
        };
        self.conns.insert(
            conn,
            Conn {
                handshake,
                documents: BTreeSet::new(),
            },
        );
    }

    fn metadata(&self) -> PeerMetadata {
        PeerMetadata {
            storage_id: self.config.storage_id.clone(),
            is_ephemeral: false,
        }
    }

    fn disconnected(&mut self, conn: ConnId) {
        if let Some(c) = self.conns.remove(&conn) {
            for id in c.documents {
                if let Some(d) = self.docs.get_mut(&id) {
                    d.peers.remove(&conn);
                    d.last_used = self.now;
                    if let Some(queue) = &mut d.loading {
                        queue.retain(|(c, _)| *c != conn);
                    }
                }
            }
        }
    }

    /// Refuse, tell the peer why, and close: the peer broke the protocol.
    fn refuse(&mut self, conn: ConnId, text: &str, out: &mut Vec<Effect>) {
        let target = self.peer_of(conn).unwrap_or_default().to_owned();
        let error = Message::Error {
            sender: self.config.peer_id.clone(),
            target,
            message: text.to_owned(),
        };
        out.push(Effect::Send {
            conn,
            bytes: error.encode(),
        });
        out.push(Effect::Close {
            conn,
            reason: CloseReason::Protocol(text.to_owned()),
        });
        self.disconnected(conn);
    }

    fn received(&mut self, conn: ConnId, bytes: &[u8], gate: &mut dyn Gate, out: &mut Vec<Effect>) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let message = match Message::decode(bytes) {
            Ok(m) => m,
            Err(e) => return self.refuse(conn, &format!("invalid message: {e}"), out),
        };
        let peer = match (&c.handshake, &message) {
            (Handshake::AwaitingJoin { .. }, Message::Join { .. }) => {
                return self.join(conn, message, out);
            }
            (Handshake::AwaitingJoin { .. }, _) => {
                return self.refuse(conn, "send join before anything else", out);
            }
            (Handshake::AwaitingPeer, Message::Peer { .. }) => {
                return self.peer(conn, message, gate, out);
            }
            (_, Message::Error { message: text, .. }) => {
                let reason = CloseReason::PeerError(text.clone());
                out.push(Effect::Close { conn, reason });
                return self.disconnected(conn);
            }
            (Handshake::AwaitingPeer, _) => {
                return self.refuse(conn, "expected peer", out);
            }
            (Handshake::Ready { .. }, Message::Join { .. } | Message::Peer { .. }) => {
                return self.refuse(conn, "already joined", out);
            }
            (Handshake::Ready { peer }, _) => peer.clone(),
        };
        // Signals are passed on unchanged (automerge-repo keeps the original
        // sender), so a phone hears other phones' signals from its relay.
        let passed_on =
            self.config.side == Side::Phone && matches!(message, Message::Ephemeral { .. });
        if message.sender() != peer && !passed_on {
            return self.refuse(conn, "senderId is not the peer that joined", out);
        }
        match message {
            Message::Request { document, .. } | Message::Sync { document, .. } => {
                self.contain(document, Some(conn), out, |e, out| {
                    e.doc_message(conn, document, message, gate, out)
                })
            }
            Message::DocUnavailable { document, .. } => {
                // The peer has nothing: start over with it, so that whatever
                // we write later is offered to it in full.
                if let Some(p) = self
                    .docs
                    .get_mut(&document)
                    .and_then(|d| d.peers.get_mut(&conn))
                {
                    *p = PeerSync::new();
                    p.unavailable = true;
                    p.last_activity = self.now;
                }
                out.push(Effect::Unavailable { conn, document });
            }
            Message::Ephemeral { .. } => self.ephemeral(conn, message, gate, out),
            // This relay keeps no subscriptions to other storages' heads: it
            // is the only storage its phones talk to.
            Message::RemoteSubscriptionChange { .. } | Message::RemoteHeadsChanged { .. } => {}
            Message::Join { .. } | Message::Peer { .. } | Message::Error { .. } => {}
        }
    }

    fn join(&mut self, conn: ConnId, message: Message, out: &mut Vec<Effect>) {
        let Message::Join {
            sender,
            supported_versions,
            ..
        } = message
        else {
            return;
        };
        if sender.is_empty() {
            return self.refuse(conn, "empty senderId", out);
        }
        if !supported_versions.iter().any(|v| v == PROTOCOL_V1) {
            let error = Message::Error {
                sender: self.config.peer_id.clone(),
                target: sender,
                message: "unsupported protocol version".into(),
            };
            out.push(Effect::Send {
                conn,
                bytes: error.encode(),
            });
            out.push(Effect::Close {
                conn,
                reason: CloseReason::Protocol("unsupported protocol version".into()),
            });
            return self.disconnected(conn);
        }
        let reply = Message::Peer {
            sender: self.config.peer_id.clone(),
            target: sender.clone(),
            metadata: self.metadata(),
            selected_version: PROTOCOL_V1.into(),
        };
        out.push(Effect::Send {
            conn,
            bytes: reply.encode(),
        });
        if let Some(c) = self.conns.get_mut(&conn) {
            c.handshake = Handshake::Ready {
                peer: sender.clone(),
            };
        }
        out.push(Effect::Joined { conn, peer: sender });
    }

    fn peer(&mut self, conn: ConnId, message: Message, gate: &mut dyn Gate, out: &mut Vec<Effect>) {
        let Message::Peer {
            sender,
            selected_version,
            ..
        } = message
        else {
            return;
        };
        if selected_version != PROTOCOL_V1 {
            return self.refuse(conn, "unsupported protocol version", out);
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.handshake = Handshake::Ready {
                peer: sender.clone(),
            };
        }
        out.push(Effect::Joined { conn, peer: sender });
        let opened: Vec<DocumentId> = self
            .docs
            .iter()
            .filter(|(_, d)| d.opened && d.loading.is_none())
            .map(|(id, _)| *id)
            .collect();
        for id in opened {
            self.start_sync(conn, id, gate, out);
        }
    }

    fn open(&mut self, document: DocumentId, out: &mut Vec<Effect>) {
        if let Some(d) = self.docs.get_mut(&document) {
            d.opened = true;
            return;
        }
        let mut d = Doc::new(self.now);
        d.opened = true;
        self.docs.insert(document, d);
        out.push(Effect::Load { document });
    }

    fn loaded(
        &mut self,
        document: DocumentId,
        chunks: Vec<StoredChunk>,
        gate: &mut dyn Gate,
        out: &mut Vec<Effect>,
    ) {
        let Some(d) = self.docs.get_mut(&document) else {
            return;
        };
        let Some(queue) = d.loading.take() else {
            return;
        };
        for chunk in chunks {
            d.take_in(document, chunk, out);
        }
        d.saved_heads = d.doc.get_heads();
        if d.opened {
            self.start_sync_everywhere(document, out);
            out.push(Effect::Changed { document });
        }
        for (conn, message) in queue {
            if self.conns.contains_key(&conn) {
                self.doc_message(conn, document, message, gate, out);
            }
        }
        let offers = self
            .docs
            .get_mut(&document)
            .map(|d| std::mem::take(&mut d.offers))
            .unwrap_or_default();
        for conn in offers {
            self.offer_loaded(conn, document, gate, out);
        }
    }

    fn start_sync_everywhere(&mut self, id: DocumentId, out: &mut Vec<Effect>) {
        let ready: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.handshake, Handshake::Ready { .. }))
            .map(|(id, _)| *id)
            .collect();
        for conn in ready {
            self.start_sync(conn, id, &mut OpenGate, out);
        }
    }

    /// A phone opens the conversation about a document with a peer.
    fn start_sync(
        &mut self,
        conn: ConnId,
        id: DocumentId,
        gate: &mut dyn Gate,
        out: &mut Vec<Effect>,
    ) {
        if self.config.side != Side::Phone {
            return;
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.documents.insert(id);
        }
        if let Some(d) = self.docs.get_mut(&id) {
            d.peers.entry(conn).or_insert_with(PeerSync::new);
        }
        self.send_sync(conn, id, gate, out);
    }

    fn doc_message(
        &mut self,
        conn: ConnId,
        document: DocumentId,
        message: Message,
        gate: &mut dyn Gate,
        out: &mut Vec<Effect>,
    ) {
        let is_request = matches!(message, Message::Request { .. });
        let access = if is_request {
            Access::Request
        } else {
            Access::Offer
        };
        if !gate.admit(conn, &document, access) {
            self.deny(conn, document, out);
            return;
        }
        let now = self.now;
        let d = match self.docs.get_mut(&document) {
            Some(d) => d,
            None => {
                out.push(Effect::Load { document });
                self.docs.entry(document).or_insert_with(|| Doc::new(now))
            }
        };
        d.last_used = now;
        if let Some(queue) = &mut d.loading {
            queue.push((conn, message));
            return;
        }
        let (Message::Request { data, .. } | Message::Sync { data, .. }) = message else {
            return;
        };
        let limits = self.config.limits;
        // Every byte is checked before Automerge parses it (`intact`).
        if let Err(damage) = intact::check_sync_message(&data, &limits) {
            return self.refuse_damaged(conn, document, damage, out);
        }
        let mut sync_message = match sync::Message::decode(&data) {
            Ok(m) => m,
            Err(_) => return self.refuse(conn, "invalid automerge sync message", out),
        };
        if let Some(c) = self.conns.get_mut(&conn) {
            c.documents.insert(document);
        }
        let before = d.doc.get_heads();
        // The changes go in through the intake (checked one by one, waiting
        // for their dependencies there), the rest of the message to
        // Automerge's sync state.
        let chunks: Vec<Vec<u8>> = sync_message.changes.iter().map(<[u8]>::to_vec).collect();
        sync_message.changes = ChunkList::empty();
        let bytes: usize = chunks.iter().map(Vec::len).sum();
        if bytes > 0
            && let Err(reason) = gate.may_take(conn, &document, bytes)
        {
            return self.refuse_over_quota(conn, document, reason, out);
        }
        let Some(d) = self.docs.get_mut(&document) else {
            return;
        };
        if let Err(damage) = d.intake.take(&mut d.doc, &chunks, &limits) {
            return self.refuse_damaged(conn, document, damage, out);
        }
        let peer = d.peers.entry(conn).or_insert_with(PeerSync::new);
        // A peer that summarises what it has from nothing, when this side
        // knows of heads both share, has started its side of the
        // conversation over (a phone's stalled sync does): start this side
        // over too, or this side, thinking the peer up to date, would never
        // answer it.
        let started_over = sync_message
            .have
            .first()
            .is_some_and(|h| h.last_sync.is_empty())
            && !peer.state.shared_heads.is_empty();
        if started_over {
            let asked = peer.asked;
            *peer = PeerSync::new();
            peer.asked = asked;
        }
        peer.asked |= is_request;
        peer.last_activity = now;
        // Automerge is handed the message without its changes (they went
        // in above), so what it does with a message that carried changes
        // is done here: the heads they made are shared with this peer now,
        // and the peer is owed an answer (Automerge would otherwise take
        // the message for one that says "nothing new" and stay silent).
        let last_sent = peer.state.last_sent_heads.clone();
        if !chunks.is_empty() {
            let after = d.doc.get_heads();
            advance_shared_heads(&mut peer.state, &before, &after);
        }
        if d.doc
            .sync()
            .receive_sync_message(&mut peer.state, sync_message)
            .is_err()
        {
            d.peers.remove(&conn);
            return self.refuse(conn, "automerge could not apply the changes", out);
        }
        if !chunks.is_empty() {
            peer.state.last_sent_heads = last_sent;
        }
        let changed = d.doc.get_heads() != before;
        if changed {
            self.after_change(document, out);
            if self.config.coalesce {
                self.changed.insert(document);
            } else {
                self.deliver_to_others(document, Some(conn), gate, out);
            }
        }
        self.send_sync(conn, document, gate, out);
    }

    /// Refuses a message the gate would not take (a quota): the peer is told
    /// why and disconnected; nothing of the message was applied.
    fn refuse_over_quota(
        &mut self,
        conn: ConnId,
        document: DocumentId,
        reason: String,
        out: &mut Vec<Effect>,
    ) {
        if let Some(d) = self.docs.get_mut(&document) {
            d.peers.remove(&conn);
        }
        let target = self.peer_of(conn).unwrap_or_default().to_owned();
        let error = Message::Error {
            sender: self.config.peer_id.clone(),
            target,
            message: reason.clone(),
        };
        out.push(Effect::Send {
            conn,
            bytes: error.encode(),
        });
        out.push(Effect::Close {
            conn,
            reason: CloseReason::OverQuota(reason),
        });
        self.disconnected(conn);
    }

    /// Refuses a message whose changes failed the checks: the peer is told
    /// why and disconnected; nothing of the message was applied.
    fn refuse_damaged(
        &mut self,
        conn: ConnId,
        document: DocumentId,
        damage: Damage,
        out: &mut Vec<Effect>,
    ) {
        if let Some(d) = self.docs.get_mut(&document) {
            d.peers.remove(&conn);
        }
        out.push(Effect::Refused {
            conn,
            document,
            damage,
        });
        self.refuse(conn, &format!("damaged changes: {damage}"), out);
    }

    fn deny(&mut self, conn: ConnId, document: DocumentId, out: &mut Vec<Effect>) {
        self.send_unavailable(conn, document, out);
        out.push(Effect::Denied { conn, document });
    }

    fn send_unavailable(&mut self, conn: ConnId, document: DocumentId, out: &mut Vec<Effect>) {
        let Some(target) = self.peer_of(conn).map(str::to_owned) else {
            return;
        };
        let reply = Message::DocUnavailable {
            sender: self.config.peer_id.clone(),
            target,
            document,
        };
        out.push(Effect::Send {
            conn,
            bytes: reply.encode(),
        });
    }

    /// Saves what changed and compacts when the chunks outgrow the snapshot.
    fn after_change(&mut self, document: DocumentId, out: &mut Vec<Effect>) {
        let compact_above = self.config.compact_above;
        let Some(d) = self.docs.get_mut(&document) else {
            return;
        };
        d.last_used = self.now;
        let bytes = d.doc.save_after(&d.saved_heads);
        d.saved_heads = d.doc.get_heads();
        if bytes.is_empty() {
            return;
        }
        let chunk = StoredChunk::new(ChunkKind::Incremental, bytes);
        d.chunks.push((chunk.key.clone(), chunk.bytes.len()));
        out.push(Effect::SaveChunk { document, chunk });
        let chunk_bytes: usize = d.chunks.iter().map(|(_, n)| n).sum();
        let snapshot_bytes = d.snapshot.as_ref().map_or(0, |(_, n)| *n);
        if chunk_bytes > snapshot_bytes.max(compact_above) {
            let snapshot = StoredChunk::new(ChunkKind::Snapshot, d.doc.save());
            let mut replaces: Vec<ChunkKey> = d.chunks.drain(..).map(|(k, _)| k).collect();
            if let Some((old, _)) = d.snapshot.take() {
                replaces.push(old);
            }
            replaces.retain(|k| *k != snapshot.key);
            d.snapshot = Some((snapshot.key.clone(), snapshot.bytes.len()));
            out.push(Effect::Compact {
                document,
                snapshot,
                replaces,
            });
        }
        out.push(Effect::Changed { document });
    }

    fn deliver_to_others(
        &mut self,
        document: DocumentId,
        except: Option<ConnId>,
        gate: &mut dyn Gate,
        out: &mut Vec<Effect>,
    ) {
        let Some(d) = self.docs.get(&document) else {
            return;
        };
        let others: Vec<ConnId> = d
            .peers
            .keys()
            .copied()
            .filter(|c| Some(*c) != except)
            .collect();
        for conn in others {
            self.send_sync(conn, document, gate, out);
        }
    }

    /// Sends the peer what it lacks of the document, if anything.
    fn send_sync(
        &mut self,
        conn: ConnId,
        document: DocumentId,
        gate: &mut dyn Gate,
        out: &mut Vec<Effect>,
    ) {
        let Some(target) = self.peer_of(conn).map(str::to_owned) else {
            return;
        };
        if self.config.side == Side::Relay && !gate.admit(conn, &document, Access::Deliver) {
            // The document's scope no longer includes this device.
            if let Some(d) = self.docs.get_mut(&document) {
                d.peers.remove(&conn);
            }
            self.deny(conn, document, out);
            return;
        }
        let side = self.config.side;
        let sender = self.config.peer_id.clone();
        let Some(d) = self.docs.get_mut(&document) else {
            return;
        };
        let empty = d.doc.get_heads().is_empty();
        let Some(peer) = d.peers.get_mut(&conn) else {
            return;
        };
        if side == Side::Relay && empty && peer.asked {
            // Nothing to give: say so, as automerge-repo does; keep the sync
            // state, so the document reaches the peer when someone brings it.
            peer.asked = false;
            return self.send_unavailable(conn, document, out);
        }
        let Some(mut message) = d.doc.sync().generate_sync_message(&mut peer.state) else {
            return;
        };
        if d.intake.waiting() > 0 {
            // Ask for what the waiting changes depend on, as Automerge asks
            // for its own queue's, not for changes that are here waiting.
            let intake = &d.intake;
            message.need.retain(|h| !intake.holds(h));
            message.need.extend(intake.missing(&mut d.doc));
            message.need.sort();
            message.need.dedup();
        }
        peer.asked = false;
        peer.last_activity = self.now;
        let data = message.encode();
        let message = if side == Side::Phone && empty {
            Message::Request {
                sender,
                target,
                document,
                data,
            }
        } else {
            Message::Sync {
                sender,
                target,
                document,
                data,
            }
        };
        out.push(Effect::Send {
            conn,
            bytes: message.encode(),
        });
    }

    fn ephemeral(
        &mut self,
        conn: ConnId,
        message: Message,
        gate: &mut dyn Gate,
        out: &mut Vec<Effect>,
    ) {
        let Message::Ephemeral {
            sender,
            count,
            session,
            document,
            data,
            ..
        } = message
        else {
            return;
        };
        if !gate.admit(conn, &document, Access::Request) {
            return self.deny(conn, document, out);
        }
        if self.config.side == Side::Phone {
            out.push(Effect::Ephemeral {
                document,
                sender,
                data,
            });
            return;
        }
        let Some(d) = self.docs.get(&document) else {
            return;
        };
        let others: Vec<ConnId> = d.peers.keys().copied().filter(|c| *c != conn).collect();
        for other in others {
            let Some(target) = self.peer_of(other).map(str::to_owned) else {
                continue;
            };
            if !gate.admit(other, &document, Access::Deliver) {
                continue;
            }
            let forward = Message::Ephemeral {
                sender: sender.clone(),
                target,
                count,
                session: session.clone(),
                document,
                data: data.clone(),
            };
            out.push(Effect::Send {
                conn: other,
                bytes: forward.encode(),
            });
        }
    }

    fn tick(&mut self, now: Millis, out: &mut Vec<Effect>) {
        self.now = self.now.max(now);
        let timeout = self.config.join_timeout;
        let late: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| {
                matches!(c.handshake, Handshake::AwaitingJoin { since } if self.now.saturating_sub(since) >= timeout)
            })
            .map(|(id, _)| *id)
            .collect();
        for conn in late {
            out.push(Effect::Close {
                conn,
                reason: CloseReason::JoinTimeout,
            });
            self.disconnected(conn);
        }
        if self.config.side == Side::Phone {
            self.resync_stalled(out);
        }
        if let Some(after) = self.config.unload_after {
            let now = self.now;
            // Everything in memory is already saved: chunks go out with the
            // change that made them.
            self.docs.retain(|_, d| {
                d.opened
                    || !d.peers.is_empty()
                    || d.loading.is_some()
                    || now.saturating_sub(d.last_used) < after
            });
        }
    }

    fn resync_stalled(&mut self, out: &mut Vec<Effect>) {
        let (now, after) = (self.now, self.config.resync_after);
        let mut stalled = Vec::new();
        for (id, d) in &mut self.docs {
            let heads = &d.saved_heads;
            for (conn, p) in &mut d.peers {
                let agreed = p.state.their_heads.as_ref() == Some(heads)
                    || (heads.is_empty() && p.unavailable);
                if !agreed && now.saturating_sub(p.last_activity) >= after {
                    *p = PeerSync::new();
                    p.last_activity = now;
                    stalled.push((*conn, *id));
                }
            }
        }
        for (conn, id) in stalled {
            self.send_sync(conn, id, &mut OpenGate, out);
        }
    }

    /// A phone asks again for the documents it has nothing of and that its
    /// peers said they did not have (or would not give): the document may
    /// have reached the relay since, or its scope may now admit this device.
    /// Called when the directory lists something new, and from time to time.
    pub fn retry_unavailable(&mut self) -> Vec<Effect> {
        let now = self.now;
        let mut again = Vec::new();
        for (id, d) in &mut self.docs {
            if !d.saved_heads.is_empty() || !d.opened {
                continue;
            }
            for (conn, p) in &mut d.peers {
                if p.unavailable {
                    *p = PeerSync::new();
                    p.last_activity = now;
                    again.push((*conn, *id));
                }
            }
        }
        let mut out = Vec::new();
        for (conn, id) in again {
            self.send_sync(conn, id, &mut OpenGate, &mut out);
        }
        out
    }

    /// Relay: offers a document to a phone that asked for it and was refused
    /// (its scope has changed since, and may admit the phone now), so the
    /// phone need not ask again. Nothing happens if the gate still refuses.
    pub fn offer(
        &mut self,
        conn: ConnId,
        document: DocumentId,
        gate: &mut dyn Gate,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        let ready = self
            .conns
            .get(&conn)
            .is_some_and(|c| matches!(c.handshake, Handshake::Ready { .. }));
        if self.config.side != Side::Relay
            || !ready
            || !gate.admit(conn, &document, Access::Request)
        {
            return out;
        }
        let now = self.now;
        match self.docs.get_mut(&document) {
            Some(d) if d.loading.is_some() => d.offers.push(conn),
            Some(_) => self.offer_loaded(conn, document, gate, &mut out),
            None => {
                let mut d = Doc::new(now);
                d.offers.push(conn);
                self.docs.insert(document, d);
                out.push(Effect::Load { document });
            }
        }
        out
    }

    fn offer_loaded(
        &mut self,
        conn: ConnId,
        document: DocumentId,
        gate: &mut dyn Gate,
        out: &mut Vec<Effect>,
    ) {
        let now = self.now;
        let Some(d) = self.docs.get_mut(&document) else {
            return;
        };
        if !self.conns.contains_key(&conn) {
            return;
        }
        d.last_used = now;
        d.peers.insert(conn, PeerSync::new());
        // Declared before anyone brought it: the phone is now a peer, and
        // gets the document when its creator syncs it.
        let empty = d.doc.get_heads().is_empty();
        if let Some(c) = self.conns.get_mut(&conn) {
            c.documents.insert(document);
        }
        if !empty {
            self.send_sync(conn, document, gate, out);
        }
    }

    /// Sends a passing signal about an opened document to every peer (phone).
    pub fn broadcast_ephemeral(
        &mut self,
        document: DocumentId,
        session: &str,
        count: u64,
        data: Vec<u8>,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        let Some(d) = self.docs.get(&document) else {
            return out;
        };
        for conn in d.peers.keys() {
            let Some(target) = self.peer_of(*conn) else {
                continue;
            };
            let m = Message::Ephemeral {
                sender: self.config.peer_id.clone(),
                target: target.to_owned(),
                count,
                session: session.to_owned(),
                document,
                data: data.clone(),
            };
            out.push(Effect::Send {
                conn: *conn,
                bytes: m.encode(),
            });
        }
        out
    }
}
