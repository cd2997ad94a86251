//! Remote administration: the CLI's client, key and status commands over the admin gRPC API (mutual TLS),
//! for servers whose store the operator's machine cannot open.

use std::path::PathBuf;

use clap::Args;
use nauthera_admin::proto::{
    AuthMethod, Client, GrantType, ListClientsRequest, ListKeysRequest, RotateKeysRequest,
    StatusRequest, UpsertClientRequest,
};
use nauthera_admin::{AdminClient, AdminTls};

use crate::app::ServerError;
use crate::cli::{ClientAdd, ClientCommand, Command, KeysCommand};
use crate::config::ConfigError;

/// Where the admin API is and the client certificate to present.
#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// The admin API, e.g. `https://nauthera-admin.auth.svc:8443`; when set, `client`, `keys` and `status` use
    /// it instead of opening the store.
    #[arg(long, env = "NAUTHERA_ADMIN_ENDPOINT")]
    pub admin_endpoint: Option<String>,
    /// The CA that signed the server's certificate (PEM).
    #[arg(long, env = "NAUTHERA_ADMIN_CA")]
    pub admin_ca: Option<PathBuf>,
    /// This client's certificate (PEM).
    #[arg(long, env = "NAUTHERA_ADMIN_CERT")]
    pub admin_cert: Option<PathBuf>,
    /// This client's private key (PEM).
    #[arg(long, env = "NAUTHERA_ADMIN_KEY")]
    pub admin_key: Option<PathBuf>,
    /// The name to verify in the server's certificate (default: the endpoint's host).
    #[arg(long, env = "NAUTHERA_ADMIN_DOMAIN")]
    pub admin_domain: Option<String>,
}

/// Runs a command against a remote server.
///
/// # Errors
/// [`ServerError::Admin`] for connection and TLS failures; [`ServerError::Config`] for commands the admin API
/// does not offer, missing certificate flags, and refused requests.
#[allow(clippy::print_stdout, reason = "command-line output")]
pub async fn administer(
    endpoint: &str,
    args: &RemoteArgs,
    command: Command,
) -> Result<(), ServerError> {
    let mut admin = connect(endpoint, args).await?;
    let refused = |status: nauthera_admin::tonic::Status| {
        ConfigError::Invalid(format!("refused: {}", status.message()))
    };
    match command {
        Command::Client(ClientCommand::Add(add)) => {
            let (client, secret) = client_from(&add)?;
            let request = UpsertClientRequest {
                client: Some(client),
                client_secret: secret.clone().unwrap_or_default(),
                force: false,
            };
            admin.upsert_client(request).await.map_err(refused)?;
            match secret {
                Some(secret) => println!(
                    "client {} registered; secret (shown once): {secret}",
                    add.client_id
                ),
                None => println!("public client {} registered", add.client_id),
            }
        }
        Command::Client(ClientCommand::List) => {
            let clients = admin
                .list_clients(ListClientsRequest {})
                .await
                .map_err(refused)?
                .into_inner();
            for client in clients.clients {
                println!(
                    "{}\t{}\t{}",
                    client.client_id,
                    client.owner,
                    client.redirect_uris.join(" ")
                );
            }
        }
        Command::Keys(KeysCommand::Rotate) => {
            let rotated = admin
                .rotate_keys(RotateKeysRequest {})
                .await
                .map_err(refused)?
                .into_inner();
            for kid in rotated.new_kids {
                println!("new signing key {kid}");
            }
        }
        Command::Keys(KeysCommand::List) => {
            let keys = admin
                .list_keys(ListKeysRequest {})
                .await
                .map_err(refused)?
                .into_inner();
            for key in keys.keys {
                println!("{}\t{}", key.kid, key.alg);
            }
        }
        Command::Status => {
            let status = admin
                .status(StatusRequest {})
                .await
                .map_err(refused)?
                .into_inner();
            println!(
                "version {}\nissuer {}\nstorage {}\ncache {}",
                status.version, status.issuer, status.storage, status.cache
            );
        }
        _ => {
            return Err(ConfigError::Invalid(
                "this command works on the store only; drop --admin-endpoint".to_owned(),
            )
            .into());
        }
    }
    Ok(())
}

async fn connect(
    endpoint: &str,
    args: &RemoteArgs,
) -> Result<AdminClient<nauthera_admin::tonic::transport::Channel>, ServerError> {
    let (Some(ca), Some(cert), Some(key)) = (&args.admin_ca, &args.admin_cert, &args.admin_key)
    else {
        return Err(ConfigError::Invalid(
            "--admin-ca, --admin-cert and --admin-key are required".to_owned(),
        )
        .into());
    };
    let domain = match &args.admin_domain {
        Some(domain) => domain.clone(),
        None => url::Url::parse(endpoint)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .ok_or_else(|| ConfigError::Invalid(format!("{endpoint} has no host")))?,
    };
    let tls = AdminTls::from_files(ca, cert, key)?;
    Ok(nauthera_admin::connect(endpoint, tls, &domain).await?)
}

/// The admin API's client for `client add`, and a generated secret for confidential clients.
fn client_from(add: &ClientAdd) -> Result<(Client, Option<String>), ServerError> {
    let local = crate::cli::client_from(add)?;
    let auth_method = match add.auth_method.as_str() {
        "client_secret_post" => AuthMethod::ClientSecretPost,
        "none" => AuthMethod::None,
        _ => AuthMethod::ClientSecretBasic,
    };
    let grant_types = local
        .grant_types
        .iter()
        .map(|grant| match grant.as_str() {
            "client_credentials" => GrantType::ClientCredentials as i32,
            "refresh_token" => GrantType::RefreshToken as i32,
            _ => GrantType::AuthorizationCode as i32,
        })
        .collect();
    let secret = if local.is_public() {
        None
    } else {
        let random = nauthera_core::SystemRandom::new();
        Some(nauthera_core::random::opaque_token(&random, "ncs_")?)
    };
    let client = Client {
        client_id: add.client_id.clone(),
        client_name: local.client_name.clone(),
        auth_method: auth_method as i32,
        redirect_uris: local
            .redirect_uris
            .iter()
            .map(|uri| uri.as_str().to_owned())
            .collect(),
        post_logout_redirect_uris: local
            .post_logout_redirect_uris
            .iter()
            .map(|uri| uri.as_str().to_owned())
            .collect(),
        grant_types,
        scope: local.scope.to_string(),
        first_party: local.first_party,
        ..Client::default()
    };
    Ok((client, secret))
}
