//! The SQLite backend: one file in WAL mode under `--data`, `synchronous =
//! FULL` so a committed batch survives power loss, numbered migrations.
//!
//! Long because it implements the whole storage trait for one backend (every
//! method is a few SQL statements); its host tests are the last 100 lines and
//! the shared storage suite runs against it too.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard},
};

use linli_shared::model::actor::Role;
use linli_shared::sync::{ChunkKind, DocumentId, Scope, StoredChunk};
use rusqlite::{Connection, OptionalExtension, params};

use super::{
    Community, Device, Invite, Moved, NewDevice, NewInvite, Record, RedeemError, Redeemed,
    Registration, Sink, Storage, StorageError, Write,
};
use crate::secret;

/// The file name inside the data directory.
pub const DB_FILE: &str = "linli.sqlite3";

/// Numbered migrations, applied in order, each once.
const MIGRATIONS: &[&str] = &[
    // 1: the relay's identity, so a data directory can be recognised.
    "CREATE TABLE relay_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: communities, devices, invites, the document registry, and the
    // documents themselves as content-keyed chunks.
    "CREATE TABLE communities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        community TEXT NOT NULL REFERENCES communities(id),
        role TEXT NOT NULL,
        building TEXT,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE INDEX devices_by_community ON devices(community);
    CREATE INDEX devices_by_revocation ON devices(revoked_at) WHERE revoked_at IS NOT NULL;
    CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        community TEXT NOT NULL REFERENCES communities(id),
        role TEXT NOT NULL,
        building TEXT,
        code_hash TEXT NOT NULL UNIQUE,
        uses_left INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT,
        revoked_at INTEGER
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        community TEXT NOT NULL REFERENCES communities(id),
        scope TEXT NOT NULL,
        creator TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE chunks (
        document TEXT NOT NULL,
        key TEXT NOT NULL,
        kind TEXT NOT NULL,
        bytes BLOB NOT NULL,
        UNIQUE (document, key)
    );",
    // 3: recruitment links: an invite may make its devices wait for staff
    // approval; a pending device syncs only its own volunteer document.
    "ALTER TABLE invites ADD COLUMN approval INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE devices ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE devices ADD COLUMN approved_at INTEGER;
    ALTER TABLE devices ADD COLUMN approved_by TEXT;
    CREATE INDEX devices_pending ON devices(community, created_at)
        WHERE pending = 1 AND revoked_at IS NULL;",
    // 4: quotas (documents a device registered, bytes a community stores,
    // bytes a device adds in a day); every device's own volunteer document
    // is registered to it (`register_own_documents`, run with this step).
    "CREATE INDEX documents_by_creator ON documents(creator);
    CREATE INDEX documents_by_community ON documents(community);
    CREATE TABLE device_usage (
        device TEXT NOT NULL,
        day INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (device, day)
    );",
];

/// The migration after which every device owns its volunteer document.
const OWN_DOCUMENTS_FROM: usize = 4;

/// The relay's SQLite database. Cloning shares the connection.
#[derive(Clone)]
pub struct SqliteStorage {
    /// One connection behind a mutex: SQLite serialises writers anyway, and
    /// the sync hub writes in batches (one transaction per batch).
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteStorage {
    /// Opens (creating if needed) the database in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DB_FILE);
        let mut conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path),
        })
    }

    /// Where the database file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the file is at.
    pub fn schema_version(&self) -> Result<usize, StorageError> {
        let v: i64 = self
            .lock()
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        Ok(usize::try_from(v).unwrap_or(0))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn role(text: String) -> Result<Role, StorageError> {
    Role::parse(&text).ok_or_else(|| StorageError::Damaged(format!("role {text:?}")))
}

const DEVICE_COLUMNS: &str = "id, community, role, building, name, created_at, revoked_at, pending";

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Device, String)> {
    Ok((
        Device {
            id: r.get(0)?,
            community: r.get(1)?,
            role: Role::Volunteer,
            building: r.get(3)?,
            name: r.get(4)?,
            created_at: r.get(5)?,
            revoked_at: r.get(6)?,
            pending: r.get(7)?,
        },
        r.get(2)?,
    ))
}

