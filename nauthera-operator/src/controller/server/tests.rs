//! The `NautheraServer` reconciler against a mocked API server.

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use serde_json::{Value, json};

use super::*;
use crate::fixtures::{
    AdminCall, ApiServerVerifier, Recorded, Reply, context, timeout_after_1s, within_1s,
};
use crate::manifests::samples;

const NS: &str = "/api/v1/namespaces/nauthera";
const APPS: &str = "/apis/apps/v1/namespaces/nauthera";

fn server() -> NautheraServer {
    let mut server = samples::server();
    server.metadata.uid = Some("uid-1".to_owned());
    server.metadata.generation = Some(1);
    server
}

/// What the scenarios check after the reconcile.
#[derive(Debug)]
enum Scenario {
    /// A new server: every Secret is generated, every object applied, the status written.
    FirstReconcile,
    /// The API server fails the Deployment apply: the reconcile fails and the status says so.
    DeploymentApplyFails,
}

impl ApiServerVerifier {
    fn run_server(mut self, scenario: Scenario) -> tokio::task::JoinHandle<Vec<Recorded>> {
        tokio::spawn(async move {
            let mut seen = self.generate_secrets().await;
            for path in [
                format!("{NS}/configmaps/nauthera-config"),
                format!("{NS}/services/nauthera-postgres"),
                format!("{APPS}/statefulsets/nauthera-postgres"),
                format!("{NS}/services/nauthera-redis"),
                format!("{APPS}/statefulsets/nauthera-redis"),
                format!("{NS}/services/nauthera"),
            ] {
                seen.push(self.expect(Method::PATCH, &path, Reply::Echo).await);
            }
            let deployment = format!("{APPS}/deployments/nauthera");
            match scenario {
                Scenario::FirstReconcile => {
                    seen.push(
                        self.expect(Method::PATCH, &deployment, Reply::EchoWith(rolled_out))
                            .await,
                    );
                    let budget =
                        "/apis/policy/v1/namespaces/nauthera/poddisruptionbudgets/nauthera";
                    seen.push(self.expect(Method::PATCH, budget, Reply::Echo).await);
                    let ingress =
                        "/apis/networking.k8s.io/v1/namespaces/nauthera/ingresses/nauthera";
                    seen.push(self.expect(Method::PATCH, ingress, Reply::Echo).await);
                }
                Scenario::DeploymentApplyFails => {
                    seen.push(
                        self.expect(Method::PATCH, &deployment, Reply::Status(500))
                            .await,
                    );
                }
            }
            let status =
                "/apis/nauthera.io/v1alpha1/namespaces/nauthera/nautheraservers/nauthera/status";
            seen.push(
                self.expect(Method::PATCH, status, Reply::Object(json!(server())))
                    .await,
            );
            seen
        })
    }

    async fn generate_secrets(&mut self) -> Vec<Recorded> {
        let mut seen = Vec::new();
        for name in [
            "nauthera-key-encryption",
            "nauthera-postgres",
            "nauthera-redis",
        ] {
            self.expect(
                Method::GET,
                &format!("{NS}/secrets/{name}"),
                Reply::Status(404),
            )
            .await;
            seen.push(
                self.expect(Method::POST, &format!("{NS}/secrets"), Reply::Echo)
                    .await,
            );
        }
        self.expect(
            Method::GET,
            &format!("{NS}/secrets/nauthera-admin-ca"),
            Reply::Status(404),
        )
        .await;
        for name in [
            "nauthera-admin-ca",
            "nauthera-admin-tls",
            "nauthera-admin-client",
        ] {
            seen.push(
                self.expect(Method::PATCH, &format!("{NS}/secrets/{name}"), Reply::Echo)
                    .await,
            );
        }
        seen
    }
}

fn rolled_out(mut deployment: Value) -> Value {
    deployment["metadata"]["generation"] = json!(1);
    deployment["status"] = json!({
        "observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
    });
    deployment
}

fn find<'a>(seen: &'a [Recorded], kind: &str, name: &str) -> &'a Value {
    &seen
        .iter()
        .find(|r| r.body["kind"] == kind && r.body["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} was written"))
        .body
}

