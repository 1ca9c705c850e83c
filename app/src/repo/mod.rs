//! The phone's copy of the community: the shared sync engine driven by the
//! browser — IndexedDB underneath, a WebSocket to the relay beside it, and
//! signals the screens follow.
//!
//! - The engine is synchronous; its effects run in order on one task, so a
//!   chunk is on disk before the message that announces it leaves.
//! - Every document on the phone is read from the store before the first
//!   screen renders ([`Repo::start`]).
//! - A failed write (disk full, private mode) is shown, not fatal: the
//!   document stays in memory and keeps syncing, so the relay keeps it.
//!
//! - [`link`]: the connection to the relay, with backoff.
//! - [`sync_book`]: which documents hold changes the relay has not confirmed.
//! - [`tabs`]: other tabs of the app on this phone.
//! - [`export`]: everything on the phone as one file.
//! - [`parsed`]: documents read into model types, kept while unchanged.
//!
//! The repo knows no feature: it publishes its [`News`] and the features
//! that follow documents (see `crate::features`) subscribe where the app
//! starts.
//!
//! Long because the sync driver's effect loop, its signals and its writes share
//! one borrow of the engine; the link, the tabs, the sync book, parsing and
//! export are already their own files.

pub mod export;
pub mod link;
mod parsed;
pub mod sync_book;
pub mod tabs;

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet},
    rc::Rc,
};

use automerge::AutoCommit;
use futures::{StreamExt, channel::mpsc};
use leptos::prelude::*;
use linli_shared::{
    model::{ModelError, directory},
    sync::{
        chunk::StoredChunk,
        document_id::DocumentId,
        engine::{Config, ConnId, Effect, Engine, Event, OpenGate},
        intact::intact,
        scope::Scope,
    },
};
use send_wrapper::SendWrapper;

use crate::{
    session::Session,
    store::{Store, StoreError},
};
use sync_book::SyncBook;

/// The state of the link to the relay, as the screens show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// No network, or the relay cannot be reached (retrying with backoff).
    Offline,
    Connecting,
    /// Joined: changes flow both ways.
    Online,
    /// The relay says this device no longer belongs to the community.
    Revoked,
}

/// What the screens follow. All `Copy`.
#[derive(Clone, Copy, Debug)]
pub struct Signals {
    /// Bumped whenever any document changes.
    pub revision: RwSignal<u64>,
    pub link: RwSignal<Link>,
    pub book: RwSignal<SyncBook>,
    /// The last failed write, until a write succeeds again.
    pub storage_error: RwSignal<Option<StoreError>>,
    /// Documents the relay has not got (or will not give this device).
    pub unavailable: RwSignal<BTreeSet<DocumentId>>,
    /// Who is working where right now, heard from other phones on the same
    /// document (passing signals, never stored).
    pub presence: RwSignal<BTreeMap<DocumentId, BTreeMap<String, Presence>>>,
    /// The relay refused what this phone sent (a quota, or changes it found
    /// damaged), until a connection goes through again.
    pub refusal: RwSignal<Option<Refusal>>,
}

/// Why the relay refused this phone's changes. The records stay on the
/// phone either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// This device registered as many documents as it may.
    Documents,
    /// This device added as many bytes today as it may.
    DailyBytes,
    /// The community's documents fill their share of the relay.
    CommunityBytes,
    /// The relay found changes from this phone damaged.
    Damaged,
}

impl Refusal {
    /// From the relay's close: code 4429 with `quota:<which>`, or a protocol
    /// close for damaged changes.
    pub fn from_close(code: u16, reason: &str) -> Option<Self> {
        match (code, reason) {
            (4429, r) if r.starts_with("quota:documents") => Some(Refusal::Documents),
            (4429, r) if r.starts_with("quota:device_bytes") => Some(Refusal::DailyBytes),
            (4429, r) if r.starts_with("quota:community_bytes") => Some(Refusal::CommunityBytes),
            (4429, _) => Some(Refusal::DailyBytes),
            (1002, r) if r.starts_with("damaged changes") => Some(Refusal::Damaged),
            _ => None,
        }
    }
}

/// A passing signal: "this person is working at this place now".
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Presence {
    pub person: String,
    /// A unit of a building, a checkpoint, a point.
    pub place: String,
    /// When this phone heard it (ms), for fading out stale ones.
    #[serde(default)]
    pub heard: f64,
}

