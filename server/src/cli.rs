//! The command line. Every option can also come from the environment
//! (`LINLI_*`), which is how container and systemd deployments configure it.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, Subcommand};
use linli_shared::model::actor::Role;

use crate::quota::Quotas;

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

    /// Where the relay keeps everything: `sqlite:PATH` (one relay) or
    /// `postgres://user:password@host:5432/database` (several relays
    /// sharing one database). Default: SQLite in --data. Every subcommand
    /// uses it.
    #[arg(long, global = true, env = "LINLI_DATABASE", hide_env_values = true)]
    pub database: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app and the sync endpoint.
    Serve(ServeArgs),
    /// Communities (one per neighbourhood committee).
    #[command(subcommand)]
    Community(CommunityCommand),
    /// A community's buildings (each with its household ledger).
    #[command(subcommand)]
    Building(BuildingCommand),
    /// Invites: join links (and QR codes) that new phones exchange for a token.
    #[command(subcommand)]
    Invite(InviteCommand),
    /// Device tokens, for scripts and phones set up by hand.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Devices that joined a community.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Copies everything from one database to another (say from the SQLite
    /// of one relay to the PostgreSQL of several), in one transaction, and
    /// checks that every row arrived. Stop the relays first. Running it
    /// again after an interruption is safe.
    Migrate {
        /// `sqlite:PATH` or `postgres://…`.
        #[arg(long)]
        from: String,
        /// `sqlite:PATH` or `postgres://…`.
        #[arg(long)]
        to: String,
    },
}

/// Whom an invite or a token is for.
#[derive(Debug, clap::Args)]
pub struct Membership {
    #[arg(long)]
    pub community: String,
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// The building (required for a lead): its name as staff typed it
    /// (3号楼), its number when one building has it (3), or its id; see
    /// `building list`.
    #[arg(long)]
    pub building: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CommunityCommand {
    /// Prints the new community's id.
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BuildingCommand {
    /// One line per building: id and name (tab-separated).
    List {
        #[arg(long)]
        community: String,
    },
    /// Adds a building and starts its household ledger; prints its id. Run
    /// it while the relay is stopped, or restart the relay afterwards (or
    /// add buildings in the app, which phones receive at once).
    Add {
        #[arg(long)]
        community: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum InviteCommand {
    /// Prints the join link; draws its QR code on stderr.
    Create {
        #[command(flatten)]
        member: Membership,
        /// How many phones may join with it.
        #[arg(long, default_value_t = 1)]
        uses: u32,
        /// How long it stays valid: 30m, 12h, 7d.
        #[arg(long, default_value = "7d")]
        expires: String,
        /// Where phones reach this relay, for the link.
        #[arg(
            long,
            env = "LINLI_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        url: String,
    },
    /// Withdraws an invite (its id is printed when it is created): phones
    /// that already joined keep their tokens.
    Revoke { invite: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Prints a new device token (shown only this once), one per line.
    Create {
        #[command(flatten)]
        member: Membership,
        /// A name to recognise the device by in `device list`.
        #[arg(long, default_value = "")]
        name: String,
        /// How many devices (and tokens) to create.
        #[arg(long, default_value_t = 1)]
        count: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// One line per device: id, role, building, name, created, status.
    List {
        #[arg(long)]
        community: String,
    },
    /// Revokes a device: its token stops working and its sockets close.
    Revoke { device: String },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("{text:?}: expected staff, lead or volunteer"))
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

    /// Where phones reach this relay (for join links minted in the app),
    /// e.g. https://linli.example.org; by default the request's Host.
    #[arg(long, env = "LINLI_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Documents one device may register.
    #[arg(long, env = "LINLI_MAX_DOCUMENTS_PER_DEVICE", default_value_t = Quotas::default().documents_per_device)]
    pub max_documents_per_device: u64,

    /// Bytes one device's messages may add to storage in a day (UTC).
    #[arg(long, env = "LINLI_MAX_DEVICE_BYTES_PER_DAY", default_value_t = Quotas::default().device_bytes_per_day)]
    pub max_device_bytes_per_day: u64,

    /// Bytes one community's documents may take in storage.
    #[arg(long, env = "LINLI_MAX_COMMUNITY_BYTES", default_value_t = Quotas::default().community_bytes)]
    pub max_community_bytes: u64,

    /// Sync sockets open at once on this relay (keep the process's open-file
    /// limit above it: `ulimit -n`).
    #[arg(long, env = "LINLI_MAX_SOCKETS", default_value_t = Quotas::default().sockets)]
    pub max_sockets: usize,

    /// WebSocket upgrades without a valid token, per client address and minute.
    #[arg(long, env = "LINLI_MAX_ANONYMOUS_UPGRADES_PER_MINUTE", default_value_t = Quotas::default().anonymous_upgrades_per_minute)]
    pub max_anonymous_upgrades_per_minute: u32,

    /// Calls to /api/invites/* (redeem, preview, mint), per client address and minute.
    #[arg(long, env = "LINLI_MAX_INVITE_CALLS_PER_MINUTE", default_value_t = Quotas::default().invite_calls_per_minute)]
    pub max_invite_calls_per_minute: u32,

    /// Proxies (comma-separated addresses) whose X-Forwarded-For names the
    /// client, e.g. the nginx in front of the relay; without it every phone
    /// behind the proxy shares the proxy's per-address allowances.
    #[arg(long, env = "LINLI_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxy: Vec<std::net::IpAddr>,

    /// Stop when standard input closes (used by test harnesses, so a relay
    /// never outlives the test that started it).
    #[arg(long, hide = true)]
    pub exit_on_stdin_close: bool,
}

impl ServeArgs {
    /// The quotas these options set.
    pub fn quotas(&self) -> Quotas {
        Quotas {
            documents_per_device: self.max_documents_per_device,
            device_bytes_per_day: self.max_device_bytes_per_day,
            community_bytes: self.max_community_bytes,
            sockets: self.max_sockets,
            anonymous_upgrades_per_minute: self.max_anonymous_upgrades_per_minute,
            invite_calls_per_minute: self.max_invite_calls_per_minute,
        }
    }
}