#[tokio::test]
async fn first_reconcile_applies_every_object_and_writes_the_status() {
    let (context, verifier) = context();
    let script = verifier.run_server(Scenario::FirstReconcile);
    let action = within_1s(reconcile(Arc::new(server()), Arc::clone(&context)))
        .await
        .unwrap();
    let seen = timeout_after_1s(script).await;
    assert_eq!(action, Action::requeue(RESYNC));

    // Server-side apply as the operator, owned by the server.
    for recorded in seen
        .iter()
        .filter(|r| r.method == Method::PATCH && !r.path.ends_with("/status"))
    {
        assert!(
            recorded.query.contains("fieldManager=nauthera-operator"),
            "{}",
            recorded.query
        );
        assert!(recorded.query.contains("force=true"), "{}", recorded.query);
        assert_eq!(
            recorded.body["metadata"]["ownerReferences"][0]["uid"], "uid-1",
            "{}",
            recorded.path
        );
        assert_eq!(
            recorded.body["metadata"]["ownerReferences"][0]["controller"],
            true
        );
    }

    let kek = find(&seen, "Secret", "nauthera-key-encryption");
    assert_eq!(
        kek["data"]["key"].as_str().unwrap().len(),
        44,
        "32 bytes, base64"
    );
    let tls = find(&seen, "Secret", "nauthera-admin-tls");
    assert_eq!(tls["type"], "kubernetes.io/tls");
    assert_eq!(
        tls["metadata"]["annotations"]["nauthera.io/not-after"],
        "2027-11-30T12:00:00Z"
    );

    let config = find(&seen, "ConfigMap", "nauthera-config")["data"]["nauthera.toml"]
        .as_str()
        .unwrap();
    assert!(
        config.contains("issuer = \"https://login.example.com\""),
        "{config}"
    );
    assert!(
        config.contains("[admin]\nlisten = \"0.0.0.0:8443\""),
        "{config}"
    );

    assert_deployment(find(&seen, "Deployment", "nauthera"));
    let budget = find(&seen, "PodDisruptionBudget", "nauthera");
    assert_eq!(budget["spec"]["minAvailable"], 1);
    let postgres = find(&seen, "StatefulSet", "nauthera-postgres");
    assert_eq!(
        postgres["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
        "10Gi"
    );
    let ingress = find(&seen, "Ingress", "nauthera");
    assert_eq!(ingress["spec"]["rules"][0]["host"], "login.example.com");

    let status = &seen.last().unwrap().body["status"];
    assert_eq!(status["observedGeneration"], 1);
    assert_eq!(status["issuerUrl"], "https://login.example.com");
    assert_eq!(status["readyReplicas"], 2);
    let conditions = status["conditions"].as_array().unwrap();
    let condition = |type_: &str| conditions.iter().find(|c| c["type"] == type_).unwrap();
    assert_eq!(
        (
            condition("Ready")["status"].as_str(),
            condition("Ready")["reason"].as_str()
        ),
        (Some("True"), Some("Available"))
    );
    assert_eq!(condition("Progressing")["reason"], "RolloutComplete");
    assert_eq!(condition("Degraded")["status"], "False");
    // The first keys are the server's own: the rotation period starts now, without an admin call.
    assert_eq!(status["keysRotatedAt"], "2026-11-30T12:00:00Z");
    assert!(context.admin.take_calls().is_empty());
}

fn assert_deployment(deployment: &Value) {
    let spec = &deployment["spec"];
    assert_eq!(spec["replicas"], 2);
    assert_eq!(
        spec["strategy"]["rollingUpdate"],
        json!({"maxSurge": 1, "maxUnavailable": 0})
    );
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["initContainers"][0]["args"], json!(["migrate"]));
    assert_eq!(
        pod["containers"][0]["image"],
        "ghcr.io/nauthera/nauthera-server:0.1.0"
    );
    assert_eq!(
        pod["containers"][0]["readinessProbe"]["httpGet"]["path"],
        "/readyz"
    );
    assert_eq!(
        pod["containers"][0]["livenessProbe"]["httpGet"]["path"],
        "/healthz"
    );
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let checksum = spec["template"]["metadata"]["annotations"]["nauthera.io/config-checksum"]
        .as_str()
        .unwrap();
    assert_eq!(checksum.len(), 64);
    let env = pod["containers"][0]["env"].as_array().unwrap();
    let storage = env
        .iter()
        .find(|e| e["name"] == "NAUTHERA_STORAGE_URL")
        .unwrap();
    assert_eq!(
        storage["valueFrom"]["secretKeyRef"],
        json!({"name": "nauthera-postgres", "key": "url", "optional": false})
    );
}

