//! What the reconciler applies for the sample server, for offline schema validation.
//!
//! Every object is built by the functions the reconciler uses, in its apply order. The Secrets it generates
//! (the key-encryption key, the managed PostgreSQL and Redis credentials, and the admin mTLS CA, server and
//! client certificates) would hold random keys and passwords and fresh certificates that change on every run:
//! here they hold fixed, obviously fake placeholders instead (every value is `placeholder`, and the
//! certificates expire at [`PLACEHOLDER_NOT_AFTER`]), so the output is deterministic.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::Resource as _;
use nauthera_core::UnixTime;

use crate::Error;
use crate::controller::names::ServerNames;
use crate::controller::server::desired::desired;
use crate::controller::server::generated::{key_encryption_secret, postgres_secret, redis_secret};
use crate::controller::server::tls::{LeafMaterial, ca_secret, leaf_secret};
use crate::manifests::{sample_owner, samples, yaml};

/// The value of every generated key, password, certificate and fingerprint.
const PLACEHOLDER: &str = "placeholder";
/// When the placeholder certificates expire (2027-11-29T00:00:00Z).
const PLACEHOLDER_NOT_AFTER: UnixTime = UnixTime(1_827_446_400);

/// The objects of the sample server, as YAML documents in apply order.
pub(crate) fn sample_server_objects() -> Result<Vec<String>, Error> {
    let server = samples::server();
    let namespace = server.meta().namespace.clone().unwrap_or_default();
    let name = server.meta().name.clone().unwrap_or_default();
    let names = ServerNames::new(&namespace, &name);
    let objects = desired(
        &names,
        &server.spec,
        PLACEHOLDER_NOT_AFTER.seconds().to_string(),
    )?;
    let owner = sample_owner(&server).into_iter().collect::<Vec<_>>();
    let mut docs = Vec::new();
    docs.push(document(
        &key_encryption_secret(&names, PLACEHOLDER.as_bytes().to_vec()),
        &owner,
    )?);
    if objects.postgres.is_some() {
        docs.push(document(&postgres_secret(&names, PLACEHOLDER), &owner)?);
    }
    if objects.redis.is_some() {
        docs.push(document(&redis_secret(&names, PLACEHOLDER), &owner)?);
    }
    let ca = ca_secret(&names, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER_NOT_AFTER);
    docs.push(document(&ca, &owner)?);
    let leaf = LeafMaterial {
        cert_pem: PLACEHOLDER,
        key_pem: PLACEHOLDER,
        ca_pem: PLACEHOLDER,
        ca_fingerprint: PLACEHOLDER,
        not_after: PLACEHOLDER_NOT_AFTER,
    };
    for secret_name in [names.admin_tls(), names.admin_client()] {
        docs.push(document(&leaf_secret(&names, secret_name, &leaf), &owner)?);
    }
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
