//! The relay under load: `linli-loadgen` against linli-server and against the
//! reference automerge-repo sync server (Node, `loadgen/reference/`), on the
//! same workloads, side by side. Each run prints one JSON line per relay.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

use crate::sh::{self, cmd};

/// (phones, phones per group, documents per group, edits per phone and document)
const WORKLOADS: [(usize, usize, usize, usize); 2] = [(100, 10, 2, 20), (1000, 10, 2, 5)];

fn temp_dir(name: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("linli-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Starts a server that prints "listening on URL" first; returns it and the URL.
pub(crate) fn start(mut c: Command) -> anyhow::Result<(Child, String)> {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| sh::show(&c))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .with_context(|| format!("unexpected first line {line:?}"))?
        .to_owned();
    Ok((child, url))
}

/// The benchmarks' relay build.
pub(crate) const SERVER: &str = "target/server/linli-server";

/// An admin command of the relay, with its global options (`--data DIR` or
/// `--database URL`); what it printed.
pub(crate) fn admin(global: &[&str], args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(SERVER).args(global).args(args).output()?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// A community for a run, and a file of staff tokens for `phones` phones
/// (four phones share a token, as four tabs would); returns the file.
pub(crate) fn bench_community(
    store: &[&str],
    phones: usize,
    dir: &Path,
) -> anyhow::Result<PathBuf> {
    let community = admin(store, &["community", "create", "--name", "bench"])?
        .trim()
        .to_owned();
    let tokens = admin(
        store,
        &[
            "token",
            "create",
            "--community",
            &community,
            "--role",
            "staff",
            "--count",
            &phones.div_ceil(4).to_string(),
        ],
    )?;
    let file = dir.join("tokens");
    std::fs::write(&file, tokens)?;
    Ok(file)
}

pub(crate) fn stop(mut child: Child) {
    drop(child.stdin.take());
    let _ = child.kill();
    let _ = child.wait();
}

fn loadgen(
    label: &str,
    url: &str,
    pid: u32,
    tokens: Option<&Path>,
    w: (usize, usize, usize, usize),
) -> anyhow::Result<()> {
    let mut c = cmd(
        "target/server/linli-loadgen",
        [
            "--label",
            label,
            "--url",
            url,
            "--phones",
            &w.0.to_string(),
            "--group",
            &w.1.to_string(),
            "--docs",
            &w.2.to_string(),
            "--edits",
            &w.3.to_string(),
            "--relay-pid",
            &pid.to_string(),
        ],
    );
    if let Some(t) = tokens {
        c.arg("--tokens").arg(t);
    }
    sh::run(c)
}

/// The relay and the load generator, optimised as deployed.
pub(crate) fn build_server_and_loadgen() -> anyhow::Result<()> {
    sh::run(cmd(
        "cargo",
        [
            "build",
            "--profile",
            "server",
            "--package",
            "linli-server",
            "--package",
            "linli-loadgen",
        ],
    ))
}

pub fn relay_bench() -> anyhow::Result<()> {
    build_server_and_loadgen()?;
    let mut npm = cmd("npm", ["ci", "--no-audit", "--no-fund"]);
    npm.current_dir("loadgen/reference");
    sh::run(npm)?;
    for w in WORKLOADS {
        eprintln!(
            "\n=== {} phones, groups of {}, {} documents per group, {} edits each",
            w.0, w.1, w.2, w.3
        );
        let data = temp_dir("linli")?;
        let store = ["--data", data.to_str().context("a UTF-8 temporary path")?];
        let token_file = bench_community(&store, w.0, &data)?;
        let mut c = Command::new(SERVER);
        c.arg("--data")
            .arg(&data)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--exit-on-stdin-close",
                "--dist",
            ])
            .arg(data.join("none"));
        c.env("LINLI_LOG", "warn");
        let (relay, url) = start(c)?;
        let result = loadgen("linli-server", &url, relay.id(), Some(&token_file), w);
        stop(relay);
        let _ = std::fs::remove_dir_all(&data);
        result?;

        let data = temp_dir("reference")?;
        let mut c = Command::new("node");
        c.arg("server.mjs")
            .arg(&data)
            .current_dir("loadgen/reference");
        let (reference, url) = start(c)?;
        let result = loadgen(
            "reference (Node automerge-repo)",
            &url,
            reference.id(),
            None,
            w,
        );
        stop(reference);
        let _ = std::fs::remove_dir_all(&data);
        if let Err(e) = result {
            eprintln!("reference run failed: {e:#}");
        }
    }
    Ok(())
}
