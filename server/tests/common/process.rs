//! The real relay binary as a separate process: admin commands, and `serve`
//! on a free port that ends when the test lets go of its standard input.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_linli-server");

/// Where a relay keeps everything: the global option every subcommand takes.
#[derive(Clone, Copy)]
pub enum Store<'a> {
    /// `--data DIR` (SQLite).
    Data(&'a Path),
    /// `--database URL`.
    Database(&'a str),
}

impl Store<'_> {
    fn command(self) -> Command {
        let mut c = Command::new(BIN);
        match self {
            Store::Data(dir) => c.arg("--data").arg(dir),
            Store::Database(url) => c.args(["--database", url]),
        };
        c.env("LINLI_LOG", "warn");
        c
    }
}

/// An admin command; what it printed, trimmed.
pub fn admin(store: Store<'_>, args: &[&str]) -> String {
    let out = store.command().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// `linli-server serve` on a free loopback port; the process and its URL.
pub fn serve(store: Store<'_>) -> (Child, String) {
    let mut child = store
        .command()
        .args(["serve", "--listen", "127.0.0.1:0", "--exit-on-stdin-close"])
        .arg("--dist")
        .arg(std::env::temp_dir().join("linli-tests-no-dist"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, url)
}

/// Stops a relay the way a test harness does: its standard input closes.
pub fn stop(mut relay: Child) {
    drop(relay.stdin.take());
    relay.wait().unwrap();
}
