//! Throttling of guessing: failed sign-ins per account and per client address, failed client authentications
//! per client and per address, each with a growing back-off.
//!
//! Every failure counts; after `free_failures` of them within `window`, each further failure blocks the key for
//! `base_delay`, doubling per failure up to `max_delay`. A blocked attempt is refused before anything is
//! checked, so it neither reveals whether the password was right nor costs a password hash, and it does not
//! count as a failure. A success clears the account's (or client's) count, never the address's.
//!
//! With a shared cache ([`Cache::is_shared`]) the counts live there, so every replica sees the same limits;
//! otherwise, or while the shared cache does not answer, each replica counts in process.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cache::Cache;
use crate::provider::Provider;
use crate::secret::TokenDigest;
use crate::storage::Storage;
use crate::time::UnixTime;
use crate::types::ClientId;

/// The limits of one kind of key.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub struct ThrottleLimits {
    /// Failures allowed within the window before the back-off starts.
    pub free_failures: u32,
    /// The first block; it doubles with every further failure.
    pub base_delay: Duration,
    /// The longest block.
    pub max_delay: Duration,
    /// How long failures are remembered after the last one.
    pub window: Duration,
}

impl ThrottleLimits {
    /// Limits with these values.
    pub fn new(
        free_failures: u32,
        base_delay: Duration,
        max_delay: Duration,
        window: Duration,
    ) -> Self {
        Self {
            free_failures,
            base_delay,
            max_delay,
            window,
        }
    }

    /// How long the key is blocked after its `failures`-th failure.
    pub fn delay_after(&self, failures: u64) -> Duration {
        let free = u64::from(self.free_failures);
        if failures < free.max(1) {
            return Duration::ZERO;
        }
        let doublings = u32::try_from(failures - free.max(1))
            .unwrap_or(u32::MAX)
            .min(30);
        self.base_delay
            .saturating_mul(1_u32 << doublings)
            .min(self.max_delay)
    }
}

/// The limits of every kind of key. The defaults stop online guessing without locking anyone out for long:
/// an account is blocked after 5 failures (1 s, doubling to 15 minutes), an address after 20.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ThrottleConfig {
    /// Failed sign-ins per account (username).
    pub account: ThrottleLimits,
    /// Failed sign-ins per client IP address.
    pub address: ThrottleLimits,
    /// Failed client authentications per `client_id`.
    pub client: ThrottleLimits,
    /// Failed client authentications per client IP address.
    pub client_address: ThrottleLimits,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        let hour = Duration::from_secs(3600);
        let second = Duration::from_secs(1);
        Self {
            account: ThrottleLimits::new(5, second, Duration::from_secs(900), hour),
            address: ThrottleLimits::new(20, second, Duration::from_secs(900), hour),
            client: ThrottleLimits::new(10, second, Duration::from_secs(300), hour),
            client_address: ThrottleLimits::new(20, second, Duration::from_secs(300), hour),
        }
    }
}

/// What a failure is counted against.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ThrottleKey<'a> {
    /// A sign-in's username (case-insensitive).
    Account(&'a str),
    /// A sign-in's client address.
    Address(IpAddr),
    /// A client authentication's `client_id` from one address (or from anywhere when the address is unknown):
    /// someone guessing a client's secret blocks only themselves, never the client's own requests.
    Client(&'a ClientId, Option<IpAddr>),
    /// A client authentication's client address.
    ClientAddress(IpAddr),
}

impl ThrottleKey<'_> {
    /// The cache key: a kind and a digest, so no username or address is written to the cache.
    fn name(&self) -> String {
        let value = match self {
            Self::Account(username) => username.to_lowercase(),
            Self::Address(address) | Self::ClientAddress(address) => network(*address),
            Self::Client(client_id, address) => format!(
                "{}\0{}",
                client_id.as_str(),
                address.map(network).unwrap_or_default()
            ),
        };
        format!(
            "throttle:{}:{}",
            self.kind().label(),
            TokenDigest::of(&value).as_str()
        )
    }

    fn kind(self) -> Kind {
        match self {
            Self::Account(_) => Kind::Account,
            Self::Address(_) => Kind::Address,
            Self::Client(..) => Kind::Client,
            Self::ClientAddress(_) => Kind::ClientAddress,
        }
    }

    /// Client authentication runs on the token endpoint's hot path: its shared block is remembered for a second.
    fn is_hot_path(self) -> bool {
        matches!(self, Self::Client(..) | Self::ClientAddress(_))
    }

    fn limits(self, config: &ThrottleConfig) -> ThrottleLimits {
        match self {
            Self::Account(_) => config.account,
            Self::Address(_) => config.address,
            Self::Client(..) => config.client,
            Self::ClientAddress(_) => config.client_address,
        }
    }
}

