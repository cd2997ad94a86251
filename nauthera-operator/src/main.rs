//! The operator binary: `run` the controllers (with leader election), print the `crds`, or write the
//! `manifests` under `deploy/`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use k8s_openapi::api::coordination::v1::Lease;
use kube::Api;
use nauthera_operator::admin::GrpcAdmin;
use nauthera_operator::clock::Clock;
use nauthera_operator::controller::{self, Context, Scope};
use nauthera_operator::leader::LeaseLock;
use nauthera_operator::{Error, manifests};
use tracing_subscriber::EnvFilter;

/// The Nauthera Kubernetes operator.
#[derive(Debug, Parser)]
#[command(name = "nauthera-operator", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the controllers (only the replica holding the leader Lease reconciles).
    Run(RunArgs),
    /// Print the CustomResourceDefinitions as YAML.
    Crds,
    /// Write every manifest (CRDs, RBAC, operator Deployments, samples) under a directory.
    Manifests {
        /// The directory, usually `deploy/`.
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Watch only this namespace (install with the Role and RoleBinding).
    #[arg(
        long,
        conflicts_with = "all_namespaces",
        required_unless_present = "all_namespaces"
    )]
    namespace: Option<String>,
    /// Watch every namespace (install with the ClusterRole and ClusterRoleBinding).
    #[arg(long)]
    all_namespaces: bool,
    /// The namespace of the leader-election Lease: the operator's own.
    #[arg(long, env = "POD_NAMESPACE", default_value = "nauthera-system")]
    lease_namespace: String,
    /// This replica's identity in the Lease: the pod name.
    #[arg(long, env = "POD_NAME")]
    identity: String,
    /// How long a leader's Lease lasts without renewal, in seconds.
    #[arg(long, default_value_t = 15)]
    lease_duration_secs: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                EnvFilter::new("nauthera=info,nauthera_operator=info,kube=warn")
            }),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Crds => {
            let yaml = manifests::crds()?;
            #[allow(clippy::print_stdout, reason = "the command's output")]
            {
                print!("{yaml}");
            }
            Ok(())
        }
        Command::Manifests { dir } => manifests::write_all(&dir),
        Command::Run(args) => serve(args).await,
    }
}

async fn serve(args: RunArgs) -> Result<(), Error> {
    let scope = match args.namespace {
        Some(namespace) => Scope::Namespace(namespace),
        None => Scope::AllNamespaces,
    };
    let client = kube::Client::try_default().await?;
    let context = Arc::new(Context::new(client.clone(), GrpcAdmin::new(client.clone())));
    let leases: Api<Lease> = Api::namespaced(client, &args.lease_namespace);
    let lock = LeaseLock::new(
        leases,
        "nauthera-operator",
        &args.identity,
        Duration::from_secs(args.lease_duration_secs),
        Clock::system(),
    );
    tracing::info!(?scope, identity = %args.identity, "starting");
    lock.run_as_leader(controller::run(context, scope)).await
}
