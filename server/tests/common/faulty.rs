//! A storage that misbehaves on purpose, around a real one: it panics on a
//! document read, stalls writes, or revokes a device the moment its token is
//! checked — the faults the relay must survive and report truthfully.

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};

use linli_server::storage::{
    Community, Device, Invite, Listener, Moved, NewDevice, NewInvite, RedeemError, Redeemed,
    Registration, Sink, Storage, StorageError, Write,
};
use linli_shared::sync::{ChunkKey, DocumentId, Scope, StoredChunk};

#[derive(Default)]
pub struct Faults {
    /// The next document read panics (the hub thread stops).
    pub panic_on_load: AtomicBool,
    /// Writes wait while this is true (the hub hangs).
    stalled: Mutex<bool>,
    unstall: Condvar,
    /// Revoke a device just after its token is checked.
    pub revoke_after_auth: AtomicBool,
}

impl Faults {
    pub fn stall(&self, on: bool) {
        *self.stalled.lock().unwrap() = on;
        self.unstall.notify_all();
    }
}

pub struct Faulty {
    pub inner: Arc<dyn Storage>,
    pub faults: Arc<Faults>,
}

impl Storage for Faulty {
    fn ping(&self) -> Result<(), StorageError> {
        self.inner.ping()
    }
    fn load_chunks(&self, document: &DocumentId) -> Result<Vec<StoredChunk>, StorageError> {
        if self.faults.panic_on_load.swap(false, SeqCst) {
            panic!("a storage read failed on purpose");
        }
        self.inner.load_chunks(document)
    }
    fn load_chunks_except(
        &self,
        document: &DocumentId,
        known: &[ChunkKey],
    ) -> Result<Vec<StoredChunk>, StorageError> {
        self.inner.load_chunks_except(document, known)
    }
    fn write(&self, batch: &[Write]) -> Result<(), StorageError> {
        let mut stalled = self.faults.stalled.lock().unwrap();
        while *stalled {
            stalled = self.faults.unstall.wait(stalled).unwrap();
        }
        drop(stalled);
        self.inner.write(batch)
    }
    fn registration(&self, document: &DocumentId) -> Result<Option<Registration>, StorageError> {
        self.inner.registration(document)
    }
    fn register(&self, registration: &Registration) -> Result<Registration, StorageError> {
        self.inner.register(registration)
    }
    fn set_scope(&self, document: &DocumentId, scope: &Scope) -> Result<(), StorageError> {
        self.inner.set_scope(document, scope)
    }
    fn documents_created_by(&self, device: &str) -> Result<u64, StorageError> {
        self.inner.documents_created_by(device)
    }
    fn community_bytes(&self, community: &str) -> Result<u64, StorageError> {
        self.inner.community_bytes(community)
    }
    fn device_bytes_on(&self, device: &str, day: i64) -> Result<u64, StorageError> {
        self.inner.device_bytes_on(device, day)
    }
    fn create_community(&self, name: &str, now: i64) -> Result<Community, StorageError> {
        self.inner.create_community(name, now)
    }
    fn community(&self, id: &str) -> Result<Option<Community>, StorageError> {
        self.inner.community(id)
    }
    fn create_device(
        &self,
        device: &NewDevice,
        token_hash: &str,
        now: i64,
    ) -> Result<Device, StorageError> {
        self.inner.create_device(device, token_hash, now)
    }
    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StorageError> {
        let device = self.inner.device_by_token(token_hash)?;
        if let Some(d) = &device
            && self.faults.revoke_after_auth.swap(false, SeqCst)
        {
            // Revoked between the token check and the socket joining the
            // hub; the socket joins after the hub's next look at
            // revocations (every 2 s), which finds no socket of the device.
            self.inner
                .revoke_device(&d.id, linli_server::secret::now_millis())?;
            std::thread::sleep(std::time::Duration::from_millis(2_500));
        }
        Ok(device)
    }
    fn device(&self, id: &str) -> Result<Option<Device>, StorageError> {
        self.inner.device(id)
    }
    fn devices(&self, community: &str) -> Result<Vec<Device>, StorageError> {
        self.inner.devices(community)
    }
    fn revoke_device(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        self.inner.revoke_device(id, now)
    }
    fn revoked_since(&self, since: i64) -> Result<Vec<(String, i64)>, StorageError> {
        self.inner.revoked_since(since)
    }
    fn pending_devices(&self, community: &str) -> Result<Vec<Device>, StorageError> {
        self.inner.pending_devices(community)
    }
    fn approve_device(&self, id: &str, by: &str, now: i64) -> Result<bool, StorageError> {
        self.inner.approve_device(id, by, now)
    }
    fn create_invite(
        &self,
        invite: &NewInvite,
        code_hash: &str,
        now: i64,
    ) -> Result<Invite, StorageError> {
        self.inner.create_invite(invite, code_hash, now)
    }
    fn revoke_invite(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        self.inner.revoke_invite(id, now)
    }
    fn preview_invite(
        &self,
        code_hash: &str,
        now: i64,
    ) -> Result<Result<(Invite, Community), RedeemError>, StorageError> {
        self.inner.preview_invite(code_hash, now)
    }
    fn redeem_invite(
        &self,
        code_hash: &str,
        device_name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<Result<Redeemed, RedeemError>, StorageError> {
        self.inner
            .redeem_invite(code_hash, device_name, token_hash, now)
    }
    fn listen(&self, listener: Box<dyn Listener>) -> Result<bool, StorageError> {
        self.inner.listen(listener)
    }
    fn export(&self, sink: &mut Sink<'_>) -> Result<(), StorageError> {
        self.inner.export(sink)
    }
    fn import(
        &self,
        feed: &mut dyn FnMut(&mut Sink<'_>) -> Result<(), StorageError>,
    ) -> Result<Moved, StorageError> {
        self.inner.import(feed)
    }
}
