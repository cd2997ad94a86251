//! The server's configuration: one TOML file (unknown keys rejected), `NAUTHERA_*` environment overrides, and
//! `*_file` indirection for every secret.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use nauthera_core::ProviderConfig;
use nauthera_core::client::{Client, ClientAuthMethod, GrantType};
use nauthera_core::keys::Algorithm;
use nauthera_core::registration::{ClientRegistration, SecretProvision};
use serde::Deserialize;

use crate::listener::ConnectionLimits;
use crate::throttle_config::{PasswordHashingSection, ThrottleSection};

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The TOML is invalid or has unknown keys.
    #[error("invalid configuration: {0}")]
    Parse(#[from] toml::de::Error),
    /// A value is invalid.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// The whole configuration file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The configuration format version; must be 1.
    pub version: u32,
    /// The issuer URL.
    pub issuer: String,
    /// The address to listen on.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Connection limits of the public HTTP port.
    #[serde(default)]
    pub limits: LimitsSection,
    /// Storage settings.
    pub storage: StorageSection,
    /// Signing key settings.
    #[serde(default)]
    pub keys: KeysSection,
    /// Token and session lifetimes.
    #[serde(default)]
    pub tokens: TokensSection,
    /// Clients registered at start.
    #[serde(default)]
    pub clients: Vec<ClientSection>,
    /// Development users created or updated at start.
    #[serde(default)]
    pub users: Vec<UserSection>,
    /// The optional shared cache (Redis/Valkey).
    #[serde(default)]
    pub cache: CacheSection,
    /// The admin gRPC API (mutual TLS) on its own port; absent means no admin port.
    pub admin: Option<AdminSection>,
    /// Limits on failed sign-ins and client authentications, and the trusted proxies.
    #[serde(default)]
    pub throttle: ThrottleSection,
    /// The bounded password-hashing pool.
    #[serde(default)]
    pub password_hashing: PasswordHashingSection,
}

/// `[admin]`: the admin API, served with client certificates required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSection {
    /// The address to listen on, e.g. `0.0.0.0:8443`; never the public HTTP port.
    pub listen: String,
    /// The CA that client certificates must chain to (PEM).
    pub ca_file: PathBuf,
    /// The server certificate (PEM).
    pub cert_file: PathBuf,
    /// The server's private key (PEM).
    pub key_file: PathBuf,
}

fn default_listen() -> String {
    "127.0.0.1:8080".to_owned()
}

/// `[limits]`: how long a connection may take and how many may be open at once on the public HTTP port.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSection {
    /// How long a client has to send a request's headers, and how long an idle keep-alive connection stays
    /// open, in seconds (default 10).
    pub header_read_timeout_secs: u64,
    /// How long a request may take, from its headers until its response starts, in seconds (default 30).
    pub request_timeout_secs: u64,
    /// How many connections may be open at once (default 1024); further connections wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for LimitsSection {
    fn default() -> Self {
        let limits = ConnectionLimits::default();
        Self {
            header_read_timeout_secs: limits.header_read_timeout.as_secs(),
            request_timeout_secs: limits.request_timeout.as_secs(),
            max_connections: limits.max_connections,
        }
    }
}

impl LimitsSection {
    /// The limits the listener applies.
    pub fn connection_limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            max_connections: self.max_connections,
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let zero = [
            (
                "header_read_timeout_secs",
                self.header_read_timeout_secs == 0,
            ),
            ("request_timeout_secs", self.request_timeout_secs == 0),
            ("max_connections", self.max_connections == 0),
        ];
        match zero.iter().find(|(_, is_zero)| *is_zero) {
            Some((key, _)) => Err(ConfigError::Invalid(format!(
                "limits.{key} must be greater than 0"
            ))),
            None => Ok(()),
        }
    }
}

/// `[storage]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSection {
    /// `sqlite://path`, or `sqlite::memory:`.
    pub url: Option<String>,
    /// A file holding the URL (it may contain credentials).
    pub url_file: Option<PathBuf>,
    /// Connection pool size.
    #[serde(default = "default_pool_size")]
    pub pool_size: u32,
    /// How long to wait for a connection, in seconds (default 5).
    pub connect_timeout_secs: Option<u64>,
    /// TLS to PostgreSQL: `disable` (default, or what the URL's `sslmode` says) or `require`.
    pub tls: Option<String>,
    /// A PEM file of CA certificates to verify the PostgreSQL server with (default: the public web PKI roots).
    pub ca_file: Option<PathBuf>,
    /// A file holding the 32-byte key that encrypts private signing keys at rest.
    pub key_encryption_key_file: Option<PathBuf>,
    /// Apply migrations on start (default true; under an advisory lock on PostgreSQL).
    #[serde(default = "default_true")]
    pub migrate_on_start: bool,
}

