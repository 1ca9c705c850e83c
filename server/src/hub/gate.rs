//! Access control for the sync engine: the device behind each connection and
//! the document registry, cached, with storage as the authority; and the
//! quotas a device's messages are held to (documents it registers, bytes it
//! adds in a day, bytes its community stores).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use linli_shared::sync::{Access, ConnId, DocumentId, Gate, Scope};

use crate::metrics::Metrics;
use crate::quota::{Quotas, today};
use crate::secret;
use crate::storage::{Device, Registration, Storage};

/// How long a community's stored bytes are trusted before they are counted
/// again (other relays write too, and compaction frees space).
const COMMUNITY_BYTES_FOR: Duration = Duration::from_secs(300);

pub(super) struct RelayGate {
    pub(super) storage: Arc<dyn Storage>,
    pub(super) metrics: Arc<Metrics>,
    pub(super) quotas: Quotas,
    pub(super) devices: HashMap<ConnId, Device>,
    pub(super) registry: HashMap<DocumentId, Option<Registration>>,
    /// Documents first brought since the hub last looked: whoever asked for
    /// one before it existed is offered it.
    pub(super) brought: Vec<DocumentId>,
    /// Documents each device has registered, once counted.
    documents_by: HashMap<String, u64>,
    /// Bytes each device added on a day, once read.
    day_bytes: HashMap<(String, i64), u64>,
    /// Bytes each community stores, and when they were counted.
    community_bytes: HashMap<String, (u64, Instant)>,
    /// A quota refused what a connection sent: the hub closes it with this
    /// reason once the engine has answered.
    pub(super) over_quota: HashMap<ConnId, String>,
    /// Documents registered since the last batch, for it to write.
    pub(super) registered: Vec<Registration>,
}

impl RelayGate {
    pub(super) fn new(storage: Arc<dyn Storage>, metrics: Arc<Metrics>, quotas: Quotas) -> Self {
        Self {
            storage,
            metrics,
            quotas,
            devices: HashMap::new(),
            registry: HashMap::new(),
            brought: Vec::new(),
            documents_by: HashMap::new(),
            day_bytes: HashMap::new(),
            community_bytes: HashMap::new(),
            over_quota: HashMap::new(),
            registered: Vec::new(),
        }
    }

    /// A batch that did not reach storage: what this gate believed about
    /// documents and counts is read again.
    pub(super) fn forget_unwritten(&mut self) {
        self.registry.clear();
        self.documents_by.clear();
        self.day_bytes.clear();
        self.community_bytes.clear();
    }

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

    fn storage_error(&self, what: &str, e: impl std::fmt::Display) {
        self.metrics.storage_errors.fetch_add(1, Relaxed);
        tracing::error!(error = %e, "{what}");
    }

    /// Documents the device has registered (counted once, then kept).
    fn documents_of(&mut self, device: &str) -> Option<u64> {
        if let Some(n) = self.documents_by.get(device) {
            return Some(*n);
        }
        match self.storage.documents_created_by(device) {
            Ok(n) => {
                if self.documents_by.len() > 100_000 {
                    self.documents_by.clear();
                }
                self.documents_by.insert(device.to_owned(), n);
                Some(n)
            }
            Err(e) => {
                self.storage_error("counting a device's documents", e);
                None
            }
        }
    }

    /// Bytes the device added today (read once a day, then kept).
    fn bytes_today(&mut self, device: &str) -> Option<u64> {
        let key = (device.to_owned(), today());
        if let Some(n) = self.day_bytes.get(&key) {
            return Some(*n);
        }
        match self.storage.device_bytes_on(device, key.1) {
            Ok(n) => {
                let day = key.1;
                self.day_bytes.retain(|(_, d), _| *d == day);
                self.day_bytes.insert(key, n);
                Some(n)
            }
            Err(e) => {
                self.storage_error("reading a device's bytes today", e);
                None
            }
        }
    }

    fn stored_by(&mut self, community: &str) -> Option<u64> {
        if let Some((n, at)) = self.community_bytes.get(community)
            && at.elapsed() < COMMUNITY_BYTES_FOR
        {
            return Some(*n);
        }
        match self.storage.community_bytes(community) {
            Ok(n) => {
                self.community_bytes
                    .insert(community.to_owned(), (n, Instant::now()));
                Some(n)
            }
            Err(e) => {
                self.storage_error("counting a community's bytes", e);
                None
            }
        }
    }

    /// Counts bytes a device's message added to storage.
    pub(super) fn stored(&mut self, device: &Device, bytes: u64) {
        if let Some(n) = self.day_bytes.get_mut(&(device.id.clone(), today())) {
            *n += bytes;
        }
        if let Some((n, _)) = self.community_bytes.get_mut(&device.community) {
            *n += bytes;
        }
    }

    /// Counts and logs a quota refusal; the reason the phone is told, which
    /// starts with `quota:<which>` (the close frame carries just that).
    fn refuse(&mut self, conn: ConnId, quota: &'static str, reason: String) -> String {
        self.metrics.quota_refusals.add(quota);
        if let Some(device) = self.devices.get(&conn) {
            tracing::info!(conn, device = %device.id, quota, "over a quota; closing");
        }
        format!("quota:{quota} {reason}")
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
                let limit = self.quotas.documents_per_device;
                if self.documents_of(&device.id).is_some_and(|n| n >= limit) {
                    let reason = self.refuse(
                        conn,
                        "documents",
                        format!("this device has registered {limit} documents, the most it may"),
                    );
                    self.over_quota.insert(conn, reason);
                    return false;
                }
                // First seen from this device: it belongs to the device's
                // community, and only its creator and staff may sync it. It
                // is written with the batch that stores its first changes.
                let new = Registration {
                    document: *document,
                    community: device.community.clone(),
                    scope: Scope::creator(&device.id),
                    creator: device.id.clone(),
                    created_at: secret::now_millis(),
                };
                tracing::info!(document = %document, device = %device.id, "document registered");
                if let Some(n) = self.documents_by.get_mut(&device.id) {
                    *n += 1;
                }
                self.brought.push(*document);
                self.registered.push(new.clone());
                let ok = new.admits(&device);
                self.registry.insert(*document, Some(new));
                ok
            }
            None => false,
        }
    }

    fn may_take(&mut self, conn: ConnId, _: &DocumentId, bytes: usize) -> Result<(), String> {
        let Some(device) = self.devices.get(&conn).cloned() else {
            return Ok(());
        };
        let bytes = bytes as u64;
        let per_day = self.quotas.device_bytes_per_day;
        if self
            .bytes_today(&device.id)
            .is_some_and(|used| used.saturating_add(bytes) > per_day)
        {
            return Err(self.refuse(
                conn,
                "device_bytes",
                format!("this device may add {per_day} bytes a day; try again tomorrow"),
            ));
        }
        let most = self.quotas.community_bytes;
        if self
            .stored_by(&device.community)
            .is_some_and(|stored| stored.saturating_add(bytes) > most)
        {
            return Err(self.refuse(
                conn,
                "community_bytes",
                format!("this community's documents may take {most} bytes on the relay"),
            ));
        }
        Ok(())
    }
}
