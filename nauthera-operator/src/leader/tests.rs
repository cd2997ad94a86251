//! Leader election over the mocked API server.

use http::Method;
use serde_json::{Value, json};

use super::*;
use crate::fixtures::{Reply, context, timeout_after_1s, within_1s};

const LEASE: &str =
    "/apis/coordination.k8s.io/v1/namespaces/nauthera-system/leases/nauthera-operator";

fn lock(client: kube::Client, identity: &str) -> LeaseLock {
    let api = Api::namespaced(client, "nauthera-system");
    let clock = Clock::fixed(crate::fixtures::now());
    LeaseLock::new(
        api,
        "nauthera-operator",
        identity,
        Duration::from_secs(15),
        clock,
    )
}

fn lease(holder: &str, renewed: &str) -> Value {
    json!({
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "nauthera-operator", "namespace": "nauthera-system", "resourceVersion": "7"},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15, "renewTime": renewed, "acquireTime": renewed, "leaseTransitions": 1},
    })
}

#[tokio::test]
async fn creates_a_missing_lease_and_leads() {
    let (context, mut verifier) = context();
    let script = tokio::spawn(async move {
        verifier
            .expect(Method::GET, LEASE, Reply::Status(404))
            .await;
        let path = "/apis/coordination.k8s.io/v1/namespaces/nauthera-system/leases";
        verifier.expect(Method::POST, path, Reply::Echo).await
    });
    let state = within_1s(lock(context.client.clone(), "pod-a").try_acquire_or_renew())
        .await
        .unwrap();
    let created = timeout_after_1s(script).await;
    assert_eq!(state, LeaseState::Leader);
    assert_eq!(created.body["spec"]["holderIdentity"], "pod-a");
}

#[tokio::test]
async fn follows_while_another_holder_renews() {
    let (context, mut verifier) = context();
    let script = tokio::spawn(async move {
        verifier
            .expect(
                Method::GET,
                LEASE,
                Reply::Object(lease("pod-b", "2026-11-30T11:59:55.000000Z")),
            )
            .await;
    });
    let state = within_1s(lock(context.client.clone(), "pod-a").try_acquire_or_renew())
        .await
        .unwrap();
    timeout_after_1s(script).await;
    assert_eq!(state, LeaseState::Follower(Some("pod-b".to_owned())));
}

#[tokio::test]
async fn takes_over_an_expired_lease_with_its_resource_version() {
    let (context, mut verifier) = context();
    let script = tokio::spawn(async move {
        verifier
            .expect(
                Method::GET,
                LEASE,
                Reply::Object(lease("pod-b", "2026-11-30T11:58:00.000000Z")),
            )
            .await;
        verifier.expect(Method::PUT, LEASE, Reply::Echo).await
    });
    let state = within_1s(lock(context.client.clone(), "pod-a").try_acquire_or_renew())
        .await
        .unwrap();
    let replaced = timeout_after_1s(script).await;
    assert_eq!(state, LeaseState::Leader);
    assert_eq!(replaced.body["metadata"]["resourceVersion"], "7");
    assert_eq!(replaced.body["spec"]["holderIdentity"], "pod-a");
    assert_eq!(replaced.body["spec"]["leaseTransitions"], 2);
}

#[tokio::test]
async fn loses_the_race_on_a_conflict() {
    let (context, mut verifier) = context();
    let script = tokio::spawn(async move {
        verifier
            .expect(
                Method::GET,
                LEASE,
                Reply::Object(lease("pod-b", "2026-11-30T11:58:00.000000Z")),
            )
            .await;
        verifier
            .expect(Method::PUT, LEASE, Reply::Status(409))
            .await;
    });
    let state = within_1s(lock(context.client.clone(), "pod-a").try_acquire_or_renew())
        .await
        .unwrap();
    timeout_after_1s(script).await;
    assert_eq!(state, LeaseState::Follower(Some("pod-b".to_owned())));
}

#[tokio::test]
async fn renews_its_own_lease_keeping_the_acquire_time() {
    let (context, mut verifier) = context();
    let script = tokio::spawn(async move {
        verifier
            .expect(
                Method::GET,
                LEASE,
                Reply::Object(lease("pod-a", "2026-11-30T11:59:55.000000Z")),
            )
            .await;
        verifier.expect(Method::PUT, LEASE, Reply::Echo).await
    });
    let state = within_1s(lock(context.client.clone(), "pod-a").try_acquire_or_renew())
        .await
        .unwrap();
    let renewed = timeout_after_1s(script).await;
    assert_eq!(state, LeaseState::Leader);
    assert_eq!(
        renewed.body["spec"]["acquireTime"],
        "2026-11-30T11:59:55.000000Z"
    );
    assert_eq!(renewed.body["spec"]["leaseTransitions"], 1);
}
