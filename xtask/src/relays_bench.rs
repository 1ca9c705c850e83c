//! Several relays on one PostgreSQL: `linli-loadgen` with 1, 2 and 3 relays
//! sharing a local PostgreSQL (started and stopped here), phones spread over
//! them in turn, so every group's edits cross between relays; and one relay
//! on SQLite, the default, for comparison. One JSON line per run: time to
//! converge, edits per second, and how long one change takes to reach every
//! phone of its group.

use std::process::Command;

use crate::postgres::Postgres;
use crate::relay_bench::{SERVER, bench_community, build_server_and_loadgen, start, stop};
use crate::sh::{self, cmd};

/// (phones, phones per group, documents per group, edits per phone and document)
const WORKLOADS: [(usize, usize, usize, usize); 2] = [(100, 10, 2, 20), (500, 10, 2, 5)];
pub fn relays_bench() -> anyhow::Result<()> {
    build_server_and_loadgen()?;
    let pg = Postgres::start()?;
    crate::postgres::check(&pg)?;
    let dir = std::env::temp_dir().join(format!("linli-relays-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for (k, w) in WORKLOADS.into_iter().enumerate() {
        for relays in 0..=3 {
            eprintln!(
                "\n=== {relays} (0: SQLite): {} phones, groups of {}, {} documents per group, {} edits each",
                w.0, w.1, w.2, w.3
            );
            // 0: one relay on SQLite (in a fresh data directory).
            let database = if relays == 0 {
                let data = dir.join(format!("sqlite-{k}"));
                format!("sqlite:{}", data.display())
            } else {
                let name = format!("bench_{k}_{relays}");
                sh::run(cmd(
                    "psql",
                    [pg.url.as_str(), "-qc", &format!("CREATE DATABASE {name}")],
                ))?;
                pg.url.replace("/postgres", &format!("/{name}"))
            };
            let (label, relays) = match relays {
                0 => ("1 relay, SQLite".to_owned(), 1),
                n => (format!("{n} relay(s), PostgreSQL"), n),
            };
            let token_file = bench_community(&["--database", &database], w.0, &dir)?;
            let mut children = Vec::new();
            let mut urls = Vec::new();
            for _ in 0..relays {
                let mut c = Command::new(SERVER);
                c.args(["--database", &database])
                    .args([
                        "serve",
                        "--listen",
                        "127.0.0.1:0",
                        "--exit-on-stdin-close",
                        "--dist",
                    ])
                    .arg(dir.join("none"))
                    .env("LINLI_LOG", "warn");
                let (child, url) = start(c)?;
                children.push(child);
                urls.push(url);
            }
            let mut load = cmd(
                "target/server/linli-loadgen",
                [
                    "--label",
                    &label,
                    "--phones",
                    &w.0.to_string(),
                    "--group",
                    &w.1.to_string(),
                    "--docs",
                    &w.2.to_string(),
                    "--edits",
                    &w.3.to_string(),
                ],
            );
            load.arg("--tokens").arg(&token_file);
            for (url, child) in urls.iter().zip(&children) {
                load.args(["--url", url, "--relay-pid", &child.id().to_string()]);
            }
            let result = sh::run(load);
            for child in children {
                stop(child);
            }
            result?;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    drop(pg);
    Ok(())
}
