//! The command line: `serve` (default), and `user`, `client` and `keys` administration of the configured store.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use nauthera_core::client::{Client, ClientAuthMethod, GrantType};
use nauthera_core::flows::admin::{ClientSecretChange, Ownership};
use nauthera_core::registration::{ClientRegistration, DEFAULT_CLIENT_SCOPE, SecretProvision};
use nauthera_core::secret::Password;
use nauthera_core::types::RedirectUri;
use nauthera_core::user::{User, UserClaims};

use crate::app::{self, ServerError, ServerProvider};
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
    /// Manage groups and their members.
    #[command(subcommand)]
    Group(crate::people_cli::GroupCommand),
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
    /// List users: username, subject and whether the account is enabled.
    List,
    /// Show one user.
    Show {
        /// The login name.
        username: String,
    },
    /// Change a user's profile: name, email and attributes (extra claims as JSON values).
    Set(crate::people_cli::UserSet),
    /// List the clients a user has consented to.
    Consents {
        /// The login name.
        username: String,
    },
    /// Revoke a user's consent for a client with every token the client holds for them; the next
    /// authorization request asks for consent again.
    RevokeConsent {
        /// The login name.
        username: String,
        /// The client.
        client_id: String,
    },
    /// Disable a user: they cannot sign in, their browser sessions end and their refresh tokens are revoked.
    Disable {
        /// The login name.
        username: String,
    },
    /// Enable a disabled user again (the sessions that disabling ended stay ended).
    Enable {
        /// The login name.
        username: String,
    },
    /// Delete a user with their consents and refresh tokens; their browser sessions end.
    Delete {
        /// The login name.
        username: String,
    },
    /// Set a user's password, ending their browser sessions and revoking their refresh tokens. The password is
    /// read from `--password-file`, or else from the first line of standard input.
    Passwd {
        /// The login name.
        username: String,
        /// A file holding the new password.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
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
    #[arg(long)]
    pub auth_method: Option<String>,
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
    #[arg(long, default_value = DEFAULT_CLIENT_SCOPE)]
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
        Command::User(command) => administer_users(&provider, command).await?,
        Command::Group(command) => {
            crate::people_cli::administer_groups(&provider, command).await?;
        }
        Command::Client(ClientCommand::Add(args)) => {
            let client = client_from(&args)?;
            let applied = provider
                .apply_client(client, ClientSecretChange::Generate, Ownership::Override)
                .await?;
            match applied.generated_secret {
                Some(secret) => println!(
                    "client {} registered; secret (shown once): {}",
                    args.client_id,
                    secret.expose_secret()
                ),
                None => println!("public client {} registered", args.client_id),
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
                println!("{}", rotated_key_line(&kid));
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

/// Runs a `user` subcommand against the provider's store: each calls one account flow and prints one line.
#[allow(clippy::print_stdout, reason = "command-line output")]
async fn administer_users(
    provider: &ServerProvider,
    command: UserCommand,
) -> Result<(), ServerError> {
    match command {
        UserCommand::Add {
            username,
            password_file,
            name,
            email,
        } => {
            let password = read_password(password_file)?;
            let mut claims = UserClaims::default();
            claims.name = name;
            claims.email_verified = email.is_some();
            claims.email = email;
            let user = provider.upsert_user(&username, &password, claims).await?;
            println!("user {} (sub {})", user.username, user.subject);
        }
        UserCommand::List => {
            let users = crate::people_cli::every_page(
                |page| async move { Ok(provider.list_users(&page).await?) },
                |user| user.username.clone(),
            )
            .await?;
            for user in users {
                println!(
                    "{}\t{}\t{}",
                    user.username,
                    user.subject,
                    account_state(user.disabled)
                );
            }
        }
        UserCommand::Set(args) => crate::people_cli::set_user(provider, &args).await?,
        UserCommand::Consents { username } => {
            crate::people_cli::list_consents(provider, &username).await?;
        }
        UserCommand::RevokeConsent {
            username,
            client_id,
        } => crate::people_cli::revoke_consent(provider, &username, &client_id).await?,
        UserCommand::Show { username } => {
            let user = found(provider.find_user_by_username(&username).await?, &username)?;
            println!(
                "{}",
                user_line(
                    &user.username,
                    user.subject.as_str(),
                    user.disabled,
                    user.claims.name.as_deref(),
                    user.claims.email.as_deref(),
                )
            );
            println!(
                "{}",
                crate::people_cli::groups_line(provider, &username).await?
            );
        }
        UserCommand::Disable { username } => {
            found(provider.disable_user(&username).await?, &username)?;
            println!(
                "user {username} disabled; their sessions ended and their refresh tokens were revoked"
            );
        }
        UserCommand::Enable { username } => {
            found(provider.enable_user(&username).await?, &username)?;
            println!("user {username} enabled");
        }
        UserCommand::Delete { username } => {
            if !provider.delete_user(&username).await? {
                return Err(unknown_user(&username));
            }
            println!("user {username} deleted");
        }
        UserCommand::Passwd {
            username,
            password_file,
        } => {
            let password = read_password(password_file)?;
            found(
                provider.set_password(&username, &password).await?,
                &username,
            )?;
            println!(
                "password of {username} set; their sessions ended and their refresh tokens were revoked"
            );
        }
    }
    Ok(())
}

/// The user a flow found, or the error for an unknown username.
fn found(user: Option<User>, username: &str) -> Result<User, ServerError> {
    user.ok_or_else(|| unknown_user(username))
}

/// The error of a command naming a user that does not exist.
pub(crate) fn unknown_user(username: &str) -> ServerError {
    ServerError::Refused(format!("no user {username}"))
}

/// `user show`'s line (local and remote): username, subject, state, and the name and email when set.
pub(crate) fn user_line(
    username: &str,
    subject: &str,
    disabled: bool,
    name: Option<&str>,
    email: Option<&str>,
) -> String {
    let mut line = format!("{username}\tsub {subject}\t{}", account_state(disabled));
    if let Some(name) = name {
        line.push_str(&format!("\tname {name}"));
    }
    if let Some(email) = email {
        line.push_str(&format!("\temail {email}"));
    }
    line
}

/// How `user list` and `user show` print whether an account is enabled.
pub(crate) fn account_state(disabled: bool) -> &'static str {
    if disabled { "disabled" } else { "enabled" }
}

/// How `keys rotate` prints a new key id (the session secret's id comes as `session-<id>`).
pub(crate) fn rotated_key_line(kid: &str) -> String {
    match kid.strip_prefix("session-") {
        Some(id) => format!("new session secret {id}"),
        None => format!("new signing key {kid}"),
    }
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

/// The client that `client add` describes, checked by core's registration rules; a confidential client's
/// secret is generated when it is registered.
///
/// # Errors
/// [`ConfigError::Invalid`] for an unknown method or grant type, and for a registration core refuses (naming
/// the field).
pub fn client_from(args: &ClientAdd) -> Result<Client, ConfigError> {
    let invalid = |what: String| ConfigError::Invalid(format!("client {}: {what}", args.client_id));
    let auth_method = match args.auth_method.as_deref() {
        None => None,
        Some("client_secret_basic") => Some(ClientAuthMethod::ClientSecretBasic),
        Some("client_secret_post") => Some(ClientAuthMethod::ClientSecretPost),
        Some("none") => Some(ClientAuthMethod::None),
        Some(other) => return Err(invalid(format!("unknown auth method {other}"))),
    };
    let grant_types = args
        .grant_types
        .iter()
        .map(|name| {
            GrantType::parse(name).ok_or_else(|| invalid(format!("unknown grant type {name}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut registration = ClientRegistration::new(args.client_id.clone());
    registration.client_name.clone_from(&args.name);
    registration.auth_method = auth_method;
    registration.redirect_uris.clone_from(&args.redirect_uris);
    registration
        .post_logout_redirect_uris
        .clone_from(&args.post_logout_redirect_uris);
    registration.grant_types = (!grant_types.is_empty()).then_some(grant_types);
    registration.scope = Some(args.scope.clone());
    registration.first_party = args.first_party;
    registration
        .validate(SecretProvision::Generated)
        .map_err(|error| invalid(error.to_string()))
}

/// The process environment as a map, for [`ServerConfig::load`].
pub fn environment() -> HashMap<String, String> {
    std::env::vars().collect()
}