/// The kinds of keys; each has an in-process table of its own, so a flood of one kind (random client ids)
/// cannot push out the counts of another (an account under attack).
#[derive(Clone, Copy, Debug)]
enum Kind {
    Account,
    Address,
    Client,
    ClientAddress,
}

impl Kind {
    const COUNT: usize = 4;

    fn label(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Address => "address",
            Self::Client => "client",
            Self::ClientAddress => "client-address",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The network an address is counted as: IPv4 addresses one by one, IPv6 addresses by their /64 (one
/// customer's allocation: anyone holding one has 2^64 addresses to rotate through).
fn network(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
    }
}

/// How long a client-authentication key's shared block is remembered before it is read again.
const SHARED_RECHECK: Duration = Duration::from_secs(1);

/// The most keys a replica counts in process before it forgets the ones that never reached a block.
const LOCAL_CAPACITY: usize = 100_000;

/// In-process failure counts: the store when no shared cache is configured, and the fallback when it fails.
///
/// It also remembers, per client-authentication key, what the shared cache said and when: that block is re-read
/// at most once per second (monotonic time), so throttling costs the token endpoint's hot path no cache round
/// trip per request, and a block set by another replica is seen here within a second. Sign-in keys are read
/// from the shared cache on every attempt (an attempt costs a password hash anyway).
#[derive(Debug, Default)]
pub(crate) struct LocalThrottle {
    /// One table per [`Kind`].
    entries: [Mutex<HashMap<String, LocalEntry>>; Kind::COUNT],
    shared: Mutex<HashMap<String, SharedSeen>>,
    /// Accounts with a sign-in attempt being checked right now on this replica.
    in_flight: Mutex<HashSet<String>>,
}

/// What the shared cache last said of a key.
#[derive(Debug)]
struct SharedSeen {
    checked_at: Instant,
    blocked_until: UnixTime,
}

#[derive(Debug)]
struct LocalEntry {
    failures: u64,
    blocked_until: UnixTime,
    forget_at: UnixTime,
}

impl LocalThrottle {
    fn blocked_until(&self, kind: Kind, name: &str, now: UnixTime) -> Option<UnixTime> {
        let entries = self.entries[kind.index()].lock().ok()?;
        entries
            .get(name)
            .filter(|entry| entry.forget_at > now)
            .map(|entry| entry.blocked_until)
    }

    fn record_failure(
        &self,
        kind: Kind,
        name: String,
        limits: ThrottleLimits,
        now: UnixTime,
    ) -> UnixTime {
        let Ok(mut entries) = self.entries[kind.index()].lock() else {
            return now;
        };
        if entries.len() >= LOCAL_CAPACITY && !entries.contains_key(&name) {
            // Forget what expired, then the keys with a single failure; keys near or in a block stay.
            entries.retain(|_, entry| entry.forget_at > now);
            if entries.len() >= LOCAL_CAPACITY {
                entries.retain(|_, entry| entry.failures > 1 || entry.blocked_until > now);
            }
        }
        let entry = entries.entry(name).or_insert(LocalEntry {
            failures: 0,
            blocked_until: now,
            forget_at: now,
        });
        if entry.forget_at <= now {
            entry.failures = 0;
        }
        entry.failures += 1;
        entry.blocked_until = now.plus(limits.delay_after(entry.failures));
        entry.forget_at = entry.blocked_until.max(now.plus(limits.window));
        entry.blocked_until
    }

    fn clear(&self, kind: Kind, name: &str) {
        if let Ok(mut entries) = self.entries[kind.index()].lock() {
            entries.remove(name);
        }
        if let Ok(mut shared) = self.shared.lock() {
            shared.remove(name);
        }
    }

    /// The shared block of `name` as last seen, unless it is due to be read again (once per second).
    fn shared_seen(&self, name: &str) -> Option<UnixTime> {
        let shared = self.shared.lock().ok()?;
        shared
            .get(name)
            .filter(|seen| seen.checked_at.elapsed() < SHARED_RECHECK)
            .map(|seen| seen.blocked_until)
    }

    fn note_shared(&self, name: &str, blocked_until: UnixTime, now: UnixTime) {
        if let Ok(mut shared) = self.shared.lock() {
            if shared.len() >= LOCAL_CAPACITY && !shared.contains_key(name) {
                shared.retain(|_, seen| seen.blocked_until > now);
            }
            shared.insert(
                name.to_owned(),
                SharedSeen {
                    checked_at: Instant::now(),
                    blocked_until,
                },
            );
        }
    }
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// How long the attempt must wait, if any of `keys` is blocked.
    pub(crate) async fn throttled(&self, keys: &[ThrottleKey<'_>]) -> Option<Duration> {
        let now = self.now();
        let mut until = now;
        for key in keys {
            let name = key.name();
            if let Some(local) = self.throttle.blocked_until(key.kind(), &name, now) {
                until = until.max(local);
            }
            if self.cache.is_shared() {
                let remembered = if key.is_hot_path() {
                    self.throttle.shared_seen(&name)
                } else {
                    None
                };
                let shared = match remembered {
                    Some(seen) => seen,
                    None => {
                        let read = self
                            .cache
                            .get(&block_key(&name))
                            .await
                            .and_then(|bytes| String::from_utf8(bytes).ok())
                            .and_then(|text| text.parse::<i64>().ok())
                            .map_or(now, UnixTime);
                        self.throttle.note_shared(&name, read, now);
                        read
                    }
                };
                until = until.max(shared);
            }
        }
        (until > now).then(|| seconds(until.seconds() - now.seconds()))
    }

    /// Counts a failure against every key, blocking those past their free failures.
    pub(crate) async fn record_failure(&self, keys: &[ThrottleKey<'_>]) {
        let now = self.now();
        for key in keys {
            let name = key.name();
            let limits = key.limits(&self.config.throttle);
            let shared = if self.cache.is_shared() {
                self.cache.increment(&name, limits.window).await
            } else {
                None
            };
            match shared {
                Some(failures) => {
                    let delay = limits.delay_after(failures);
                    if !delay.is_zero() {
                        let until = now.plus(delay);
                        self.throttle.note_shared(&name, until, now);
                        let value = until.seconds().to_string();
                        self.cache
                            .put(&block_key(&name), value.as_bytes(), delay)
                            .await;
                    }
                }
                None => {
                    self.throttle.record_failure(key.kind(), name, limits, now);
                }
            }
        }
    }

    /// Forgets the failures of `key` (after a success). The shared block is overwritten, not invalidated: an
    /// invalidation leaves a tombstone that would refuse the next block for a few seconds.
    pub(crate) async fn clear_failures(&self, key: ThrottleKey<'_>) {
        let name = key.name();
        self.throttle.clear(key.kind(), &name);
        if self.cache.is_shared() {
            self.cache.reset_counter(&name).await;
            self.cache
                .put(&block_key(&name), b"0", Duration::from_secs(1))
                .await;
        }
    }

    /// Marks a sign-in of `username` as being checked on this replica, or `None` when one already is: attempts
    /// for one account are checked one at a time, so a burst sent the moment a block ends cannot have many
    /// guesses checked before the first failure is counted.
    pub(crate) fn begin_attempt(&self, username: &str) -> Option<AttemptGuard<'_>> {
        let name = ThrottleKey::Account(username).name();
        let mut in_flight = self.throttle.in_flight.lock().ok()?;
        in_flight.insert(name.clone()).then(|| AttemptGuard {
            throttle: &self.throttle,
            name,
        })
    }
}

/// A sign-in attempt in flight; dropping it lets the next attempt for the account through.
#[derive(Debug)]
pub(crate) struct AttemptGuard<'a> {
    throttle: &'a LocalThrottle,
    name: String,
}

impl Drop for AttemptGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut in_flight) = self.throttle.in_flight.lock() {
            in_flight.remove(&self.name);
        }
    }
}

