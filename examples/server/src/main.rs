//! The Nauthera reference server.
//!
//! Run with `cargo run -p nauthera-server -- --config examples/server/nauthera.demo.toml`.

use clap::Parser;
use nauthera_server::cli::{self, Cli, Command};
use nauthera_server::{ServerConfig, run};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("NAUTHERA_LOG").unwrap_or_else(|_| {
            EnvFilter::new("nauthera=info,nauthera_server=info,tower_http=info")
        }))
        .init();
    match start(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn start(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(endpoint) = &cli.remote.admin_endpoint {
        let command = cli.command.unwrap_or(Command::Serve);
        return Ok(nauthera_server::remote::administer(endpoint, &cli.remote, command).await?);
    }
    let config = ServerConfig::load(&cli.config, &cli::environment())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(&config.listen).await?;
            run(config, listener, shutdown_signal()).await?;
        }
        command => cli::administer(&config, command).await?,
    }
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
