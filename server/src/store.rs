//! The relay's durable storage: one SQLite file in WAL mode under `--data`.
//!
//! This layer grows with the sync issue (documents, devices, invites); for now it
//! owns the file, its pragmas and the schema version, so every later table is
//! added by a numbered migration.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use rusqlite::Connection;

/// The file name inside the data directory.
pub const DB_FILE: &str = "linli.sqlite3";

/// Numbered migrations, applied in order, each once.
const MIGRATIONS: &[&str] = &[
    // 1: the relay's identity, so a data directory can be recognised.
    "CREATE TABLE relay_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database was written by a newer relay (schema {found}, this relay knows {known})")]
    TooNew { found: usize, known: usize },
}

/// A handle to the relay's database. Cloning shares the connection.
#[derive(Clone)]
pub struct Store {
    /// One connection behind a mutex: SQLite serialises writers anyway, and the
    /// relay's write rate is small next to what one connection sustains.
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
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

    /// Cheap round trip to the database, for `/healthz`.
    pub fn ping(&self) -> Result<(), StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    /// The schema version the file is at.
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        Ok(usize::try_from(v).unwrap_or(0))
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(0);
    if current > MIGRATIONS.len() {
        return Err(StoreError::TooNew {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
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
        let store = Store::open(&dir.path().join("nested")).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        store.ping().unwrap();
        drop(store);
        let again = Store::open(&dir.path().join("nested")).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len());
        assert!(again.path().ends_with(DB_FILE));
    }

    #[test]
    fn refuses_a_database_from_a_newer_relay() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        match Store::open(dir.path()) {
            Err(StoreError::TooNew { found: 99, .. }) => {}
            other => panic!("expected TooNew, got {:?}", other.err()),
        }
    }

    #[test]
    fn uses_write_ahead_logging() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let conn = store.conn.lock().unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