/// What the repo tells those who follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum News {
    /// A document changed: here, or from the relay.
    Changed(DocumentId),
    /// The community document changed (roster, directory) and the documents
    /// this device may see were opened: who holds what may have changed.
    Membership,
}

type Subscriber = Rc<dyn Fn(&Repo, &News)>;

/// A document this phone started, whose scope the relay has not been told.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PendingScope {
    pub document: DocumentId,
    pub scope: Scope,
}

const PENDING_SCOPES: &str = "pending-scopes";

struct Inner {
    engine: Engine,
    store: Store,
    session: Session,
    /// Chunks read at start, handed to the engine when it opens each document.
    preloaded: BTreeMap<DocumentId, Vec<StoredChunk>>,
    /// The current socket and its engine connection.
    socket: Option<(ConnId, web_sys::WebSocket)>,
    /// Ends the current connection at once (the browser went offline).
    hang_up: Option<mpsc::UnboundedSender<link::SocketEvent>>,
    next_conn: ConnId,
    book: SyncBook,
    /// Documents read into model types, while unchanged.
    parsed: parsed::Parsed,
    pending_scopes: Vec<PendingScope>,
    /// Those following the repo's news, in the order they subscribed.
    subscribers: Vec<Subscriber>,
    /// Every document opened or created, in order.
    opened: Vec<DocumentId>,
}

/// The phone's documents and their sync. Cheap to clone; provided as context.
#[derive(Clone)]
pub struct Repo {
    // The browser runs the app on one thread; the wrapper lets the repo live
    // in Leptos contexts and memos, which are typed for threads.
    inner: SendWrapper<Rc<RefCell<Inner>>>,
    effects: mpsc::UnboundedSender<Vec<Effect>>,
    wake: mpsc::UnboundedSender<()>,
    pub signals: Signals,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Repo")
    }
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn clock() -> u64 {
    now_ms() as u64
}

impl Repo {
    /// Reads everything from the store and opens it, so the first screen shows
    /// data; then starts the effect runner, the clock, the link and the tab
    /// channel.
    pub async fn start(store: Store, session: Session) -> Result<Repo, StoreError> {
        let preloaded = store.load_all().await?;
        let book = store
            .get_meta(sync_book::KEY)
            .await?
            .map(|t| SyncBook::from_json(&t))
            .unwrap_or_default();
        let pending_scopes: Vec<PendingScope> = store
            .get_meta(PENDING_SCOPES)
            .await?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let mut config = Config::phone(session.device.clone());
        config.storage_id = None;
        let (effects_tx, effects_rx) = mpsc::unbounded();
        let (wake_tx, wake_rx) = mpsc::unbounded();
        let signals = Signals {
            revision: RwSignal::new(0),
            link: RwSignal::new(Link::Offline),
            book: RwSignal::new(book.clone()),
            storage_error: RwSignal::new(None),
            unavailable: RwSignal::new(BTreeSet::new()),
            presence: RwSignal::new(BTreeMap::new()),
            refusal: RwSignal::new(None),
        };
        let repo = Repo {
            inner: SendWrapper::new(Rc::new(RefCell::new(Inner {
                engine: Engine::new(config),
                store,
                session,
                preloaded,
                socket: None,
                hang_up: None,
                next_conn: 1,
                book,
                parsed: parsed::Parsed::default(),
                pending_scopes,
                subscribers: Vec::new(),
                opened: Vec::new(),
            }))),
            effects: effects_tx,
            wake: wake_tx,
            signals,
        };
        let stored: Vec<DocumentId> = repo.inner.borrow().preloaded.keys().copied().collect();
        // A phone waiting for approval asks for nothing but its own
        // documents: the relay would refuse the community anyway.
        if !repo.session().pending {
            repo.open(repo.session().community_document());
        }
        for id in stored {
            repo.open(id);
        }
        repo.open_visible();
        repo.spawn_runner(effects_rx);
        tabs::listen(repo.clone());
        link::spawn(repo.clone(), wake_rx);
        let ticking = repo.clone();
        // Tick drives the engine's retries (a stalled sync starts over).
        let ticks = std::cell::Cell::new(0u32);
        std::mem::forget(set_interval_with_handle(
            move || {
                ticking.handle(Event::Tick { now: clock() });
                ticks.set(ticks.get().wrapping_add(1));
                if ticks.get().is_multiple_of(20) {
                    ticking.retry_unavailable();
                }
            },
            std::time::Duration::from_secs(1),
        ));
        Ok(repo)
    }

