//! The provider: configuration, storage, cache, keys, clock and randomness, assembled once and shared.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use crate::cache::{Cache, MemoryCache};
use crate::client::Client;
use crate::config::ProviderConfig;
use crate::discovery;
use crate::error::{Error, ErrorCode};
use crate::keys::{KeySet, StoredKey, StoredSecret};
use crate::password::PasswordHasher;
use crate::random::{Random, SystemRandom};
use crate::session::{BrowserSession, SessionKeys};
use crate::sign_in::{LocalPasswords, UserSource};
use crate::storage::{RevocationKey, Storage};
use crate::throttle::LocalThrottle;
use crate::time::{Clock, SystemClock, UnixTime};
use crate::types::ClientId;

/// Where signing keys come from.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeySource {
    /// Keys live in the store; missing keys are generated on first start and rotated with
    /// [`Provider::rotate_keys`].
    Store,
    /// Keys are given (for example loaded from PEM files by the binary) and never stored.
    Static(Vec<StoredKey>),
}

/// Builds a [`Provider`]. The configuration and the store are mandatory; the rest has defaults.
pub struct ProviderBuilder<S, C = MemoryCache> {
    config: ProviderConfig,
    storage: S,
    cache: C,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    key_source: KeySource,
    user_sources: Vec<Arc<dyn UserSource>>,
}

impl<S, C> std::fmt::Debug for ProviderBuilder<S, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderBuilder")
            .field("issuer", &self.config.issuer_str())
            .finish_non_exhaustive()
    }
}

impl<S: Storage> ProviderBuilder<S, MemoryCache> {
    fn new(config: ProviderConfig, storage: S) -> Self {
        Self {
            config,
            storage,
            cache: MemoryCache::default(),
            clock: Arc::new(SystemClock),
            random: Arc::new(SystemRandom::new()),
            key_source: KeySource::Store,
            user_sources: vec![Arc::new(LocalPasswords)],
        }
    }
}

impl<S: Storage, C: Cache> ProviderBuilder<S, C> {
    /// Uses another cache (a shared Redis/Valkey cache, or [`crate::cache::NoCache`]).
    pub fn cache<C2: Cache>(self, cache: C2) -> ProviderBuilder<S, C2> {
        ProviderBuilder {
            config: self.config,
            storage: self.storage,
            cache,
            clock: self.clock,
            random: self.random,
            key_source: self.key_source,
            user_sources: self.user_sources,
        }
    }

    /// Uses another clock (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Uses another random source (tests).
    pub fn random(mut self, random: Arc<dyn Random>) -> Self {
        self.random = random;
        self
    }

    /// Chooses where signing keys come from (default: the store).
    pub fn key_source(mut self, key_source: KeySource) -> Self {
        self.key_source = key_source;
        self
    }

    /// Sets the user sources sign-in asks, in order (default: the local password store only).
    pub fn user_sources(mut self, user_sources: Vec<Arc<dyn UserSource>>) -> Self {
        self.user_sources = user_sources;
        self
    }

    /// Loads (or on first start creates) the signing keys and the session secret, and starts the
    /// password-hashing workers.
    ///
    /// # Errors
    /// Storage failures, and [`Error::Crypto`] when keys do not parse, a required algorithm has no key, or
    /// the hashing threads cannot start.
    pub async fn build(self) -> Result<Provider<S, C>, Error> {
        let now = self.clock.now();
        let session_keys =
            ensure_session_keys(&self.storage, &self.config, &*self.random, now).await?;
        let static_keys = match self.key_source {
            KeySource::Store => {
                ensure_keys(&self.storage, &self.config, &*self.random, now).await?;
                None
            }
            KeySource::Static(keys) => Some(keys),
        };
        let stored = match &static_keys {
            Some(keys) => keys.clone(),
            None => self.storage.list_keys().await?,
        };
        let (set, document) = published_keys(&self.config, &stored, now)?;
        Ok(Provider {
            password_hasher: PasswordHasher::start(&self.config.password_hashing)?,
            throttle: LocalThrottle::default(),
            user_sources: self.user_sources,
            session_keys: RwLock::new(Arc::new(session_keys)),
            keys: RwLock::new(Arc::new(set)),
            last_triggered_reload: Mutex::new(None),
            local_clients: crate::cached::LocalClients::default(),
            discovery: RwLock::new(document),
            config: self.config,
            storage: self.storage,
            cache: self.cache,
            clock: self.clock,
            random: self.random,
            static_keys,
        })
    }
}

/// Creates a key for every required algorithm that has none active (first start).
async fn ensure_keys<S: Storage>(
    storage: &S,
    config: &ProviderConfig,
    random: &dyn Random,
    now: UnixTime,
) -> Result<(), Error> {
    let stored = storage.list_keys().await?;
    for algorithm in KeySet::required_algorithms(config.signing_algorithm) {
        let has_active = stored
            .iter()
            .any(|key| key.algorithm == algorithm && key.retired_at.is_none());
        if !has_active {
            let key = StoredKey::generate(algorithm, random, now)?;
            storage.insert_key_if_none_active(algorithm, &key).await?;
        }
    }
    Ok(())
}

