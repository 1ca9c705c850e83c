//! The phone app's benchmarks (issue: the offline-first core):
//! - first screen: navigation (app from the service worker, no network) to
//!   the first screen showing data, at 4× CPU throttling, for a volunteer and
//!   a building lead of the generated benchmark community;
//! - the staff dashboard: opening it, changing the day, and a cold start,
//!   at 4× CPU throttling, on a staff phone holding the whole community;
//! - a volunteer's day: the bytes sent and received to sync 8 hours of
//!   offline field work, beside the size of the changes themselves.
//!
//! Each prints one JSON line. Expects `dist/` built.

use std::process::{Command, Stdio};

use anyhow::Context;

use crate::{
    relay_bench,
    sh::{self, cmd},
};

fn output(c: &mut Command) -> anyhow::Result<String> {
    let out = c
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| sh::show(c))?;
    anyhow::ensure!(out.status.success(), "{} failed", sh::show(c));
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

pub fn app_bench() -> anyhow::Result<()> {
    sh::run(cmd(
        "cargo",
        [
            "build",
            "--package",
            "linli-server",
            "--package",
            "linli-loadgen",
            "--bins",
        ],
    ))?;
    let root = std::env::current_dir()?;
    let server = root.join("target/debug/linli-server");
    let dir = std::env::temp_dir().join(format!("linli-app-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;

    // First screen.
    for (role, selector) in [
        ("volunteer", ".rounds .list-item"),
        ("lead", "[data-ledger=here]"),
    ] {
        let fixture = dir.join(format!("{role}.json"));
        sh::run(cmd(
            "target/debug/linli-phone-fixture",
            ["--role", role, "--out", &fixture.to_string_lossy()],
        ))?;
        let mut node = cmd(
            "node",
            [
                "bench/first_screen.mjs",
                &fixture.to_string_lossy(),
                selector,
                "9",
            ],
        );
        node.current_dir("e2e")
            .env("LINLI_SERVER_BIN", &server)
            .env("LINLI_DIST", root.join("dist"));
        sh::run(node)?;
    }

    // The staff dashboard: a phone holding the whole community.
    let fixture = dir.join("staff.json");
    sh::run(cmd(
        "target/debug/linli-phone-fixture",
        ["--role", "staff", "--out", &fixture.to_string_lossy()],
    ))?;
    let mut node = cmd(
        "node",
        ["bench/dashboard.mjs", &fixture.to_string_lossy(), "5"],
    );
    node.current_dir("e2e")
        .env("LINLI_SERVER_BIN", &server)
        .env("LINLI_DIST", root.join("dist"));
    sh::run(node)?;

    // A volunteer's day.
    let data = dir.join("relay");
    let admin = |args: &[&str]| -> anyhow::Result<String> {
        output(Command::new(&server).arg("--data").arg(&data).args(args))
    };
    let community = admin(&["community", "create", "--name", "和平里社区"])?;
    let staff = admin(&[
        "token",
        "create",
        "--community",
        &community,
        "--role",
        "staff",
        "--name",
        "staff",
    ])?;
    let volunteer = admin(&[
        "token",
        "create",
        "--community",
        &community,
        "--role",
        "volunteer",
        "--name",
        "v",
    ])?;
    let mut serve = Command::new(&server);
    serve
        .arg("--data")
        .arg(&data)
        .args(["serve", "--listen", "127.0.0.1:0", "--exit-on-stdin-close"])
        .arg("--dist")
        .arg(root.join("dist"));
    let (relay, url) = relay_bench::start(serve)?;
    let day = sh::run(cmd(
        "target/debug/linli-volunteer-day",
        [
            "--url",
            &url,
            "--community",
            &community,
            "--staff",
            &staff,
            "--volunteer",
            &volunteer,
        ],
    ));
    relay_bench::stop(relay);
    let _ = std::fs::remove_dir_all(&dir);
    day
}
