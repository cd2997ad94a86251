//! The status of a `NautheraServer`: conditions from the Deployment's rollout.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::jiff::Timestamp;

use crate::crd::{
    ConditionStatus, ConditionType, NautheraServer, NautheraServerStatus, set_condition,
};

/// Whether the rollout of the Deployment is complete.
pub(crate) fn is_rolled_out(deployment: &Deployment, replicas: i32) -> bool {
    let status = deployment.status.clone().unwrap_or_default();
    let observed = status.observed_generation >= deployment.metadata.generation;
    observed
        && status.updated_replicas.unwrap_or(0) >= replicas
        && status.ready_replicas.unwrap_or(0) >= replicas
        && status.replicas.unwrap_or(0) <= replicas
}

/// The status after a successful reconcile.
pub(crate) fn success(
    server: &NautheraServer,
    deployment: &Deployment,
    now: Timestamp,
) -> NautheraServerStatus {
    let mut status = server.status.clone().unwrap_or_default();
    let generation = server.metadata.generation;
    let ready = deployment
        .status
        .as_ref()
        .and_then(|status| status.ready_replicas)
        .unwrap_or(0);
    let rolled_out = is_rolled_out(deployment, server.spec.replicas);
    let (ready_status, ready_reason, ready_message) = if ready > 0 {
        (
            ConditionStatus::True,
            "Available",
            format!("{ready} of {} replicas ready", server.spec.replicas),
        )
    } else {
        (
            ConditionStatus::False,
            "NoReplicasReady",
            "no server pod is ready yet".to_owned(),
        )
    };
    let conditions = &mut status.conditions;
    set_condition(
        conditions,
        (ConditionType::Ready, ready_status),
        ready_reason,
        ready_message,
        generation,
        now,
    );
    let progressing = if rolled_out {
        (
            ConditionStatus::False,
            "RolloutComplete",
            "every replica runs the current version".to_owned(),
        )
    } else {
        (
            ConditionStatus::True,
            "RollingOut",
            "the Deployment is rolling out".to_owned(),
        )
    };
    set_condition(
        conditions,
        (ConditionType::Progressing, progressing.0),
        progressing.1,
        progressing.2,
        generation,
        now,
    );
    set_condition(
        conditions,
        (ConditionType::Degraded, ConditionStatus::False),
        "ReconcileSucceeded",
        String::new(),
        generation,
        now,
    );
    status.observed_generation = generation;
    status.issuer_url = Some(server.spec.issuer_url.clone());
    status.ready_replicas = Some(ready);
    status
}

/// The status after a failed reconcile: `Degraded` with the error's reason.
pub(crate) fn failure(
    server: &NautheraServer,
    reason: &str,
    message: String,
    now: Timestamp,
) -> NautheraServerStatus {
    let mut status = server.status.clone().unwrap_or_default();
    set_condition(
        &mut status.conditions,
        (ConditionType::Degraded, ConditionStatus::True),
        reason,
        message,
        server.metadata.generation,
        now,
    );
    status
}