fn default_true() -> bool {
    true
}

/// `[cache]`: Redis/Valkey. Without a URL the server caches per replica in memory.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheSection {
    /// `redis://[user:password@]host:port/db` or `rediss://` for TLS.
    pub url: Option<String>,
    /// A file holding the URL (it may contain a password).
    pub url_file: Option<PathBuf>,
    /// The prefix of every key, per deployment (default `nauthera`).
    pub key_prefix: Option<String>,
    /// The Sentinel master name, for a Redis Sentinel deployment.
    pub sentinel_master: Option<String>,
    /// Sentinel node URLs.
    #[serde(default)]
    pub sentinel_nodes: Vec<String>,
    /// The timeout of each cache operation, in milliseconds (default 50).
    pub operation_timeout_ms: Option<u64>,
    /// The longest an entry stays in a replica's in-process copy, in seconds (default 5): the bound on
    /// invalidation if a message is lost.
    pub local_ttl_secs: Option<u64>,
}

fn default_pool_size() -> u32 {
    8
}

/// `[keys]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysSection {
    /// The default signing algorithm: `ES256` (default), `EdDSA` or `RS256`.
    pub algorithm: Option<String>,
    /// PEM files (PKCS#8) to sign with instead of keys kept in the store.
    #[serde(default)]
    pub files: Vec<KeyFile>,
    /// How often keys are re-read from the store to pick up rotations, in seconds (default 60).
    pub reload_interval_secs: Option<u64>,
}

/// One PEM signing key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    /// The PKCS#8 PEM file.
    pub path: PathBuf,
    /// The key's algorithm.
    pub algorithm: String,
    /// The key id to publish.
    pub kid: String,
}

/// `[tokens]`: lifetimes in seconds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokensSection {
    /// Access token lifetime.
    pub access_token_lifetime_secs: Option<u64>,
    /// ID token lifetime.
    pub id_token_lifetime_secs: Option<u64>,
    /// Refresh token lifetime.
    pub refresh_token_lifetime_secs: Option<u64>,
    /// Authorization code lifetime (at most 60).
    pub code_lifetime_secs: Option<u64>,
    /// Browser session lifetime.
    pub session_lifetime_secs: Option<u64>,
    /// The absolute lifetime of a refresh-token family, which rotation does not extend (default 90 days).
    pub refresh_token_absolute_lifetime_secs: Option<u64>,
}

/// `[[clients]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSection {
    /// The client id.
    pub client_id: String,
    /// The display name.
    pub client_name: Option<String>,
    /// The secret (confidential clients).
    pub secret: Option<String>,
    /// A file holding the secret.
    pub secret_file: Option<PathBuf>,
    /// `client_secret_basic` (default for clients with a secret), `client_secret_post` or `none`.
    pub auth_method: Option<ClientAuthMethod>,
    /// Redirect URIs.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Post-logout redirect URIs.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// Grant types (default: authorization_code and refresh_token).
    pub grant_types: Option<Vec<GrantType>>,
    /// Allowed scopes, space separated (default: `openid profile email offline_access`).
    pub scope: Option<String>,
    /// Skip the consent page.
    #[serde(default)]
    pub first_party: bool,
    /// Issue a refresh token with every code grant, even without `offline_access`.
    #[serde(default)]
    pub always_issue_refresh_token: bool,
    /// `RS256` for clients that only verify RS256 ID tokens.
    pub id_token_signed_response_alg: Option<String>,
    /// Claims taken from user attributes, claim name to attribute name, released in ID tokens and userinfo.
    #[serde(default)]
    pub claim_mapping: BTreeMap<String, String>,
    /// Claims with fixed values, released in ID tokens and userinfo (TOML dates and times become RFC 3339
    /// strings).
    #[serde(default)]
    pub static_claims: BTreeMap<String, toml::Value>,
    /// Put `groups` in access tokens when the `groups` scope is granted.
    #[serde(default)]
    pub access_token_groups: bool,
}

