//! [`AnyCache`]: the cache chosen at run time from configuration.

use std::time::Duration;

use nauthera_core::{Cache, MemoryCache, NoCache};

#[cfg(feature = "redis")]
use crate::redis::RedisCache;

/// One of the caches, picked at run time (for instance by the reference server from its configuration),
/// delegating every call to it.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyCache {
    /// The bounded in-process cache (per replica).
    Memory(MemoryCache),
    /// The shared two-tier Redis cache.
    #[cfg(feature = "redis")]
    Redis(RedisCache),
    /// No cache at all.
    None(NoCache),
}

impl From<MemoryCache> for AnyCache {
    fn from(cache: MemoryCache) -> Self {
        Self::Memory(cache)
    }
}

#[cfg(feature = "redis")]
impl From<RedisCache> for AnyCache {
    fn from(cache: RedisCache) -> Self {
        Self::Redis(cache)
    }
}

impl From<NoCache> for AnyCache {
    fn from(cache: NoCache) -> Self {
        Self::None(cache)
    }
}

impl Cache for AnyCache {
    async fn get(&self, key: &str) -> Option<Vec<u8>> {
        match self {
            Self::Memory(cache) => cache.get(key).await,
            #[cfg(feature = "redis")]
            Self::Redis(cache) => cache.get(key).await,
            Self::None(cache) => cache.get(key).await,
        }
    }

    async fn put(&self, key: &str, value: &[u8], ttl: Duration) {
        match self {
            Self::Memory(cache) => cache.put(key, value, ttl).await,
            #[cfg(feature = "redis")]
            Self::Redis(cache) => cache.put(key, value, ttl).await,
            Self::None(cache) => cache.put(key, value, ttl).await,
        }
    }

    async fn invalidate(&self, key: &str) {
        match self {
            Self::Memory(cache) => cache.invalidate(key).await,
            #[cfg(feature = "redis")]
            Self::Redis(cache) => cache.invalidate(key).await,
            Self::None(cache) => cache.invalidate(key).await,
        }
    }

    fn is_shared(&self) -> bool {
        match self {
            Self::Memory(cache) => cache.is_shared(),
            #[cfg(feature = "redis")]
            Self::Redis(cache) => cache.is_shared(),
            Self::None(cache) => cache.is_shared(),
        }
    }

    async fn increment(&self, key: &str, ttl: Duration) -> Option<u64> {
        match self {
            Self::Memory(cache) => cache.increment(key, ttl).await,
            #[cfg(feature = "redis")]
            Self::Redis(cache) => cache.increment(key, ttl).await,
            Self::None(cache) => cache.increment(key, ttl).await,
        }
    }

    async fn reset_counter(&self, key: &str) {
        match self {
            Self::Memory(cache) => cache.reset_counter(key).await,
            #[cfg(feature = "redis")]
            Self::Redis(cache) => cache.reset_counter(key).await,
            Self::None(cache) => cache.reset_counter(key).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn delegates() {
        let memory = AnyCache::from(MemoryCache::new(10));
        memory.put("k", b"v", Duration::from_secs(60)).await;
        assert_eq!(memory.get("k").await.as_deref(), Some(&b"v"[..]));
        memory.invalidate("k").await;
        assert_eq!(memory.get("k").await, None);
        assert!(!memory.is_shared());

        assert_eq!(
            memory.increment("n", Duration::from_secs(60)).await,
            None,
            "an in-process cache has no shared counter"
        );

        let none = AnyCache::from(NoCache);
        none.put("k", b"v", Duration::from_secs(60)).await;
        assert_eq!(none.get("k").await, None);
        assert_eq!(none.increment("n", Duration::from_secs(60)).await, None);
    }
}
