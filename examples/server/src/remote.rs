//! Remote administration: the CLI's client, user, group, key and status commands over the admin gRPC API
//! (mutual TLS), for servers whose store the operator's machine cannot open. Setting passwords (`user add`,
//! `user passwd`) stays on the store: the admin API does not carry passwords.

use std::future::Future;
use std::path::PathBuf;

use clap::Args;
use nauthera_admin::proto::{
    AuthMethod, Client, DeleteUserRequest, DisableUserRequest, EnableUserRequest, GetUserRequest,
    GrantType, ListClientsRequest, ListConsentsRequest, ListKeysRequest, ListUsersRequest,
    RevokeConsentRequest, RotateKeysRequest, SetUserRequest, StatusRequest, UpsertClientRequest,
    User,
};
use nauthera_admin::tonic::transport::Channel;
use nauthera_admin::tonic::{Code, Response, Status};
use nauthera_admin::{AdminClient, AdminTls};
use nauthera_core::client::{ClientAuthMethod, GrantType as CoreGrantType};

use crate::app::ServerError;
use crate::cli::{ClientAdd, ClientCommand, Command, KeysCommand, UserCommand};
use crate::config::ConfigError;
use crate::people_cli::{
    UserSet, consent_line, consent_revoked_line, groups_line_of, profile_lines,
};