/// `[[users]]`: development users.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSection {
    /// The login name.
    pub username: String,
    /// The password.
    pub password: Option<String>,
    /// A file holding the password.
    pub password_file: Option<PathBuf>,
    /// Full name.
    pub name: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Whether the email is verified.
    #[serde(default)]
    pub email_verified: bool,
}

impl ServerConfig {
    /// Reads the file, then applies the environment.
    ///
    /// # Errors
    /// See [`ConfigError`].
    pub fn load(path: &Path, env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut config = Self::parse(&text)?;
        config.apply_env(env);
        Ok(config)
    }

    /// Parses TOML text.
    ///
    /// # Errors
    /// [`ConfigError::Parse`] for invalid TOML or unknown keys; [`ConfigError::Invalid`] for a wrong version or a
    /// limit of zero.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let config: Self = toml::from_str(text)?;
        if config.version != 1 {
            return Err(ConfigError::Invalid(format!(
                "unsupported version {}",
                config.version
            )));
        }
        config.limits.validate()?;
        config.throttle.validate()?;
        config.password_hashing.validate()?;
        Ok(config)
    }

    /// Applies `NAUTHERA_ISSUER`, `NAUTHERA_LISTEN`, `NAUTHERA_STORAGE_URL` (or `DATABASE_URL`),
    /// `NAUTHERA_STORAGE_URL_FILE`, `NAUTHERA_SIGNING_ALGORITHM`, `NAUTHERA_CACHE_URL` and
    /// `NAUTHERA_CACHE_URL_FILE`.
    pub fn apply_env(&mut self, env: &HashMap<String, String>) {
        if let Some(issuer) = env.get("NAUTHERA_ISSUER") {
            self.issuer.clone_from(issuer);
        }
        if let Some(listen) = env.get("NAUTHERA_LISTEN") {
            self.listen.clone_from(listen);
        }
        let storage_url = env
            .get("NAUTHERA_STORAGE_URL")
            .or_else(|| env.get("DATABASE_URL"));
        if let Some(url) = storage_url {
            self.storage.url = Some(url.clone());
            self.storage.url_file = None;
        }
        if let Some(file) = env.get("NAUTHERA_STORAGE_URL_FILE") {
            self.storage.url_file = Some(PathBuf::from(file));
            self.storage.url = None;
        }
        if let Some(algorithm) = env.get("NAUTHERA_SIGNING_ALGORITHM") {
            self.keys.algorithm = Some(algorithm.clone());
        }
        if let Some(url) = env.get("NAUTHERA_CACHE_URL") {
            self.cache.url = Some(url.clone());
            self.cache.url_file = None;
        }
        if let Some(file) = env.get("NAUTHERA_CACHE_URL_FILE") {
            self.cache.url_file = Some(PathBuf::from(file));
            self.cache.url = None;
        }
    }

    /// The storage URL, read from its file if configured that way.
    ///
    /// # Errors
    /// When neither or both are set, or the file cannot be read.
    pub fn storage_url(&self) -> Result<String, ConfigError> {
        secret_value(
            self.storage.url.as_deref(),
            self.storage.url_file.as_deref(),
            "storage.url",
        )?
        .ok_or_else(|| {
            ConfigError::Invalid("storage.url or storage.url_file is required".to_owned())
        })
    }

    /// The cache URL, if a shared cache is configured.
    ///
    /// # Errors
    /// When both are set, or the file cannot be read.
    pub fn cache_url(&self) -> Result<Option<String>, ConfigError> {
        secret_value(
            self.cache.url.as_deref(),
            self.cache.url_file.as_deref(),
            "cache.url",
        )
    }

    /// The provider settings.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for a bad issuer or algorithm.
    pub fn provider_config(&self) -> Result<ProviderConfig, ConfigError> {
        let mut config = ProviderConfig::new(&self.issuer)
            .map_err(|error| ConfigError::Invalid(error.description().to_owned()))?;
        if let Some(algorithm) = &self.keys.algorithm {
            config.signing_algorithm = parse_algorithm(algorithm)?;
        }
        let tokens = &self.tokens;
        let set = |target: &mut Duration, value: Option<u64>| {
            if let Some(seconds) = value {
                *target = Duration::from_secs(seconds);
            }
        };
        set(
            &mut config.access_token_lifetime,
            tokens.access_token_lifetime_secs,
        );
        set(&mut config.id_token_lifetime, tokens.id_token_lifetime_secs);
        set(
            &mut config.refresh_token_lifetime,
            tokens.refresh_token_lifetime_secs,
        );
        set(&mut config.code_lifetime, tokens.code_lifetime_secs);
        set(&mut config.session_lifetime, tokens.session_lifetime_secs);
        set(
            &mut config.refresh_token_absolute_lifetime,
            tokens.refresh_token_absolute_lifetime_secs,
        );
        crate::throttle_config::apply(&self.throttle, &self.password_hashing, &mut config);
        if config.code_lifetime > Duration::from_secs(60) {
            return Err(ConfigError::Invalid(
                "tokens.code_lifetime_secs must be at most 60".to_owned(),
            ));
        }
        Ok(config)
    }
}

