//! The `NautheraServer` reconciler: Secrets, mTLS material, ConfigMap, Deployment, Service, Ingress,
//! PodDisruptionBudget and the managed PostgreSQL and Redis, all applied server-side and owned by the server.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, Patch, PatchParams};
use kube::runtime::controller::Action;
use kube::{Api, Resource};

use super::names::ServerNames;
use super::secrets::{ensure_generated, random_bytes, random_token};
use super::{Context, apply, namespace_and_name, object_key};
use crate::Error;
use crate::admin::{AdminApi, ServerRef};
use crate::crd::{DatabaseSpec, FIELD_MANAGER, NautheraServer, NautheraServerStatus, RedisSpec};
use crate::error::is_not_found;
use crate::pki::after_days;

mod config;
pub(crate) mod desired;
pub(crate) mod generated;
mod managed;
mod network;
mod status;
pub(crate) mod tls;
mod workload;

pub(crate) use workload::{container_security, pod_security};

/// How often a settled server is reconciled again (drift repair, certificate renewal, key rotation).
pub const RESYNC: Duration = Duration::from_secs(300);
/// How often a server that is rolling out is looked at.
pub const ROLLOUT_POLL: Duration = Duration::from_secs(15);

/// Reconciles one `NautheraServer`; failures are written to its status as `Degraded` and returned, so the
/// controller's error policy retries with backoff.
///
/// # Errors
/// Any [`Error`] from the Kubernetes API, certificate generation or the admin API.
pub async fn reconcile<A: AdminApi>(
    server: Arc<NautheraServer>,
    context: Arc<Context<A>>,
) -> Result<Action, Error> {
    let (namespace, name) = namespace_and_name(server.as_ref())?;
    let api: Api<NautheraServer> = Api::namespaced(context.client.clone(), &namespace);
    let now = context.clock.now();
    match reconcile_objects(&server, &context, &ServerNames::new(&namespace, &name), now).await {
        Ok((status, action)) => {
            patch_status(&api, &name, &status).await?;
            context.record_success(&object_key(server.as_ref()));
            Ok(action)
        }
        Err(error) => {
            let status = status::failure(&server, error.reason(), error.to_string(), now);
            // Best effort: writing the status may be what fails.
            if let Err(status_error) = patch_status(&api, &name, &status).await {
                tracing::debug!("cannot write the failure to the status: {status_error}");
            }
            Err(error)
        }
    }
}

async fn reconcile_objects<A: AdminApi>(
    server: &NautheraServer,
    context: &Context<A>,
    names: &ServerNames,
    now: Timestamp,
) -> Result<(NautheraServerStatus, Action), Error> {
    let client = context.client.clone();
    let owner = server
        .controller_owner_ref(&())
        .ok_or(Error::MissingField("metadata.uid"))?;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), &names.namespace);
    ensure_secrets(&secrets, server, names, &owner).await?;
    let target = tls::TlsTarget {
        api: &secrets,
        names,
        owner: &owner,
        now,
    };
    let admin_tls_not_after = tls::ensure_admin_tls(&target).await?;
    // Unix seconds: a plain number stays a string in YAML, where an RFC 3339 time would become a timestamp.
    let not_after = admin_tls_not_after.seconds().to_string();
    let desired = desired::desired(names, &server.spec, not_after)?;
    let deployment = apply_objects(&client, names, desired, &owner).await?;
    let mut status = status::success(server, &deployment, now);
    rotate_keys_if_due(context, server, names, &mut status, now).await?;
    let action = if status::is_rolled_out(&deployment, server.spec.replicas) {
        Action::requeue(RESYNC)
    } else {
        Action::requeue(ROLLOUT_POLL)
    };
    Ok((status, action))
}

