//! `cargo xtask run`: build the app, then serve it with the relay.

use crate::{
    dist,
    sh::{self, cmd},
};

pub fn run(listen: &str) -> anyhow::Result<()> {
    let report = dist::build()?;
    eprintln!(
        "xtask: dist/ ready, {} KB to transfer",
        report.transfer() / 1024
    );
    sh::run(cmd(
        "cargo",
        ["build", "--package", "linli-server", "--profile", "server"],
    ))?;
    std::fs::create_dir_all("data")?;
    println!("Linli: open http://{listen}/ (Ctrl-C stops the relay)");
    sh::run(cmd(
        "target/server/linli-server",
        [
            "--data", "./data", "serve", "--listen", listen, "--dist", "dist",
        ],
    ))
}