impl ClientSection {
    /// The client, checked by core's registration rules, and its secret if it has one.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the client and the field core refuses (for example a secret that does
    /// not fit the auth method, or an invalid redirect URI), or when the secret is set both inline and by file.
    pub fn to_client(&self) -> Result<(Client, Option<String>), ConfigError> {
        let secret = secret_value(
            self.secret.as_deref(),
            self.secret_file.as_deref(),
            "client secret",
        )?;
        let mut registration = ClientRegistration::new(self.client_id.clone());
        registration.client_name.clone_from(&self.client_name);
        registration.auth_method = self.auth_method;
        registration.redirect_uris.clone_from(&self.redirect_uris);
        registration
            .post_logout_redirect_uris
            .clone_from(&self.post_logout_redirect_uris);
        registration.grant_types.clone_from(&self.grant_types);
        registration.scope.clone_from(&self.scope);
        registration.first_party = self.first_party;
        registration.always_issue_refresh_token = self.always_issue_refresh_token;
        registration
            .id_token_signed_response_alg
            .clone_from(&self.id_token_signed_response_alg);
        registration.claim_mapping.clone_from(&self.claim_mapping);
        for (claim, value) in &self.static_claims {
            let value = json_value(value).ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "client {}: static_claims: claim {claim}: nan and inf are not JSON numbers",
                    self.client_id
                ))
            })?;
            registration.static_claims.insert(claim.clone(), value);
        }
        registration.access_token_groups = self.access_token_groups;
        let provision = if secret.is_some() {
            SecretProvision::Given
        } else {
            SecretProvision::Absent
        };
        let client = registration
            .validate(provision)
            .map_err(|error| ConfigError::Invalid(format!("client {}: {error}", self.client_id)))?;
        Ok((client, secret))
    }
}

impl UserSection {
    /// The user's password.
    ///
    /// # Errors
    /// When neither or both of `password` and `password_file` are set.
    pub fn password(&self) -> Result<String, ConfigError> {
        secret_value(
            self.password.as_deref(),
            self.password_file.as_deref(),
            "user password",
        )?
        .ok_or_else(|| {
            ConfigError::Invalid(format!(
                "user {}: password or password_file is required",
                self.username
            ))
        })
    }
}

/// Parses an algorithm name.
///
/// # Errors
/// [`ConfigError::Invalid`] for names other than ES256, EdDSA and RS256.
pub fn parse_algorithm(name: &str) -> Result<Algorithm, ConfigError> {
    Algorithm::parse(name).ok_or_else(|| ConfigError::Invalid(format!("unknown algorithm {name}")))
}

