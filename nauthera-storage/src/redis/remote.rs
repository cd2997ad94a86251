//! The Redis tier: bounded operations through the pool, health accounting, and the value encoding.
//!
//! Values are stored as `v` followed by the bytes; an invalidated key holds the tombstone `t` for the
//! tombstone TTL, and a put does not replace a tombstone (checked and set in one Lua script), so a value read
//! from the store before a write cannot be cached after the write's invalidation.
//!
//! Counters live under the same keys as plain integers and never in L1. Invalidating a counter tombstones it
//! like any key (that is how a caller forgets a count); the next increment replaces the tombstone and starts
//! again from one.

use std::time::Duration;

use redis::{FromRedisValue, Pipeline};
use tokio::time::Instant;

use super::connector::Manager;
use super::health::{Health, Transition};
use super::pending::{Pending, Replay};
use super::subscriber::message;

const VALUE_TAG: u8 = b'v';
const TOMBSTONE: &[u8] = b"t";
/// Sets a value unless the key holds a tombstone, and announces the change: KEYS[1] key; ARGV value, TTL in
/// milliseconds, channel, message. Returns 1 when set.
const PUT_SCRIPT: &str = "if redis.call('GET', KEYS[1]) == 't' then return 0 end \
     redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) \
     redis.call('PUBLISH', ARGV[3], ARGV[4]) return 1";
/// Adds one to a counter and restarts its TTL, in one atomic step: `KEYS[1]` key; `ARGV[1]` TTL in milliseconds.
/// Anything that is not a count (a tombstone, a cached value) is replaced by a fresh counter, which would
/// otherwise make INCR fail. Returns the new count.
const INCREMENT_SCRIPT: &str = "local current = redis.call('GET', KEYS[1]) \
     if current and not string.match(current, '^%d+$') then redis.call('DEL', KEYS[1]) end \
     local count = redis.call('INCR', KEYS[1]) \
     redis.call('PEXPIRE', KEYS[1], ARGV[1]) return count";
/// Keys deleted per SCAN step when flushing the prefix.
const SCAN_COUNT: usize = 500;

/// A value found in Redis and how long it has left.
#[derive(Debug)]
pub(crate) struct Found {
    /// The value.
    pub(crate) value: Vec<u8>,
    /// Its remaining time to live.
    pub(crate) ttl: Duration,
}

/// The Redis side of a cache.
#[derive(Debug)]
pub(crate) struct Remote {
    pool: bb8::Pool<Manager>,
    prefix: String,
    channel: String,
    instance_id: u64,
    operation_timeout: Duration,
    tombstone_ttl_ms: u64,
    health: Health,
    pending: Pending,
}

impl Remote {
    /// The Redis tier over `pool`, keys under `<prefix>:`.
    pub(crate) fn new(
        pool: bb8::Pool<Manager>,
        prefix: &str,
        instance_id: u64,
        operation_timeout: Duration,
        tombstone_ttl: Duration,
    ) -> Self {
        Self {
            pool,
            prefix: format!("{prefix}:"),
            channel: channel(prefix),
            instance_id,
            operation_timeout,
            tombstone_ttl_ms: millis(tombstone_ttl).max(1),
            health: Health::new(),
            pending: Pending::default(),
        }
    }

