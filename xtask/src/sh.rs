//! Running commands: each is echoed before it runs, and a failure names it.

use std::{
    ffi::OsStr,
    process::{Command, Stdio},
};

use anyhow::{Context, bail};

/// Builds a command from a program and arguments.
pub fn cmd<S: AsRef<OsStr>>(program: &str, args: impl IntoIterator<Item = S>) -> Command {
    let mut c = Command::new(program);
    c.args(args);
    c
}

/// Runs to completion with inherited output; fails on a non-zero exit.
pub fn run(mut c: Command) -> anyhow::Result<()> {
    let shown = show(&c);
    eprintln!("xtask$ {shown}");
    let status = c
        .status()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs and returns stdout, or `None` when the program is missing or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn show(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}
