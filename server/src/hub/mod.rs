//! The sync hub: one thread that owns the relay's sync engine and drives it
//! with the sockets' frames, storage and a clock.
//!
//! It works in batches: it takes every event waiting (up to a limit), runs
//! them through the engine, writes all the chunks they produced in one
//! transaction, and only then sends the replies. Changes are passed on to the
//! other phones of a document every 50 ms, one message per phone. A phone is never told the
//! relay has a change that is not on disk, and many phones' writes share one
//! fsync.
//!
//! Nothing a phone sends may stop it: the engine checks every chunk before
//! Automerge sees it and contains a panic inside Automerge to the document
//! it was working on. Should the thread stop anyway (a bug elsewhere), it is
//! started again with every socket closed (phones reconnect and resend);
//! stopping again and again, it exits the process for a supervisor to
//! restart. `/healthz` asks it for a heartbeat, and sockets are refused
//! while it does not answer.
//!
//! - [`thread`]: the batch loop.
//! - [`gate`]: access control and the per-device and per-community quotas.

mod gate;
mod thread;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use linli_shared::sync::{ConnId, DocumentId};
use tokio::sync::{mpsc, oneshot, watch};

use crate::metrics::Metrics;
use crate::quota::Quotas;
use crate::secret;
use crate::storage::{Device, Listener, Notice, Storage};

pub use thread::{CLOSE_POLICY, CLOSE_PROTOCOL, CLOSE_REVOKED, CLOSE_SERVER_ERROR};

/// How often changes are passed on to the other phones of a document. Edits
/// arriving within one window reach each phone as one sync message: on a
/// busy round that is several times fewer bytes over weak signal, for a
/// delay no one in a stairwell notices.
const FAN_OUT_EVERY: Duration = Duration::from_millis(50);
/// A hub that stopped this many times within [`RESTARTS_WITHIN`] is not
/// started again: the process exits, for its supervisor to start afresh.
const MAX_RESTARTS: usize = 5;
const RESTARTS_WITHIN: Duration = Duration::from_secs(60);
/// The process's exit code when the hub cannot be kept running (EX_SOFTWARE).
pub const EXIT_HUB_FAILED: i32 = 70;
/// A hub that has not finished a batch for this long is not answering:
/// sockets are refused until it does.
pub const SILENT_AFTER: Duration = Duration::from_secs(10);

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
    /// `/healthz` asks whether the hub is working: answered at once.
    Heartbeat(oneshot::Sender<()>),
}

/// A handle to the hub thread.
#[derive(Clone)]
pub struct Hub {
    tx: mpsc::Sender<HubEvent>,
    /// When the hub last finished a batch (milliseconds since 1970): a clock
    /// tick reaches it every second, so an idle hub beats too.
    beat: Arc<AtomicI64>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hub")
    }
}

impl Hub {
    /// Starts the hub thread and its clock. The thread ends when every
    /// handle is dropped.
    pub fn start(storage: Arc<dyn Storage>, metrics: Arc<Metrics>, quotas: Quotas) -> Self {
        let (tx, rx) = mpsc::channel(8192);
        let beat = Arc::new(AtomicI64::new(secret::now_millis()));
        let listener = HubListener(tx.downgrade());
        let beat_in = beat.clone();
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
                supervise(rx, storage, metrics, quotas, beat_in)
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
        Self { tx, beat }
    }

    /// Waits while the hub is busy (backpressure on the sockets that feed it).
    pub async fn send(&self, event: HubEvent) {
        // Only a hub that cannot be kept running drops its receiver, and the
        // process exits with it.
        let _ = self.tx.send(event).await;
    }

    /// Whether the hub answers a heartbeat within `within`.
    pub async fn answers(&self, within: Duration) -> bool {
        let (reply, answer) = oneshot::channel();
        let asked = async {
            self.tx.send(HubEvent::Heartbeat(reply)).await.is_ok() && answer.await.is_ok()
        };
        tokio::time::timeout(within, asked).await.unwrap_or(false)
    }

    /// Whether the hub finished a batch lately (cheap: for every socket).
    pub fn lately_alive(&self) -> bool {
        let silent = secret::now_millis() - self.beat.load(Relaxed);
        !self.tx.is_closed() && silent < SILENT_AFTER.as_millis() as i64
    }
}

/// Runs the hub, and starts it again when it stops on a panic: every socket
/// of the hub that stopped is closed (their phones reconnect and resend what
/// was not acknowledged), the documents are read again from storage as they
/// are wanted. Stopping [`MAX_RESTARTS`] times within [`RESTARTS_WITHIN`],
/// the process exits with [`EXIT_HUB_FAILED`] instead of accepting sockets
/// it cannot serve.
fn supervise(
    mut rx: mpsc::Receiver<HubEvent>,
    storage: Arc<dyn Storage>,
    metrics: Arc<Metrics>,
    quotas: Quotas,
    beat: Arc<AtomicI64>,
) {
    let mut stops: Vec<Instant> = Vec::new();
    loop {
        let peer_id = format!("linli-relay-{}", secret::new_id());
        let mut hub = thread::HubThread::new(
            peer_id,
            storage.clone(),
            metrics.clone(),
            quotas.clone(),
            beat.clone(),
        );
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hub.run(&mut rx)));
        if ran.is_ok() {
            return;
        }
        metrics.hub_restarts.fetch_add(1, Relaxed);
        hub.close_all();
        drop(hub);
        let now = Instant::now();
        stops.retain(|t| now.duration_since(*t) < RESTARTS_WITHIN);
        stops.push(now);
        if stops.len() >= MAX_RESTARTS {
            tracing::error!(
                stops = stops.len(),
                "the sync hub keeps stopping; exiting for the supervisor to restart the relay"
            );
            std::process::exit(EXIT_HUB_FAILED);
        }
        tracing::error!("the sync hub stopped; starting it again (phones reconnect)");
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
