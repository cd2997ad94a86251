//! Reads through the cache and writes that invalidate it.
//!
//! Verified access-token claims are cached always (a signature, once valid, stays valid).
//! Clients are cached always (for at most [`LOCAL_CLIENT_TTL`] when the cache is per-replica, so another
//! replica's change is seen within that bound). Revocation status and users are cached only when the cache is
//! shared by every replica ([`Cache::is_shared`]), because a stale per-replica entry would let a revoked token
//! or an ended session through on another replica. Private key material is never cached: each replica keeps
//! its keys parsed in memory and reloads them from the store.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::cache::Cache;
use crate::client::Client;
use crate::error::Error;
use crate::keys::key_set::VerifiedJwt;
use crate::messages::AccessTokenClaims;
use crate::provider::Provider;
use crate::secret::TokenDigest;
use crate::storage::{RevocationKey, Storage};
use crate::time::UnixTime;
use crate::types::ClientId;
use crate::types::Subject;
use crate::user::User;

/// How long a client stays cached in a shared cache (writes invalidate it on every replica).
pub(crate) const SHARED_CLIENT_TTL: Duration = Duration::from_secs(300);
/// How long a client stays cached in a per-replica cache: the bound on seeing another replica's change.
pub(crate) const LOCAL_CLIENT_TTL: Duration = Duration::from_secs(10);
/// The most clients the per-replica copy holds before it starts over.
const LOCAL_CLIENT_CAPACITY: usize = 10_000;
/// How long a user stays cached in a shared cache.
const USER_TTL: Duration = Duration::from_secs(300);
/// The longest a verified access token's claims stay cached.
const VERIFIED_JWT_TTL: Duration = Duration::from_secs(300);
/// How long a revocation status stays cached in a shared cache.
const REVOCATION_TTL: Duration = Duration::from_secs(300);
/// The shortest interval between two key reloads triggered by tokens naming an unknown key (a throttle on
/// store reads, so it runs on the monotonic clock, not on the injected protocol clock).
const UNKNOWN_KID_RELOAD_INTERVAL: Duration = Duration::from_secs(5);

const REVOKED: &[u8] = b"1";
const NOT_REVOKED: &[u8] = b"0";

impl<S: Storage, C: Cache> Provider<S, C> {
    /// The client with this id: from the per-replica copy of decoded clients when the cache is per-replica
    /// (no decoding on the hot path of the token endpoint), else through the shared cache.
    ///
    /// # Errors
    /// Storage failures.
    pub(crate) async fn client(&self, client_id: &ClientId) -> Result<Option<Arc<Client>>, Error> {
        if !self.cache.is_shared() {
            if let Ok(clients) = self.local_clients.read()
                && let Some((client, loaded)) = clients.get(client_id)
                && loaded.elapsed() < LOCAL_CLIENT_TTL
            {
                return Ok(Some(Arc::clone(client)));
            }
            let client = self.storage.find_client(client_id).await?.map(Arc::new);
            if let Some(client) = &client
                && let Ok(mut clients) = self.local_clients.write()
            {
                if clients.len() >= LOCAL_CLIENT_CAPACITY {
                    clients.clear();
                }
                clients.insert(client_id.clone(), (Arc::clone(client), Instant::now()));
            }
            return Ok(client);
        }
        let key = client_cache_key(client_id);
        if let Some(bytes) = self.cache.get(&key).await
            && let Ok(client) = serde_json::from_slice::<Client>(&bytes)
        {
            return Ok(Some(Arc::new(client)));
        }
        let client = self.storage.find_client(client_id).await?;
        if let Some(client) = &client
            && let Ok(bytes) = serde_json::to_vec(client)
        {
            self.cache.put(&key, &bytes, SHARED_CLIENT_TTL).await;
        }
        Ok(client.map(Arc::new))
    }

    /// Drops a client's cached copies, on every replica for a shared cache.
    pub(crate) async fn invalidate_client(&self, client_id: &ClientId) {
        if let Ok(mut clients) = self.local_clients.write() {
            clients.remove(client_id);
        }
        self.cache.invalidate(&client_cache_key(client_id)).await;
    }

