//! The PostgreSQL backend: one database that several relays share. The same
//! guarantees as SQLite — a batch is one transaction, committed (and so
//! durable, with PostgreSQL's default `synchronous_commit`) before any phone
//! hears of it; numbered migrations — and one more: every commit that
//! changes what relays hold in memory sends a [`Notice`] (`NOTIFY`), which
//! PostgreSQL delivers to the other relays only once the commit is done.
//!
//! Long because it implements the whole storage trait for one backend, plus the
//! notices several relays send one another through the database; the shared
//! storage suite tests it.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use linli_shared::model::actor::Role;
use linli_shared::sync::{ChunkKey, ChunkKind, DocumentId, Scope, StoredChunk};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, GenericClient, NoTls, Row};

use super::notice::CHANNEL;
use super::{
    Community, Device, Invite, Listener, Moved, NewDevice, NewInvite, Notice, Record, RedeemError,
    Redeemed, Registration, Sink, Storage, StorageError, Write,
};
use crate::secret;

/// Numbered migrations, applied in order, each once; the same steps as
/// SQLite's, in PostgreSQL's types.
const MIGRATIONS: &[&str] = &[
    // 1: the relay's identity.
    "CREATE TABLE relay_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: communities, devices, invites, the registry, and the documents as
    // content-keyed chunks (`seq` keeps the order they were written in).
    "CREATE TABLE communities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        community TEXT NOT NULL REFERENCES communities(id),
        role TEXT NOT NULL,
        building TEXT,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
    );
    CREATE INDEX devices_by_community ON devices(community);
    CREATE INDEX devices_by_revocation ON devices(revoked_at) WHERE revoked_at IS NOT NULL;
    CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        community TEXT NOT NULL REFERENCES communities(id),
        role TEXT NOT NULL,
        building TEXT,
        code_hash TEXT NOT NULL UNIQUE,
        uses_left BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT,
        revoked_at BIGINT
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        community TEXT NOT NULL REFERENCES communities(id),
        scope TEXT NOT NULL,
        creator TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE chunks (
        seq BIGSERIAL PRIMARY KEY,
        document TEXT NOT NULL,
        key TEXT NOT NULL,
        kind TEXT NOT NULL,
        bytes BYTEA NOT NULL,
        UNIQUE (document, key)
    );",
    // 3: recruitment links and devices waiting for approval.
    "ALTER TABLE invites ADD COLUMN approval BOOLEAN NOT NULL DEFAULT FALSE;
    ALTER TABLE devices ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
    ALTER TABLE devices ADD COLUMN approved_at BIGINT;
    ALTER TABLE devices ADD COLUMN approved_by TEXT;
    CREATE INDEX devices_pending ON devices(community, created_at)
        WHERE pending AND revoked_at IS NULL;",
    // 4: quotas, and every device's own volunteer document registered to
    // it (`register_own_documents`, run with this step).
    "CREATE INDEX documents_by_creator ON documents(creator);
    CREATE INDEX documents_by_community ON documents(community);
    CREATE TABLE device_usage (
        device TEXT NOT NULL,
        day BIGINT NOT NULL,
        bytes BIGINT NOT NULL,
        PRIMARY KEY (device, day)
    );",
];

/// The migration after which every device owns its volunteer document.
const OWN_DOCUMENTS_FROM: usize = 4;

/// Relays starting together migrate one at a time.
const MIGRATION_LOCK: i64 = 0x006c_696e_6c69;
/// Most connections one relay opens for queries (plus one to listen): three
/// relays stay within PostgreSQL's default of 100.
const CONNECTIONS: usize = 24;

/// The connections a relay has open: idle ones wait for the next query.
#[derive(Default)]
struct Pool {
    idle: Vec<Client>,
    open: usize,
}

/// A relay's handle on the shared database. Cloning shares its connections.
#[derive(Clone)]
pub struct PostgresStorage {
    config: Arc<postgres::Config>,
    pool: Arc<(Mutex<Pool>, Condvar)>,
    /// Tells this relay's notices from the others'.
    origin: Arc<str>,
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStorage")
            .field("origin", &self.origin)
            .finish()
    }
}

