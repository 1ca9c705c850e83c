//! `cargo xtask`: everything needed to build, run and test Linli from a fresh
//! machine that has only rustup's Rust, node and npm.
//!
//! - [`tools`]: installs what is missing (wasm32 target, wasm-bindgen-cli pinned
//!   by Cargo.lock, wasm-opt from npm's binaryen, Chromium, playwright-core).
//! - [`dist`]: the app pipeline: cargo build → wasm-bindgen → wasm-opt → hashed
//!   names → service worker precache list → .br/.gz → size report.
//! - [`test`]: fmt, clippy, host tests, wasm tests in Chromium, e2e.
//! - [`fuzz`]: cargo-fuzz targets of the sync engine, seeded from the kept inputs.
//! - [`relay_bench`]: the load generator against linli-server and the Node reference.
//! - [`relays_bench`]: the load generator against 1, 2 and 3 relays on one PostgreSQL.
//! - [`postgres`]: a throwaway local PostgreSQL for tests and benchmarks.
//! - [`run`]: dist, then the relay on 127.0.0.1:8080.
//! - [`sh`]: running commands and reporting what ran.

mod app_bench;
mod dist;
mod fuzz;
mod postgres;
mod relay_bench;
mod relays_bench;
mod run;
mod sh;
mod test;
mod tools;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, run and test Linli")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the app and run the relay on 127.0.0.1:8080 with ./data.
    Run {
        /// Address for the relay.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Every check CI runs: fmt, clippy, host tests, wasm tests, e2e.
    Test,
    /// Build dist/ and report the size of every asset.
    Dist,
    /// Benchmarks (criterion, load generators, size reports).
    Bench {
        /// Only the relay under load (linli-server and the Node reference).
        #[arg(long)]
        relay_only: bool,
        /// Only several relays on one PostgreSQL (1, 2 and 3 relays).
        #[arg(long)]
        relays_only: bool,
        /// Only the phone app: first screen at 4× CPU throttling, and the
        /// bytes of a volunteer's day (builds dist/ first).
        #[arg(long)]
        app_only: bool,
    },
    /// Fuzz the wire decoder, chunk loading and the relay engine.
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 300)]
        seconds: u32,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    std::env::set_current_dir(workspace_root())?;
    match cli.command {
        Command::Run { listen } => run::run(&listen),
        Command::Test => test::test(),
        Command::Dist => {
            let report = dist::build()?;
            report.print();
            Ok(())
        }
        Command::Bench {
            relay_only: true, ..
        } => relay_bench::relay_bench(),
        Command::Bench {
            relays_only: true, ..
        } => relays_bench::relays_bench(),
        Command::Bench { app_only: true, .. } => {
            dist::build()?.print();
            app_bench::app_bench()
        }
        Command::Bench { .. } => bench(),
        Command::Fuzz { seconds } => fuzz::fuzz(fuzz::Round::Explore { seconds }),
    }
}

/// Every benchmark, each printing its figures: the data model (criterion),
/// the same shapes through JS Automerge 3 for comparison, and the bundle size.
/// Results are recorded in docs/benchmarks.md by hand, with this command.
fn bench() -> anyhow::Result<()> {
    sh::run(sh::cmd(
        "cargo",
        ["bench", "--package", "linli-shared", "--bench", "model"],
    ))?;
    let mut npm = sh::cmd("npm", ["ci", "--no-audit", "--no-fund"]);
    npm.current_dir("shared/benches/js");
    sh::run(npm)?;
    let mut js = sh::cmd("node", ["model.mjs"]);
    js.current_dir("shared/benches/js");
    sh::run(js)?;
    let report = dist::build()?;
    report.print();
    app_bench::app_bench()?;
    relay_bench::relay_bench()?;
    relays_bench::relays_bench()
}

/// The repository root, wherever cargo was invoked from.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
