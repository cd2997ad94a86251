//! Everything a `NautheraServer` should have, as pure functions of its spec: what the reconciler applies and
//! what `manifests` renders for the samples.

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use super::{config, managed, network, workload};
use crate::Error;
use crate::controller::names::ServerNames;
use crate::crd::{DatabaseSpec, NautheraServerSpec, RedisSpec, SecretKeyRef};

/// The objects of one server, in apply order.
#[derive(Clone, Debug)]
pub(crate) struct DesiredObjects {
    pub(crate) config_map: ConfigMap,
    pub(crate) postgres: Option<(StatefulSet, Service)>,
    pub(crate) redis: Option<(StatefulSet, Service)>,
    pub(crate) service: Service,
    pub(crate) deployment: Deployment,
    pub(crate) pod_disruption_budget: PodDisruptionBudget,
    pub(crate) ingress: Option<Ingress>,
}

/// Renders the objects of a server whose admin certificate expires at `admin_tls_not_after`.
pub(crate) fn desired(
    names: &ServerNames,
    spec: &NautheraServerSpec,
    admin_tls_not_after: String,
) -> Result<DesiredObjects, Error> {
    let config_map = config::config_map(names, config::render(names, spec)?);
    let (database_url, postgres) = match &spec.database {
        DatabaseSpec::SecretRef(key) => (key.clone(), None),
        DatabaseSpec::Managed(managed) => (
            url_key(names.postgres()),
            Some(managed::postgres(names, managed)),
        ),
    };
    let (cache_url, redis) = match &spec.redis {
        None => (None, None),
        Some(RedisSpec::SecretRef(key)) => (Some(key.clone()), None),
        Some(RedisSpec::Managed(managed)) => (
            Some(url_key(names.redis())),
            Some(managed::redis(names, managed)),
        ),
    };
    let inputs = workload::WorkloadInputs {
        config_checksum: config::checksum(&config_map),
        admin_tls_not_after,
        database_url,
        cache_url,
    };
    Ok(DesiredObjects {
        deployment: workload::deployment(names, spec, &inputs),
        pod_disruption_budget: workload::pod_disruption_budget(names),
        service: network::service(names),
        ingress: spec
            .ingress
            .as_ref()
            .map(|ingress| network::ingress(names, ingress)),
        config_map,
        postgres,
        redis,
    })
}

fn url_key(secret: String) -> SecretKeyRef {
    SecretKeyRef {
        name: secret,
        key: "url".to_owned(),
    }
}