/// The key-encryption key, and the passwords of the managed PostgreSQL and Redis: generated once.
async fn ensure_secrets(
    secrets: &Api<Secret>,
    server: &NautheraServer,
    names: &ServerNames,
    owner: &OwnerReference,
) -> Result<(), Error> {
    ensure_generated(secrets, &names.key_encryption(), || {
        let secret = generated::key_encryption_secret(names, random_bytes(32)?);
        Ok(owned(secret, owner))
    })
    .await?;
    if let DatabaseSpec::Managed(_) = server.spec.database {
        ensure_generated(secrets, &names.postgres(), || {
            let secret = generated::postgres_secret(names, &random_token()?);
            Ok(owned(secret, owner))
        })
        .await?;
    }
    if let Some(RedisSpec::Managed(_)) = server.spec.redis {
        ensure_generated(secrets, &names.redis(), || {
            let secret = generated::redis_secret(names, &random_token()?);
            Ok(owned(secret, owner))
        })
        .await?;
    }
    Ok(())
}

/// Applies the desired objects in order and returns the Deployment as the API server has it.
async fn apply_objects(
    client: &kube::Client,
    names: &ServerNames,
    desired: desired::DesiredObjects,
    owner: &OwnerReference,
) -> Result<Deployment, Error> {
    let namespace = &names.namespace;
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), namespace);
    let services: Api<Service> = Api::namespaced(client.clone(), namespace);
    let statefulsets: Api<StatefulSet> = Api::namespaced(client.clone(), namespace);
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    let budgets: Api<PodDisruptionBudget> = Api::namespaced(client.clone(), namespace);
    let ingresses: Api<Ingress> = Api::namespaced(client.clone(), namespace);
    apply(&config_maps, &owned(desired.config_map, owner)).await?;
    for (statefulset, service) in desired.postgres.into_iter().chain(desired.redis) {
        apply(&services, &owned(service, owner)).await?;
        apply(&statefulsets, &owned(statefulset, owner)).await?;
    }
    apply(&services, &owned(desired.service, owner)).await?;
    let deployment = apply(&deployments, &owned(desired.deployment, owner)).await?;
    apply(&budgets, &owned(desired.pod_disruption_budget, owner)).await?;
    match desired.ingress {
        Some(ingress) => {
            apply(&ingresses, &owned(ingress, owner)).await?;
        }
        None => match ingresses
            .delete(&names.name, &DeleteParams::default())
            .await
        {
            Ok(_) => {}
            Err(error) if is_not_found(&error) => {}
            Err(error) => return Err(error.into()),
        },
    }
    Ok(deployment)
}

/// Rotates the signing keys through the admin API when the rotation period has passed.
async fn rotate_keys_if_due<A: AdminApi>(
    context: &Context<A>,
    server: &NautheraServer,
    names: &ServerNames,
    status: &mut NautheraServerStatus,
    now: Timestamp,
) -> Result<(), Error> {
    let period = i64::from(server.spec.signing_keys.rotation_period_days);
    if period == 0 || status.ready_replicas.unwrap_or(0) == 0 {
        return Ok(());
    }
    let last = status
        .keys_rotated_at
        .as_deref()
        .and_then(|at| at.parse::<Timestamp>().ok());
    match last {
        // The server made its first keys when it started: the period counts from now.
        None => status.keys_rotated_at = Some(now.to_string()),
        Some(last) if after_days(last, period) <= now => {
            let server_ref = ServerRef::new(names.namespace.clone(), names.name.clone());
            let kids = context.admin.rotate_keys(&server_ref).await?;
            tracing::info!(server.name = %names.name, new_kids = ?kids, "rotated the signing keys");
            status.keys_rotated_at = Some(now.to_string());
        }
        Some(_) => {}
    }
    Ok(())
}

fn owned<K: Resource>(mut object: K, owner: &OwnerReference) -> K {
    object.meta_mut().owner_references = Some(vec![owner.clone()]);
    object
}

async fn patch_status(
    api: &Api<NautheraServer>,
    name: &str,
    status: &NautheraServerStatus,
) -> Result<(), Error> {
    let patch = serde_json::json!({ "status": status });
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_owned()),
        ..PatchParams::default()
    };
    api.patch_status(name, &params, &Patch::Merge(&patch))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
