//! The cache trait: an optional, shared cache that spares the store (Redis/Valkey in production) and the
//! in-process default.
//!
//! A cache is an optimisation only: failures behave as misses and are the implementation's to log, which is why
//! the methods return no errors. Never put sessions in it: sessions are stateless signed cookies.

use std::collections::HashMap;
use std::future::Future;
use std::sync::RwLock;
use std::time::Duration;

use crate::time::{Clock, SystemClock, UnixTime};

/// A byte-oriented cache with per-entry time to live.
pub trait Cache: Send + Sync + 'static {
    /// The value under `key`, if present and fresh.
    fn get(&self, key: &str) -> impl Future<Output = Option<Vec<u8>>> + Send;
    /// Stores `value` under `key` for `ttl`.
    fn put(&self, key: &str, value: &[u8], ttl: Duration) -> impl Future<Output = ()> + Send;
    /// Removes `key` (on every replica, for shared caches).
    fn invalidate(&self, key: &str) -> impl Future<Output = ()> + Send;
    /// Whether the cache is shared by every replica, so entries that must be consistent across replicas
    /// (revocations, users) may be cached.
    fn is_shared(&self) -> bool {
        false
    }
    /// Atomically adds one to the counter `key` and returns the new count; a new counter starts at zero, and
    /// a counter is forgotten `ttl` after its last increment. Shared caches implement it so every replica counts the same
    /// failures (throttling); `None` means "no shared counter" (the default, and a cache that did not
    /// answer), and the caller counts in process instead.
    fn increment(&self, key: &str, ttl: Duration) -> impl Future<Output = Option<u64>> + Send {
        let _ = (key, ttl);
        std::future::ready(None)
    }
    /// Deletes the counter `key` outright (no tombstone: the next [`Cache::increment`] starts again at one).
    fn reset_counter(&self, key: &str) -> impl Future<Output = ()> + Send {
        let _ = key;
        std::future::ready(())
    }
}

/// A bounded in-process cache: the default when no shared cache is configured.
#[derive(Debug)]
pub struct MemoryCache {
    entries: RwLock<HashMap<String, (UnixTime, Vec<u8>)>>,
    capacity: usize,
    clock: SystemClock,
}

impl MemoryCache {
    /// A cache holding at most `capacity` entries; when full, expired entries are dropped, then everything.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            capacity,
            clock: SystemClock,
        }
    }
}

impl Default for MemoryCache {
    fn default() -> Self {
        Self::new(10_000)
    }
}

impl Cache for MemoryCache {
    async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let now = self.clock.now();
        let entries = self.entries.read().ok()?;
        entries
            .get(key)
            .filter(|(expires_at, _)| *expires_at > now)
            .map(|(_, value)| value.clone())
    }

    async fn put(&self, key: &str, value: &[u8], ttl: Duration) {
        let now = self.clock.now();
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= self.capacity {
            entries.retain(|_, (expires_at, _)| *expires_at > now);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key.to_owned(), (now.plus(ttl), value.to_vec()));
    }

    async fn invalidate(&self, key: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(key);
        }
    }
}

/// A cache that caches nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCache;

impl Cache for NoCache {
    async fn get(&self, _key: &str) -> Option<Vec<u8>> {
        None
    }

    async fn put(&self, _key: &str, _value: &[u8], _ttl: Duration) {}

    async fn invalidate(&self, _key: &str) {}
}