    /// Whether Redis is currently considered unavailable.
    pub(crate) fn is_degraded(&self) -> bool {
        self.health.is_degraded()
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The value under `key`, or `None` on a miss, a tombstone, a failure or while degraded.
    pub(crate) async fn get(&self, key: &str) -> (Option<Found>, Transition) {
        if !self.health.may_try() {
            return (None, Transition::None);
        }
        let mut pipe = redis::pipe();
        let key = self.key(key);
        pipe.get(&key).cmd("PTTL").arg(&key);
        let (found, transition) = self.run::<(Option<Vec<u8>>, i64)>(&pipe).await;
        let found = found.and_then(|(value, ttl_ms)| {
            let value = value?;
            let (&tag, value) = value.split_first()?;
            let ttl_ms = u64::try_from(ttl_ms).ok().filter(|ttl| *ttl > 0)?;
            (tag == VALUE_TAG).then(|| Found {
                value: value.to_vec(),
                ttl: Duration::from_millis(ttl_ms),
            })
        });
        (found, transition)
    }

    /// Stores `value` for `ttl` unless the key is tombstoned, telling other replicas to drop their copy.
    /// `Some(true)` when stored, `Some(false)` when tombstoned, `None` when Redis was not reached.
    pub(crate) async fn put(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> (Option<bool>, Transition) {
        if !self.health.may_try() {
            return (None, Transition::None);
        }
        let mut encoded = Vec::with_capacity(value.len() + 1);
        encoded.push(VALUE_TAG);
        encoded.extend_from_slice(value);
        let mut pipe = redis::pipe();
        pipe.cmd("EVAL")
            .arg(PUT_SCRIPT)
            .arg(1)
            .arg(self.key(key))
            .arg(encoded)
            .arg(millis(ttl).max(1))
            .arg(&self.channel)
            .arg(message(self.instance_id, key));
        let (stored, transition) = self.run::<(i64,)>(&pipe).await;
        (stored.map(|(stored,)| stored == 1), transition)
    }

    /// Deletes the counter `key` (a plain `DEL`: counters are never cached in L1, so nothing needs a tombstone).
    pub(crate) async fn reset_counter(&self, key: &str) -> Transition {
        if !self.health.may_try() {
            return Transition::None;
        }
        let mut pipe = redis::pipe();
        pipe.cmd("DEL").arg(self.key(key)).ignore();
        self.run::<()>(&pipe).await.1
    }

    /// Adds one to the counter `key`, which expires `ttl` after this increment, and returns the new count;
    /// `None` when Redis was not reached, answered late, or while degraded.
    pub(crate) async fn increment(&self, key: &str, ttl: Duration) -> (Option<u64>, Transition) {
        if !self.health.may_try() {
            return (None, Transition::None);
        }
        let mut pipe = redis::pipe();
        pipe.cmd("EVAL")
            .arg(INCREMENT_SCRIPT)
            .arg(1)
            .arg(self.key(key))
            .arg(millis(ttl).max(1));
        let (count, transition) = self.run::<(i64,)>(&pipe).await;
        (
            count.and_then(|(count,)| u64::try_from(count).ok()),
            transition,
        )
    }

    /// Tombstones `key` and tells every replica to drop it; remembered for replay when Redis is not reached.
    pub(crate) async fn invalidate(&self, key: &str) -> Transition {
        let (done, transition) = self.run::<()>(&self.invalidation(key)).await;
        if done.is_none() {
            self.pending.add(key);
        }
        transition
    }

    fn invalidation(&self, key: &str) -> Pipeline {
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(self.key(key))
            .arg(TOMBSTONE)
            .arg("PX")
            .arg(self.tombstone_ttl_ms)
            .ignore()
            .publish(&self.channel, message(self.instance_id, key))
            .ignore();
        pipe
    }

    /// Replays the invalidations that failed while Redis was unreachable.
    pub(crate) async fn replay(&self) {
        match self.pending.take() {
            Replay::Nothing => {}
            Replay::Keys(keys) => {
                for key in keys {
                    if self.run::<()>(&self.invalidation(&key)).await.0.is_none() {
                        self.pending.add(&key);
                    }
                }
            }
            Replay::Everything => {
                if !self.flush().await {
                    self.pending.overflow();
                }
            }
        }
    }

    /// Deletes every key under the prefix; false when Redis failed midway.
    async fn flush(&self) -> bool {
        let pattern = format!("{}*", escape_glob(&self.prefix));
        let mut cursor = 0_u64;
        loop {
            let mut scan = redis::pipe();
            scan.cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(SCAN_COUNT);
            let Some(((next, keys),)) = self.run::<((u64, Vec<String>),)>(&scan).await.0 else {
                return false;
            };
            if !keys.is_empty() {
                let mut unlink = redis::pipe();
                unlink.cmd("UNLINK").arg(keys).ignore();
                if self.run::<()>(&unlink).await.0.is_none() {
                    return false;
                }
            }
            if next == 0 {
                return true;
            }
            cursor = next;
        }
    }

    /// Runs `pipe` within the operation timeout, waiting for a connection included, and records the outcome.
    async fn run<T: FromRedisValue>(&self, pipe: &Pipeline) -> (Option<T>, Transition) {
        match self.exec(pipe).await {
            Ok(value) => (Some(value), self.health.succeeded()),
            Err(cause) => (None, self.health.failed(cause)),
        }
    }

    async fn exec<T: FromRedisValue>(&self, pipe: &Pipeline) -> Result<T, &'static str> {
        let deadline = Instant::now() + self.operation_timeout;
        let mut conn = match tokio::time::timeout_at(deadline, self.pool.get()).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(_)) => return Err("connection failed"),
            Err(_) => return Err("timed out waiting for a connection"),
        };
        match tokio::time::timeout_at(deadline, pipe.query_async::<T>(&mut conn.inner)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                conn.broken = true;
                Err(if error.is_io_error() || error.is_connection_dropped() {
                    "connection lost"
                } else {
                    "command failed"
                })
            }
            Err(_) => {
                conn.broken = true;
                Err("timed out")
            }
        }
    }
}

/// The invalidation channel of a prefix.
pub(crate) fn channel(prefix: &str) -> String {
    format!("{prefix}:invalidate")
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// `text` with Redis glob metacharacters escaped.
fn escape_glob(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\' | '^' | '-') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_are_escaped() {
        assert_eq!(escape_glob("a*b?[c]:"), "a\\*b\\?\\[c\\]:");
    }
}
