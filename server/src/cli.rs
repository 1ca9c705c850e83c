//! The command line. Every option can also come from the environment
//! (`LINLI_*`), which is how container and systemd deployments configure it.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "linli-server",
    version,
    about = "Linli relay: serves the app and syncs phones"
)]
pub struct Cli {
    /// Directory for the relay's data (its SQLite file); every subcommand uses it.
    #[arg(long, global = true, env = "LINLI_DATA", default_value = "./data")]
    pub data: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app and the sync endpoint.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port (printed on start).
    #[arg(long, env = "LINLI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The built app, as `cargo xtask dist` writes it.
    #[arg(long, env = "LINLI_DIST", default_value = "./dist")]
    pub dist: PathBuf,

    /// PEM certificate chain; with --tls-key, serve HTTPS instead of HTTP.
    #[arg(long, env = "LINLI_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert.
    #[arg(long, env = "LINLI_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Stop when standard input closes (used by test harnesses, so a relay
    /// never outlives the test that started it).
    #[arg(long, hide = true)]
    pub exit_on_stdin_close: bool,
}
