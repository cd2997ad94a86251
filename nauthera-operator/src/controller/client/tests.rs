//! The `OAuth2Client` reconciler against a mocked API server and a fake admin API.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::Method;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;

use super::*;
use crate::crd::ClientSecretRef;
use crate::fixtures::{
    AdminCall, ApiServerVerifier, Recorded, Reply, context, timeout_after_1s, within_1s,
};
use crate::manifests::samples;

const CLIENTS: &str = "/apis/nauthera.io/v1alpha1/namespaces/nauthera/oauth2clients";
const SECRETS: &str = "/api/v1/namespaces/nauthera/secrets";

/// A client that already carries the finalizer, as after its first reconcile.
fn client() -> OAuth2Client {
    let mut client = samples::client();
    client.metadata.uid = Some("uid-2".to_owned());
    client.metadata.generation = Some(3);
    client.metadata.finalizers = Some(vec![FINALIZER.to_owned()]);
    client
}

#[derive(Debug)]
enum Scenario {
    /// A new client: the finalizer is added first.
    AddFinalizer,
    /// The referenced Secret does not exist: the status says so.
    SecretMissing,
    /// No Secret referenced: one is generated, then the client registered.
    GenerateSecret,
    /// The client is being deleted: the server is there, the finalizer is removed after the admin delete.
    Finalize,
    /// The API server fails reading the Secret: the status reports it.
    ApiError,
}

impl ApiServerVerifier {
    fn run_client(mut self, scenario: Scenario) -> tokio::task::JoinHandle<Vec<Recorded>> {
        tokio::spawn(async move {
            let status = format!("{CLIENTS}/web-app/status");
            match scenario {
                Scenario::AddFinalizer => {
                    vec![
                        self.expect(
                            Method::PATCH,
                            &format!("{CLIENTS}/web-app"),
                            Reply::Object(json!(client())),
                        )
                        .await,
                    ]
                }
                Scenario::SecretMissing => {
                    self.expect(
                        Method::GET,
                        &format!("{SECRETS}/web-app-oidc"),
                        Reply::Status(404),
                    )
                    .await;
                    vec![
                        self.expect(Method::PATCH, &status, Reply::Object(json!(client())))
                            .await,
                    ]
                }
                Scenario::GenerateSecret => {
                    self.expect(
                        Method::GET,
                        &format!("{SECRETS}/web-app-credentials"),
                        Reply::Status(404),
                    )
                    .await;
                    let created = self.expect(Method::POST, SECRETS, Reply::Echo).await;
                    let patched = self
                        .expect(Method::PATCH, &status, Reply::Object(json!(client())))
                        .await;
                    vec![created, patched]
                }
                Scenario::Finalize => {
                    let server = json!(samples::server());
                    let path =
                        "/apis/nauthera.io/v1alpha1/namespaces/nauthera/nautheraservers/nauthera";
                    self.expect(Method::GET, path, Reply::Object(server)).await;
                    vec![
                        self.expect(
                            Method::PATCH,
                            &format!("{CLIENTS}/web-app"),
                            Reply::Object(json!(client())),
                        )
                        .await,
                    ]
                }
                Scenario::ApiError => {
                    self.expect(
                        Method::GET,
                        &format!("{SECRETS}/web-app-credentials"),
                        Reply::Status(500),
                    )
                    .await;
                    vec![
                        self.expect(Method::PATCH, &status, Reply::Object(json!(client())))
                            .await,
                    ]
                }
            }
        })
    }
}

