//! Time as seen by the flows: whole seconds since the Unix epoch, from an injected [`Clock`].

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch, the unit of JWT `exp`, `iat` and `auth_time`.
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// This time plus a duration (saturating).
    pub fn plus(self, duration: Duration) -> Self {
        let seconds = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
        Self(self.0.saturating_add(seconds))
    }

    /// Seconds since the epoch.
    pub fn seconds(self) -> i64 {
        self.0
    }
}

/// The source of the current time. Flows never read the system clock themselves.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> UnixTime;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "this is the one place that reads the system clock"
    )]
    fn now(&self) -> UnixTime {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        UnixTime(i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX))
    }
}

/// A clock that returns a settable time, for tests and simulations.
#[derive(Debug)]
pub struct FixedClock(std::sync::atomic::AtomicI64);

impl FixedClock {
    /// A clock stopped at `time`.
    pub fn new(time: UnixTime) -> Self {
        Self(std::sync::atomic::AtomicI64::new(time.0))
    }

    /// Moves the clock forward.
    pub fn advance(&self, duration: Duration) {
        let seconds = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
        self.0
            .fetch_add(seconds, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        UnixTime(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}
