//! Test fixtures: a mocked Kubernetes API server (the kube-rs controller-rs `ApiServerVerifier` pattern) and a
//! fake admin API.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use k8s_openapi::jiff::Timestamp;
use kube::client::Body;
use serde_json::{Value, json};

use crate::admin::{AdminApi, AdminError, ClientRegistration, ServerRef, UpsertOutcome};
use crate::clock::Clock;
use crate::controller::Context;

type ApiServerHandle = tower_test::mock::Handle<Request<Body>, Response<Body>>;

/// The fixed time of every test.
pub(crate) fn now() -> Timestamp {
    "2026-11-30T12:00:00Z".parse().unwrap()
}

/// A context over a mocked API server and a fake admin API.
pub(crate) fn context() -> (Arc<Context<FakeAdmin>>, ApiServerVerifier) {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "default");
    let context = Context::with_clock(client, FakeAdmin::default(), Clock::fixed(now()));
    (Arc::new(context), ApiServerVerifier(handle))
}

/// Fails the test if the scripted API server does not finish within a second.
pub(crate) async fn timeout_after_1s<T>(handle: tokio::task::JoinHandle<T>) -> T {
    tokio::time::timeout(Duration::from_secs(1), handle)
        .await
        .expect("the mocked API server timed out: a request it expected was not made")
        .expect("the mocked API server's script failed")
}

/// Runs a reconcile, failing the test if it does not finish within a second (an unanswered request).
pub(crate) async fn within_1s<T>(reconcile: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(1), reconcile)
        .await
        .expect(
            "the reconcile did not finish: it made a request the mocked API server did not expect",
        )
}

/// How the mocked API server answers one request.
#[derive(Debug)]
pub(crate) enum Reply {
    /// 200 (201 for POST) with the request body, as the API server echoes an applied or created object.
    Echo,
    /// 200 with the request body changed by a function.
    EchoWith(fn(Value) -> Value),
    /// 200 with this object.
    Object(Value),
    /// An error `Status` with this code.
    Status(u16),
}

/// One request the operator made.
#[derive(Debug)]
pub(crate) struct Recorded {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) body: Value,
}

/// The scripted API server.
pub(crate) struct ApiServerVerifier(ApiServerHandle);

impl ApiServerVerifier {
    /// Expects the next request to be `method path`, answers it with `reply` and returns it.
    pub(crate) async fn expect(&mut self, method: Method, path: &str, reply: Reply) -> Recorded {
        let (request, send) = self
            .0
            .next_request()
            .await
            .expect("the operator made no further request");
        let recorded = Recorded {
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
            query: request.uri().query().unwrap_or_default().to_owned(),
            body: {
                let bytes = request.into_body().collect_bytes().await.unwrap();
                if bytes.is_empty() {
                    Value::Null
                } else {
                    serde_json::from_slice(&bytes).unwrap()
                }
            },
        };
        assert_eq!(
            (&recorded.method, recorded.path.as_str()),
            (&method, path),
            "unexpected request"
        );
        let (status, body) = match reply {
            Reply::Echo if method == Method::POST => (StatusCode::CREATED, recorded.body.clone()),
            Reply::Echo => (StatusCode::OK, recorded.body.clone()),
            Reply::EchoWith(change) => (StatusCode::OK, change(recorded.body.clone())),
            Reply::Object(object) => (StatusCode::OK, object),
            Reply::Status(code) => (StatusCode::from_u16(code).unwrap(), status_body(code)),
        };
        let response = Response::builder()
            .status(status)
            .body(Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap();
        send.send_response(response);
        recorded
    }
}

fn status_body(code: u16) -> Value {
    let reason = match code {
        404 => "NotFound",
        409 => "Conflict",
        _ => "InternalError",
    };
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": format!("mocked {code}"),
        "reason": reason,
        "code": code,
    })
}

/// A call to the fake admin API.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "the fields are read through Debug and pattern matches"
)]
pub(crate) enum AdminCall {
    Delete {
        server: ServerRef,
        client_id: String,
        owner: String,
    },
    RotateKeys {
        server: ServerRef,
    },
    Upsert {
        server: ServerRef,
        client: ClientRegistration,
    },
}

/// An admin API that records its calls and succeeds.
#[derive(Debug, Default)]
pub(crate) struct FakeAdmin {
    pub(crate) calls: Mutex<Vec<AdminCall>>,
}

impl FakeAdmin {
    pub(crate) fn take_calls(&self) -> Vec<AdminCall> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

impl AdminApi for FakeAdmin {
    async fn upsert_client(
        &self,
        server: &ServerRef,
        client: ClientRegistration,
    ) -> Result<UpsertOutcome, AdminError> {
        self.calls.lock().unwrap().push(AdminCall::Upsert {
            server: server.clone(),
            client,
        });
        Ok(UpsertOutcome::default())
    }

    async fn delete_client(
        &self,
        server: &ServerRef,
        client_id: &str,
        owner: &str,
    ) -> Result<bool, AdminError> {
        self.calls.lock().unwrap().push(AdminCall::Delete {
            server: server.clone(),
            client_id: client_id.to_owned(),
            owner: owner.to_owned(),
        });
        Ok(true)
    }

    async fn rotate_keys(&self, server: &ServerRef) -> Result<Vec<String>, AdminError> {
        self.calls.lock().unwrap().push(AdminCall::RotateKeys {
            server: server.clone(),
        });
        Ok(vec!["new-kid".to_owned()])
    }
}
