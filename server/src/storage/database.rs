//! `--database`: SQLite in the data directory (the default, one relay) or a
//! PostgreSQL server that several relays share.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};

use super::{PostgresStorage, SqliteStorage, Storage, sqlite::DB_FILE};

#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A data directory holding `linli.sqlite3`.
    Sqlite(PathBuf),
    /// A `postgres://` connection URL.
    Postgres(String),
}

impl Database {
    /// `sqlite:PATH` (a data directory, or the `linli.sqlite3` file in one)
    /// or `postgres://user:password@host:port/database`.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        if let Some(path) = text.strip_prefix("sqlite:") {
            let path = Path::new(path.strip_prefix("//").unwrap_or(path));
            if path.as_os_str().is_empty() {
                bail!("sqlite: needs a path, like sqlite:/var/lib/linli");
            }
            let dir = if path.file_name().is_some_and(|f| f == DB_FILE) {
                path.parent().unwrap_or(Path::new(".")).to_owned()
            } else {
                path.to_owned()
            };
            return Ok(Self::Sqlite(dir));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            let config = text
                .parse::<::postgres::Config>()
                .with_context(|| format!("{}: not a PostgreSQL URL", redact(text)))?;
            if config.get_ssl_mode() == ::postgres::config::SslMode::Require {
                bail!(
                    "{}: the relay connects to PostgreSQL without TLS; keep the database on the relays' private network and leave out sslmode=require",
                    redact(text)
                );
            }
            return Ok(Self::Postgres(text.to_owned()));
        }
        bail!(
            "{}: expected sqlite:PATH or postgres://user:password@host/database",
            redact(text)
        )
    }

    /// `--database` if given, otherwise SQLite in `--data`.
    pub fn chosen(database: Option<&str>, data: &Path) -> anyhow::Result<Self> {
        match database {
            Some(text) => Self::parse(text),
            None => Ok(Self::Sqlite(data.to_owned())),
        }
    }

    /// Opens it, migrating the schema to this relay's version.
    pub fn open(&self) -> anyhow::Result<Arc<dyn Storage>> {
        Ok(match self {
            Self::Sqlite(dir) => Arc::new(
                SqliteStorage::open(dir)
                    .with_context(|| format!("opening the data directory {}", dir.display()))?,
            ),
            Self::Postgres(url) => {
                Arc::new(PostgresStorage::connect(url).with_context(|| format!("opening {self}"))?)
            }
        })
    }
}

/// Never prints a password: logs and error messages show this.
impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(dir) => write!(f, "sqlite:{}", dir.display()),
            Self::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Database({self})")
    }
}

/// The URL with any password replaced by `***` (in the authority or in a
/// `password=` parameter).
pub fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest = &out[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            let (start, end) = (scheme_end + 3 + colon + 1, scheme_end + 3 + at);
            out.replace_range(start..end, "***");
        }
    }
    if let Some(p) = out.find("password=") {
        let start = p + "password=".len();
        let end = out[start..].find('&').map_or(out.len(), |e| start + e);
        out.replace_range(start..end, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_kinds_and_refuses_others() {
        assert_eq!(
            Database::parse("sqlite:/var/lib/linli").unwrap(),
            Database::Sqlite("/var/lib/linli".into())
        );
        assert_eq!(
            Database::parse("sqlite:/var/lib/linli/linli.sqlite3").unwrap(),
            Database::Sqlite("/var/lib/linli".into())
        );
        assert_eq!(
            Database::parse("sqlite:data").unwrap(),
            Database::Sqlite("data".into())
        );
        let url = "postgres://linli:secret@10.0.0.5:5432/linli";
        assert_eq!(
            Database::parse(url).unwrap(),
            Database::Postgres(url.into())
        );
        for bad in [
            "",
            "sqlite:",
            "mysql://x",
            "/var/lib/linli",
            "postgres://db/linli?sslmode=require",
        ] {
            assert!(Database::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Database::chosen(None, Path::new("d")).unwrap(),
            Database::Sqlite("d".into())
        );
    }

    #[test]
    fn never_shows_a_password() {
        let db = Database::parse("postgres://linli:s3cret@db:5432/linli").unwrap();
        assert_eq!(db.to_string(), "postgres://linli:***@db:5432/linli");
        assert!(!format!("{db:?}").contains("s3cret"));
        assert_eq!(
            redact("postgresql://db/linli?user=x&password=s3cret&sslmode=disable"),
            "postgresql://db/linli?user=x&password=***&sslmode=disable"
        );
        assert_eq!(redact("postgres://db/linli"), "postgres://db/linli");
        let err = Database::parse("postgres://u:s3cret@db:notaport/x").unwrap_err();
        assert!(!format!("{err:#}").contains("s3cret"), "{err:#}");
    }
}
