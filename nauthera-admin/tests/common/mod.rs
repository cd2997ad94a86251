//! What the admin API's tests share: a provider served over loopback, its public HTTP endpoints and the admin
//! API with real mutual-TLS certificates, on SQLite or on a fresh PostgreSQL schema.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test crate uses a part of this shared support"
)]

pub mod postgres;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use nauthera_admin::pki::{CertificateAuthority, CertifiedKey};
use nauthera_admin::tonic::transport::Channel;
use nauthera_admin::{AdminClient, AdminTls};
use nauthera_core::{Clock, Provider, ProviderConfig, SystemClock, UnixTime};
use nauthera_storage::DieselStore;
use tokio::sync::oneshot;

use self::postgres::Schema;

/// How long the certificates the tests issue are valid.
pub const DAY: Duration = Duration::from_secs(24 * 3600);

/// The current time, for issuing certificates.
pub fn now() -> UnixTime {
    SystemClock.now()
}

/// A provider served twice: its public HTTP endpoints and the admin API.
pub struct Harness {
    pub ca: CertificateAuthority,
    pub admin_url: String,
    pub http_addr: SocketAddr,
    /// The provider both serve, for what the admin API does not offer (creating users).
    pub provider: Arc<Provider<DieselStore>>,
    _stop: (oneshot::Sender<()>, oneshot::Sender<()>),
    /// The PostgreSQL schema the store lives in, dropped after the servers.
    _schema: Option<Schema>,
}

impl Harness {
    /// A harness on a private in-memory SQLite database.
    pub async fn start() -> Self {
        Self::on("sqlite::memory:", None).await
    }

    /// A harness on a fresh PostgreSQL schema.
    pub async fn start_on_postgres() -> Self {
        let schema = Schema::create().await;
        let url = schema.url();
        Self::on(&url, Some(schema)).await
    }

    async fn on(url: &str, schema: Option<Schema>) -> Self {
        let store = DieselStore::open(url, 2).await.unwrap();
        let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let http_addr = http.local_addr().unwrap();
        let config = ProviderConfig::new(&format!("http://{http_addr}")).unwrap();
        let provider = Arc::new(Provider::builder(config, store).build().await.unwrap());

        let (stop_http, http_stopped) = oneshot::channel::<()>();
        let router = nauthera_http::router(Arc::clone(&provider), Default::default());
        tokio::spawn(async move {
            axum::serve(http, router)
                .with_graceful_shutdown(async {
                    let _ = http_stopped.await;
                })
                .await
                .unwrap();
        });

        let ca = CertificateAuthority::generate("nauthera-test-ca", now(), DAY).unwrap();
        let server = ca
            .issue_server(&["localhost", "127.0.0.1"], now(), DAY)
            .unwrap();
        let admin = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let admin_url = format!("https://{}", admin.local_addr().unwrap());
        let tls = AdminTls::from_pem(ca.cert_pem(), server.cert_pem, server.key_pem.as_bytes());
        let (stop_admin, admin_stopped) = oneshot::channel::<()>();
        let served = Arc::clone(&provider);
        tokio::spawn(async move {
            nauthera_admin::serve(served, admin, tls, async {
                let _ = admin_stopped.await;
            })
            .await
            .unwrap();
        });
        Self {
            ca,
            admin_url,
            http_addr,
            provider,
            _stop: (stop_http, stop_admin),
            _schema: schema,
        }
    }

    /// An admin client whose certificate, issued by this server's CA, names `operator`.
    pub async fn admin(&self) -> AdminClient<Channel> {
        let cert = self.ca.issue_client("operator", now(), DAY).unwrap();
        self.admin_with(&cert).await.unwrap()
    }

    /// An admin client presenting `cert`.
    pub async fn admin_with(
        &self,
        cert: &CertifiedKey,
    ) -> Result<AdminClient<Channel>, nauthera_admin::AdminError> {
        let tls = AdminTls::from_pem(
            self.ca.cert_pem(),
            cert.cert_pem.as_bytes(),
            cert.key_pem.as_bytes(),
        );
        nauthera_admin::connect(&self.admin_url, tls, "localhost").await
    }

    /// A client_credentials token request with HTTP Basic credentials; the status and the JSON body.
    pub async fn token(&self, client_id: &str, secret: &str) -> (u16, serde_json::Value) {
        let http = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let basic = STANDARD.encode(format!("{client_id}:{secret}"));
        let request = hyper::Request::post(format!("http://{}/token", self.http_addr))
            .header("authorization", format!("Basic {basic}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from_static(
                b"grant_type=client_credentials",
            )))
            .unwrap();
        let response = http.request(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap())
    }
}