/// Creates the session secret on first start (replicas may race: the first wins) and derives the keys.
async fn ensure_session_keys<S: Storage>(
    storage: &S,
    config: &ProviderConfig,
    random: &dyn Random,
    now: UnixTime,
) -> Result<SessionKeys, Error> {
    let stored = storage.list_secrets(SessionKeys::PURPOSE).await?;
    if stored.iter().any(|secret| secret.retired_at.is_none()) {
        return SessionKeys::from_stored(&stored, now, config.session_lifetime);
    }
    let secret = StoredSecret::generate(SessionKeys::PURPOSE, random, now)?;
    storage.insert_secret_if_none_active(&secret).await?;
    let stored = storage.list_secrets(SessionKeys::PURPOSE).await?;
    SessionKeys::from_stored(&stored, now, config.session_lifetime)
}

/// Parses the stored keys and renders the discovery document that advertises them.
fn published_keys(
    config: &ProviderConfig,
    stored: &[StoredKey],
    now: UnixTime,
) -> Result<(KeySet, Arc<str>), Error> {
    let set = KeySet::from_stored(
        stored,
        config.signing_algorithm,
        now,
        config.longest_token_lifetime(),
    )?;
    let document = discovery::document(config, &set);
    let document =
        serde_json::to_string(&document).map_err(|_| Error::Crypto("discovery serialization"))?;
    Ok((set, Arc::from(document)))
}

/// The OAuth 2.0 / OpenID Connect provider. Endpoint flows are methods on it, in [`crate::flows`].
pub struct Provider<S, C = MemoryCache> {
    pub(crate) config: ProviderConfig,
    pub(crate) storage: S,
    pub(crate) cache: C,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn Random>,
    /// The bounded pool that hashes and verifies passwords.
    pub(crate) password_hasher: PasswordHasher,
    /// In-process failure counts (see [`crate::throttle`]).
    pub(crate) throttle: LocalThrottle,
    /// The user sources sign-in asks, in order.
    pub(crate) user_sources: Vec<Arc<dyn UserSource>>,
    session_keys: RwLock<Arc<SessionKeys>>,
    keys: RwLock<Arc<KeySet>>,
    /// When a token naming an unknown key last triggered a key reload (monotonic clock).
    pub(crate) last_triggered_reload: Mutex<Option<Instant>>,
    /// Decoded clients, when the cache is per-replica (see [`crate::cached`]).
    pub(crate) local_clients: crate::cached::LocalClients,
    discovery: RwLock<Arc<str>>,
    static_keys: Option<Vec<StoredKey>>,
}

