//! The two controllers, their shared [`Context`], and the error policy.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::StreamExt as _;
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::Deployment;
use kube::runtime::controller::Action;
use kube::runtime::{Controller, watcher};
use kube::{Api, Client, Resource, ResourceExt as _};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::admin::AdminApi;
use crate::clock::Clock;
use crate::crd::{FIELD_MANAGER, NautheraServer, OAuth2Client};

pub mod client;
pub(crate) mod names;
pub(crate) mod secrets;
pub mod server;

/// The label selecting objects the operator made.
pub const MANAGED_BY_SELECTOR: &str = "app.kubernetes.io/managed-by=nauthera-operator";

/// Which namespaces the operator watches: the install model.
#[derive(Clone, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum Scope {
    /// Every namespace (ClusterRole and ClusterRoleBinding).
    AllNamespaces,
    /// One namespace (Role and RoleBinding).
    Namespace(String),
}

impl Scope {
    /// An API handle for `K` over the watched namespaces.
    pub fn api<K>(&self, client: &Client) -> Api<K>
    where
        K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
    {
        match self {
            Self::AllNamespaces => Api::all(client.clone()),
            Self::Namespace(namespace) => Api::namespaced(client.clone(), namespace),
        }
    }
}

/// What every reconcile shares.
#[non_exhaustive]
pub struct Context<A> {
    /// The Kubernetes client.
    pub client: Client,
    /// The servers' admin API.
    pub admin: A,
    /// The time source.
    pub clock: Clock,
    failures: Mutex<HashMap<String, u32>>,
}

impl<A> Context<A> {
    /// A context with the system clock.
    pub fn new(client: Client, admin: A) -> Self {
        Self::with_clock(client, admin, Clock::system())
    }

    /// A context with the given clock.
    pub fn with_clock(client: Client, admin: A, clock: Clock) -> Self {
        Self {
            client,
            admin,
            clock,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a failed reconcile of `key`; returns how many in a row have failed.
    fn record_failure(&self, key: String) -> u32 {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let count = failures.entry(key).or_insert(0);
        *count = count.saturating_add(1);
        *count
    }

    /// Forgets the failures of `key` after a successful reconcile.
    pub(crate) fn record_success(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
    }
}

impl<A> fmt::Debug for Context<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// The first retry delay after a failed reconcile; it doubles with each further failure.
pub const FIRST_RETRY: Duration = Duration::from_secs(5);
/// The longest retry delay.
pub const MAX_RETRY: Duration = Duration::from_secs(300);

/// The error policy of both controllers: exponential backoff per object, from [`FIRST_RETRY`] to [`MAX_RETRY`].
pub fn error_policy<K, A>(object: Arc<K>, error: &Error, context: Arc<Context<A>>) -> Action
where
    K: Resource<DynamicType = ()>,
{
    let attempt = context.record_failure(object_key(object.as_ref()));
    let exponent = attempt.saturating_sub(1).min(16);
    let delay = FIRST_RETRY
        .saturating_mul(2_u32.saturating_pow(exponent))
        .min(MAX_RETRY);
    tracing::warn!(
        object.kind = %K::kind(&()),
        object.name = %object.name_any(),
        object.namespace = object.namespace().unwrap_or_default(),
        reason = error.reason(),
        attempt,
        retry_in_secs = delay.as_secs(),
        "reconcile failed: {error}"
    );
    Action::requeue(delay)
}

/// `Kind/namespace/name`, the key of the failure counter.
pub(crate) fn object_key<K: Resource<DynamicType = ()>>(object: &K) -> String {
    format!(
        "{}/{}/{}",
        K::kind(&()),
        object.meta().namespace.as_deref().unwrap_or_default(),
        object.meta().name.as_deref().unwrap_or_default()
    )
}

/// Runs both controllers until a shutdown signal.
pub async fn run<A: AdminApi>(context: Arc<Context<A>>, scope: Scope) {
    let client = context.client.clone();
    let servers = Controller::new(
        scope.api::<NautheraServer>(&client),
        watcher::Config::default().any_semantic(),
    )
    .owns(
        scope.api::<Deployment>(&client),
        watcher::Config::default().labels(MANAGED_BY_SELECTOR),
    )
    .shutdown_on_signal()
    .run(server::reconcile, error_policy, Arc::clone(&context))
    .for_each(|result| async move {
        log_result("NautheraServer", result.map(|(object, _)| object.name));
    });
    let clients = Controller::new(
        scope.api::<OAuth2Client>(&client),
        watcher::Config::default().any_semantic(),
    )
    .shutdown_on_signal()
    .run(client::reconcile, error_policy, context)
    .for_each(|result| async move {
        log_result("OAuth2Client", result.map(|(object, _)| object.name));
    });
    tokio::join!(servers, clients);
}

fn log_result<E: fmt::Display>(kind: &str, result: Result<String, E>) {
    match result {
        Ok(name) => tracing::debug!(object.kind = kind, object.name = %name, "reconciled"),
        Err(error) => tracing::debug!(object.kind = kind, "reconcile did not complete: {error}"),
    }
}

/// Applies `object` with server-side apply as [`FIELD_MANAGER`], taking over conflicting fields.
pub(crate) async fn apply<K>(api: &Api<K>, object: &K) -> Result<K, Error>
where
    K: Resource + Clone + fmt::Debug + Serialize + DeserializeOwned,
{
    let name = object
        .meta()
        .name
        .as_deref()
        .ok_or(Error::MissingField("metadata.name"))?;
    let params = kube::api::PatchParams::apply(FIELD_MANAGER).force();
    Ok(api
        .patch(name, &params, &kube::api::Patch::Apply(object))
        .await?)
}

/// Namespace and name of a namespaced resource.
pub(crate) fn namespace_and_name<K: Resource>(object: &K) -> Result<(String, String), Error> {
    let namespace = object
        .meta()
        .namespace
        .clone()
        .ok_or(Error::MissingField("metadata.namespace"))?;
    let name = object
        .meta()
        .name
        .clone()
        .ok_or(Error::MissingField("metadata.name"))?;
    Ok((namespace, name))
}
