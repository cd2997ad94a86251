//! Whether Redis answers: logged once when it stops and once when it comes back, never per request.
//!
//! While Redis is degraded, reads and fills try it at most once per [`PROBE_INTERVAL`] (one request probes,
//! the others go straight to L1 and the store), so a dead or black-holed Redis costs requests nothing beyond
//! that probe. Invalidations always try.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often a degraded cache lets one operation try Redis.
pub(crate) const PROBE_INTERVAL: Duration = Duration::from_millis(500);

/// The degraded flag and the probe schedule.
#[derive(Debug)]
pub(crate) struct Health {
    degraded: AtomicBool,
    /// Milliseconds after `epoch` before which no probe is due.
    next_probe_ms: AtomicU64,
    epoch: Instant,
}

/// What a state change calls for.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum Transition {
    /// Nothing changed.
    None,
    /// Redis just became unavailable.
    Degraded,
    /// Redis just came back.
    Recovered,
}

impl Health {
    /// A healthy state.
    pub(crate) fn new() -> Self {
        Self {
            degraded: AtomicBool::new(false),
            next_probe_ms: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }

    /// Whether Redis is currently considered unavailable.
    pub(crate) fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Acquire)
    }

    /// Whether this operation may try Redis: always when healthy; when degraded, one caller per interval.
    pub(crate) fn may_try(&self) -> bool {
        if !self.is_degraded() {
            return true;
        }
        let now = self.now_ms();
        let due = self.next_probe_ms.load(Ordering::Acquire);
        now >= due
            && self
                .next_probe_ms
                .compare_exchange(
                    due,
                    now.saturating_add(interval_ms()),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
    }

    /// Records a successful operation; logs the recovery once.
    pub(crate) fn succeeded(&self) -> Transition {
        if self.degraded.swap(false, Ordering::AcqRel) {
            tracing::info!("Redis cache is available again; serving from Redis");
            Transition::Recovered
        } else {
            Transition::None
        }
    }

    /// Records a failed or timed-out operation; logs the outage once, with the cause's kind only.
    pub(crate) fn failed(&self, cause: &str) -> Transition {
        self.next_probe_ms.store(
            self.now_ms().saturating_add(interval_ms()),
            Ordering::Release,
        );
        if self.degraded.swap(true, Ordering::AcqRel) {
            Transition::None
        } else {
            tracing::warn!(
                cause,
                "Redis cache is unavailable; serving from the in-process cache and the store until it returns"
            );
            Transition::Degraded
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

fn interval_ms() -> u64 {
    u64::try_from(PROBE_INTERVAL.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_are_reported_once() {
        let health = Health::new();
        assert!(health.may_try());
        assert_eq!(health.succeeded(), Transition::None);
        assert_eq!(health.failed("io"), Transition::Degraded);
        assert_eq!(health.failed("io"), Transition::None);
        assert!(health.is_degraded());
        assert!(
            !health.may_try(),
            "the failure scheduled the next probe later"
        );
        assert_eq!(health.succeeded(), Transition::Recovered);
        assert_eq!(health.succeeded(), Transition::None);
        assert!(health.may_try());
    }

    #[test]
    fn a_degraded_cache_lets_one_probe_through_per_interval() {
        let health = Health::new();
        health.failed("io");
        std::thread::sleep(PROBE_INTERVAL + Duration::from_millis(20));
        assert!(health.may_try());
        assert!(!health.may_try());
    }
}
