//! A PostgreSQL database of its own for each test, on the server that
//! `cargo xtask test` starts (`LINLI_TEST_POSTGRES`, a superuser's URL),
//! dropped when the test ends.

#![allow(dead_code)]

use postgres::{Client, NoTls};

pub struct TestDatabase {
    admin: String,
    name: String,
    pub url: String,
}

/// The server's URL, or `None` (said on stderr) when no server was given:
/// `cargo xtask test` always gives one.
pub fn server() -> Option<String> {
    match std::env::var("LINLI_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!(
                "LINLI_TEST_POSTGRES is not set: the PostgreSQL half of this test did not run (`cargo xtask test` starts a server)"
            );
            None
        }
    }
}

/// Runs blocking database calls from a test's async code too (the
/// synchronous client refuses to run on an async thread).
/// On a thread of its own: the test's own thread may be driving the runtime.
pub fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().expect("a database call panicked"))
}

impl TestDatabase {
    pub fn create(admin: &str) -> Self {
        blocking(|| Self::create_now(admin))
    }

    fn create_now(admin: &str) -> Self {
        let name = format!(
            "linli_test_{}",
            linli_server::secret::new_id().to_lowercase()
        );
        let mut c = Client::connect(admin, NoTls).expect("connecting to LINLI_TEST_POSTGRES");
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
        Self {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        blocking(|| {
            if let Ok(mut c) = Client::connect(&self.admin, NoTls) {
                let _ = c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ));
            }
        });
    }
}
