//! A throwaway PostgreSQL for tests and benchmarks: Debian's package (installed
//! if missing), a cluster in a temporary directory, listening on 127.0.0.1 only
//! at a free port, stopped and deleted when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::sh::{self, cmd};

/// Runs while held.
pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    /// A superuser's URL: tests create a database each.
    pub url: String,
}

/// Debian installs the server's programs under /usr/lib/postgresql/VERSION/bin.
fn server_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| Some(e.ok()?.path().join("bin")))
        .filter(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn install() -> anyhow::Result<PathBuf> {
    if let Some(bin) = server_bin() {
        return Ok(bin);
    }
    eprintln!("xtask: installing Debian's postgresql");
    let root = crate::tools::is_root();
    for args in [
        &["update", "-q"][..],
        &[
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            "postgresql",
        ][..],
    ] {
        let mut c = if root {
            cmd("apt-get", args)
        } else {
            let mut c = cmd("sudo", ["apt-get"]);
            c.args(args);
            c
        };
        c.env("DEBIAN_FRONTEND", "noninteractive");
        sh::run(c)?;
    }
    server_bin().context("postgresql installed, but no initdb under /usr/lib/postgresql")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Postgres {
    pub fn start() -> anyhow::Result<Self> {
        let bin = install()?;
        let dir = std::env::temp_dir().join(format!("linli-postgres-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        // PostgreSQL refuses to run as root: the cluster belongs to the
        // package's `postgres` user then.
        let as_postgres = crate::tools::is_root();
        if as_postgres {
            let mut chown = cmd("chown", ["postgres:postgres"]);
            chown.arg(&dir);
            sh::run(chown)?;
        }
        let port = free_port()?;
        let me = Self {
            url: format!("postgres://linli@127.0.0.1:{port}/postgres"),
            dir,
            bin,
            as_postgres,
        };
        let data = me.dir.join("data");
        me.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-U",
                "linli",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
        )?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c max_connections=200",
            me.dir.display()
        );
        me.run(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-o",
                &options,
                "-l",
                &me.dir.join("log").to_string_lossy(),
                "-w",
                "start",
            ],
        )?;
        eprintln!("xtask: PostgreSQL at {}", me.url);
        Ok(me)
    }

    fn run(&self, program: &str, args: &[&str]) -> anyhow::Result<()> {
        let path = self.bin.join(program);
        let c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path).args(args);
            c
        } else {
            let mut c = Command::new(&path);
            c.args(args);
            c
        };
        sh::run(c)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        if let Err(e) = self.run(
            "pg_ctl",
            &["-D", &data.to_string_lossy(), "-m", "fast", "-w", "stop"],
        ) {
            eprintln!("xtask: stopping PostgreSQL: {e:#}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Fails unless the server answers (for a clear error before the tests).
pub fn check(pg: &Postgres) -> anyhow::Result<()> {
    if sh::output("psql", &[&pg.url, "-Atc", "SELECT 1"]).is_none_or(|s| s.trim() != "1") {
        bail!(
            "PostgreSQL at {} does not answer; see {}",
            pg.url,
            pg.dir().join("log").display()
        );
    }
    Ok(())
}
