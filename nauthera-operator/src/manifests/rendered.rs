//! What the reconciler applies for the sample server, for offline schema validation.
//!
//! The generated Secrets (random passwords and keys, certificates) are left out: they change on every run.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::Resource as _;

use crate::Error;
use crate::controller::names::ServerNames;
use crate::controller::server::desired::desired;
use crate::manifests::{sample_owner, samples, yaml};

/// The objects of the sample server, as YAML documents in apply order.
pub(crate) fn sample_server_objects() -> Result<Vec<String>, Error> {
    let server = samples::server();
    let namespace = server.meta().namespace.clone().unwrap_or_default();
    let name = server.meta().name.clone().unwrap_or_default();
    let names = ServerNames::new(&namespace, &name);
    let objects = desired(&names, &server.spec, "1827446400".to_owned())?;
    let owner = sample_owner(&server).into_iter().collect::<Vec<_>>();
    let mut docs = Vec::new();
    docs.push(document(&objects.config_map, &owner)?);
    for (statefulset, service) in objects.postgres.iter().chain(objects.redis.iter()) {
        docs.push(document(service, &owner)?);
        docs.push(document(statefulset, &owner)?);
    }
    docs.push(document(&objects.service, &owner)?);
    docs.push(document(&objects.deployment, &owner)?);
    docs.push(document(&objects.pod_disruption_budget, &owner)?);
    if let Some(ingress) = &objects.ingress {
        docs.push(document(ingress, &owner)?);
    }
    Ok(docs)
}

fn document<T: serde::Serialize>(object: &T, owner: &[OwnerReference]) -> Result<String, Error> {
    let mut value = serde_json::to_value(object).map_err(Error::Serialize)?;
    value["metadata"]["ownerReferences"] = serde_json::to_value(owner).map_err(Error::Serialize)?;
    yaml(&value)
}
