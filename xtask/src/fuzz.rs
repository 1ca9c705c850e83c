//! `cargo xtask fuzz [--seconds N]`: runs every cargo-fuzz target of
//! `shared/fuzz` for N seconds each (CI runs a short round, people run long
//! ones by hand), starting from the kept regression inputs. A crashing input
//! is copied into `shared/fuzz/regressions/<target>/`, where an ordinary test
//! replays it from then on, and the command fails.
//!
//! cargo-fuzz runs here on the stable toolchain with `-s none` (no
//! sanitizer: that needs nightly, which these machines cannot fetch) and
//! `-O` (optimised, no debug assertions: as phones and the relay run, and
//! many times faster through Automerge, whose debug assertions re-check
//! whole documents).

use std::path::Path;

use anyhow::bail;

use crate::sh::{self, cmd};

pub const TARGETS: [&str; 4] = [
    "decode_message",
    "load_chunks",
    "relay_frames",
    "sync_changes",
];

/// cargo-fuzz from crates.io, once.
pub fn cargo_fuzz() -> anyhow::Result<()> {
    if sh::output("cargo", &["fuzz", "--version"]).is_some() {
        return Ok(());
    }
    eprintln!("xtask: installing cargo-fuzz (about 2 minutes, once)");
    sh::run(cmd("cargo", ["install", "cargo-fuzz", "--locked"]))
}

/// How long each target runs.
#[derive(Clone, Copy)]
pub enum Round {
    /// A fresh random seed, for N seconds: exploring (`cargo xtask fuzz`).
    Explore { seconds: u32 },
    /// One fixed seed and a fixed number of inputs, capped at N seconds: the
    /// CI's round, which fails only when a change makes one of the inputs it
    /// always tries crash, and then does so on every machine (a slow machine
    /// tries a prefix of the same sequence).
    Fixed { runs: u32, seconds: u32 },
}

pub fn fuzz(round: Round) -> anyhow::Result<()> {
    cargo_fuzz()?;
    let dir = Path::new("shared/fuzz");
    let mut crashed = Vec::new();
    for target in TARGETS {
        // A scratch corpus seeded from the kept inputs, so the kept folder
        // only ever gains the inputs that matter.
        let corpus = dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        let kept = dir.join("regressions").join(target);
        for entry in std::fs::read_dir(&kept)? {
            let path = entry?.path();
            if let Some(name) = path.file_name() {
                std::fs::copy(&path, corpus.join(name))?;
            }
        }
        let artifacts = dir.join("artifacts").join(target);
        std::fs::create_dir_all(&artifacts)?;
        let mut run = cmd("cargo", ["fuzz", "run", "-O", "-s", "none", target]);
        run.arg(Path::new("corpus").join(target))
            .arg("--")
            .args(match round {
                Round::Explore { seconds } => vec![format!("-max_total_time={seconds}")],
                Round::Fixed { runs, seconds } => vec![
                    "-seed=20261129".to_string(),
                    format!("-runs={runs}"),
                    format!("-max_total_time={seconds}"),
                ],
            })
            .arg(format!("-artifact_prefix=artifacts/{target}/"))
            .current_dir(dir);
        if sh::run(run).is_err() {
            for entry in std::fs::read_dir(&artifacts)? {
                let path = entry?.path();
                if let Some(name) = path.file_name() {
                    std::fs::copy(&path, kept.join(name))?;
                    eprintln!(
                        "xtask: kept {} as a regression input: commit it with the fix",
                        kept.join(name).display()
                    );
                }
            }
            crashed.push(target);
        }
    }
    if !crashed.is_empty() {
        bail!("fuzz targets crashed: {}", crashed.join(", "));
    }
    Ok(())
}