fn block_key(name: &str) -> String {
    format!("{name}:blocked-until")
}

fn seconds(value: i64) -> Duration {
    Duration::from_secs(u64::try_from(value).unwrap_or(0).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_starts_after_the_free_failures_and_doubles_to_the_cap() {
        let limits = ThrottleLimits::new(
            3,
            Duration::from_secs(2),
            Duration::from_secs(10),
            Duration::from_secs(60),
        );
        let delays: Vec<u64> = (1..=7).map(|n| limits.delay_after(n).as_secs()).collect();
        assert_eq!(delays, [0, 0, 2, 4, 8, 10, 10]);
        assert_eq!(limits.delay_after(u64::MAX), Duration::from_secs(10));
    }

    #[test]
    fn local_counts_block_and_are_forgotten_after_the_window() {
        let limits = ThrottleLimits::new(
            2,
            Duration::from_secs(5),
            Duration::from_secs(60),
            Duration::from_secs(100),
        );
        let local = LocalThrottle::default();
        let now = UnixTime(1_000);
        let kind = Kind::Account;
        assert_eq!(local.record_failure(kind, "k".into(), limits, now), now);
        assert_eq!(
            local.record_failure(kind, "k".into(), limits, now),
            UnixTime(1_005)
        );
        assert_eq!(local.blocked_until(kind, "k", now), Some(UnixTime(1_005)));
        assert_eq!(
            local.blocked_until(Kind::Client, "k", now),
            None,
            "tables per kind"
        );
        let later = UnixTime(1_200);
        assert_eq!(local.blocked_until(kind, "k", later), None);
        assert_eq!(
            local.record_failure(kind, "k".into(), limits, later),
            later,
            "the count started over"
        );
        local.clear(kind, "k");
        assert_eq!(local.blocked_until(kind, "k", later), None);
    }

    #[test]
    fn key_names_hide_usernames_and_fold_case() {
        let name = ThrottleKey::Account("Alice").name();
        assert!(!name.contains("lice"));
        assert_eq!(name, ThrottleKey::Account("alice").name());
        assert_ne!(
            name,
            ThrottleKey::Client(&ClientId::new("alice"), None).name()
        );
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_and_clients_by_address() {
        let address = |text: &str| ThrottleKey::Address(text.parse().unwrap()).name();
        assert_eq!(address("2001:db8:1:2::1"), address("2001:db8:1:2:ffff::9"));
        assert_ne!(address("2001:db8:1:2::1"), address("2001:db8:1:3::1"));
        assert_eq!(address("::ffff:192.0.2.1"), address("192.0.2.1"));
        assert_ne!(address("192.0.2.1"), address("192.0.2.2"));
        let web = ClientId::new("web");
        let from = |ip: &str| ThrottleKey::Client(&web, Some(ip.parse().unwrap())).name();
        assert_ne!(from("192.0.2.1"), from("192.0.2.2"));
    }
}