    /// Follows the repo's news from now on (features, where the app starts).
    pub fn subscribe(&self, subscriber: impl Fn(&Repo, &News) + 'static) {
        self.inner
            .borrow_mut()
            .subscribers
            .push(Rc::new(subscriber));
    }

    /// Tells every subscriber (none holds the repo borrowed meanwhile).
    fn publish(&self, news: News) {
        let subscribers = self.inner.borrow().subscribers.clone();
        for subscriber in subscribers {
            subscriber(self, &news);
        }
    }

    pub fn session(&self) -> Session {
        self.inner.borrow().session.clone()
    }

    pub fn store(&self) -> Store {
        self.inner.borrow().store.clone()
    }

    /// Runs an engine event and queues its effects.
    fn handle(&self, event: Event) {
        let effects = self.inner.borrow_mut().engine.handle(event, &mut OpenGate);
        self.queue(effects);
    }

    fn queue(&self, effects: Vec<Effect>) {
        if !effects.is_empty() {
            let _ = self.effects.unbounded_send(effects);
        }
    }

    /// Opens a document: from the chunks read at start, or (new to this
    /// phone) asked of the relay.
    pub fn open(&self, document: DocumentId) {
        let mut inner = self.inner.borrow_mut();
        if inner.engine.document(&document).is_some() {
            return;
        }
        inner.opened.push(document);
        let mut effects = inner.engine.handle(Event::Open { document }, &mut OpenGate);
        // Answer the load at once: the chunks are already in memory.
        let mut more = Vec::new();
        effects.retain(|e| match e {
            Effect::Load { document } => {
                let chunks = inner.preloaded.remove(document).unwrap_or_default();
                more.push(Event::Loaded {
                    document: *document,
                    chunks,
                });
                false
            }
            _ => true,
        });
        for event in more {
            effects.extend(inner.engine.handle(event, &mut OpenGate));
        }
        // Loading is not news: the revision bump below covers it, and a
        // "changed" per document read at start would redraw every screen
        // once per document just after the first one is shown.
        effects.retain(|e| !matches!(e, Effect::Changed { .. }));
        drop(inner);
        self.queue(effects);
        self.signals.revision.update(|r| *r += 1);
    }

    /// Asks the relay again for documents it did not have or would not give
    /// (a round's scope may have been declared since).
    fn retry_unavailable(&self) {
        let effects = self.inner.borrow_mut().engine.retry_unavailable();
        self.queue(effects);
    }

    /// Opens every listed document this device may see.
    fn open_visible(&self) {
        let ids: Vec<DocumentId> = {
            let inner = self.inner.borrow();
            let Some(doc) = inner.engine.document(&inner.session.community_document()) else {
                return;
            };
            let Ok(documents) = directory::read(doc) else {
                return;
            };
            directory::visible_to(&documents, &inner.session.member())
                .into_iter()
                .filter_map(|(id, _)| id.parse().ok())
                .collect()
        };
        for id in ids {
            self.open(id);
        }
        self.publish(News::Membership);
    }

    /// Reads a document (None while it has not arrived).
    pub fn read<T>(&self, document: &DocumentId, f: impl FnOnce(&AutoCommit) -> T) -> Option<T> {
        let inner = self.inner.borrow();
        let doc = inner.engine.document(document)?;
        Some(f(doc))
    }

    /// Whether the document is on this phone with content.
    pub fn has(&self, document: &DocumentId) -> bool {
        self.read(document, |d| {
            automerge::ReadDoc::get(d, automerge::ROOT, "kind")
                .ok()
                .flatten()
                .is_some()
        })
        .unwrap_or(false)
    }

    /// Performs an operation on a document: one change, saved and synced.
    /// A failed operation leaves the document as it was.
    pub fn change<T>(
        &self,
        document: &DocumentId,
        op: impl FnOnce(&mut AutoCommit, &linli_shared::model::Actor) -> Result<T, ModelError>,
    ) -> Result<T, ModelError> {
        let result = {
            let mut inner = self.inner.borrow_mut();
            let actor = inner.session.actor();
            let Some(doc) = inner.engine.document_mut(document) else {
                return Err(ModelError::Missing("the document (not synced yet)"));
            };
            let before = doc.get_heads();
            match op(doc, &actor) {
                Ok(v) => (v, doc.get_heads() != before),
                Err(e) => {
                    doc.rollback();
                    return Err(e);
                }
            }
        };
        let (value, changed) = result;
        if changed {
            self.changed_here(*document);
        }
        Ok(value)
    }

