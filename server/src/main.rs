use anyhow::Context;
use clap::Parser;
use linli_server::{
    admin, buildings,
    cli::{
        BuildingCommand, Cli, Command, CommunityCommand, DeviceCommand, InviteCommand, Membership,
        TokenCommand,
    },
    serve,
    storage::Database,
};
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Logs go to stderr; stdout carries only each command's result.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LINLI_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    // Opened outside the async runtime: the storage backends block.
    let database = Database::chosen(cli.database.as_deref(), &cli.data)?;
    let open = || database.open();
    match cli.command {
        Command::Community(CommunityCommand::Create { name }) => {
            println!("{}", admin::create_community(open()?.as_ref(), &name)?);
        }
        Command::Building(BuildingCommand::List { community }) => {
            print!("{}", buildings::list(open()?.as_ref(), &community)?);
        }
        Command::Building(BuildingCommand::Add { community, name }) => {
            println!("{}", buildings::add(open()?.as_ref(), &community, &name)?);
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
            println!("{}", admin::create_invite(open()?.as_ref(), options)?);
        }
        Command::Invite(InviteCommand::Revoke { invite }) => {
            admin::revoke_invite(open()?.as_ref(), &invite)?;
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
                let token = admin::create_token(
                    storage.as_ref(),
                    &community,
                    role,
                    building.clone(),
                    &name,
                )?;
                println!("{token}");
            }
        }
        Command::Device(DeviceCommand::List { community }) => {
            print!("{}", admin::list_devices(open()?.as_ref(), &community)?);
        }
        Command::Device(DeviceCommand::Revoke { device }) => {
            admin::revoke_device(open()?.as_ref(), &device)?;
        }
        Command::Migrate { from, to } => {
            let (from, to) = (Database::parse(&from)?, Database::parse(&to)?);
            let moved = admin::migrate(&from, &to)?;
            println!("{moved}");
        }
        Command::Serve(args) => {
            let storage = open()?;
            tracing::info!(database = %database, "storage ready");
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?
                .block_on(serve(args, storage))?;
        }
    }
    Ok(())
}

async fn serve(
    args: linli_server::cli::ServeArgs,
    storage: std::sync::Arc<dyn linli_server::storage::Storage>,
) -> anyhow::Result<()> {
    let mut state = linli_server::AppState::with_quotas(
        args.dist.clone(),
        storage,
        args.quotas(),
        args.trusted_proxy.clone(),
    );
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
    println!("listening on {scheme}://{addr}");
    serve::run(
        listener,
        linli_server::app(state),
        tls,
        serve::shutdown_signal(args.exit_on_stdin_close),
    )
    .await?;
    tracing::info!("stopped");
    Ok(())
}