fn device(row: (Device, String)) -> Result<Device, StorageError> {
    let (mut d, r) = row;
    d.role = role(r)?;
    Ok(d)
}

impl Storage for SqliteStorage {
    fn ping(&self) -> Result<(), StorageError> {
        self.lock().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn load_chunks(&self, document: &DocumentId) -> Result<Vec<StoredChunk>, StorageError> {
        let conn = self.lock();
        // Snapshots first, then chunks in the order they were written.
        let mut stmt = conn.prepare_cached(
            "SELECT key, kind, bytes FROM chunks WHERE document = ?1
             ORDER BY kind = 'snapshot' DESC, rowid",
        )?;
        let rows = stmt.query_map([document.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut chunks = Vec::new();
        for row in rows {
            let (key, kind, bytes) = row?;
            let kind = ChunkKind::parse(&kind)
                .ok_or_else(|| StorageError::Damaged(format!("chunk kind {kind:?}")))?;
            chunks.push(StoredChunk {
                key: linli_shared::sync::ChunkKey(key),
                kind,
                bytes,
            });
        }
        Ok(chunks)
    }

    fn write(&self, batch: &[Write]) -> Result<(), StorageError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO chunks (document, key, kind, bytes) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut delete =
                tx.prepare_cached("DELETE FROM chunks WHERE document = ?1 AND key = ?2")?;
            let mut register = tx.prepare_cached(
                "INSERT OR IGNORE INTO documents (id, community, scope, creator, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut usage = tx.prepare_cached(
                "INSERT INTO device_usage (device, day, bytes) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device, day) DO UPDATE SET bytes = bytes + excluded.bytes",
            )?;
            for w in batch {
                match w {
                    Write::Chunk { document, chunk } => {
                        insert.execute(params![
                            document.to_string(),
                            chunk.key.0,
                            chunk.kind.as_str(),
                            chunk.bytes
                        ])?;
                    }
                    Write::Compact {
                        document,
                        snapshot,
                        replaces,
                    } => {
                        let id = document.to_string();
                        insert.execute(params![
                            id,
                            snapshot.key.0,
                            snapshot.kind.as_str(),
                            snapshot.bytes
                        ])?;
                        for key in replaces {
                            delete.execute(params![id, key.0])?;
                        }
                    }
                    Write::Usage { device, day, bytes } => {
                        usage.execute(params![device, day, *bytes as i64])?;
                    }
                    Write::Register(r) => {
                        register.execute(params![
                            r.document.to_string(),
                            r.community,
                            serde_json::to_string(&r.scope).expect("scopes serialise"),
                            r.creator,
                            r.created_at
                        ])?;
                    }
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn registration(&self, document: &DocumentId) -> Result<Option<Registration>, StorageError> {
        let conn = self.lock();
        let row = conn
            .prepare_cached(
                "SELECT community, scope, creator, created_at FROM documents WHERE id = ?1",
            )?
            .query_row([document.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .optional()?;
        row.map(|(community, scope, creator, created_at)| {
            let scope: Scope = serde_json::from_str(&scope)
                .map_err(|e| StorageError::Damaged(format!("scope of {document}: {e}")))?;
            Ok(Registration {
                document: *document,
                community,
                scope,
                creator,
                created_at,
            })
        })
        .transpose()
    }

    fn register(&self, r: &Registration) -> Result<Registration, StorageError> {
        let scope = serde_json::to_string(&r.scope).expect("scopes serialise");
        self.lock()
            .prepare_cached(
                "INSERT OR IGNORE INTO documents (id, community, scope, creator, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                r.document.to_string(),
                r.community,
                scope,
                r.creator,
                r.created_at
            ])?;
        self.registration(&r.document)?.ok_or_else(|| {
            StorageError::Damaged(format!("registration of {} vanished", r.document))
        })
    }

    fn set_scope(&self, document: &DocumentId, scope: &Scope) -> Result<(), StorageError> {
        let scope = serde_json::to_string(scope).expect("scopes serialise");
        self.lock().execute(
            "UPDATE documents SET scope = ?2 WHERE id = ?1",
            params![document.to_string(), scope],
        )?;
        Ok(())
    }

    fn documents_created_by(&self, device: &str) -> Result<u64, StorageError> {
        let n: i64 = self
            .lock()
            .prepare_cached("SELECT count(*) FROM documents WHERE creator = ?1")?
            .query_row([device], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn community_bytes(&self, community: &str) -> Result<u64, StorageError> {
        let n: i64 = self
            .lock()
            .prepare_cached(
                "SELECT COALESCE(SUM(LENGTH(c.bytes)), 0) FROM chunks c
                 JOIN documents d ON d.id = c.document WHERE d.community = ?1",
            )?
            .query_row([community], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn device_bytes_on(&self, device: &str, day: i64) -> Result<u64, StorageError> {
        let n: Option<i64> = self
            .lock()
            .prepare_cached("SELECT bytes FROM device_usage WHERE device = ?1 AND day = ?2")?
            .query_row(params![device, day], |r| r.get(0))
            .optional()?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    fn create_community(&self, name: &str, now: i64) -> Result<Community, StorageError> {
        let c = Community {
            id: secret::new_id(),
            name: name.to_owned(),
            created_at: now,
        };
        self.lock().execute(
            "INSERT INTO communities (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![c.id, c.name, c.created_at],
        )?;
        Ok(c)
    }

    fn community(&self, id: &str) -> Result<Option<Community>, StorageError> {
        Ok(self
            .lock()
            .query_row(
                "SELECT id, name, created_at FROM communities WHERE id = ?1",
                [id],
                |r| {
                    Ok(Community {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        created_at: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    fn create_device(
        &self,
        d: &NewDevice,
        token_hash: &str,
        now: i64,
    ) -> Result<Device, StorageError> {
        let conn = self.lock();
        insert_device(&conn, d, token_hash, now)
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StorageError> {
        let conn = self.lock();
        let row = conn
            .prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ?1"
            ))?
            .query_row([token_hash], device_row)
            .optional()?;
        row.map(device).transpose()
    }

    fn device(&self, id: &str) -> Result<Option<Device>, StorageError> {
        let conn = self.lock();
        let row = conn
            .prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"
            ))?
            .query_row([id], device_row)
            .optional()?;
        row.map(device).transpose()
    }

    fn devices(&self, community: &str) -> Result<Vec<Device>, StorageError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE community = ?1 ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map([community], device_row)?;
        rows.map(|r| device(r?)).collect()
    }

    fn revoke_device(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        let conn = self.lock();
        let exists = conn
            .query_row("SELECT 1 FROM devices WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some();
        conn.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now],
        )?;
        Ok(exists)
    }

    fn revoked_since(&self, since: i64) -> Result<Vec<(String, i64)>, StorageError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id, revoked_at FROM devices WHERE revoked_at IS NOT NULL AND revoked_at >= ?1",
        )?;
        let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn pending_devices(&self, community: &str) -> Result<Vec<Device>, StorageError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices
             WHERE community = ?1 AND pending = 1 AND revoked_at IS NULL
             ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map([community], device_row)?;
        rows.map(|r| device(r?)).collect()
    }

    fn approve_device(&self, id: &str, by: &str, now: i64) -> Result<bool, StorageError> {
        let changed = self.lock().execute(
            "UPDATE devices SET pending = 0, approved_at = ?2, approved_by = ?3
             WHERE id = ?1 AND pending = 1 AND revoked_at IS NULL",
            params![id, now, by],
        )?;
        Ok(changed == 1)
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
        let conn = self.lock();
        if !community_exists(&conn, &i.community)? {
            return Err(StorageError::NoCommunity(i.community.clone()));
        }
        conn.execute(
            "INSERT INTO invites (id, community, role, building, code_hash, uses_left, expires_at, created_at, created_by, approval)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                invite.id,
                invite.community,
                invite.role.as_str(),
                invite.building,
                code_hash,
                invite.uses_left,
                invite.expires_at,
                now,
                i.created_by,
                invite.approval
            ],
        )?;
        Ok(invite)
    }

    fn revoke_invite(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        let conn = self.lock();
        let exists = conn
            .query_row("SELECT 1 FROM invites WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some();
        conn.execute(
            "UPDATE invites SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now],
        )?;
        Ok(exists)
    }

    fn preview_invite(
        &self,
        code_hash: &str,
        now: i64,
    ) -> Result<Result<(Invite, Community), RedeemError>, StorageError> {
        let conn = self.lock();
        let invite = match usable_invite(&conn, code_hash, now)? {
            Ok(i) => i,
            Err(e) => return Ok(Err(e)),
        };
        let community = community_row(&conn, &invite.community)?;
        Ok(Ok((invite, community)))
    }

    fn redeem_invite(
        &self,
        code_hash: &str,
        device_name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<Result<Redeemed, RedeemError>, StorageError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let invite = match usable_invite(&tx, code_hash, now)? {
            Ok(i) => i,
            Err(e) => return Ok(Err(e)),
        };
        tx.execute(
            "UPDATE invites SET uses_left = uses_left - 1 WHERE id = ?1",
            [&invite.id],
        )?;
        let new = NewDevice {
            community: invite.community.clone(),
            role: invite.role,
            building: invite.building,
            name: device_name.to_owned(),
            pending: invite.approval,
        };
        let device = insert_device(&tx, &new, token_hash, now)?;
        let community = community_row(&tx, &invite.community)?;
        tx.commit()?;
        Ok(Ok(Redeemed { device, community }))
    }

    fn export(&self, sink: &mut Sink<'_>) -> Result<(), StorageError> {
        let registered: Vec<String> = {
            let conn = self.lock();
            for c in conn
                .prepare("SELECT id, name, created_at FROM communities ORDER BY created_at, id")?
                .query_map([], |r| {
                    Ok(Community {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        created_at: r.get(2)?,
                    })
                })?
            {
                sink(Record::Community(c?))?;
            }
            let mut stmt = conn.prepare(&format!(
                "SELECT {DEVICE_COLUMNS}, token_hash, approved_at, approved_by
                 FROM devices ORDER BY created_at, id"
            ))?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    device_row(r)?,
                    r.get::<_, String>(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            })?;
            for row in rows {
                let (d, token_hash, approved_at, approved_by) = row?;
                sink(Record::Device {
                    device: device(d)?,
                    token_hash,
                    approved_at,
                    approved_by,
                })?;
            }
            let mut stmt = conn.prepare(
                "SELECT id, community, role, building, uses_left, expires_at, approval,
                        code_hash, created_at, created_by, revoked_at
                 FROM invites ORDER BY created_at, id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    Invite {
                        id: r.get(0)?,
                        community: r.get(1)?,
                        role: Role::Volunteer,
                        building: r.get(3)?,
                        uses_left: u32::try_from(r.get::<_, i64>(4)?.max(0)).unwrap_or(u32::MAX),
                        expires_at: r.get(5)?,
                        approval: r.get(6)?,
                    },
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, Option<i64>>(10)?,
                ))
            })?;
            for row in rows {
                let (mut invite, role_text, code_hash, created_at, created_by, revoked_at) = row?;
                invite.role = role(role_text)?;
                sink(Record::Invite {
                    invite,
                    code_hash,
                    created_at,
                    created_by,
                    revoked_at,
                })?;
            }
            conn.prepare("SELECT id FROM documents ORDER BY created_at, id")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        for id in registered {
            let document = parse_document(&id)?;
            let registration = self.registration(&document)?.ok_or_else(|| {
                StorageError::Damaged(format!("registration of {document} vanished"))
            })?;
            sink(Record::Document(registration))?;
        }
        let documents: Vec<String> = self
            .lock()
            .prepare("SELECT DISTINCT document FROM chunks ORDER BY document")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in documents {
            let document = parse_document(&id)?;
            for chunk in self.load_chunks(&document)? {
                sink(Record::Chunk { document, chunk })?;
            }
        }
        Ok(())
    }

    fn import(
        &self,
        feed: &mut dyn FnMut(&mut Sink<'_>) -> Result<(), StorageError>,
    ) -> Result<Moved, StorageError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut moved = Moved::default();
        feed(&mut |record| {
            let new = import_one(&tx, &record)?;
            moved.count(&record, new);
            Ok(())
        })?;
        tx.commit()?;
        Ok(moved)
    }
}

fn parse_document(id: &str) -> Result<DocumentId, StorageError> {
    id.parse()
        .map_err(|e| StorageError::Damaged(format!("document id {id:?}: {e}")))
}

/// Writes one record unless it is there already; true when written.
fn import_one(conn: &Connection, record: &Record) -> Result<bool, StorageError> {
    let n = match record {
        Record::Community(c) => conn.execute(
            "INSERT OR IGNORE INTO communities (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![c.id, c.name, c.created_at],
        )?,
        Record::Device {
            device: d,
            token_hash,
            approved_at,
            approved_by,
        } => conn.execute(
            "INSERT OR IGNORE INTO devices (id, community, role, building, name, token_hash,
                 created_at, revoked_at, pending, approved_at, approved_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                d.id,
                d.community,
                d.role.as_str(),
                d.building,
                d.name,
                token_hash,
                d.created_at,
                d.revoked_at,
                d.pending,
                approved_at,
                approved_by
            ],
        )?,
        Record::Invite {
            invite: i,
            code_hash,
            created_at,
            created_by,
            revoked_at,
        } => conn.execute(
            "INSERT OR IGNORE INTO invites (id, community, role, building, code_hash, uses_left,
                 expires_at, created_at, created_by, revoked_at, approval)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                i.id,
                i.community,
                i.role.as_str(),
                i.building,
                code_hash,
                i.uses_left,
                i.expires_at,
                created_at,
                created_by,
                revoked_at,
                i.approval
            ],
        )?,
        Record::Document(r) => conn.execute(
            "INSERT OR IGNORE INTO documents (id, community, scope, creator, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                r.document.to_string(),
                r.community,
                serde_json::to_string(&r.scope).expect("scopes serialise"),
                r.creator,
                r.created_at
            ],
        )?,
        Record::Chunk { document, chunk } => conn.execute(
            "INSERT OR IGNORE INTO chunks (document, key, kind, bytes) VALUES (?1, ?2, ?3, ?4)",
            params![
                document.to_string(),
                chunk.key.0,
                chunk.kind.as_str(),
                chunk.bytes
            ],
        )?,
    };
    Ok(n == 1)
}

/// The invite behind a code, if it may still be used.
fn usable_invite(
    conn: &Connection,
    code_hash: &str,
    now: i64,
) -> Result<Result<Invite, RedeemError>, StorageError> {
    let row = conn
        .query_row(
            "SELECT id, community, role, building, uses_left, expires_at, revoked_at, approval
             FROM invites WHERE code_hash = ?1",
            [code_hash],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                    r.get::<_, bool>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((id, community, role_text, building, uses_left, expires_at, revoked_at, approval)) =
        row
    else {
        return Ok(Err(RedeemError::Unknown));
    };
    if revoked_at.is_some() {
        return Ok(Err(RedeemError::Revoked));
    }
    if expires_at <= now {
        return Ok(Err(RedeemError::Expired));
    }
    if uses_left <= 0 {
        return Ok(Err(RedeemError::UsedUp));
    }
    Ok(Ok(Invite {
        id,
        community,
        role: role(role_text)?,
        building,
        uses_left: u32::try_from(uses_left).unwrap_or(u32::MAX),
        expires_at,
        approval,
    }))
}

fn community_row(conn: &Connection, id: &str) -> Result<Community, StorageError> {
    Ok(conn.query_row(
        "SELECT id, name, created_at FROM communities WHERE id = ?1",
        [id],
        |r| {
            Ok(Community {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
            })
        },
    )?)
}

fn community_exists(conn: &Connection, id: &str) -> Result<bool, StorageError> {
    Ok(conn
        .query_row("SELECT 1 FROM communities WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn insert_device(
    conn: &Connection,
    d: &NewDevice,
    token_hash: &str,
    now: i64,
) -> Result<Device, StorageError> {
    if !community_exists(conn, &d.community)? {
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
    conn.execute(
        "INSERT INTO devices (id, community, role, building, name, token_hash, created_at, pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            device.id,
            device.community,
            device.role.as_str(),
            device.building,
            device.name,
            token_hash,
            now,
            device.pending
        ],
    )?;
    register_own_document(conn, &device.community, &device.id, now)?;
    Ok(device)
}

/// Registers a device's volunteer document to the device (its creator, and
/// with staff the only one it admits until the device declares otherwise).
fn register_own_document(
    conn: &Connection,
    community: &str,
    device: &str,
    now: i64,
) -> Result<(), StorageError> {
    let id = DocumentId::for_volunteer(community, device);
    let scope = serde_json::to_string(&Scope::creator(device)).expect("scopes serialise");
    conn.execute(
        "INSERT OR IGNORE INTO documents (id, community, scope, creator, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id.to_string(), community, scope, device, now],
    )?;
    Ok(())
}

/// Devices from before migration 4 get their volunteer documents
/// registered to them too (unless someone registered one already: it stays
/// as it is, and the relay's log says so).
fn register_own_documents(conn: &Connection) -> Result<(), StorageError> {
    let devices: Vec<(String, String, i64)> = conn
        .prepare("SELECT id, community, created_at FROM devices")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (device, community, created_at) in devices {
        register_own_document(conn, &community, &device, created_at)?;
    }
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<(), StorageError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(0);
    if current > MIGRATIONS.len() {
        return Err(StorageError::TooNew {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if i + 1 == OWN_DOCUMENTS_FROM {
            register_own_documents(&tx)?;
        }
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStorage::open(&dir.path().join("nested")).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        store.ping().unwrap();
        drop(store);
        let again = SqliteStorage::open(&dir.path().join("nested")).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len());
        assert!(again.path().ends_with(DB_FILE));
    }

    #[test]
    fn devices_from_before_recruitment_stay_members() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            for (i, sql) in MIGRATIONS.iter().take(2).enumerate() {
                let tx = conn.transaction().unwrap();
                tx.execute_batch(sql).unwrap();
                tx.pragma_update(None, "user_version", i + 1).unwrap();
                tx.commit().unwrap();
            }
            conn.execute_batch(
                "INSERT INTO communities VALUES ('c', '和平里社区', 0);
                 INSERT INTO devices (id, community, role, name, token_hash, created_at)
                 VALUES ('d', 'c', 'volunteer', '', 'h', 0);",
            )
            .unwrap();
        }
        let store = SqliteStorage::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        let d = store.device("d").unwrap().unwrap();
        assert!(!d.pending);
        assert!(store.pending_devices("c").unwrap().is_empty());
        assert!(!store.approve_device("d", "s", 1).unwrap());
    }

    #[test]
    fn devices_from_before_quotas_get_their_own_documents() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            for (i, sql) in MIGRATIONS.iter().take(3).enumerate() {
                let tx = conn.transaction().unwrap();
                tx.execute_batch(sql).unwrap();
                tx.pragma_update(None, "user_version", i + 1).unwrap();
                tx.commit().unwrap();
            }
            // One device whose volunteer document someone else registered
            // first (the hole this migration closes), one untouched.
            let squatted = DocumentId::for_volunteer("c", "d1");
            conn.execute_batch(&format!(
                "INSERT INTO communities VALUES ('c', '和平里社区', 0);
                 INSERT INTO devices (id, community, role, name, token_hash, created_at)
                 VALUES ('d1', 'c', 'volunteer', '', 'h1', 0), ('d2', 'c', 'volunteer', '', 'h2', 0);
                 INSERT INTO documents VALUES ('{squatted}', 'c', '{{\"kind\":\"community\"}}', 'x', 0);"
            ))
            .unwrap();
        }
        let store = SqliteStorage::open(dir.path()).unwrap();
        let own = store
            .registration(&DocumentId::for_volunteer("c", "d2"))
            .unwrap()
            .unwrap();
        assert_eq!(own.creator, "d2");
        let squatted = store
            .registration(&DocumentId::for_volunteer("c", "d1"))
            .unwrap()
            .unwrap();
        assert_eq!(squatted.creator, "x", "an existing registration stays");
    }

    #[test]
    fn refuses_a_database_from_a_newer_relay() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        match SqliteStorage::open(dir.path()) {
            Err(StorageError::TooNew { found: 99, .. }) => {}
            other => panic!("expected TooNew, got {:?}", other.err()),
        }
    }

    #[test]
    fn uses_write_ahead_logging() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStorage::open(dir.path()).unwrap();
        let conn = store.lock();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
