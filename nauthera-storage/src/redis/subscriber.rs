//! The background task that applies other replicas' invalidations to this replica's L1.
//!
//! It holds a dedicated publish/subscribe connection on `<prefix>:invalidate`. Messages are
//! `<sender id as 16 hex digits>:<key>`; a replica skips its own. Whenever the subscription is (re)established
//! the whole L1 is cleared, since messages sent while it was down are lost: that makes the staleness bound
//! "until the message arrives", or "until the subscription is back", and never more than the L1 cap. It
//! reconnects by itself with exponential backoff and ends when the cache is dropped.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::task::JoinHandle;

use super::connector::Connector;
use super::l1::L1;

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The message announcing that `key` changed, from the replica `sender`.
pub(crate) fn message(sender: u64, key: &str) -> Vec<u8> {
    let mut message = format!("{sender:016x}:").into_bytes();
    message.extend_from_slice(key.as_bytes());
    message
}

/// The key a message names, unless the message is `own_id`'s or malformed.
fn key_of(message: &[u8], own_id: u64) -> Option<&str> {
    let (sender, key) = (message.get(..16)?, message.get(17..)?);
    if message.get(16) != Some(&b':') {
        return None;
    }
    let sender = u64::from_str_radix(std::str::from_utf8(sender).ok()?, 16).ok()?;
    if sender == own_id {
        return None;
    }
    std::str::from_utf8(key).ok()
}

/// Aborts the task when the cache is dropped.
#[derive(Debug)]
pub(crate) struct Subscriber(JoinHandle<()>);

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Subscriber {
    /// Starts the task for `channel`, dropping keys from `l1` (held weakly: the task ends with the cache).
    pub(crate) fn spawn(
        connector: Arc<Connector>,
        channel: String,
        own_id: u64,
        l1: &Arc<L1>,
        connect_timeout: Duration,
    ) -> Self {
        let l1 = Arc::downgrade(l1);
        Self(tokio::spawn(async move {
            let mut backoff = FIRST_BACKOFF;
            loop {
                let subscribed = async {
                    let mut pubsub = connector.pubsub(connect_timeout).await?;
                    pubsub.subscribe(&channel).await?;
                    Ok::<_, redis::RedisError>(pubsub)
                };
                match subscribed.await {
                    Ok(pubsub) => {
                        backoff = FIRST_BACKOFF;
                        if !listen(pubsub, &l1, own_id).await {
                            return;
                        }
                        tracing::debug!(
                            "Redis cache invalidation subscription ended; reconnecting"
                        );
                    }
                    Err(error) => {
                        tracing::debug!(kind = ?error.kind(), "Redis cache invalidation subscription failed");
                    }
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }))
    }
}

/// Applies messages until the connection ends (true) or the cache is gone (false).
async fn listen(mut pubsub: redis::aio::PubSub, l1: &Weak<L1>, own_id: u64) -> bool {
    let Some(cache) = l1.upgrade() else {
        return false;
    };
    cache.clear();
    cache.set_subscribed(true);
    drop(cache);
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let Some(cache) = l1.upgrade() else {
            return false;
        };
        if let Some(key) = key_of(message.get_payload_bytes(), own_id) {
            cache.invalidate(key).await;
        }
    }
    if let Some(cache) = l1.upgrade() {
        cache.set_subscribed(false);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_own_ones_are_skipped() {
        let message = message(0xabc, "revoked:x:y");
        assert_eq!(key_of(&message, 1), Some("revoked:x:y"));
        assert_eq!(key_of(&message, 0xabc), None);
        assert_eq!(key_of(b"short", 1), None);
        assert_eq!(key_of(b"0000000000000abcXkey", 1), None);
    }
}
