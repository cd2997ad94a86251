//! Invalidations that could not reach Redis, replayed when it comes back, so that Redis never keeps serving a
//! value the store has since changed (when Redis was only unreachable, not restarted empty).

use std::collections::HashSet;
use std::sync::Mutex;

/// The most keys remembered; past it, recovery flushes the whole prefix instead.
const MAX_PENDING: usize = 10_000;

/// The keys to invalidate again once Redis answers.
#[derive(Debug, Default)]
pub(crate) struct Pending(Mutex<Backlog>);

#[derive(Debug, Default)]
struct Backlog {
    keys: HashSet<String>,
    overflowed: bool,
}

/// What to replay.
#[derive(Debug, Default, Eq, PartialEq)]
pub(crate) enum Replay {
    /// Nothing.
    #[default]
    Nothing,
    /// These keys.
    Keys(Vec<String>),
    /// Too many were lost: every key under the prefix.
    Everything,
}

impl Pending {
    /// Remembers `key`.
    pub(crate) fn add(&self, key: &str) {
        let Ok(mut backlog) = self.0.lock() else {
            return;
        };
        if backlog.overflowed {
            return;
        }
        if backlog.keys.len() >= MAX_PENDING {
            backlog.keys = HashSet::new();
            backlog.overflowed = true;
        } else {
            backlog.keys.insert(key.to_owned());
        }
    }

    /// Takes everything remembered.
    pub(crate) fn take(&self) -> Replay {
        let Ok(mut backlog) = self.0.lock() else {
            return Replay::Nothing;
        };
        let backlog = std::mem::take(&mut *backlog);
        if backlog.overflowed {
            Replay::Everything
        } else if backlog.keys.is_empty() {
            Replay::Nothing
        } else {
            Replay::Keys(backlog.keys.into_iter().collect())
        }
    }

    /// Remembers that everything must go (a flush that failed).
    pub(crate) fn overflow(&self) {
        if let Ok(mut backlog) = self.0.lock() {
            backlog.keys = HashSet::new();
            backlog.overflowed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_until_taken_and_overflows_to_everything() {
        let pending = Pending::default();
        assert_eq!(pending.take(), Replay::Nothing);
        pending.add("a");
        pending.add("a");
        assert_eq!(pending.take(), Replay::Keys(vec!["a".to_owned()]));
        assert_eq!(pending.take(), Replay::Nothing);
        for i in 0..=MAX_PENDING {
            pending.add(&i.to_string());
        }
        assert_eq!(pending.take(), Replay::Everything);
    }
}
