//! Assembling the server: store, provider, configured clients and users, HTTP service, background maintenance.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use nauthera_core::flows::admin::{ClientSecretChange, Ownership};
use nauthera_core::secret::{ClientSecret, Password};
use nauthera_core::user::UserClaims;
use nauthera_core::{Clock, KeySource, MemoryCache, Provider, SystemClock};
use nauthera_http::HttpOptions;
use nauthera_storage::{
    AnyCache, DieselStore, KeyEncryptionKey, RedisCache, RedisCacheConfig, SentinelConfig,
    StoreOptions, Tls,
};

use tokio::net::TcpListener;

use crate::config::{ConfigError, ServerConfig};
use crate::listener::ConnectionLimits;
use crate::pem;

/// The provider as the reference server assembles it.
pub type ServerProvider = Provider<DieselStore, AnyCache>;

/// How often keys are re-read from the store (to pick up rotations by other processes).
const KEY_RELOAD_INTERVAL: Duration = Duration::from_secs(60);
/// How often expired codes, tokens and revocations are purged.
const PURGE_INTERVAL: Duration = Duration::from_secs(600);

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store could not be opened.
    #[error("storage: {0}")]
    Storage(#[from] nauthera_core::StorageError),
    /// The provider could not be assembled.
    #[error("provider: {0}")]
    Provider(#[from] nauthera_core::Error),
    /// Serving failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// The admin API failed.
    #[error("admin API: {0}")]
    Admin(#[from] nauthera_admin::AdminError),
    /// An administrative command was refused: it names a user that does not exist, or the admin API said no.
    #[error("{0}")]
    Refused(String),
}

/// Opens the store, builds the provider, and registers the configured clients and users.
///
/// # Errors
/// See [`ServerError`].
pub async fn provider(config: &ServerConfig) -> Result<Arc<ServerProvider>, ServerError> {
    provider_with_clock(config, Arc::new(SystemClock)).await
}

/// [`provider`] with another clock (tests and simulations).
///
/// # Errors
/// See [`ServerError`].
pub async fn provider_with_clock(
    config: &ServerConfig,
    clock: Arc<dyn Clock>,
) -> Result<Arc<ServerProvider>, ServerError> {
    let url = config.storage_url()?;
    if let Some(path) = url.strip_prefix("sqlite://")
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let store = DieselStore::open_with(&url, &store_options(config)?).await?;
    if store.is_postgres()
        && config.storage.key_encryption_key_file.is_none()
        && config.keys.files.is_empty()
    {
        tracing::warn!(
            "private signing keys are stored unencrypted in PostgreSQL: set storage.key_encryption_key_file"
        );
    }
    let mut builder = Provider::builder(config.provider_config()?, store)
        .clock(clock)
        .cache(cache(config).await?);
    if !config.keys.files.is_empty() {
        builder = builder.key_source(KeySource::Static(pem::load_keys(&config.keys.files)?));
    }
    let provider = builder.build().await?;
    register_configured(&provider, config).await?;
    Ok(Arc::new(provider))
}

/// The store settings of the configuration.
///
/// # Errors
/// [`ConfigError`] for an unknown TLS mode or an unreadable key-encryption key file.
pub fn store_options(config: &ServerConfig) -> Result<StoreOptions, ConfigError> {
    let section = &config.storage;
    let mut options = StoreOptions::default()
        .with_pool_size(section.pool_size)
        .with_run_migrations(section.migrate_on_start);
    if let Some(seconds) = section.connect_timeout_secs {
        options = options.with_connection_timeout(Duration::from_secs(seconds));
    }
    let tls = match section.tls.as_deref() {
        None => Tls::FromUrl,
        Some("disable") => Tls::Disable,
        Some("require") => Tls::Require {
            ca_file: section.ca_file.clone(),
        },
        Some(other) => {
            return Err(ConfigError::Invalid(format!(
                "storage.tls: unknown mode {other}"
            )));
        }
    };
    options = options.with_tls(tls);
    if let Some(path) = &section.key_encryption_key_file {
        crate::config::warn_if_world_readable(path);
        let key = KeyEncryptionKey::from_file(path).map_err(|error| {
            ConfigError::Invalid(format!("storage.key_encryption_key_file: {error}"))
        })?;
        options = options.with_key_encryption(key);
    }
    Ok(options)
}

/// The cache of the configuration: Redis/Valkey when a URL is set, else a per-replica memory cache.
async fn cache(config: &ServerConfig) -> Result<AnyCache, ServerError> {
    let Some(url) = config.cache_url()? else {
        return Ok(AnyCache::Memory(MemoryCache::default()));
    };
    let section = &config.cache;
    let mut cache = RedisCacheConfig::new(url);
    if let Some(prefix) = &section.key_prefix {
        cache.key_prefix.clone_from(prefix);
    }
    if let Some(millis) = section.operation_timeout_ms {
        cache.operation_timeout = Duration::from_millis(millis);
    }
    if let Some(seconds) = section.local_ttl_secs {
        cache.l1_ttl_cap = Duration::from_secs(seconds);
    }
    if let Some(master) = &section.sentinel_master {
        cache.sentinel = Some(SentinelConfig::new(
            master.clone(),
            section.sentinel_nodes.clone(),
        ));
    }
    Ok(AnyCache::Redis(RedisCache::connect(cache).await?))
}

async fn register_configured(
    provider: &ServerProvider,
    config: &ServerConfig,
) -> Result<(), ServerError> {
    for section in &config.clients {
        let (client, secret) = section.to_client()?;
        // A public client has no secret: apply_client keeps none whatever it is told.
        let secret = match secret {
            Some(secret) => ClientSecretChange::Set(ClientSecret::new(secret)),
            None => ClientSecretChange::Keep,
        };
        provider
            .apply_client(client, secret, Ownership::Override)
            .await?;
    }
    for section in &config.users {
        let password = Password::new(section.password()?);
        let mut claims = UserClaims::default();
        claims.name.clone_from(&section.name);
        claims.given_name.clone_from(&section.given_name);
        claims.family_name.clone_from(&section.family_name);
        claims.email.clone_from(&section.email);
        claims.email_verified = section.email_verified;
        // Idempotent: nothing is written (and no session ends) when the user is unchanged.
        provider
            .upsert_user(&section.username, &password, claims)
            .await?;
    }
    Ok(())
}

/// Serves the provider on `listener` until `shutdown` completes, then drains in-flight requests.
///
/// # Errors
/// See [`ServerError`].
pub async fn run(
    config: ServerConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let provider = provider(&config).await?;
    let http = http_options(&config)?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let admin = config.admin.map(|section| {
        let provider = Arc::clone(&provider);
        let stopped = stopped.clone();
        tokio::spawn(async move {
            crate::admin::serve_admin(provider, &section, stopping(stopped)).await
        })
    });
    let limits = config.limits.connection_limits();
    let served = serve_with(provider, listener, limits, http, stopping(stopped)).await;
    if let Some(admin) = admin {
        admin.await.map_err(std::io::Error::other)??;
    }
    served
}

/// The HTTP layer's options of the configuration (the trusted proxies).
///
/// # Errors
/// [`ConfigError::Invalid`] for a trusted proxy that is not an address or CIDR block.
pub fn http_options(config: &ServerConfig) -> Result<HttpOptions, ConfigError> {
    let mut http = HttpOptions::default();
    http.trusted_proxies = config.throttle.trusted_proxies()?;
    Ok(http)
}

/// Completes when the shutdown signal has been sent (or its sender is gone).
async fn stopping(mut stopped: tokio::sync::watch::Receiver<bool>) {
    while !*stopped.borrow_and_update() {
        if stopped.changed().await.is_err() {
            return;
        }
    }
}

/// Serves an assembled provider on `listener` within `limits` until `shutdown` completes, then drains in-flight
/// requests (see [`crate::listener`]).
///
/// # Errors
/// See [`ServerError`].
pub async fn serve(
    provider: Arc<ServerProvider>,
    listener: TcpListener,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    serve_with(provider, listener, limits, HttpOptions::default(), shutdown).await
}

/// [`serve`] with the HTTP layer's options (trusted proxies, body limit).
///
/// # Errors
/// See [`ServerError`].
pub async fn serve_with(
    provider: Arc<ServerProvider>,
    listener: TcpListener,
    limits: ConnectionLimits,
    http: HttpOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let app = nauthera_http::router(Arc::clone(&provider), http);
    let maintenance = tokio::spawn(maintain(Arc::clone(&provider)));
    tracing::info!(issuer = provider.config().issuer_str(), address = %listener.local_addr()?, "serving");
    crate::listener::serve_limited(listener, app, limits, shutdown).await;
    maintenance.abort();
    tracing::info!("stopped");
    Ok(())
}

/// Reloads keys and purges expired rows, forever.
async fn maintain(provider: Arc<ServerProvider>) {
    let mut reload = tokio::time::interval(KEY_RELOAD_INTERVAL);
    let mut purge = tokio::time::interval(PURGE_INTERVAL);
    loop {
        tokio::select! {
            _ = reload.tick() => {
                if let Err(error) = provider.reload_keys().await {
                    tracing::warn!(error = %error, "reloading signing keys failed");
                }
            }
            _ = purge.tick() => {
                match provider.purge_expired().await {
                    Ok(0) => {}
                    Ok(purged) => tracing::info!(purged, "purged expired rows"),
                    Err(error) => tracing::warn!(error = %error, "purging expired rows failed"),
                }
            }
        }
    }
}