#[tokio::test]
async fn config_changes_change_the_checksum() {
    let names = ServerNames::new("nauthera", "nauthera");
    let mut spec = samples::server().spec;
    let before = desired::desired(&names, &spec, "t".to_owned()).unwrap();
    spec.issuer_url = "https://other.example.com".to_owned();
    let after = desired::desired(&names, &spec, "t".to_owned()).unwrap();
    let checksum = |d: &desired::DesiredObjects| {
        d.deployment
            .spec
            .clone()
            .unwrap()
            .template
            .metadata
            .unwrap()
            .annotations
            .unwrap()["nauthera.io/config-checksum"]
            .clone()
    };
    assert_ne!(checksum(&before), checksum(&after));
}

#[tokio::test]
async fn a_version_change_upgrades_the_deployment_with_migrations_first_and_no_downtime() {
    let names = ServerNames::new("nauthera", "nauthera");
    let mut spec = samples::server().spec;
    spec.version = "0.1.0".to_owned();
    let before = desired::desired(&names, &spec, "t".to_owned()).unwrap();
    spec.version = "0.2.0".to_owned();
    let after = desired::desired(&names, &spec, "t".to_owned()).unwrap();
    let pod =
        |d: &desired::DesiredObjects| d.deployment.spec.clone().unwrap().template.spec.unwrap();
    let images = |d: &desired::DesiredObjects| {
        let pod = pod(d);
        let init: Vec<String> = pod
            .init_containers
            .unwrap()
            .into_iter()
            .map(|c| c.image.unwrap())
            .collect();
        let main: Vec<String> = pod
            .containers
            .into_iter()
            .map(|c| c.image.unwrap())
            .collect();
        (init, main)
    };
    let (init_before, main_before) = images(&before);
    let (init_after, main_after) = images(&after);
    assert!(main_before.iter().all(|image| image.ends_with(":0.1.0")));
    assert!(
        main_after.iter().all(|image| image.ends_with(":0.2.0")),
        "the new version is rolled out"
    );
    assert_eq!(init_before.len(), 1);
    assert!(
        init_after.iter().all(|image| image.ends_with(":0.2.0")),
        "the new version migrates first"
    );
    assert_eq!(
        pod(&after).init_containers.unwrap()[0]
            .args
            .clone()
            .unwrap(),
        ["migrate"],
        "migrations run before the new pods serve"
    );
    let strategy = after.deployment.spec.clone().unwrap().strategy.unwrap();
    let rolling = strategy.rolling_update.unwrap();
    assert_eq!(strategy.type_.as_deref(), Some("RollingUpdate"));
    assert_eq!(
        rolling.max_unavailable,
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(0))
    );
}

#[tokio::test]
async fn a_failed_apply_is_returned_and_reported_in_the_status() {
    let (context, verifier) = context();
    let script = verifier.run_server(Scenario::DeploymentApplyFails);
    let error = within_1s(reconcile(Arc::new(server()), Arc::clone(&context)))
        .await
        .unwrap_err();
    let seen = timeout_after_1s(script).await;
    assert_eq!(error.reason(), "KubernetesApiError");
    let conditions = seen.last().unwrap().body["status"]["conditions"]
        .as_array()
        .unwrap()
        .clone();
    let degraded = conditions.iter().find(|c| c["type"] == "Degraded").unwrap();
    assert_eq!(degraded["status"], "True");
    assert_eq!(degraded["reason"], "KubernetesApiError");
    // The error policy backs off: 5 s, then 10 s.
    let object = Arc::new(server());
    let first = crate::controller::error_policy(Arc::clone(&object), &error, Arc::clone(&context));
    let second = crate::controller::error_policy(object, &error, Arc::clone(&context));
    assert_eq!(first, Action::requeue(Duration::from_secs(5)));
    assert_eq!(second, Action::requeue(Duration::from_secs(10)));
}

#[tokio::test]
async fn rotates_keys_when_the_period_has_passed() {
    let (context, _verifier) = context();
    let names = ServerNames::new("nauthera", "nauthera");
    let mut status = NautheraServerStatus {
        ready_replicas: Some(2),
        keys_rotated_at: Some("2026-08-01T00:00:00Z".to_owned()),
        ..NautheraServerStatus::default()
    };
    rotate_keys_if_due(
        &context,
        &server(),
        &names,
        &mut status,
        crate::fixtures::now(),
    )
    .await
    .unwrap();
    assert!(matches!(
        &context.admin.take_calls()[..],
        [AdminCall::RotateKeys { .. }]
    ));
    assert_eq!(
        status.keys_rotated_at.as_deref(),
        Some("2026-11-30T12:00:00Z")
    );
    rotate_keys_if_due(
        &context,
        &server(),
        &names,
        &mut status,
        crate::fixtures::now(),
    )
    .await
    .unwrap();
    assert!(context.admin.take_calls().is_empty());
}