impl PostgresStorage {
    /// Connects and migrates the schema to this relay's version.
    pub fn connect(url: &str) -> Result<Self, StorageError> {
        let mut config: postgres::Config = url.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("linli-server");
        }
        let storage = Self {
            config: Arc::new(config),
            pool: Arc::new((Mutex::new(Pool::default()), Condvar::new())),
            origin: secret::new_id().into(),
        };
        storage.with(migrate)?;
        Ok(storage)
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<usize, StorageError> {
        self.with(version)
    }

    fn pool(&self) -> MutexGuard<'_, Pool> {
        self.pool.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on an open connection, and keeps it for the next call. At
    /// most [`CONNECTIONS`] are open: beyond that, callers wait their turn.
    /// When a kept connection turns out dead (the database restarted, or
    /// something between dropped it), nothing ran on it: `f` runs once more
    /// on a new one, and the other kept connections are let go.
    fn with<T>(
        &self,
        mut f: impl FnMut(&mut Client) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        let (mut client, kept) = self.check_out()?;
        let result = f(&mut client);
        let lost = client.is_closed()
            || matches!(&result, Err(StorageError::Postgres(e)) if connection_lost(e));
        self.check_in(client, lost);
        match result {
            // A connection that died while idle fails on first use, before
            // anything reaches the database.
            Err(StorageError::Postgres(_)) if kept && lost => {
                tracing::info!("the database dropped this relay's connections; connecting again");
                {
                    let mut pool = self.pool();
                    pool.open -= pool.idle.len();
                    pool.idle.clear();
                }
                self.pool.1.notify_all();
                let (mut client, _) = self.check_out()?;
                let result = f(&mut client);
                let lost = client.is_closed()
                    || matches!(&result, Err(StorageError::Postgres(e)) if connection_lost(e));
                self.check_in(client, lost);
                result
            }
            result => result,
        }
    }

    /// A connection, and whether it was kept from an earlier call.
    fn check_out(&self) -> Result<(Client, bool), StorageError> {
        {
            let mut pool = self.pool();
            loop {
                match pool.idle.pop() {
                    Some(c) if c.is_closed() => pool.open -= 1,
                    Some(c) => return Ok((c, true)),
                    None if pool.open < CONNECTIONS => {
                        pool.open += 1;
                        break;
                    }
                    None => pool = self.pool.1.wait(pool).unwrap_or_else(|p| p.into_inner()),
                }
            }
        }
        match self.config.connect(NoTls) {
            Ok(c) => Ok((c, false)),
            Err(e) => {
                self.pool().open -= 1;
                self.pool.1.notify_one();
                Err(e.into())
            }
        }
    }

    /// Keeps the connection for the next call, unless it is `lost`.
    fn check_in(&self, client: Client, lost: bool) {
        {
            let mut pool = self.pool();
            if lost || client.is_closed() {
                pool.open -= 1;
            } else {
                pool.idle.push(client);
            }
        }
        self.pool.1.notify_one();
    }

    fn notify(&self, c: &mut impl GenericClient, notice: &Notice) -> Result<(), postgres::Error> {
        c.execute(
            "SELECT pg_notify($1, $2)",
            &[&CHANNEL, &notice.payload(&self.origin)],
        )?;
        Ok(())
    }
}