/// Where the admin API is and the client certificate to present.
#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// The admin API, e.g. `https://nauthera-admin.auth.svc:8443`; when set, `client`, `user` (but `add` and
    /// `passwd`), `group`, `keys` and `status` use it instead of opening the store.
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
/// does not offer and missing certificate flags; [`ServerError::Refused`] for requests the server refuses
/// (such as an unknown user).
#[allow(clippy::print_stdout, reason = "command-line output")]
pub async fn administer(
    endpoint: &str,
    args: &RemoteArgs,
    command: Command,
) -> Result<(), ServerError> {
    let mut admin = connect(endpoint, args).await?;
    match command {
        Command::Client(command) => administer_clients(&mut admin, command).await?,
        Command::User(command) => administer_users(&mut admin, command).await?,
        Command::Group(command) => crate::remote_groups::administer_groups(&admin, command).await?,
        Command::Keys(KeysCommand::Rotate) => {
            let rotated = admin
                .rotate_keys(RotateKeysRequest {})
                .await
                .map_err(refused)?
                .into_inner();
            for kid in rotated.new_kids {
                println!("{}", crate::cli::rotated_key_line(&kid));
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
        Command::Serve | Command::Migrate => return Err(store_only()),
    }
    Ok(())
}

/// `client` over the admin API.
#[allow(clippy::print_stdout, reason = "command-line output")]
async fn administer_clients(
    admin: &mut AdminClient<Channel>,
    command: ClientCommand,
) -> Result<(), ServerError> {
    match command {
        ClientCommand::Add(add) => {
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
        ClientCommand::List => {
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
    }
    Ok(())
}

/// `user` over the admin API: each command is one call and prints one line; an unknown user is an error.
#[allow(clippy::print_stdout, reason = "command-line output")]
async fn administer_users(
    admin: &mut AdminClient<Channel>,
    command: UserCommand,
) -> Result<(), ServerError> {
    match command {
        UserCommand::List => {
            for user in list_users(admin).await? {
                println!(
                    "{}\t{}\t{}",
                    user.username,
                    user.subject,
                    crate::cli::account_state(user.disabled)
                );
            }
        }
        UserCommand::Show { username } => {
            let shown = admin
                .get_user(GetUserRequest { username })
                .await
                .map_err(refused)?
                .into_inner();
            let user = shown.user.unwrap_or_default();
            println!("{}", user_line(&user));
            println!(
                "{}",
                groups_line_of(shown.groups.iter().map(String::as_str))
            );
        }
        UserCommand::Set(args) => {
            let user = admin
                .set_user(set_user_request(&args)?)
                .await
                .map_err(refused)?
                .into_inner();
            println!("{}", profile_lines(user_line(&user), &user.attributes));
        }
        UserCommand::Consents { username } => {
            let consents = admin
                .list_consents(ListConsentsRequest { username })
                .await
                .map_err(refused)?
                .into_inner()
                .consents;
            for consent in consents {
                println!("{}", consent_line(&consent.client_id, &consent.scope));
            }
        }
        UserCommand::RevokeConsent {
            username,
            client_id,
        } => {
            let request = RevokeConsentRequest {
                username: username.clone(),
                client_id: client_id.clone(),
            };
            admin.revoke_consent(request).await.map_err(refused)?;
            println!("{}", consent_revoked_line(&username, &client_id));
        }
        UserCommand::Disable { username } => {
            let request = DisableUserRequest {
                username: username.clone(),
            };
            admin.disable_user(request).await.map_err(refused)?;
            println!(
                "user {username} disabled; their sessions ended and their refresh tokens were revoked"
            );
        }
        UserCommand::Enable { username } => {
            let request = EnableUserRequest {
                username: username.clone(),
            };
            admin.enable_user(request).await.map_err(refused)?;
            println!("user {username} enabled");
        }
        UserCommand::Delete { username } => {
            let request = DeleteUserRequest {
                username: username.clone(),
            };
            admin.delete_user(request).await.map_err(refused)?;
            println!("user {username} deleted");
        }
        UserCommand::Add { .. } | UserCommand::Passwd { .. } => {
            return Err(ConfigError::Invalid(
                "user add and user passwd set passwords, which the admin API does not carry; run them on \
                 the store (drop --admin-endpoint)"
                    .to_owned(),
            )
            .into());
        }
    }
    Ok(())
}

/// Every user, page by page.
async fn list_users(admin: &AdminClient<Channel>) -> Result<Vec<User>, ServerError> {
    let pages = every_page(
        |after| {
            let mut admin = admin.clone();
            async move { admin.list_users(ListUsersRequest { after, limit: 0 }).await }
        },
        |page| &page.next_after,
    )
    .await?;
    Ok(pages.into_iter().flat_map(|page| page.users).collect())
}

/// Every page of a list the admin API pages through: `fetch` reads the page after `after` (empty: the first),
/// `next_after` is where the page says the next one starts (empty after the last).
pub(crate) async fn every_page<P, F, Fut>(
    mut fetch: F,
    next_after: impl Fn(&P) -> &String,
) -> Result<Vec<P>, ServerError>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<Response<P>, Status>>,
{
    let mut pages = Vec::new();
    let mut after = String::new();
    loop {
        let page = fetch(after).await.map_err(refused)?.into_inner();
        after = next_after(&page).clone();
        pages.push(page);
        if after.is_empty() {
            return Ok(pages);
        }
    }
}

/// `user show`'s and `user set`'s user line for a user the admin API returned (empty strings are unset).
fn user_line(user: &User) -> String {
    let optional = |value: &str| (!value.is_empty()).then_some(value.to_owned());
    crate::cli::user_line(
        &user.username,
        &user.subject,
        user.disabled,
        optional(&user.name).as_deref(),
        optional(&user.email).as_deref(),
    )
}

/// The `SetUser` request for `user set`: the same change as on the store, with the attributes as a JSON object.
fn set_user_request(args: &UserSet) -> Result<SetUserRequest, ServerError> {
    let update = args.update()?;
    let set_attributes = if update.set_attributes.is_empty() {
        String::new()
    } else {
        serde_json::Value::Object(update.set_attributes).to_string()
    };
    Ok(SetUserRequest {
        username: args.username.clone(),
        name: update.name,
        email: update.email,
        email_verified: update.email_verified,
        set_attributes,
        remove_attributes: update.remove_attributes,
    })
}

/// A request the server refused: its message as it is for a refusal of the request (for example `user bob not
/// found`), with the status code otherwise.
pub(crate) fn refused(status: Status) -> ServerError {
    match status.code() {
        Code::NotFound | Code::InvalidArgument | Code::FailedPrecondition | Code::AlreadyExists => {
            ServerError::Refused(status.message().to_owned())
        }
        code => ServerError::Refused(format!("refused ({code}): {}", status.message())),
    }
}

fn store_only() -> ServerError {
    ConfigError::Invalid("this command works on the store only; drop --admin-endpoint".to_owned())
        .into()
}

async fn connect(endpoint: &str, args: &RemoteArgs) -> Result<AdminClient<Channel>, ServerError> {
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

/// The admin API's client for `client add`, checked by core's registration rules first, and a generated
/// secret for confidential clients.
fn client_from(add: &ClientAdd) -> Result<(Client, Option<String>), ServerError> {
    let local = crate::cli::client_from(add)?;
    let auth_method = match local.auth_method {
        ClientAuthMethod::ClientSecretPost => AuthMethod::ClientSecretPost,
        ClientAuthMethod::None => AuthMethod::None,
        _ => AuthMethod::ClientSecretBasic,
    };
    let grant_types = local
        .grant_types
        .iter()
        .map(|grant| match grant {
            CoreGrantType::ClientCredentials => GrantType::ClientCredentials as i32,
            CoreGrantType::RefreshToken => GrantType::RefreshToken as i32,
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
