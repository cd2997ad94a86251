//! The in-process tier: a [`MemoryCache`] whose entries live at most the configured cap, with an
//! invalidation counter that keeps a value read from Redis before an invalidation arrived out of L1.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use nauthera_core::{Cache as _, MemoryCache};

/// The in-process tier of a [`RedisCache`](super::RedisCache).
#[derive(Debug)]
pub(crate) struct L1 {
    /// Swapped for an empty cache to clear it (MemoryCache has no clear).
    cache: RwLock<Arc<MemoryCache>>,
    capacity: usize,
    cap: Duration,
    /// Bumped by every invalidation and clear.
    generation: AtomicU64,
    /// Whether the subscriber currently receives other replicas' invalidations.
    subscribed: AtomicBool,
}

impl L1 {
    /// An empty tier of `capacity` entries living at most `cap` (zero disables it).
    pub(crate) fn new(capacity: usize, cap: Duration) -> Self {
        Self {
            cache: RwLock::new(Arc::new(MemoryCache::new(capacity))),
            capacity,
            cap,
            generation: AtomicU64::new(0),
            subscribed: AtomicBool::new(false),
        }
    }

    fn current(&self) -> Option<Arc<MemoryCache>> {
        if self.cap.is_zero() {
            return None;
        }
        self.cache.read().ok().map(|cache| Arc::clone(&cache))
    }

    /// The fresh value under `key`.
    pub(crate) async fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.current()?.get(key).await
    }

    /// The invalidation counter, to pass to [`fill`](Self::fill) after reading from Redis.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Stores `value` for `ttl` (capped), unless an invalidation arrived since `generation` was read.
    pub(crate) async fn fill(&self, key: &str, value: &[u8], ttl: Duration, generation: u64) {
        let Some(cache) = self.current() else {
            return;
        };
        if self.generation() == generation {
            cache.put(key, value, ttl.min(self.cap)).await;
        }
    }

    /// Drops `key`.
    pub(crate) async fn invalidate(&self, key: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(cache) = self.current() {
            cache.invalidate(key).await;
        }
    }

    /// Whether other replicas' invalidations currently arrive.
    pub(crate) fn is_subscribed(&self) -> bool {
        self.subscribed.load(Ordering::Acquire)
    }

    /// Records whether other replicas' invalidations arrive (set by the subscriber).
    pub(crate) fn set_subscribed(&self, subscribed: bool) {
        self.subscribed.store(subscribed, Ordering::Release);
    }

    /// Drops everything (after invalidation messages may have been lost).
    pub(crate) fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut cache) = self.cache.write() {
            *cache = Arc::new(MemoryCache::new(self.capacity));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fills_are_capped_and_lose_to_invalidations() {
        let l1 = L1::new(10, Duration::from_secs(5));
        let generation = l1.generation();
        l1.fill("a", b"1", Duration::from_secs(600), generation)
            .await;
        assert_eq!(l1.get("a").await.as_deref(), Some(&b"1"[..]));

        let before = l1.generation();
        l1.invalidate("b").await;
        l1.fill("b", b"stale", Duration::from_secs(60), before)
            .await;
        assert_eq!(
            l1.get("b").await,
            None,
            "read before the invalidation, so not kept"
        );

        l1.clear();
        assert_eq!(l1.get("a").await, None);
    }

    #[tokio::test]
    async fn a_zero_cap_disables_the_tier() {
        let l1 = L1::new(10, Duration::ZERO);
        l1.fill("a", b"1", Duration::from_secs(60), l1.generation())
            .await;
        assert_eq!(l1.get("a").await, None);
    }
}