impl PostgresStorage {
    /// One transaction: inserts in the batch's order (chunks keep the order
    /// they were written in), then every deletion, sorted.
    /// The device whose unique `column` (id or token hash) holds `value`.
    fn device_where(&self, column: &str, value: &str) -> Result<Option<Device>, StorageError> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE {column} = $1");
        self.with(|c| {
            c.query_opt(&sql, &[&value])?
                .map(|r| device_row(&r))
                .transpose()
        })
    }

    fn write_once(&self, c: &mut Client, batch: &[Write]) -> Result<(), StorageError> {
        let mut tx = c.transaction()?;
        let insert = tx.prepare(
            "INSERT INTO chunks (document, key, kind, bytes) VALUES ($1, $2, $3, $4)
             ON CONFLICT (document, key) DO NOTHING",
        )?;
        let delete = tx.prepare("DELETE FROM chunks WHERE document = $1 AND key = $2")?;
        let mut documents = std::collections::BTreeSet::new();
        let mut deletes = std::collections::BTreeSet::new();
        // Sorted, so two relays counting one device wait rather than deadlock.
        let mut usage = std::collections::BTreeMap::new();
        for w in batch {
            let (document, chunk, replaces) = match w {
                Write::Chunk { document, chunk } => (document, chunk, &[][..]),
                Write::Compact {
                    document,
                    snapshot,
                    replaces,
                } => (document, snapshot, &replaces[..]),
                Write::Usage { device, day, bytes } => {
                    *usage.entry((device.clone(), *day)).or_insert(0i64) += *bytes as i64;
                    continue;
                }
                Write::Register(r) => {
                    let scope = serde_json::to_string(&r.scope).expect("scopes serialise");
                    let inserted = tx.execute(
                        "INSERT INTO documents (id, community, scope, creator, created_at)
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                        &[
                            &r.document.to_string(),
                            &r.community,
                            &scope,
                            &r.creator,
                            &r.created_at,
                        ],
                    )?;
                    // Phones on other relays may have asked for it before.
                    if inserted == 1 {
                        self.notify(&mut tx, &Notice::Scope(r.document))?;
                    }
                    continue;
                }
            };
            let id = document.to_string();
            // The last word on a key wins, as if the batch ran in order.
            deletes.remove(&(id.clone(), chunk.key.0.clone()));
            tx.execute(
                &insert,
                &[&id, &chunk.key.0, &chunk.kind.as_str(), &chunk.bytes],
            )?;
            for key in replaces {
                deletes.insert((id.clone(), key.0.clone()));
            }
            documents.insert(*document);
        }
        for (id, key) in &deletes {
            tx.execute(&delete, &[id, key])?;
        }
        for ((device, day), bytes) in &usage {
            tx.execute(
                "INSERT INTO device_usage (device, day, bytes) VALUES ($1, $2, $3)
                 ON CONFLICT (device, day) DO UPDATE SET bytes = device_usage.bytes + EXCLUDED.bytes",
                &[device, day, bytes],
            )?;
        }
        for document in documents {
            self.notify(&mut tx, &Notice::Stored(document))?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// The connection itself failed (the server ended it, or the socket broke),
/// whether or not the client has noticed yet.
fn connection_lost(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    e.is_closed()
        || e.code().is_some_and(|c| {
            *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
        })
        || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

/// Transactions PostgreSQL aborted that succeed when run again.
fn retryable(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    e.code().is_some_and(|c| {
        *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

fn version(c: &mut impl GenericClient) -> Result<usize, StorageError> {
    let row = c.query_opt("SELECT version FROM linli_schema", &[])?;
    Ok(row.map_or(0, |r| usize::try_from(r.get::<_, i32>(0)).unwrap_or(0)))
}

fn migrate(c: &mut Client) -> Result<(), StorageError> {
    let mut tx = c.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS linli_schema (version INTEGER NOT NULL);
         INSERT INTO linli_schema (version)
             SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM linli_schema);",
    )?;
    let current = version(&mut tx)?;
    if current > MIGRATIONS.len() {
        return Err(StorageError::TooNew {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(sql)?;
        if i + 1 == OWN_DOCUMENTS_FROM {
            register_own_documents(&mut tx)?;
        }
        let v = i32::try_from(i + 1).unwrap_or(i32::MAX);
        tx.execute("UPDATE linli_schema SET version = $1", &[&v])?;
    }
    tx.commit()?;
    Ok(())
}

fn role(text: String) -> Result<Role, StorageError> {
    Role::parse(&text).ok_or_else(|| StorageError::Damaged(format!("role {text:?}")))
}

fn chunk_row(r: &Row) -> Result<StoredChunk, StorageError> {
    let kind: String = r.get(1);
    let kind = ChunkKind::parse(&kind)
        .ok_or_else(|| StorageError::Damaged(format!("chunk kind {kind:?}")))?;
    Ok(StoredChunk {
        key: ChunkKey(r.get(0)),
        kind,
        bytes: r.get(2),
    })
}

const DEVICE_COLUMNS: &str = "id, community, role, building, name, created_at, revoked_at, pending";

fn device_row(r: &Row) -> Result<Device, StorageError> {
    Ok(Device {
        id: r.get(0),
        community: r.get(1),
        role: role(r.get(2))?,
        building: r.get(3),
        name: r.get(4),
        created_at: r.get(5),
        revoked_at: r.get(6),
        pending: r.get(7),
    })
}

fn registration_row(r: &Row) -> Result<Registration, StorageError> {
    let id: String = r.get(0);
    let document: DocumentId = id
        .parse()
        .map_err(|e| StorageError::Damaged(format!("document id {id:?}: {e}")))?;
    let scope: String = r.get(2);
    let scope: Scope = serde_json::from_str(&scope)
        .map_err(|e| StorageError::Damaged(format!("scope of {document}: {e}")))?;
    Ok(Registration {
        document,
        community: r.get(1),
        scope,
        creator: r.get(3),
        created_at: r.get(4),
    })
}

fn community_row(r: &Row) -> Community {
    Community {
        id: r.get(0),
        name: r.get(1),
        created_at: r.get(2),
    }
}

fn community_exists(c: &mut impl GenericClient, id: &str) -> Result<bool, StorageError> {
    Ok(
        c.query_opt("SELECT 1 FROM communities WHERE id = $1", &[&id])?
            .is_some(),
    )
}

fn insert_device(
    c: &mut impl GenericClient,
    d: &NewDevice,
    token_hash: &str,
    now: i64,
) -> Result<Device, StorageError> {
    if !community_exists(c, &d.community)? {
        return Err(StorageError::NoCommunity(d.community.clone()));
    }
    let device = Device {
        id: secret::new_id(),
        community: d.community.clone(),
        role: d.role,
        building: d.building.clone(),
        name: d.name.clone(),
        created_at: now,
        revoked_at: None,
        pending: d.pending,
    };
    c.execute(
        "INSERT INTO devices (id, community, role, building, name, token_hash, created_at, pending)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &device.id,
            &device.community,
            &device.role.as_str(),
            &device.building,
            &device.name,
            &token_hash,
            &now,
            &device.pending,
        ],
    )?;
    register_own_document(c, &device.community, &device.id, now)?;
    Ok(device)
}

/// Registers a device's volunteer document to the device (its creator, and
/// with staff the only one it admits until the device declares otherwise).
fn register_own_document(
    c: &mut impl GenericClient,
    community: &str,
    device: &str,
    now: i64,
) -> Result<(), StorageError> {
    let id = DocumentId::for_volunteer(community, device);
    let scope = serde_json::to_string(&Scope::creator(device)).expect("scopes serialise");
    c.execute(
        "INSERT INTO documents (id, community, scope, creator, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
        &[&id.to_string(), &community, &scope, &device, &now],
    )?;
    Ok(())
}

/// Devices from before migration 4 get their volunteer documents
/// registered to them too (one registered by someone else stays).
fn register_own_documents(c: &mut impl GenericClient) -> Result<(), StorageError> {
    let devices: Vec<(String, String, i64)> = c
        .query("SELECT id, community, created_at FROM devices", &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    for (device, community, created_at) in devices {
        register_own_document(c, &community, &device, created_at)?;
    }
    Ok(())
}

/// The invite behind a code, if it may still be used; `lock` holds its row
/// until the transaction ends (redeeming).
fn usable_invite(
    c: &mut impl GenericClient,
    code_hash: &str,
    now: i64,
    lock: bool,
) -> Result<Result<Invite, RedeemError>, StorageError> {
    let sql = format!(
        "SELECT id, community, role, building, uses_left, expires_at, revoked_at, approval
         FROM invites WHERE code_hash = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let Some(r) = c.query_opt(&sql, &[&code_hash])? else {
        return Ok(Err(RedeemError::Unknown));
    };
    let uses_left: i64 = r.get(4);
    let expires_at: i64 = r.get(5);
    if r.get::<_, Option<i64>>(6).is_some() {
        return Ok(Err(RedeemError::Revoked));
    }
    if expires_at <= now {
        return Ok(Err(RedeemError::Expired));
    }
    if uses_left <= 0 {
        return Ok(Err(RedeemError::UsedUp));
    }
    Ok(Ok(Invite {
        id: r.get(0),
        community: r.get(1),
        role: role(r.get(2))?,
        building: r.get(3),
        uses_left: u32::try_from(uses_left).unwrap_or(u32::MAX),
        expires_at,
        approval: r.get(7),
    }))
}

fn community_by_id(
    c: &mut impl GenericClient,
    id: &str,
) -> Result<Option<Community>, StorageError> {
    Ok(c.query_opt(
        "SELECT id, name, created_at FROM communities WHERE id = $1",
        &[&id],
    )?
    .map(|r| community_row(&r)))
}

const LOAD_CHUNKS: &str = "SELECT key, kind, bytes FROM chunks WHERE document = $1
     ORDER BY kind = 'snapshot' DESC, seq";

impl Storage for PostgresStorage {
    fn ping(&self) -> Result<(), StorageError> {
        self.with(|c| {
            c.execute("SELECT 1", &[])?;
            Ok(())
        })
    }

    fn load_chunks(&self, document: &DocumentId) -> Result<Vec<StoredChunk>, StorageError> {
        self.with(|c| {
            c.query(LOAD_CHUNKS, &[&document.to_string()])?
                .iter()
                .map(chunk_row)
                .collect()
        })
    }

    fn load_chunks_except(
        &self,
        document: &DocumentId,
        known: &[ChunkKey],
    ) -> Result<Vec<StoredChunk>, StorageError> {
        let known: Vec<&str> = known.iter().map(|k| k.0.as_str()).collect();
        self.with(|c| {
            c.query(
                "SELECT key, kind, bytes FROM chunks
                 WHERE document = $1 AND NOT (key = ANY($2))
                 ORDER BY kind = 'snapshot' DESC, seq",
                &[&document.to_string(), &known],
            )?
            .iter()
            .map(chunk_row)
            .collect()
        })
    }

    fn write(&self, batch: &[Write]) -> Result<(), StorageError> {
        if batch.is_empty() {
            return Ok(());
        }
        // Two relays compacting the same document delete the same rows: in
        // one order (sorted) they wait for each other instead of
        // deadlocking, and a transaction PostgreSQL aborts anyway
        // (deadlock, serialisation) is run again — a batch is idempotent.
        let mut attempt = 0;
        loop {
            match self.with(|c| self.write_once(c, batch)) {
                Err(StorageError::Postgres(e)) if attempt < 5 && retryable(&e) => {
                    attempt += 1;
                    tracing::debug!(attempt, error = %e, "writing a batch again");
                    std::thread::sleep(Duration::from_millis(5 << attempt));
                }
                result => return result,
            }
        }
    }

    fn registration(&self, document: &DocumentId) -> Result<Option<Registration>, StorageError> {
        self.with(|c| {
            c.query_opt(
                "SELECT id, community, scope, creator, created_at FROM documents WHERE id = $1",
                &[&document.to_string()],
            )?
            .map(|r| registration_row(&r))
            .transpose()
        })
    }

    fn register(&self, r: &Registration) -> Result<Registration, StorageError> {
        let scope = serde_json::to_string(&r.scope).expect("scopes serialise");
        self.with(|c| {
            let mut tx = c.transaction()?;
            let inserted = tx.execute(
                "INSERT INTO documents (id, community, scope, creator, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                &[
                    &r.document.to_string(),
                    &r.community,
                    &scope,
                    &r.creator,
                    &r.created_at,
                ],
            )?;
            // Phones on other relays may have asked for it before it existed.
            if inserted == 1 {
                self.notify(&mut tx, &Notice::Scope(r.document))?;
            }
            tx.commit()?;
            Ok(())
        })?;
        self.registration(&r.document)?.ok_or_else(|| {
            StorageError::Damaged(format!("registration of {} vanished", r.document))
        })
    }

    fn documents_created_by(&self, device: &str) -> Result<u64, StorageError> {
        self.with(|c| {
            let n: i64 = c
                .query_one(
                    "SELECT count(*) FROM documents WHERE creator = $1",
                    &[&device],
                )?
                .get(0);
            Ok(n.max(0) as u64)
        })
    }

    fn community_bytes(&self, community: &str) -> Result<u64, StorageError> {
        self.with(|c| {
            let n: i64 = c
                .query_one(
                    "SELECT COALESCE(SUM(octet_length(c.bytes)), 0)::BIGINT FROM chunks c
                     JOIN documents d ON d.id = c.document WHERE d.community = $1",
                    &[&community],
                )?
                .get(0);
            Ok(n.max(0) as u64)
        })
    }

    fn device_bytes_on(&self, device: &str, day: i64) -> Result<u64, StorageError> {
        self.with(|c| {
            let n: Option<i64> = c
                .query_opt(
                    "SELECT bytes FROM device_usage WHERE device = $1 AND day = $2",
                    &[&device, &day],
                )?
                .map(|r| r.get(0));
            Ok(n.unwrap_or(0).max(0) as u64)
        })
    }

    fn set_scope(&self, document: &DocumentId, scope: &Scope) -> Result<(), StorageError> {
        let scope = serde_json::to_string(scope).expect("scopes serialise");
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute(
                "UPDATE documents SET scope = $2 WHERE id = $1",
                &[&document.to_string(), &scope],
            )?;
            self.notify(&mut tx, &Notice::Scope(*document))?;
            tx.commit()?;
            Ok(())
        })
    }

    fn create_community(&self, name: &str, now: i64) -> Result<Community, StorageError> {
        let community = Community {
            id: secret::new_id(),
            name: name.to_owned(),
            created_at: now,
        };
        self.with(|c| {
            c.execute(
                "INSERT INTO communities (id, name, created_at) VALUES ($1, $2, $3)",
                &[&community.id, &community.name, &community.created_at],
            )?;
            Ok(())
        })?;
        Ok(community)
    }

    fn community(&self, id: &str) -> Result<Option<Community>, StorageError> {
        self.with(|c| community_by_id(c, id))
    }

    fn create_device(
        &self,
        d: &NewDevice,
        token_hash: &str,
        now: i64,
    ) -> Result<Device, StorageError> {
        self.with(|c| insert_device(c, d, token_hash, now))
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StorageError> {
        self.device_where("token_hash", token_hash)
    }

    fn device(&self, id: &str) -> Result<Option<Device>, StorageError> {
        self.device_where("id", id)
    }

    fn devices(&self, community: &str) -> Result<Vec<Device>, StorageError> {
        self.with(|c| {
            c.query(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices WHERE community = $1 ORDER BY created_at, id"
                ),
                &[&community],
            )?
            .iter()
            .map(device_row)
            .collect()
        })
    }

    fn revoke_device(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let exists = tx
                .query_opt("SELECT 1 FROM devices WHERE id = $1", &[&id])?
                .is_some();
            let changed = tx.execute(
                "UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                &[&id, &now],
            )?;
            if changed > 0 {
                self.notify(&mut tx, &Notice::Revoked(id.to_owned()))?;
            }
            tx.commit()?;
            Ok(exists)
        })
    }

    fn revoked_since(&self, since: i64) -> Result<Vec<(String, i64)>, StorageError> {
        self.with(|c| {
            Ok(c.query(
                "SELECT id, revoked_at FROM devices
                     WHERE revoked_at IS NOT NULL AND revoked_at >= $1",
                &[&since],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
        })
    }

    fn pending_devices(&self, community: &str) -> Result<Vec<Device>, StorageError> {
        self.with(|c| {
            c.query(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices
                     WHERE community = $1 AND pending AND revoked_at IS NULL
                     ORDER BY created_at, id"
                ),
                &[&community],
            )?
            .iter()
            .map(device_row)
            .collect()
        })
    }

    fn approve_device(&self, id: &str, by: &str, now: i64) -> Result<bool, StorageError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let changed = tx.execute(
                "UPDATE devices SET pending = FALSE, approved_at = $2, approved_by = $3
                 WHERE id = $1 AND pending AND revoked_at IS NULL",
                &[&id, &now, &by],
            )?;
            if changed == 1 {
                self.notify(&mut tx, &Notice::Approved(id.to_owned()))?;
            }
            tx.commit()?;
            Ok(changed == 1)
        })
    }

    fn create_invite(
        &self,
        i: &NewInvite,
        code_hash: &str,
        now: i64,
    ) -> Result<Invite, StorageError> {
        let invite = Invite {
            id: secret::new_id(),
            community: i.community.clone(),
            role: i.role,
            building: i.building.clone(),
            uses_left: i.uses,
            expires_at: i.expires_at,
            approval: i.approval,
        };
        self.with(|c| {
            if !community_exists(c, &i.community)? {
                return Err(StorageError::NoCommunity(i.community.clone()));
            }
            c.execute(
                "INSERT INTO invites (id, community, role, building, code_hash, uses_left, expires_at, created_at, created_by, approval)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    &invite.id,
                    &invite.community,
                    &invite.role.as_str(),
                    &invite.building,
                    &code_hash,
                    &i64::from(invite.uses_left),
                    &invite.expires_at,
                    &now,
                    &i.created_by,
                    &invite.approval,
                ],
            )?;
            Ok(())
        })?;
        Ok(invite)
    }

    fn revoke_invite(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        self.with(|c| {
            let exists = c
                .query_opt("SELECT 1 FROM invites WHERE id = $1", &[&id])?
                .is_some();
            c.execute(
                "UPDATE invites SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                &[&id, &now],
            )?;
            Ok(exists)
        })
    }

    fn preview_invite(
        &self,
        code_hash: &str,
        now: i64,
    ) -> Result<Result<(Invite, Community), RedeemError>, StorageError> {
        self.with(|c| {
            let invite = match usable_invite(c, code_hash, now, false)? {
                Ok(i) => i,
                Err(e) => return Ok(Err(e)),
            };
            let community = community_by_id(c, &invite.community)?
                .ok_or_else(|| StorageError::NoCommunity(invite.community.clone()))?;
            Ok(Ok((invite, community)))
        })
    }

    fn redeem_invite(
        &self,
        code_hash: &str,
        device_name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<Result<Redeemed, RedeemError>, StorageError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            // The row stays locked until commit: two relays redeeming the
            // last use at once take turns, and the second finds it used up.
            let invite = match usable_invite(&mut tx, code_hash, now, true)? {
                Ok(i) => i,
                Err(e) => return Ok(Err(e)),
            };
            tx.execute(
                "UPDATE invites SET uses_left = uses_left - 1 WHERE id = $1",
                &[&invite.id],
            )?;
            let new = NewDevice {
                community: invite.community.clone(),
                role: invite.role,
                building: invite.building,
                name: device_name.to_owned(),
                pending: invite.approval,
            };
            let device = insert_device(&mut tx, &new, token_hash, now)?;
            let community = community_by_id(&mut tx, &invite.community)?
                .ok_or_else(|| StorageError::NoCommunity(invite.community.clone()))?;
            tx.commit()?;
            Ok(Ok(Redeemed { device, community }))
        })
    }

    fn listen(&self, mut listener: Box<dyn Listener>) -> Result<bool, StorageError> {
        let config = self.config.clone();
        let connect = move || {
            config.connect(NoTls).and_then(|mut c| {
                c.batch_execute(&format!("LISTEN {CHANNEL}"))?;
                Ok(c)
            })
        };
        // The first try here, so that a relay listens before it serves; if it
        // fails, the thread keeps trying (never a relay deaf for good).
        let mut client = match connect() {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for other relays' changes yet; trying again");
                None
            }
        };
        let origin = self.origin.clone();
        std::thread::Builder::new()
            .name("relay-notices".into())
            .spawn(move || {
                loop {
                    let mut c = match client.take() {
                        Some(c) => c,
                        None => loop {
                            std::thread::sleep(Duration::from_secs(1));
                            if !listener.listening() {
                                return;
                            }
                            match connect() {
                                Ok(c) => {
                                    // Listening again: what was said meanwhile
                                    // is read from storage instead.
                                    if !listener.notice(Notice::Missed) {
                                        return;
                                    }
                                    break c;
                                }
                                Err(e) => tracing::warn!(error = %e, "reconnecting to hear other relays"),
                            }
                        },
                    };
                    match pass_on(&mut c, &origin, listener.as_mut()) {
                        Ok(()) => return,
                        Err(e) => tracing::warn!(error = %e, "listening for other relays' changes; reconnecting"),
                    }
                }
            })
            .map_err(StorageError::ListenThread)?;
        Ok(true)
    }

    fn export(&self, sink: &mut Sink<'_>) -> Result<(), StorageError> {
        self.with(|c| {
            for r in c.query("SELECT id, name, created_at FROM communities ORDER BY created_at, id", &[])? {
                sink(Record::Community(community_row(&r)))?;
            }
            for r in c.query(
                &format!("SELECT {DEVICE_COLUMNS}, token_hash, approved_at, approved_by FROM devices ORDER BY created_at, id"),
                &[],
            )? {
                sink(Record::Device {
                    device: device_row(&r)?,
                    token_hash: r.get(8),
                    approved_at: r.get(9),
                    approved_by: r.get(10),
                })?;
            }
            for r in c.query(
                "SELECT id, community, role, building, uses_left, expires_at, approval,
                        code_hash, created_at, created_by, revoked_at
                 FROM invites ORDER BY created_at, id",
                &[],
            )? {
                sink(Record::Invite {
                    invite: Invite {
                        id: r.get(0),
                        community: r.get(1),
                        role: role(r.get(2))?,
                        building: r.get(3),
                        uses_left: u32::try_from(r.get::<_, i64>(4).max(0)).unwrap_or(u32::MAX),
                        expires_at: r.get(5),
                        approval: r.get(6),
                    },
                    code_hash: r.get(7),
                    created_at: r.get(8),
                    created_by: r.get(9),
                    revoked_at: r.get(10),
                })?;
            }
            for r in c.query(
                "SELECT id, community, scope, creator, created_at FROM documents ORDER BY created_at, id",
                &[],
            )? {
                sink(Record::Document(registration_row(&r)?))?;
            }
            let documents: Vec<String> = c
                .query("SELECT DISTINCT document FROM chunks ORDER BY document", &[])?
                .iter()
                .map(|r| r.get(0))
                .collect();
            for id in documents {
                let document: DocumentId = id
                    .parse()
                    .map_err(|e| StorageError::Damaged(format!("document id {id:?}: {e}")))?;
                for r in c.query(LOAD_CHUNKS, &[&id])? {
                    sink(Record::Chunk {
                        document,
                        chunk: chunk_row(&r)?,
                    })?;
                }
            }
            Ok(())
        })
    }

    fn import(
        &self,
        feed: &mut dyn FnMut(&mut Sink<'_>) -> Result<(), StorageError>,
    ) -> Result<Moved, StorageError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let mut moved = Moved::default();
            feed(&mut |record| {
                let new = import_one(&mut tx, &record)?;
                moved.count(&record, new);
                Ok(())
            })?;
            tx.commit()?;
            Ok(moved)
        })
    }
}