impl<S: Storage> Provider<S, MemoryCache> {
    /// Starts building a provider for `config` over `storage`.
    pub fn builder(config: ProviderConfig, storage: S) -> ProviderBuilder<S, MemoryCache> {
        ProviderBuilder::new(config, storage)
    }
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// The configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// Deletes expired codes, refresh tokens and revocations (run it periodically); returns how many went.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn purge_expired(&self) -> Result<u64, Error> {
        Ok(self.storage.purge_expired(self.now()).await?)
    }

    /// Whether the store answers: the readiness probe.
    ///
    /// # Errors
    /// The storage failure.
    pub async fn ready(&self) -> Result<(), Error> {
        self.storage
            .find_client(&ClientId::new("readiness-probe"))
            .await?;
        Ok(())
    }

    /// The cache.
    pub fn cache(&self) -> &C {
        &self.cache
    }

    /// The current time.
    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }

    /// The random source.
    pub fn random(&self) -> &dyn Random {
        &*self.random
    }

    /// The keys that sign sessions, interactions and CSRF tokens.
    pub fn session_keys(&self) -> Arc<SessionKeys> {
        match self.session_keys.read() {
            Ok(keys) => Arc::clone(&keys),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The current key set.
    pub fn keys(&self) -> Arc<KeySet> {
        match self.keys.read() {
            Ok(keys) => Arc::clone(&keys),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The JWKS document, serialized.
    ///
    /// # Errors
    /// [`Error::Crypto`] when serialization fails.
    pub fn jwks_json(&self) -> Result<String, Error> {
        serde_json::to_string(self.keys().jwks()).map_err(|_| Error::Crypto("jwks serialization"))
    }

    /// The OpenID Connect discovery document (also served as RFC 8414 metadata), serialized.
    pub fn discovery_json(&self) -> Arc<str> {
        match self.discovery.read() {
            Ok(document) => Arc::clone(&document),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Re-reads the signing keys and session secrets (after a rotation by another process) and rebuilds the
    /// published documents.
    ///
    /// # Errors
    /// Storage failures, and [`Error::Crypto`] when a key does not parse or a required algorithm has no key.
    pub async fn reload_keys(&self) -> Result<(), Error> {
        let stored = match &self.static_keys {
            Some(keys) => keys.clone(),
            None => self.storage.list_keys().await?,
        };
        let now = self.now();
        let (set, document) = published_keys(&self.config, &stored, now)?;
        if let Ok(mut keys) = self.keys.write() {
            *keys = Arc::new(set);
        }
        if let Ok(mut discovery) = self.discovery.write() {
            *discovery = document;
        }
        // Signing keys are in place whatever happens to the session secrets: a failure here keeps the session
        // keys this replica has.
        let secrets = self.storage.list_secrets(SessionKeys::PURPOSE).await?;
        let session_keys = SessionKeys::from_stored(&secrets, now, self.config.session_lifetime)?;
        if let Ok(mut keys) = self.session_keys.write() {
            *keys = Arc::new(session_keys);
        }
        Ok(())
    }

    /// Runs `check` with the session keys. When it fails, the keys may be stale (another replica rotated the
    /// session secret and signed with the new one): they are reloaded, at most once per few seconds, and
    /// `check` runs again.
    pub(crate) async fn with_session_keys<T>(
        &self,
        check: impl Fn(&SessionKeys) -> Option<T>,
    ) -> Option<T> {
        if let Some(found) = check(&self.session_keys()) {
            return Some(found);
        }
        if !self.key_reload_allowed() {
            return None;
        }
        if let Err(error) = self.reload_keys().await {
            tracing::warn!(error = %error, "reloading keys after an unknown session key failed");
            return None;
        }
        check(&self.session_keys())
    }

    /// Generates a new session secret and a new key for every required algorithm, and retires the previous
    /// ones: retired signing keys stay published until tokens they signed expire, and a retired session secret
    /// still verifies until the sessions it signed expire. Returns the new key ids (the session secret's
    /// first, as `session-<id>`).
    ///
    /// # Errors
    /// `invalid_request` when signing keys come from files (the session secret is rotated all the same);
    /// storage and crypto failures.
    pub async fn rotate_keys(&self) -> Result<Vec<String>, Error> {
        let secret = StoredSecret::generate(SessionKeys::PURPOSE, &*self.random, self.now())?;
        self.storage.rotate_secret(&secret, self.now()).await?;
        tracing::info!(target: "nauthera::audit", id = %secret.id, "session secret rotated");
        let mut kids = vec![format!("session-{}", secret.id)];
        if self.static_keys.is_some() {
            self.reload_keys().await?;
            return Err(Error::invalid_request(
                "signing keys are loaded from files; replace the files to rotate",
            ));
        }
        for algorithm in KeySet::required_algorithms(self.config.signing_algorithm) {
            let key = StoredKey::generate(algorithm, &*self.random, self.now())?;
            self.storage.rotate_key(&key, self.now()).await?;
            tracing::info!(target: "nauthera::audit", kid = %key.kid, alg = algorithm.as_str(), "signing key rotated");
            kids.push(key.kid);
        }
        self.reload_keys().await?;
        Ok(kids)
    }

    /// The client with this id, through the cache.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn find_client(&self, client_id: &ClientId) -> Result<Option<Client>, Error> {
        Ok(self
            .client(client_id)
            .await?
            .map(|client| Client::clone(&client)))
    }

    /// Registers or replaces a client.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn upsert_client(&self, client: &Client) -> Result<(), Error> {
        self.storage.upsert_client(client).await?;
        self.invalidate_client(&client.client_id).await;
        Ok(())
    }

    /// Removes a client; returns whether it existed.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn delete_client(&self, client_id: &ClientId) -> Result<bool, Error> {
        let existed = self.storage.delete_client(client_id).await?;
        self.invalidate_client(client_id).await;
        Ok(existed)
    }

    /// Verifies a session cookie: signature, issuer, expiry, that it was not ended by logout, and that its user
    /// still exists, is enabled and has not ended every session since (password change, disabling).
    ///
    /// # Errors
    /// Storage failures.
    pub async fn verify_session(&self, cookie: &str) -> Result<Option<BrowserSession>, Error> {
        let (issuer, now) = (self.config.issuer_str(), self.now());
        let Some(session) = self
            .with_session_keys(|keys| keys.verify_session(cookie, issuer, now))
            .await
        else {
            return Ok(None);
        };
        let ended = self
            .is_revoked(&[RevocationKey::Session(session.sid.clone())])
            .await?;
        if ended {
            return Ok(None);
        }
        let belongs = self
            .find_user(&session.sub)
            .await?
            .is_some_and(|user| user.accepts_session(session.auth_time));
        Ok(belongs.then_some(session))
    }

    /// A unauthorized-client error for a client that may not use a grant type.
    pub(crate) fn unauthorized(description: &'static str) -> Error {
        Error::protocol(ErrorCode::UnauthorizedClient, description)
    }
}

impl<S, C> std::fmt::Debug for Provider<S, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("issuer", &self.config.issuer_str())
            .finish_non_exhaustive()
    }
}
