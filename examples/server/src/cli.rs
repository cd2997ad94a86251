//! The command line: `serve` (default), and `user`, `client` and `keys` administration of the configured store.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use nauthera_core::client::{Client, ClientAuthMethod, GrantType};
use nauthera_core::secret::Password;
use nauthera_core::types::{ClientId, RedirectUri, Scope};
use nauthera_core::user::UserClaims;

use crate::app::{self, ServerError};
use crate::config::{ConfigError, ServerConfig};

/// Nauthera, an OAuth 2.0 and OpenID Connect provider.
#[derive(Debug, Parser)]
#[command(name = "nauthera-server", version)]
pub struct Cli {
    /// The configuration file.
    #[arg(long, env = "NAUTHERA_CONFIG", default_value = "nauthera.toml")]
    pub config: PathBuf,
    /// Remote administration over the admin API.
    #[command(flatten)]
    pub remote: crate::remote::RemoteArgs,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the provider.
    Serve,
    /// Apply the storage migrations and exit (on PostgreSQL under an advisory lock; run before new pods serve).
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage clients.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Manage signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Show a remote server's version, storage and cache health (needs `--admin-endpoint`).
    Status,
}

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user, or set an existing user's password and profile. The password is read from
    /// `--password-file`, or else from the first line of standard input.
    Add {
        /// The login name.
        username: String,
        /// A file holding the password.
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// Full name.
        #[arg(long)]
        name: Option<String>,
        /// Email address (recorded as verified).
        #[arg(long)]
        email: Option<String>,
    },
    /// List users.
    List,
}

/// `client` subcommands.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register or replace a client; a confidential client's generated secret is printed once.
    Add(ClientAdd),
    /// List clients.
    List,
}

/// Arguments of `client add`.
#[derive(Debug, Args)]
pub struct ClientAdd {
    /// The client id.
    pub client_id: String,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// `client_secret_basic` (default), `client_secret_post` or `none` (public client).
    #[arg(long, default_value = "client_secret_basic")]
    pub auth_method: String,
    /// A redirect URI (repeatable).
    #[arg(long = "redirect-uri")]
    pub redirect_uris: Vec<String>,
    /// A post-logout redirect URI (repeatable).
    #[arg(long = "post-logout-redirect-uri")]
    pub post_logout_redirect_uris: Vec<String>,
    /// A grant type (repeatable; default authorization_code and refresh_token).
    #[arg(long = "grant-type")]
    pub grant_types: Vec<String>,
    /// Allowed scopes.
    #[arg(long, default_value = "openid profile email offline_access")]
    pub scope: String,
    /// Skip the consent page.
    #[arg(long)]
    pub first_party: bool,
}

/// `keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate new signing keys; the previous ones stay published until their tokens expire.
    Rotate,
    /// List the published keys.
    List,
}

/// Runs an administrative command against the configured store.
///
/// # Errors
/// See [`ServerError`].
#[allow(clippy::print_stdout, reason = "command-line output")]
pub async fn administer(config: &ServerConfig, command: Command) -> Result<(), ServerError> {
    if let Command::Migrate = command {
        let applied =
            nauthera_storage::migrate(&config.storage_url()?, &app::store_options(config)?).await?;
        println!("applied {applied} migration(s)");
        return Ok(());
    }
    let provider = app::provider(config).await?;
    match command {
        Command::Serve | Command::Migrate => {}
        Command::Status => {
            return Err(ConfigError::Invalid("status needs --admin-endpoint".to_owned()).into());
        }
        Command::User(UserCommand::Add {
            username,
            password_file,
            name,
            email,
        }) => {
            let password = read_password(password_file)?;
            let mut claims = UserClaims::default();
            claims.name = name;
            claims.email_verified = email.is_some();
            claims.email = email;
            let user = provider.upsert_user(&username, &password, claims).await?;
            println!("user {} (sub {})", user.username, user.subject);
        }
        Command::User(UserCommand::List) => {
            for user in provider.list_users().await? {
                println!("{}\t{}", user.username, user.subject);
            }
        }
        Command::Client(ClientCommand::Add(args)) => {
            let client = client_from(&args)?;
            if client.is_public() {
                provider.upsert_client(&client).await?;
                println!("public client {} registered", client.client_id);
            } else {
                let secret = provider.register_confidential_client(client, None).await?;
                println!(
                    "client {} registered; secret (shown once): {}",
                    args.client_id,
                    secret.expose_secret()
                );
            }
        }
        Command::Client(ClientCommand::List) => {
            for client in provider.list_clients().await? {
                let uris: Vec<&str> = client
                    .redirect_uris
                    .iter()
                    .map(RedirectUri::as_str)
                    .collect();
                println!(
                    "{}\t{}\t{}",
                    client.client_id,
                    client.auth_method.as_str(),
                    uris.join(" ")
                );
            }
        }
        Command::Keys(KeysCommand::Rotate) => {
            for kid in provider.rotate_keys().await? {
                println!("new signing key {kid}");
            }
        }
        Command::Keys(KeysCommand::List) => {
            for jwk in &provider.keys().jwks().keys {
                println!("{}\t{}", jwk.kid, jwk.alg);
            }
        }
    }
    Ok(())
}

fn read_password(file: Option<PathBuf>) -> Result<Password, ServerError> {
    let line = match file {
        Some(path) => {
            std::fs::read_to_string(&path).map_err(|source| ConfigError::Read { path, source })?
        }
        None => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line
        }
    };
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(ConfigError::Invalid("the password is empty".to_owned()).into());
    }
    Ok(Password::new(password))
}

/// The client that `client add` describes.
///
/// # Errors
/// [`ConfigError::Invalid`] for unknown methods or grant types and invalid URIs or scopes.
pub fn client_from(args: &ClientAdd) -> Result<Client, ConfigError> {
    let invalid = |what: String| ConfigError::Invalid(what);
    let method = match args.auth_method.as_str() {
        "client_secret_basic" => ClientAuthMethod::ClientSecretBasic,
        "client_secret_post" => ClientAuthMethod::ClientSecretPost,
        "none" => ClientAuthMethod::None,
        other => return Err(invalid(format!("unknown auth method {other}"))),
    };
    let name = args.name.clone().unwrap_or_else(|| args.client_id.clone());
    let mut client = Client::new(ClientId::new(args.client_id.clone()), name, method);
    let parse = |uris: &[String]| -> Result<Vec<RedirectUri>, ConfigError> {
        uris.iter()
            .map(|uri| RedirectUri::parse(uri).map_err(|_| invalid(format!("invalid URI {uri}"))))
            .collect()
    };
    client.redirect_uris = parse(&args.redirect_uris)?;
    client.post_logout_redirect_uris = parse(&args.post_logout_redirect_uris)?;
    client.grant_types = if args.grant_types.is_empty() {
        vec![GrantType::AuthorizationCode, GrantType::RefreshToken]
    } else {
        args.grant_types
            .iter()
            .map(|name| {
                GrantType::parse(name).ok_or_else(|| invalid(format!("unknown grant type {name}")))
            })
            .collect::<Result<_, _>>()?
    };
    client.scope = Scope::parse(&args.scope).map_err(|_| invalid("invalid scope".to_owned()))?;
    client.first_party = args.first_party;
    Ok(client)
}

/// The process environment as a map, for [`ServerConfig::load`].
pub fn environment() -> HashMap<String, String> {
    std::env::vars().collect()
}