fn ready_condition(recorded: &Recorded) -> serde_json::Value {
    recorded.body["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()
        .clone()
}

#[tokio::test]
async fn adds_the_finalizer_first() {
    let (context, verifier) = context();
    let script = verifier.run_client(Scenario::AddFinalizer);
    let mut new = client();
    new.metadata.finalizers = None;
    let action = within_1s(reconcile(Arc::new(new), Arc::clone(&context)))
        .await
        .unwrap();
    let seen = timeout_after_1s(script).await;
    assert_eq!(action, Action::await_change());
    assert!(
        seen[0].body.to_string().contains(FINALIZER),
        "{}",
        seen[0].body
    );
    assert!(context.admin.take_calls().is_empty());
}

#[tokio::test]
async fn waits_for_a_referenced_secret_and_invents_nothing() {
    let (context, verifier) = context();
    let script = verifier.run_client(Scenario::SecretMissing);
    let mut waiting = client();
    waiting.spec.secret_ref = Some(ClientSecretRef {
        name: "web-app-oidc".to_owned(),
    });
    let action = within_1s(reconcile(Arc::new(waiting), Arc::clone(&context)))
        .await
        .unwrap();
    let seen = timeout_after_1s(script).await;
    assert_eq!(action, Action::requeue(SECRET_RETRY));
    let ready = ready_condition(&seen[0]);
    assert_eq!(
        (ready["status"].as_str(), ready["reason"].as_str()),
        (Some("False"), Some("SecretNotFound"))
    );
    assert_eq!(seen[0].body["status"]["observedGeneration"], 3);
    assert!(
        context.admin.take_calls().is_empty(),
        "no upsert without credentials"
    );
}

#[tokio::test]
async fn generates_a_secret_once_and_registers_the_client_with_it() {
    let (context, verifier) = context();
    let script = verifier.run_client(Scenario::GenerateSecret);
    let action = within_1s(reconcile(Arc::new(client()), Arc::clone(&context)))
        .await
        .unwrap();
    let seen = timeout_after_1s(script).await;
    assert_eq!(action, Action::requeue(RESYNC));

    let secret = &seen[0].body;
    assert_eq!(secret["metadata"]["name"], "web-app-credentials");
    assert_eq!(
        secret["metadata"]["ownerReferences"][0]["kind"],
        "OAuth2Client"
    );
    assert_eq!(secret["metadata"]["ownerReferences"][0]["uid"], "uid-2");
    let decode = |key: &str| {
        String::from_utf8(
            STANDARD
                .decode(secret["data"][key].as_str().unwrap())
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(decode("client_id"), "nauthera-web-app");
    let generated = decode("client_secret");
    assert_eq!(generated.len(), 43, "256 bits, base64url without padding");

    let calls = context.admin.take_calls();
    let [AdminCall::Upsert { server, client }] = &calls[..] else {
        panic!("expected one upsert, got {calls:?}");
    };
    assert_eq!(server, &ServerRef::new("nauthera", "nauthera"));
    assert_eq!(client.client_id, "nauthera-web-app");
    assert_eq!(client.owner, "OAuth2Client/nauthera/web-app");
    assert_eq!(client.redirect_uris, ["https://app.example.com/callback"]);
    assert_eq!(
        client.client_secret.as_ref().unwrap().expose_secret(),
        generated
    );

    let status = &seen[1].body["status"];
    assert_eq!(status["clientId"], "nauthera-web-app");
    assert_eq!(ready_condition(&seen[1])["reason"], "Synced");
}

#[tokio::test]
async fn deletion_removes_the_client_from_the_server_then_the_finalizer() {
    let (context, verifier) = context();
    let script = verifier.run_client(Scenario::Finalize);
    let mut deleting = client();
    deleting.metadata.deletion_timestamp = Some(Time(crate::fixtures::now()));
    let action = within_1s(reconcile(Arc::new(deleting), Arc::clone(&context)))
        .await
        .unwrap();
    let seen = timeout_after_1s(script).await;
    assert_eq!(action, Action::await_change());
    let calls = context.admin.take_calls();
    let [
        AdminCall::Delete {
            client_id, owner, ..
        },
    ] = &calls[..]
    else {
        panic!("expected one delete, got {calls:?}");
    };
    assert_eq!(
        (client_id.as_str(), owner.as_str()),
        ("nauthera-web-app", "OAuth2Client/nauthera/web-app")
    );
    // A JSON patch that tests and removes exactly our finalizer.
    let patch = seen[0].body.as_array().unwrap();
    assert_eq!(
        patch[0],
        json!({"op": "test", "path": "/metadata/finalizers/0", "value": FINALIZER})
    );
    assert_eq!(
        patch[1],
        json!({"op": "remove", "path": "/metadata/finalizers/0"})
    );
}

#[tokio::test]
async fn an_api_error_fails_the_reconcile_shows_in_the_status_and_backs_off() {
    let (context, verifier) = context();
    let script = verifier.run_client(Scenario::ApiError);
    let object = Arc::new(client());
    let error = within_1s(reconcile(Arc::clone(&object), Arc::clone(&context)))
        .await
        .unwrap_err();
    let seen = timeout_after_1s(script).await;
    assert_eq!(error.reason(), "KubernetesApiError");
    let ready = ready_condition(&seen[0]);
    assert_eq!(
        (ready["status"].as_str(), ready["reason"].as_str()),
        (Some("False"), Some("KubernetesApiError"))
    );
    assert!(context.admin.take_calls().is_empty());
    let action = crate::controller::error_policy(object, &error, context);
    assert_eq!(action, Action::requeue(Duration::from_secs(5)));
}