    /// Whether any of `keys` is revoked, through the shared cache when there is one.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn is_revoked(&self, keys: &[RevocationKey]) -> Result<bool, Error> {
        if !self.cache.is_shared() {
            return Ok(self.storage.is_revoked(keys).await?);
        }
        for key in keys {
            let cache_key = revocation_cache_key(key);
            let revoked = match self.cache.get(&cache_key).await {
                Some(value) => value == REVOKED,
                None => {
                    let revoked = self.storage.is_revoked(std::slice::from_ref(key)).await?;
                    let value = if revoked { REVOKED } else { NOT_REVOKED };
                    self.cache.put(&cache_key, value, REVOCATION_TTL).await;
                    revoked
                }
            };
            if revoked {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Records a revocation in the store and invalidates its cached status on every replica.
    ///
    /// # Errors
    /// Storage failures.
    pub(crate) async fn record_revocation(
        &self,
        key: &RevocationKey,
        expires_at: UnixTime,
    ) -> Result<(), Error> {
        self.storage.revoke(key, expires_at).await?;
        self.cache.invalidate(&revocation_cache_key(key)).await;
        Ok(())
    }

    /// The user with this subject, through the shared cache when there is one.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn find_user(&self, subject: &Subject) -> Result<Option<User>, Error> {
        if !self.cache.is_shared() {
            return Ok(self.storage.find_user(subject).await?);
        }
        let key = user_cache_key(subject);
        if let Some(bytes) = self.cache.get(&key).await
            && let Ok(user) = serde_json::from_slice::<User>(&bytes)
        {
            return Ok(Some(user));
        }
        let user = self.storage.find_user(subject).await?;
        if let Some(user) = &user
            && let Ok(bytes) = serde_json::to_vec(user)
        {
            self.cache.put(&key, &bytes, USER_TTL).await;
        }
        Ok(user)
    }

    /// Drops a user's cached copy on every replica.
    pub(crate) async fn invalidate_user(&self, subject: &Subject) {
        self.cache.invalidate(&user_cache_key(subject)).await;
    }

    /// Verifies a JWT against the published keys; a token naming a key this replica does not know yet (rotated
    /// by another process) triggers a reload, at most once per few seconds.
    ///
    /// # Errors
    /// Storage failures while reloading keys.
    pub async fn verify_jwt(&self, token: &str) -> Result<Option<VerifiedJwt>, Error> {
        let keys = self.keys();
        if let Some(verified) = keys.verify(token) {
            return Ok(Some(verified));
        }
        if !keys.is_unknown_kid(token) || !self.key_reload_allowed() {
            return Ok(None);
        }
        self.reload_keys().await?;
        Ok(self.keys().verify(token))
    }

    /// Whether enough time passed since the last triggered reload to trigger another; records this one.
    pub(crate) fn key_reload_allowed(&self) -> bool {
        let Ok(mut last) = self.last_triggered_reload.lock() else {
            return false;
        };
        if last.is_some_and(|at| at.elapsed() < UNKNOWN_KID_RELOAD_INTERVAL) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }

    /// The claims of an access token whose signature and `typ` were verified, through the cache: a token's
    /// signature verifies forever once it has (keys stay published until their tokens expire), so the result
    /// is cached under the token's digest until the token expires. Expiry and revocation are the caller's.
    ///
    /// # Errors
    /// Storage failures while reloading keys.
    pub(crate) async fn verified_access_token_claims(
        &self,
        token: &str,
    ) -> Result<Option<AccessTokenClaims>, Error> {
        let cache_key = format!("verified-jwt:{}", TokenDigest::of(token).as_str());
        if let Some(bytes) = self.cache.get(&cache_key).await
            && let Ok(claims) = serde_json::from_slice::<AccessTokenClaims>(&bytes)
        {
            return Ok(Some(claims));
        }
        let Some(jwt) = self.verify_jwt(token).await? else {
            return Ok(None);
        };
        if jwt.typ.as_deref() != Some("at+jwt") {
            return Ok(None);
        }
        let Ok(claims) = serde_json::from_value::<AccessTokenClaims>(jwt.claims) else {
            return Ok(None);
        };
        let remaining = claims.exp.seconds() - self.now().seconds();
        if remaining > 0
            && let Ok(bytes) = serde_json::to_vec(&claims)
        {
            let ttl =
                Duration::from_secs(u64::try_from(remaining).unwrap_or(0)).min(VERIFIED_JWT_TTL);
            self.cache.put(&cache_key, &bytes, ttl).await;
        }
        Ok(Some(claims))
    }
}

/// The per-replica copy of decoded clients, with when each was loaded.
pub(crate) type LocalClients = RwLock<HashMap<ClientId, (Arc<Client>, Instant)>>;

fn client_cache_key(client_id: &ClientId) -> String {
    format!("client:{client_id}")
}

fn revocation_cache_key(key: &RevocationKey) -> String {
    format!("revoked:{}", key.storage_key())
}

fn user_cache_key(subject: &Subject) -> String {
    format!("user:{subject}")
}