/// Writes one record unless it is there already; true when written.
fn import_one(tx: &mut impl GenericClient, record: &Record) -> Result<bool, StorageError> {
    let n = match record {
        Record::Community(c) => tx.execute(
            "INSERT INTO communities (id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&c.id, &c.name, &c.created_at],
        )?,
        Record::Device {
            device: d,
            token_hash,
            approved_at,
            approved_by,
        } => tx.execute(
            "INSERT INTO devices (id, community, role, building, name, token_hash, created_at,
                                  revoked_at, pending, approved_at, approved_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
            &[
                &d.id,
                &d.community,
                &d.role.as_str(),
                &d.building,
                &d.name,
                token_hash,
                &d.created_at,
                &d.revoked_at,
                &d.pending,
                approved_at,
                approved_by,
            ],
        )?,
        Record::Invite {
            invite: i,
            code_hash,
            created_at,
            created_by,
            revoked_at,
        } => tx.execute(
            "INSERT INTO invites (id, community, role, building, code_hash, uses_left, expires_at,
                                  created_at, created_by, revoked_at, approval)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
            &[
                &i.id,
                &i.community,
                &i.role.as_str(),
                &i.building,
                code_hash,
                &i64::from(i.uses_left),
                &i.expires_at,
                created_at,
                created_by,
                revoked_at,
                &i.approval,
            ],
        )?,
        Record::Document(r) => tx.execute(
            "INSERT INTO documents (id, community, scope, creator, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[
                &r.document.to_string(),
                &r.community,
                &serde_json::to_string(&r.scope).expect("scopes serialise"),
                &r.creator,
                &r.created_at,
            ],
        )?,
        Record::Chunk { document, chunk } => tx.execute(
            "INSERT INTO chunks (document, key, kind, bytes) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[
                &document.to_string(),
                &chunk.key.0,
                &chunk.kind.as_str(),
                &chunk.bytes,
            ],
        )?,
    };
    Ok(n == 1)
}

/// Hands each notice of another relay to the listener as it arrives;
/// returns when it stops listening, or with the connection's error.
fn pass_on(
    client: &mut Client,
    origin: &str,
    listener: &mut dyn Listener,
) -> Result<(), postgres::Error> {
    loop {
        {
            let mut notifications = client.notifications();
            let mut waiting = notifications.timeout_iter(Duration::from_secs(2));
            while let Some(n) = waiting.next()? {
                if let Some(n) = Notice::parse(n.payload(), origin)
                    && !listener.notice(n)
                {
                    return Ok(());
                }
            }
        }
        if !listener.listening() {
            return Ok(());
        }
        // Quiet for a while: make sure the connection is alive (a dead one
        // would otherwise keep this relay deaf without a word).
        client.batch_execute("SELECT 1")?;
    }
}