    /// A document this phone starts: kept, synced, and (when online) its
    /// scope declared to the relay before anything else of it is sent.
    pub fn create(&self, document: DocumentId, doc: AutoCommit, scope: Option<Scope>) {
        let effects = {
            let mut inner = self.inner.borrow_mut();
            if let Some(scope) = scope {
                inner.pending_scopes.push(PendingScope { document, scope });
            }
            inner.opened.push(document);
            inner.engine.create(document, doc)
        };
        self.save_pending_scopes();
        self.queue(effects);
        self.mark_unsynced(document);
        self.signals.revision.update(|r| *r += 1);
        if self.signals.link.get_untracked() == Link::Online {
            let repo = self.clone();
            wasm_bindgen_futures::spawn_local(async move { repo.declare_scopes().await });
        }
    }

    fn changed_here(&self, document: DocumentId) {
        self.handle(Event::LocalChange { document });
        self.mark_unsynced(document);
        self.signals.revision.update(|r| *r += 1);
        self.publish(News::Changed(document));
        if document == self.session().community_document() {
            self.open_visible();
        }
    }

    fn mark_unsynced(&self, document: DocumentId) {
        let changed = self.inner.borrow_mut().book.changed_here(document);
        if changed {
            self.save_book();
        }
    }

    fn save_book(&self) {
        let (store, text, book) = {
            let inner = self.inner.borrow();
            (
                inner.store.clone(),
                inner.book.to_json(),
                inner.book.clone(),
            )
        };
        self.signals.book.set(book);
        let errors = self.signals.storage_error;
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = store.put_meta(sync_book::KEY, &text).await {
                errors.set(Some(e));
            }
        });
    }

    fn save_pending_scopes(&self) {
        let (store, text) = {
            let inner = self.inner.borrow();
            (
                inner.store.clone(),
                serde_json::to_string(&inner.pending_scopes).unwrap_or_default(),
            )
        };
        let errors = self.signals.storage_error;
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = store.put_meta(PENDING_SCOPES, &text).await {
                errors.set(Some(e));
            }
        });
    }

    /// Tells the other phones on this document where this person is working
    /// (nothing is sent while offline; nothing is stored).
    pub fn announce_presence(&self, document: &DocumentId, place: &str) {
        let data = serde_json::to_vec(&Presence {
            person: self.session().device,
            place: place.to_owned(),
            heard: 0.0,
        })
        .unwrap_or_default();
        let effects = {
            let mut inner = self.inner.borrow_mut();
            let session = inner.session.device.clone();
            let count = clock();
            inner
                .engine
                .broadcast_ephemeral(*document, &session, count, data)
        };
        self.queue(effects);
    }

    /// Changes who may sync a document this phone manages (staff and leads):
    /// kept until the relay has accepted it, like a new document's scope.
    pub fn set_scope(&self, document: DocumentId, scope: Scope) {
        {
            let mut inner = self.inner.borrow_mut();
            inner.pending_scopes.retain(|p| p.document != document);
            inner.pending_scopes.push(PendingScope { document, scope });
        }
        self.save_pending_scopes();
        if self.signals.link.get_untracked() == Link::Online {
            let repo = self.clone();
            wasm_bindgen_futures::spawn_local(async move { repo.declare_scopes().await });
        }
    }

    /// Asks the link to try now (the "sync now" button, `online`, visible).
    pub fn wake(&self) {
        let _ = self.wake.unbounded_send(());
    }

    /// The documents open on this phone, the community's first.
    pub fn documents(&self) -> Vec<DocumentId> {
        self.inner.borrow().opened.clone()
    }

    fn spawn_runner(&self, mut rx: mpsc::UnboundedReceiver<Vec<Effect>>) {
        let repo = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            while let Some(effects) = rx.next().await {
                for effect in effects {
                    repo.run(effect).await;
                }
            }
        });
    }

    async fn run(&self, effect: Effect) {
        match effect {
            Effect::Send { conn, bytes } => {
                let inner = self.inner.borrow();
                if let Some((current, socket)) = &inner.socket
                    && *current == conn
                {
                    let _ = socket.send_with_u8_array(&bytes);
                }
            }
            Effect::Close { conn, .. } => {
                let inner = self.inner.borrow();
                if let Some((current, socket)) = &inner.socket
                    && *current == conn
                {
                    let _ = socket.close_with_code_and_reason(1002, "protocol");
                }
            }
            Effect::Load { document } => {
                // A document opened after start that was not read then (another
                // tab brought it): read it now.
                let store = self.store();
                let chunks = match store.load_all().await {
                    Ok(mut all) => all.remove(&document).unwrap_or_default(),
                    Err(e) => {
                        self.signals.storage_error.set(Some(e));
                        Vec::new()
                    }
                };
                self.handle(Event::Loaded { document, chunks });
            }
            Effect::SaveChunk { document, chunk } => {
                let result = self.store().save_chunk(&document, &chunk).await;
                self.after_write(result, &document, &chunk);
            }
            Effect::Compact {
                document,
                snapshot,
                replaces,
            } => {
                let result = self.store().compact(&document, &snapshot, &replaces).await;
                self.after_write(result, &document, &snapshot);
            }
            Effect::CorruptChunk { document, key } => {
                leptos::logging::warn!("a stored chunk of {document} did not load ({})", key.0);
            }
            Effect::Changed { document } => {
                self.signals.revision.update(|r| *r += 1);
                self.publish(News::Changed(document));
                if document == self.session().community_document() {
                    self.open_visible();
                    self.retry_unavailable();
                }
                self.signals.unavailable.update(|u| {
                    u.remove(&document);
                });
            }
            Effect::Unavailable { document, .. } => {
                self.signals.unavailable.update(|u| {
                    u.insert(document);
                });
            }
            Effect::Joined { .. } => {
                self.signals.link.set(Link::Online);
                self.check_confirmed();
            }
            Effect::Ephemeral { document, data, .. } => {
                let Ok(mut p) = serde_json::from_slice::<Presence>(&data) else {
                    return;
                };
                if p.person == self.session().device {
                    return;
                }
                p.heard = now_ms();
                self.signals.presence.update(|all| {
                    all.entry(document).or_default().insert(p.person.clone(), p);
                });
            }
            Effect::Denied { .. } => {}
            // The relay sent changes that failed the checks: nothing of
            // them was applied, and the link starts over (ids only).
            Effect::Refused {
                document, damage, ..
            } => {
                leptos::logging::warn!("changes to {document} from the relay refused: {damage}");
            }
            Effect::Contained { document } => {
                leptos::logging::warn!("{document} was read again after a failure");
            }
        }
    }

    fn after_write(
        &self,
        result: Result<(), StoreError>,
        document: &DocumentId,
        chunk: &StoredChunk,
    ) {
        match result {
            Ok(()) => {
                if self.signals.storage_error.get_untracked().is_some() {
                    self.signals.storage_error.set(None);
                }
                tabs::announce(document, chunk);
            }
            Err(e) => {
                leptos::logging::warn!("store write failed: {e}");
                self.signals.storage_error.set(Some(e));
            }
        }
    }

    /// After messages from the relay: which documents it now has in full.
    fn check_confirmed(&self) {
        let now = now_ms();
        let mut changed = false;
        {
            let mut inner = self.inner.borrow_mut();
            let Inner {
                engine,
                book,
                opened,
                socket,
                ..
            } = &mut *inner;
            let Some((conn, _)) = socket.as_ref() else {
                return;
            };
            for id in opened.iter() {
                if engine.in_sync_with(*conn, id) {
                    changed |= book.confirmed(*id, now);
                }
            }
        }
        if changed {
            self.save_book();
        } else {
            let book = self.inner.borrow().book.clone();
            self.signals.book.set(book);
        }
    }

    /// Applies changes another tab saved to the shared store.
    pub(crate) fn merge_from_tab(&self, document: DocumentId, bytes: &[u8]) {
        let changed = {
            let mut inner = self.inner.borrow_mut();
            match inner.engine.document_mut(&document) {
                Some(doc) => {
                    let before = doc.get_heads();
                    intact(bytes)
                        && doc.load_incremental(bytes).is_ok()
                        && doc.get_heads() != before
                }
                None => false,
            }
        };
        if changed {
            self.handle(Event::LocalChange { document });
            self.signals.revision.update(|r| *r += 1);
            if document == self.session().community_document() {
                self.open_visible();
            }
        } else if self.read(&document, |_| ()).is_none() {
            self.open(document);
        }
    }
}
