//! `cargo xtask test`: every check CI runs, in order, each step's outcome and
//! the runners' summary lines printed at the end. Steps keep going after a
//! failure so one run shows everything that is wrong; the exit code is non-zero
//! if anything failed.

use std::{
    io::{BufRead, BufReader, Read},
    process::{Command, Stdio},
    sync::mpsc,
    thread,
    time::Instant,
};

use anyhow::{Context, bail};

use crate::{
    dist,
    sh::{self, cmd},
    tools,
};

struct Step {
    name: &'static str,
    ok: bool,
    secs: f64,
    summaries: Vec<String>,
}

#[derive(Default)]
struct Totals {
    passed: u64,
    failed: u64,
    skipped: u64,
}

pub fn test() -> anyhow::Result<()> {
    tools::wasm_target()?;
    tools::wasm_bindgen()?;
    tools::chromium()?;
    tools::e2e_node_modules()?;
    crate::fuzz::cargo_fuzz()?;

    let mut steps: Vec<Step> = Vec::new();
    let root = std::env::current_dir()?;

    steps.push(step(
        "rustfmt",
        cmd("cargo", ["fmt", "--all", "--", "--check"]),
    ));
    steps.push(step(
        "clippy (host)",
        cmd(
            "cargo",
            [
                "clippy",
                "--workspace",
                "--exclude",
                "linli-app",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ));
    steps.push(step(
        "clippy (wasm32 app)",
        cmd(
            "cargo",
            [
                "clippy",
                "--package",
                "linli-app",
                "--target",
                tools::WASM_TARGET,
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ));
    steps.push(step(
        "clippy (wasm32 shared)",
        cmd(
            "cargo",
            [
                "clippy",
                "--package",
                "linli-shared",
                "--target",
                tools::WASM_TARGET,
                "--lib",
                "--tests",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ));
    // The relay's storage suite and its several-relays test run against
    // PostgreSQL as well as SQLite: a local server for the host tests.
    let start = Instant::now();
    match crate::postgres::Postgres::start().and_then(|pg| crate::postgres::check(&pg).map(|()| pg))
    {
        Ok(pg) => {
            let mut host = cmd(
                "cargo",
                [
                    "test",
                    "--workspace",
                    "--exclude",
                    "linli-app",
                    "--no-fail-fast",
                ],
            );
            host.env("LINLI_TEST_POSTGRES", &pg.url);
            steps.push(step("host tests (SQLite and PostgreSQL)", host));
        }
        Err(e) => steps.push(Step {
            name: "host tests (SQLite and PostgreSQL)",
            ok: false,
            secs: start.elapsed().as_secs_f64(),
            summaries: vec![format!("starting PostgreSQL: {e:#}")],
        }),
    }

    // One cargo invocation for both packages, so dependencies shared by the
    // app and the model compile once: the app's shell in headless Chromium
    // (through chromedriver), the model's byte fixtures in Node.
    let mut wasm = cmd(
        "cargo",
        [
            "test",
            "--target",
            tools::WASM_TARGET,
            "--package",
            "linli-app",
            "--package",
            "linli-shared",
            "--test",
            "shell",
            "--test",
            "store",
            "--test",
            "qr",
            "--test",
            "bytes_across_targets",
            "--no-fail-fast",
        ],
    );
    wasm.env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root.join("app/webdriver.json"),
        );
    steps.push(step("wasm tests (Chromium + Node)", wasm));

    // A short, reproducible round per fuzz target; `cargo xtask fuzz`
    // explores with fresh seeds for as long as asked.
    let start = Instant::now();
    let fuzzed = crate::fuzz::fuzz(crate::fuzz::Round::Fixed {
        runs: 100_000,
        seconds: 30,
    });
    steps.push(Step {
        name: "fuzz (fixed seed, 100 000 inputs per target)",
        ok: fuzzed.is_ok(),
        secs: start.elapsed().as_secs_f64(),
        summaries: fuzzed.err().map(|e| format!("{e:#}")).into_iter().collect(),
    });

    let start = Instant::now();
    let built = dist::build().and_then(|report| {
        report.print();
        // The relay binary the host tests built (their integration tests run
        // it): the same features, so nothing recompiles. `cargo build -p
        // linli-server` alone would resolve features differently and build
        // every dependency again.
        sh::run(cmd(
            "cargo",
            ["test", "--workspace", "--exclude", "linli-app", "--no-run"],
        ))
    });
    steps.push(Step {
        name: "dist + relay build",
        ok: built.is_ok(),
        secs: start.elapsed().as_secs_f64(),
        summaries: built.err().map(|e| format!("{e:#}")).into_iter().collect(),
    });
    if steps.last().is_some_and(|s| s.ok) {
        // One test file at a time: two at a time saved about four minutes,
        // but on two cores the phones of one file then starved those of the
        // other (a reloaded phone waited over 30 s for a listing in two of
        // three clean-clone runs), and a test must measure the app, not the
        // machine's contention.
        let mut e2e = cmd(
            "node",
            ["--test", "--test-reporter=spec", "--test-concurrency=1"],
        );
        e2e.arg("tests/")
            .current_dir("e2e")
            .env("LINLI_SERVER_BIN", root.join("target/debug/linli-server"))
            .env("LINLI_DIST", root.join("dist"))
            .env("CHROMIUM", "/usr/bin/chromium");
        steps.push(step("e2e (Playwright)", e2e));
    }

    println!();
    println!("xtask test summary");
    let mut totals = Totals::default();
    for s in &steps {
        println!(
            "  {:<34} {:<4} {:>6.1}s",
            s.name,
            if s.ok { "ok" } else { "FAIL" },
            s.secs
        );
        for line in &s.summaries {
            println!("      {line}");
            count(line, &mut totals);
        }
    }
    println!(
        "{} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.skipped
    );
    let failed: Vec<&str> = steps.iter().filter(|s| !s.ok).map(|s| s.name).collect();
    if !failed.is_empty() {
        bail!("failed: {}", failed.join(", "));
    }
    if totals.passed == 0 {
        bail!("no test ran");
    }
    Ok(())
}

/// Runs a step, streaming its output and keeping the runners' summary lines.
fn step(name: &'static str, mut c: Command) -> Step {
    eprintln!("\n=== {name}: {}", sh::show(&c));
    let start = Instant::now();
    let result = tee(&mut c);
    let (ok, summaries) = match result {
        Ok((ok, lines)) => (ok, lines),
        Err(e) => (false, vec![format!("{e:#}")]),
    };
    Step {
        name,
        ok,
        secs: start.elapsed().as_secs_f64(),
        summaries,
    }
}

fn is_summary(line: &str) -> bool {
    let l = line.trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '#');
    l.starts_with("test result:")
        || l.starts_with("pass ")
        || l.starts_with("fail ")
        || l.starts_with("skipped ")
        || l.starts_with("# pass ")
        || l.starts_with("# fail ")
}

fn count(line: &str, t: &mut Totals) {
    let l = line.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    if let Some(rest) = l.strip_prefix("test result:") {
        // cargo / wasm-bindgen-test-runner: "ok. 3 passed; 0 failed; 1 ignored; …"
        for part in rest.split(';') {
            let mut w = part.split_whitespace().rev();
            let (Some(what), Some(n)) = (w.next(), w.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => t.passed += n,
                "failed" => t.failed += n,
                "ignored" => t.skipped += n,
                _ => {}
            }
        }
    } else if let Some(n) = l.strip_prefix("pass ") {
        t.passed += n.trim().parse::<u64>().unwrap_or(0);
    } else if let Some(n) = l.strip_prefix("fail ") {
        t.failed += n.trim().parse::<u64>().unwrap_or(0);
    } else if let Some(n) = l.strip_prefix("skipped ") {
        t.skipped += n.trim().parse::<u64>().unwrap_or(0);
    }
}

/// Runs `c`, copying its stdout and stderr through line by line.
fn tee(c: &mut Command) -> anyhow::Result<(bool, Vec<String>)> {
    let mut child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{}`", sh::show(c)))?;
    let (tx, rx) = mpsc::channel::<String>();
    let pump = |stream: Box<dyn Read + Send>, to_stderr: bool, tx: mpsc::Sender<String>| {
        thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if to_stderr {
                    eprintln!("{line}");
                } else {
                    println!("{line}");
                }
                if is_summary(&line) {
                    let _ = tx.send(line.trim().to_owned());
                }
            }
        })
    };
    let out = pump(
        Box::new(child.stdout.take().context("stdout")?),
        false,
        tx.clone(),
    );
    let err = pump(Box::new(child.stderr.take().context("stderr")?), true, tx);
    let status = child.wait()?;
    let _ = out.join();
    let _ = err.join();
    Ok((status.success(), rx.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_node_summaries() {
        let mut t = Totals::default();
        let lines = [
            "test result: ok. 6 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            "test result: FAILED. 2 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out",
            "ℹ pass 6",
            "ℹ fail 1",
            "ℹ skipped 2",
            "# pass 4",
        ];
        for l in lines {
            assert!(is_summary(l), "{l}");
            count(l, &mut t);
        }
        assert_eq!((t.passed, t.failed, t.skipped), (18, 4, 3));
    }

    #[test]
    fn ignores_ordinary_output() {
        assert!(!is_summary("   Compiling linli-app v0.1.0"));
        assert!(!is_summary("test store::tests::opens ... ok"));
        assert!(!is_summary("  ✔ renders Chinese first (1370ms)"));
    }
}