/// A TOML value as JSON: dates and times become their RFC 3339 text; `None` for a float JSON cannot hold
/// (`nan`, `inf`).
fn json_value(value: &toml::Value) -> Option<serde_json::Value> {
    Some(match value {
        toml::Value::String(text) => text.clone().into(),
        toml::Value::Integer(number) => (*number).into(),
        toml::Value::Float(number) => serde_json::Number::from_f64(*number)?.into(),
        toml::Value::Boolean(flag) => (*flag).into(),
        toml::Value::Datetime(datetime) => datetime.to_string().into(),
        toml::Value::Array(items) => items.iter().map(json_value).collect::<Option<_>>()?,
        toml::Value::Table(table) => serde_json::Value::Object(
            table
                .iter()
                .map(|(key, item)| Some((key.clone(), json_value(item)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// A secret given inline or by file (trailing newline trimmed). Warns when the file is readable by others.
fn secret_value(
    inline: Option<&str>,
    file: Option<&Path>,
    what: &str,
) -> Result<Option<String>, ConfigError> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(ConfigError::Invalid(format!(
            "{what}: set the value or the file, not both"
        ))),
        (Some(value), None) => Ok(Some(value.to_owned())),
        (None, Some(path)) => {
            warn_if_world_readable(path);
            let value = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?;
            Ok(Some(value.trim_end_matches(['\r', '\n']).to_owned()))
        }
        (None, None) => Ok(None),
    }
}

/// Logs a warning when a secret file can be read by every user.
pub fn warn_if_world_readable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(path)
            && metadata.permissions().mode() & 0o004 != 0
        {
            tracing::warn!(path = %path.display(), "secret file is world-readable");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_config_parses() {
        let config = ServerConfig::parse(include_str!("../nauthera.demo.toml")).unwrap();
        assert_eq!(
            config.provider_config().unwrap().issuer_str(),
            "http://127.0.0.1:8080"
        );
        for client in &config.clients {
            client.to_client().unwrap();
        }
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let error = ServerConfig::parse(
            "version = 1\nissuer = \"https://x\"\nbogus = 1\n[storage]\nurl = \"sqlite::memory:\"",
        )
        .unwrap_err();
        assert!(error.to_string().contains("bogus"), "{error}");
    }

    #[test]
    fn limits_have_defaults_and_can_be_set() {
        let base = "version = 1\nissuer = \"https://x\"\n[storage]\nurl = \"sqlite::memory:\"\n";
        let config = ServerConfig::parse(base).unwrap();
        assert_eq!(
            config.limits.connection_limits(),
            ConnectionLimits::default()
        );
        let config =
            ServerConfig::parse(&format!("{base}[limits]\nrequest_timeout_secs = 5\n")).unwrap();
        let limits = config.limits.connection_limits();
        assert_eq!(limits.request_timeout, Duration::from_secs(5));
        assert_eq!(limits.header_read_timeout, Duration::from_secs(10));
        assert_eq!(limits.max_connections, 1024);
        for zero in [
            "header_read_timeout_secs",
            "request_timeout_secs",
            "max_connections",
        ] {
            let error = ServerConfig::parse(&format!("{base}[limits]\n{zero} = 0\n")).unwrap_err();
            assert!(error.to_string().contains(zero), "{error}");
        }
        let error = ServerConfig::parse(&format!("{base}[limits]\nidle_secs = 1\n")).unwrap_err();
        assert!(error.to_string().contains("idle_secs"), "{error}");
    }

    #[test]
    fn environment_overrides_file() {
        let mut config = ServerConfig::parse(include_str!("../nauthera.demo.toml")).unwrap();
        let env = HashMap::from([
            (
                "NAUTHERA_ISSUER".to_owned(),
                "https://id.example.com".to_owned(),
            ),
            (
                "NAUTHERA_STORAGE_URL".to_owned(),
                "sqlite::memory:".to_owned(),
            ),
        ]);
        config.apply_env(&env);
        assert_eq!(config.issuer, "https://id.example.com");
        assert_eq!(config.storage_url().unwrap(), "sqlite::memory:");
    }

    #[test]
    fn secrets_come_from_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "from-file\n").unwrap();
        let section = ClientSection {
            client_id: "c".into(),
            client_name: None,
            secret: None,
            secret_file: Some(path),
            auth_method: None,
            redirect_uris: vec!["https://rp.example/cb".into()],
            post_logout_redirect_uris: vec![],
            grant_types: None,
            scope: None,
            first_party: false,
            always_issue_refresh_token: false,
            id_token_signed_response_alg: None,
            claim_mapping: BTreeMap::new(),
            static_claims: BTreeMap::new(),
            access_token_groups: false,
        };
        let (client, secret) = section.to_client().unwrap();
        assert_eq!(secret.as_deref(), Some("from-file"));
        assert_eq!(client.auth_method, ClientAuthMethod::ClientSecretBasic);
    }

    /// The client rules are core's; the error names the client and the field.
    #[test]
    fn clients_are_checked_by_the_registration_rules() {
        let text = "version = 1\nissuer = \"https://x\"\n[storage]\nurl = \"sqlite::memory:\"\n\
            [[clients]]\nclient_id = \"web\"\nsecret = \"s\"\nredirect_uris = [\"https://rp.example/cb\"]\n";
        ServerConfig::parse(text).unwrap().clients[0]
            .to_client()
            .unwrap();
        type Mutation = fn(&mut ClientSection);
        let cases: [(Mutation, &str); 7] = [
            (
                |client| client.auth_method = Some(ClientAuthMethod::None),
                "client web: client_secret:",
            ),
            (
                |client| {
                    client.secret = None;
                    client.auth_method = Some(ClientAuthMethod::ClientSecretPost);
                },
                "client web: client_secret:",
            ),
            (
                |client| client.redirect_uris = vec!["https://rp.example/cb#x".into()],
                "client web: redirect_uris: [0]",
            ),
            (
                |client| client.id_token_signed_response_alg = Some("HS256".into()),
                "client web: id_token_signed_response_alg:",
            ),
            (
                |client| {
                    client.claim_mapping.insert("email".into(), "mail".into());
                },
                "client web: claim_mapping: claim email:",
            ),
            (
                |client| {
                    client.static_claims.insert("sub".into(), "x".into());
                },
                "client web: static_claims: claim sub:",
            ),
            (
                |client| client.access_token_groups = true,
                "client web: access_token_groups:",
            ),
        ];
        for (mutate, expected) in cases {
            let mut config = ServerConfig::parse(text).unwrap();
            mutate(&mut config.clients[0]);
            let error = config.clients[0].to_client().unwrap_err();
            assert!(error.to_string().contains(expected), "{error}");
        }
    }

    #[test]
    fn claim_settings_reach_the_client() {
        let text = "version = 1\nissuer = \"https://x\"\n[storage]\nurl = \"sqlite::memory:\"\n\
            [[clients]]\nclient_id = \"web\"\nsecret = \"s\"\nredirect_uris = [\"https://rp.example/cb\"]\n\
            scope = \"openid groups\"\n\
            claim_mapping = { department = \"department\", \"https://example.com/team\" = \"team\" }\n\
            static_claims = { tenant = \"acme\", tier = 2, regions = [\"eu\"], since = 2024-05-01 }\n\
            access_token_groups = true\n";
        let (client, _) = ServerConfig::parse(text).unwrap().clients[0]
            .to_client()
            .unwrap();
        assert_eq!(client.claim_mapping["https://example.com/team"], "team");
        assert_eq!(
            serde_json::to_value(&client.static_claims).unwrap(),
            serde_json::json!({ "tenant": "acme", "tier": 2, "regions": ["eu"], "since": "2024-05-01" })
        );
        assert!(client.access_token_groups);
        let error = ServerConfig::parse(&text.replace("tier = 2", "tier = nan"))
            .unwrap()
            .clients[0]
            .to_client()
            .unwrap_err();
        assert!(
            error.to_string().contains("static_claims: claim tier"),
            "{error}"
        );
    }

    /// The configuration the Kubernetes operator renders into its ConfigMap must be accepted as it is, with the
    /// storage and cache URLs from the environment.
    #[test]
    fn operator_rendered_config_is_accepted() {
        let rendered = include_str!("../../../deploy/examples/rendered/nauthera.yaml");
        let mut lines = rendered
            .lines()
            .skip_while(|line| !line.trim_start().starts_with("nauthera.toml: |"));
        let header = lines.next().unwrap();
        let indent = header.len() - header.trim_start().len() + 2;
        let toml: String = lines
            .take_while(|line| line.is_empty() || line.len() - line.trim_start().len() >= indent)
            .map(|line| format!("{}\n", line.get(indent..).unwrap_or_default()))
            .collect();
        let mut config = ServerConfig::parse(&toml).unwrap();
        let env = HashMap::from([
            (
                "NAUTHERA_STORAGE_URL".to_owned(),
                "postgres://nauthera@db/nauthera".to_owned(),
            ),
            (
                "NAUTHERA_CACHE_URL".to_owned(),
                "redis://cache:6379".to_owned(),
            ),
        ]);
        config.apply_env(&env);
        assert_eq!(
            config.provider_config().unwrap().issuer_str(),
            "https://login.example.com"
        );
        assert_eq!(
            config.storage_url().unwrap(),
            "postgres://nauthera@db/nauthera"
        );
        assert_eq!(
            config.cache_url().unwrap().as_deref(),
            Some("redis://cache:6379")
        );
        assert!(config.admin.is_some());
        assert!(!config.storage.migrate_on_start);
    }
}
