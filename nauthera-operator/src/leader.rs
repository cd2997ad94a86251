//! Leader election over a `coordination.k8s.io/v1` Lease, so that of several operator replicas only one runs
//! the controllers.
//!
//! The holder renews the Lease every [`LeaseLock::renew_interval`]; another replica takes it over when it has not
//! been renewed for its duration. Every write carries the `resourceVersion` it read, so two replicas racing for
//! the same Lease cannot both win: the loser gets a 409 and stays a follower.

use std::future::Future;
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::Api;
use kube::api::{ObjectMeta, PostParams};

use crate::Error;
use crate::clock::Clock;
use crate::error::{is_conflict, is_not_found};

/// The outcome of one attempt to acquire or renew the Lease.
#[derive(Clone, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum LeaseState {
    /// Someone else holds it (`None` if it is unheld but could not be taken this time).
    Follower(Option<String>),
    /// This replica holds it.
    Leader,
}

/// A Lease-based lock.
#[derive(Clone, Debug)]
pub struct LeaseLock {
    api: Api<Lease>,
    name: String,
    identity: String,
    duration: Duration,
    clock: Clock,
}

impl LeaseLock {
    /// A lock on the Lease `name` for the holder `identity` (the pod name).
    pub fn new(
        api: Api<Lease>,
        name: &str,
        identity: &str,
        duration: Duration,
        clock: Clock,
    ) -> Self {
        Self {
            api,
            name: name.to_owned(),
            identity: identity.to_owned(),
            duration,
            clock,
        }
    }

    /// How often the holder renews: a third of the Lease duration.
    pub fn renew_interval(&self) -> Duration {
        self.duration / 3
    }

    /// Acquires the Lease if it is free or expired, renews it if this replica holds it.
    ///
    /// # Errors
    /// [`Error::Kube`] when the API fails for another reason than a lost race.
    pub async fn try_acquire_or_renew(&self) -> Result<LeaseState, Error> {
        let now = self.clock.now();
        let current = match self.api.get(&self.name).await {
            Ok(lease) => lease,
            Err(error) if is_not_found(&error) => return self.create(now).await,
            Err(error) => return Err(error.into()),
        };
        let spec = current.spec.clone().unwrap_or_default();
        let holder = spec
            .holder_identity
            .clone()
            .filter(|holder| !holder.is_empty());
        let is_mine = holder.as_deref() == Some(self.identity.as_str());
        if !is_mine && holder.is_some() && !self.is_expired(&spec, now) {
            return Ok(LeaseState::Follower(holder));
        }
        let transitions = spec.lease_transitions.unwrap_or(0);
        let updated = Lease {
            metadata: current.metadata.clone(),
            spec: Some(LeaseSpec {
                acquire_time: if is_mine {
                    spec.acquire_time.clone()
                } else {
                    Some(MicroTime(now))
                },
                lease_transitions: Some(if is_mine {
                    transitions
                } else {
                    transitions.saturating_add(1)
                }),
                ..self.spec(now)
            }),
        };
        match self
            .api
            .replace(&self.name, &PostParams::default(), &updated)
            .await
        {
            Ok(_) => Ok(LeaseState::Leader),
            Err(error) if is_conflict(&error) => Ok(LeaseState::Follower(holder)),
            Err(error) => Err(error.into()),
        }
    }

    /// Acquires the Lease, then runs `work` while renewing it; returns when `work` ends, or fails when the
    /// Lease is lost (the process should then exit, so that it never runs beside the new leader).
    ///
    /// # Errors
    /// [`Error::LeadershipLost`] when a renewal fails or another replica took over.
    pub async fn run_as_leader<F: Future<Output = ()>>(&self, work: F) -> Result<(), Error> {
        loop {
            match self.try_acquire_or_renew().await {
                Ok(LeaseState::Leader) => break,
                Ok(LeaseState::Follower(holder)) => {
                    tracing::debug!(?holder, "waiting for the leader lease");
                }
                Err(error) => tracing::warn!("cannot read the leader lease: {error}"),
            }
            tokio::time::sleep(self.renew_interval()).await;
        }
        tracing::info!(identity = %self.identity, lease = %self.name, "became the leader");
        tokio::select! {
            () = work => Ok(()),
            error = self.keep_renewing() => Err(error),
        }
    }

    async fn keep_renewing(&self) -> Error {
        loop {
            tokio::time::sleep(self.renew_interval()).await;
            match self.try_acquire_or_renew().await {
                Ok(LeaseState::Leader) => {}
                Ok(LeaseState::Follower(holder)) => {
                    return Error::LeadershipLost(format!("the lease is held by {holder:?}"));
                }
                Err(error) => return Error::LeadershipLost(error.to_string()),
            }
        }
    }

    fn is_expired(&self, spec: &LeaseSpec, now: Timestamp) -> bool {
        let seconds = spec.lease_duration_seconds.map_or(0, i64::from);
        let Some(MicroTime(renewed)) = spec.renew_time.as_ref().or(spec.acquire_time.as_ref())
        else {
            return true;
        };
        renewed
            .checked_add(SignedDuration::from_secs(seconds))
            .is_ok_and(|expiry| expiry <= now)
    }

    fn spec(&self, now: Timestamp) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(self.identity.clone()),
            lease_duration_seconds: Some(
                i32::try_from(self.duration.as_secs()).unwrap_or(i32::MAX),
            ),
            acquire_time: Some(MicroTime(now)),
            renew_time: Some(MicroTime(now)),
            lease_transitions: Some(0),
            ..LeaseSpec::default()
        }
    }

    async fn create(&self, now: Timestamp) -> Result<LeaseState, Error> {
        let lease = Lease {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                ..ObjectMeta::default()
            },
            spec: Some(self.spec(now)),
        };
        match self.api.create(&PostParams::default(), &lease).await {
            Ok(_) => Ok(LeaseState::Leader),
            Err(error) if is_conflict(&error) => Ok(LeaseState::Follower(None)),
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests;
