//! Installs what the build and the tests need, skipping what is already there.
//! Only crates.io, npm and Debian's packages are used: nothing downloads a
//! prebuilt binary or browser from anywhere else.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::sh::{self, cmd};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// npm's binaryen: Debian's binaryen 108 silently produces broken modules.
const BINARYEN: &str = "binaryen@132.0.0";

/// `rustup target add wasm32-unknown-unknown` unless installed.
pub fn wasm_target() -> anyhow::Result<()> {
    let installed = sh::output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    sh::run(cmd("rustup", ["target", "add", WASM_TARGET]))
}

/// The wasm-bindgen version Cargo.lock pins: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string("Cargo.lock").context("reading Cargo.lock")?;
    let lines: Vec<&str> = lock.lines().map(str::trim).collect();
    for pair in lines.windows(2) {
        if pair[0] == "name = \"wasm-bindgen\""
            && let Some(v) = pair[1].strip_prefix("version = ")
        {
            return Ok(v.trim_matches('"').to_owned());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

/// `wasm-bindgen` and `wasm-bindgen-test-runner` at the locked version, from
/// crates.io (without --locked: one of its locked dependencies is gone).
pub fn wasm_bindgen() -> anyhow::Result<()> {
    let want = locked_wasm_bindgen_version()?;
    let have = sh::output("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = sh::output("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str())
        && runner.split_whitespace().nth(1) == Some(want.as_str())
    {
        return Ok(());
    }
    eprintln!("xtask: installing wasm-bindgen-cli {want} (about 4 minutes, once)");
    sh::run(cmd(
        "cargo",
        ["install", "wasm-bindgen-cli", "--version", &want, "--force"],
    ))
}

/// A working `wasm-opt`, from npm's binaryen, kept in the user's cache so every
/// clone shares it.
pub fn wasm_opt() -> anyhow::Result<PathBuf> {
    let dir = cache_dir().join(BINARYEN.replace('@', "-"));
    let bin = dir.join("node_modules/.bin/wasm-opt");
    if sh::output(bin.to_str().unwrap_or_default(), &["--version"]).is_some() {
        return Ok(bin);
    }
    std::fs::create_dir_all(&dir)?;
    sh::run(cmd(
        "npm",
        [
            "install",
            "--prefix",
            dir.to_str().unwrap_or_default(),
            "--no-audit",
            "--no-fund",
            "--no-save",
            BINARYEN,
        ],
    ))?;
    if sh::output(bin.to_str().unwrap_or_default(), &["--version"]).is_none() {
        bail!("wasm-opt from {BINARYEN} does not run");
    }
    Ok(bin)
}

/// Debian's Chromium, its driver, and a CJK font so screenshots show Chinese.
pub fn chromium() -> anyhow::Result<()> {
    let have_browser = Path::new("/usr/bin/chromium").exists();
    let have_driver = Path::new("/usr/bin/chromedriver").exists();
    let have_font = sh::output("fc-list", &[":lang=zh"]).is_some_and(|s| !s.trim().is_empty());
    if have_browser && have_driver && have_font {
        return Ok(());
    }
    eprintln!("xtask: installing Debian's chromium, chromium-driver and a CJK font");
    let sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            let mut c = cmd("sudo", ["apt-get"]);
            c.args(args);
            c
        } else {
            cmd("apt-get", args)
        };
        c.env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    sh::run(apt(&["update", "-q"]))?;
    sh::run(apt(&[
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
        "fonts-wqy-microhei",
        "fontconfig",
    ]))
}

/// `playwright-core` into e2e/ from its lockfile.
pub fn e2e_node_modules() -> anyhow::Result<()> {
    let marker = Path::new("e2e/node_modules/playwright-core/package.json");
    let lock = Path::new("e2e/package-lock.json");
    let fresh = match (marker.metadata(), lock.metadata()) {
        (Ok(m), Ok(l)) => m.modified()? >= l.modified()?,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    let mut c = cmd("npm", ["ci", "--no-audit", "--no-fund"]);
    c.current_dir("e2e");
    sh::run(c)?;
    // npm ci keeps file times from the tarball; touch so the next run skips.
    let now = std::fs::File::options().write(true).open(marker)?;
    now.set_modified(std::time::SystemTime::now())?;
    Ok(())
}

pub fn is_root() -> bool {
    sh::output("id", &["-u"]).is_some_and(|s| s.trim() == "0")
}

/// `$XDG_CACHE_HOME/linli` or `~/.cache/linli`.
pub fn cache_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(x).join("linli");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    home.join(".cache/linli")
}
