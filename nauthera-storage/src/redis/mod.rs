//! [`RedisCache`]: the shared, two-tier cache for replicated deployments (Redis or Valkey).
//!
//! - **L1**, in process: a [`MemoryCache`](nauthera_core::MemoryCache) whose entries live at most
//!   [`l1_ttl_cap`](RedisCacheConfig::l1_ttl_cap) (and never longer than they have left in Redis).
//! - **L2**, Redis: through a bounded bb8 pool, every key under `<key_prefix>:`, values with a TTL
//!   (`SET … PX`).
//!
//! ## Invalidation across replicas, and its bound
//! [`invalidate`](nauthera_core::Cache::invalidate) drops the key from L1, replaces it in Redis by a short
//! tombstone (so a value read from the store before the write cannot be cached after it), and publishes the key
//! on `<key_prefix>:invalidate`. Every `RedisCache` runs a subscriber task that drops announced keys from its
//! L1. [`put`](nauthera_core::Cache::put) publishes too, so other replicas drop an older copy instead of keeping
//! it until their L1 entry expires. A replica sees another's invalidation **as soon as the message arrives**;
//! if messages are lost (the subscription was down), **at worst after `l1_ttl_cap`** (default 5 s), and as
//! soon as the subscription is back, which clears L1. Values read from Redis are not put into L1 when an
//! invalidation arrived while they were being read.
//!
//! ## Without Redis
//! Redis is optional at every moment: [`RedisCache::connect`] succeeds while Redis is down (connections are
//! opened lazily, in the background), each operation is bounded by
//! [`operation_timeout`](RedisCacheConfig::operation_timeout) (default 50 ms), and a failure is a miss or a
//! no-op. The outage is logged once (`warn`) and the recovery once (`info`), never per request; while Redis is
//! down, L1 keeps serving and one operation per half second probes Redis, so the cache recovers by itself.
//! Invalidations that could not reach Redis are replayed when it returns.
//!
//! ## Counters
//! [`increment`](nauthera_core::Cache::increment) counts in Redis only, never in L1, so every replica adds to
//! the same count (throttling); the count expires its TTL after the last increment, and invalidating the key
//! forgets it. While Redis is unreachable it returns `None`, and callers count in process.

mod config;
mod connector;
mod health;
mod l1;
mod pending;
mod remote;
mod subscriber;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher as _;
use std::sync::Arc;
use std::time::Duration;

use nauthera_core::{Cache, StorageError};

pub use config::{RedisCacheConfig, SentinelConfig};
use connector::{Connector, Manager};
use health::Transition;
use l1::L1;
use remote::Remote;
use subscriber::Subscriber;

/// The shared two-tier cache: in-process L1 in front of Redis, invalidated on every replica through pub/sub.
///
/// Cloning is cheap and clones share both tiers. See the [module documentation](self) for the
/// invalidation bound and the behaviour without Redis.
#[derive(Clone, Debug)]
pub struct RedisCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    l1: Arc<L1>,
    remote: Remote,
    /// Ends the subscriber task with the cache.
    _subscriber: Subscriber,
}

impl RedisCache {
    /// Starts a cache with `config`: never waits for Redis, so it succeeds while Redis is down; it connects
    /// in the background and starts the invalidation subscriber. Must be called within a tokio runtime.
    ///
    /// # Errors
    /// An invalid configuration (URL, prefix, pool size, timeouts, Sentinel settings).
    pub async fn connect(config: RedisCacheConfig) -> Result<Self, StorageError> {
        if config.uses_tls() {
            // redis builds its rustls configuration from the process default; install aws-lc-rs unless the
            // application installed one (an error here only means it did).
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        }
        let connector = Arc::new(Connector::new(&config)?);
        let pool = bb8::Pool::builder()
            .max_size(config.pool_size)
            .min_idle(Some(1))
            .connection_timeout(config.operation_timeout)
            .retry_connection(false)
            .test_on_check_out(false)
            .build_unchecked(Manager::new(Arc::clone(&connector), config.connect_timeout));
        let instance_id = RandomState::new().hash_one(std::process::id());
        let l1 = Arc::new(L1::new(config.l1_capacity, config.l1_ttl_cap));
        let subscriber = Subscriber::spawn(
            connector,
            remote::channel(&config.key_prefix),
            instance_id,
            &l1,
            config.connect_timeout,
        );
        let remote = Remote::new(
            pool,
            &config.key_prefix,
            instance_id,
            config.operation_timeout,
            config.tombstone_ttl,
        );
        tracing::info!(
            prefix = %config.key_prefix,
            sentinel = config.sentinel.is_some(),
            tls = config.uses_tls(),
            "Redis cache configured; connecting in the background"
        );
        Ok(Self {
            inner: Arc::new(Inner {
                l1,
                remote,
                _subscriber: subscriber,
            }),
        })
    }

    /// Whether Redis is currently considered unavailable (the cache then serves from L1 only).
    pub fn is_degraded(&self) -> bool {
        self.inner.remote.is_degraded()
    }

    /// Whether this cache currently receives other replicas' invalidations (false while its subscription is
    /// being established or re-established; L1 is cleared each time it is).
    pub fn is_subscribed(&self) -> bool {
        self.inner.l1.is_subscribed()
    }

    /// Replays lost invalidations in the background after Redis came back.
    fn after(&self, transition: Transition) {
        if transition == Transition::Recovered {
            let inner = Arc::clone(&self.inner);
            tokio::spawn(async move { inner.remote.replay().await });
        }
    }
}

impl Cache for RedisCache {
    async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let inner = &self.inner;
        if let Some(value) = inner.l1.get(key).await {
            return Some(value);
        }
        let generation = inner.l1.generation();
        let (found, transition) = inner.remote.get(key).await;
        self.after(transition);
        let found = found?;
        inner
            .l1
            .fill(key, &found.value, found.ttl, generation)
            .await;
        Some(found.value)
    }

    async fn put(&self, key: &str, value: &[u8], ttl: Duration) {
        if ttl.is_zero() {
            return;
        }
        let inner = &self.inner;
        let generation = inner.l1.generation();
        let (stored, transition) = inner.remote.put(key, value, ttl).await;
        self.after(transition);
        // Tombstoned: a write invalidated the key since the caller read the store; keep nothing. Unreached:
        // L1 alone holds it, within the cap.
        if stored != Some(false) {
            inner.l1.fill(key, value, ttl, generation).await;
        }
    }

    async fn invalidate(&self, key: &str) {
        self.inner.l1.invalidate(key).await;
        let transition = self.inner.remote.invalidate(key).await;
        self.after(transition);
    }

    fn is_shared(&self) -> bool {
        true
    }

    /// Counts in Redis only (never in L1), so every replica sees the same count: one atomic script adds one
    /// and restarts the TTL, bounded by the operation timeout. `None` when Redis did not answer in time.
    async fn increment(&self, key: &str, ttl: Duration) -> Option<u64> {
        let (count, transition) = self.inner.remote.increment(key, ttl).await;
        self.after(transition);
        count
    }

    async fn reset_counter(&self, key: &str) {
        let transition = self.inner.remote.reset_counter(key).await;
        self.after(transition);
    }
}
