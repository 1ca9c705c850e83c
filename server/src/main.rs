use anyhow::Context;
use clap::Parser;
use linli_server::{
    admin,
    cli::{Cli, Command, CommunityCommand, DeviceCommand, InviteCommand, Membership, TokenCommand},
    serve,
    storage::SqliteStorage,
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Logs go to stderr; stdout carries only each command's result.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LINLI_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let open = || {
        SqliteStorage::open(&cli.data)
            .with_context(|| format!("opening the data directory {}", cli.data.display()))
    };
    match cli.command {
        Command::Community(CommunityCommand::Create { name }) => {
            println!("{}", admin::create_community(&open()?, &name)?);
        }
        Command::Invite(InviteCommand::Create {
            member:
                Membership {
                    community,
                    role,
                    building,
                },
            uses,
            expires,
            url,
        }) => {
            let options = admin::InviteOptions {
                community: &community,
                role,
                building,
                uses,
                expires: &expires,
                url: &url,
            };
            println!("{}", admin::create_invite(&open()?, options)?);
        }
        Command::Invite(InviteCommand::Revoke { invite }) => {
            admin::revoke_invite(&open()?, &invite)?;
        }
        Command::Token(TokenCommand::Create {
            member:
                Membership {
                    community,
                    role,
                    building,
                },
            name,
            count,
        }) => {
            let storage = open()?;
            for _ in 0..count {
                let token =
                    admin::create_token(&storage, &community, role, building.clone(), &name)?;
                println!("{token}");
            }
        }
        Command::Device(DeviceCommand::List { community }) => {
            print!("{}", admin::list_devices(&open()?, &community)?);
        }
        Command::Device(DeviceCommand::Revoke { device }) => {
            admin::revoke_device(&open()?, &device)?;
        }
        Command::Serve(args) => {
            let mut state = serve::state(&cli.data, args.dist.clone())?;
            state.public_url = args
                .public_url
                .as_deref()
                .map(|u| u.trim_end_matches('/').into());
            if !args.dist.join("index.html").is_file() {
                tracing::warn!(dist = %args.dist.display(), "no index.html: build the app with `cargo xtask dist`");
            }
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .with_context(|| format!("binding {}", args.listen))?;
            let addr = listener.local_addr()?;
            let tls = match (args.tls_cert, args.tls_key) {
                (Some(cert), Some(key)) => Some(serve::Tls { cert, key }),
                _ => None,
            };
            let scheme = if tls.is_some() { "https" } else { "http" };
            tracing::info!(data = %cli.data.display(), "storage ready");
            println!("listening on {scheme}://{addr}");
            serve::run(
                listener,
                linli_server::app(state),
                tls,
                serve::shutdown_signal(args.exit_on_stdin_close),
            )
            .await?;
            tracing::info!("stopped");
        }
    }
    Ok(())
}
