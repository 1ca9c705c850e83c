use anyhow::Context;
use clap::Parser;
use linli_server::{
    cli::{Cli, Command},
    serve,
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

    match cli.command {
        Command::Serve(args) => {
            let state = serve::state(&cli.data, args.dist.clone())?;
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
            tracing::info!(data = %state.store.path().display(), "storage ready");
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
