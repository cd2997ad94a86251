//! The operator's admin client against the real reference server over loopback with real mutual-TLS
//! certificates: an `OAuth2Client` resource's spec becomes a working client, deleting it makes its credentials
//! fail, and clients without a certificate from the server's CA are refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use std::time::Duration;

use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use nauthera_admin::pki::CertificateAuthority;
use nauthera_core::{Clock, SystemClock};
use nauthera_operator::admin::{AdminApi, ClientSecret, GrpcAdmin, ServerRef};
use nauthera_operator::controller::client::registration;
use nauthera_operator::crd::OAuth2Client;

const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

const CONFIG: &str = r#"
version = 1
issuer = "ISSUER"
[storage]
url = "STORAGE"
[admin]
listen = "ADMIN"
ca_file = "CA"
cert_file = "CERT"
key_file = "KEY"
"#;

struct Server {
    issuer: String,
    admin_endpoint: String,
    ca: CertificateAuthority,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let now = SystemClock.now();
    let ca = CertificateAuthority::generate("nauthera operator CA", now, YEAR).unwrap();
    let server_cert = ca
        .issue_server(&["localhost", "127.0.0.1"], now, YEAR)
        .unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    std::fs::write(path("ca.pem"), ca.cert_pem()).unwrap();
    std::fs::write(path("server.pem"), &server_cert.cert_pem).unwrap();
    std::fs::write(path("server.key"), server_cert.key_pem.as_bytes()).unwrap();
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", http.local_addr().unwrap());
    let admin_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let text = CONFIG
        .replace("ISSUER", &issuer)
        .replace("STORAGE", &format!("sqlite://{}", path("nauthera.db")))
        .replace("ADMIN", &format!("127.0.0.1:{admin_port}"))
        .replace("CA", &path("ca.pem"))
        .replace("CERT", &path("server.pem"))
        .replace("KEY", &path("server.key"));
    let config = nauthera_server::ServerConfig::parse(&text).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(nauthera_server::run(config, http, async {
        let _ = stopped.await;
    }));
    Server {
        issuer,
        admin_endpoint: format!("https://127.0.0.1:{admin_port}"),
        ca,
        stop: Some(stop),
        _dir: dir,
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The operator's admin client with a certificate from `ca`.
fn operator_admin(server: &Server, ca: &CertificateAuthority) -> GrpcAdmin {
    let client = ca
        .issue_client("nauthera-operator", SystemClock.now(), YEAR)
        .unwrap();
    GrpcAdmin::direct(
        server.admin_endpoint.clone(),
        "localhost",
        server.ca.cert_pem(),
        client.cert_pem.clone(),
        client.key_pem.to_string(),
    )
}

/// An `OAuth2Client` resource as a user would write it.
fn resource() -> OAuth2Client {
    serde_json::from_value(serde_json::json!({
        "apiVersion": "nauthera.io/v1alpha1",
        "kind": "OAuth2Client",
        "metadata": { "name": "billing", "namespace": "payments" },
        "spec": {
            "serverRef": "nauthera",
            "clientId": "billing-service",
            "grantTypes": ["client_credentials"],
            "scopes": ["api:read"],
            "authMethod": "client_secret_basic"
        }
    }))
    .unwrap()
}

/// A client_credentials token request with HTTP Basic credentials; returns the status.
async fn token_status(issuer: &str, id: &str, secret: &str) -> u16 {
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let request = http::Request::post(format!("{issuer}/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Basic {credentials}"))
        .body(Full::new(Bytes::from(
            "grant_type=client_credentials&scope=api%3Aread",
        )))
        .unwrap();
    let client: HttpClient<_, Full<Bytes>> = HttpClient::builder(TokioExecutor::new()).build_http();
    let response = client.request(request).await.unwrap();
    let status = response.status().as_u16();
    let _ = response.into_body().collect().await;
    status
}

/// Retries until the admin listener, started right after the provider, accepts connections.
async fn upsert_when_ready(
    admin: &GrpcAdmin,
    server: &ServerRef,
    resource: &OAuth2Client,
    secret: &str,
) {
    for _ in 0..50 {
        let registration = registration(resource, Some(ClientSecret::new(secret.to_owned())));
        if admin.upsert_client(server, registration).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the admin API never accepted the operator's client");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_resource_becomes_a_working_client_and_deleting_it_revokes_its_credentials() {
    let server = start().await;
    let admin = operator_admin(&server, &server.ca);
    let server_ref = ServerRef::new("payments", "nauthera");
    let resource = resource();
    let secret = "generated-by-the-operator-0123456789abcdef";
    upsert_when_ready(&admin, &server_ref, &resource, secret).await;
    assert_eq!(
        token_status(&server.issuer, "billing-service", secret).await,
        200
    );
    assert_eq!(
        token_status(&server.issuer, "billing-service", "wrong").await,
        401
    );

    let owner = nauthera_operator::controller::client::owner(&resource);
    assert!(
        admin
            .delete_client(&server_ref, "billing-service", &owner)
            .await
            .unwrap()
    );
    assert_eq!(
        token_status(&server.issuer, "billing-service", secret).await,
        401
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn clients_without_a_certificate_from_the_servers_ca_are_refused() {
    let server = start().await;
    let trusted = operator_admin(&server, &server.ca);
    let server_ref = ServerRef::new("payments", "nauthera");
    upsert_when_ready(
        &trusted,
        &server_ref,
        &resource(),
        "secret-secret-secret-secret",
    )
    .await;

    let stranger_ca =
        CertificateAuthority::generate("another CA", SystemClock.now(), YEAR).unwrap();
    let stranger = operator_admin(&server, &stranger_ca);
    let registration = registration(&resource(), Some(ClientSecret::new("x".repeat(32))));
    assert!(
        stranger
            .upsert_client(&server_ref, registration)
            .await
            .is_err(),
        "another CA's certificate"
    );

    // No client certificate at all: a TLS client that trusts the server but presents nothing.
    let tls = nauthera_admin::tonic::transport::ClientTlsConfig::new()
        .ca_certificate(nauthera_admin::tonic::transport::Certificate::from_pem(
            server.ca.cert_pem(),
        ))
        .domain_name("localhost");
    let channel =
        nauthera_admin::tonic::transport::Channel::from_shared(server.admin_endpoint.clone())
            .unwrap()
            .tls_config(tls)
            .unwrap()
            .connect()
            .await;
    let refused = match channel {
        Err(_) => true,
        Ok(channel) => nauthera_admin::AdminClient::new(channel)
            .list_clients(nauthera_admin::proto::ListClientsRequest {})
            .await
            .is_err(),
    };
    assert!(refused, "a client without a certificate must be refused");
}
