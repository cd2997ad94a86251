//! The test kit: boots the reference server on 127.0.0.1:0 against a fresh SQLite store, an HTTP client for
//! the openidconnect crate, and a minimal browser with a cookie jar that submits the HTML forms.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use nauthera_core::time::FixedClock;
use nauthera_core::{Clock, SystemClock};
use nauthera_server::ServerConfig;
use tokio::sync::oneshot;

/// The test user alice: username and password.
pub(crate) const ALICE: (&str, &str) = ("alice", "alice-password");

/// The TOML of the test server: the demo clients plus clients for specific tests.
pub(crate) const CONFIG: &str = r#"
version = 1
issuer = "ISSUER"
listen = "127.0.0.1:0"

[storage]
url = "STORAGE"

[keys]
algorithm = "ALGORITHM"

[[clients]]
client_id = "web"
client_name = "Web App"
secret = "web-secret"
auth_method = "client_secret_basic"
redirect_uris = ["http://127.0.0.1:9000/callback"]
post_logout_redirect_uris = ["http://127.0.0.1:9000/logged-out"]
grant_types = ["authorization_code", "refresh_token", "client_credentials"]
scope = "openid profile email offline_access groups api:read"

[[clients]]
client_id = "poster"
client_name = "Post App"
secret = "poster-secret"
auth_method = "client_secret_post"
redirect_uris = ["http://127.0.0.1:9001/callback"]
grant_types = ["authorization_code", "client_credentials"]
scope = "openid api:read api:write"

[[clients]]
client_id = "spa"
client_name = "Single Page App"
auth_method = "none"
redirect_uris = ["http://127.0.0.1:9002/callback"]
post_logout_redirect_uris = ["http://127.0.0.1:9002/"]
grant_types = ["authorization_code", "refresh_token"]
scope = "openid profile email offline_access"

[[clients]]
client_id = "first-party"
client_name = "First Party"
secret = "first-party-secret"
redirect_uris = ["http://127.0.0.1:9003/callback"]
scope = "openid profile email"
first_party = true
id_token_signed_response_alg = "RS256"

[[users]]
username = "alice"
password = "alice-password"
name = "Alice Example"
given_name = "Alice"
family_name = "Example"
email = "alice@example.com"
email_verified = true

[[users]]
username = "bob"
password = "bob-password"
email = "bob@example.com"
"#;

/// How to start a server.
#[derive(Clone, Debug)]
pub(crate) struct Setup {
    /// The storage URL.
    pub(crate) storage: String,
    /// The cache URL and key prefix.
    pub(crate) cache: Option<(String, String)>,
    /// The default signing algorithm.
    pub(crate) algorithm: String,
    /// The issuer, when it is not the server's own address (replicas behind one name).
    pub(crate) issuer: Option<String>,
    /// TOML appended to the configuration (sections the base configuration does not have, such as `[limits]`).
    pub(crate) extra_toml: String,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            storage: String::new(),
            cache: None,
            algorithm: "ES256".to_owned(),
            issuer: None,
            extra_toml: String::new(),
        }
    }
}

/// A running server.
pub(crate) struct TestServer {
    pub(crate) issuer: String,
    pub(crate) addr: SocketAddr,
    /// The server's clock: stopped at the start time, advanced by tests.
    pub(crate) clock: Arc<FixedClock>,
    /// The assembled provider, for operations the HTTP API does not offer (key rotation).
    pub(crate) provider: Arc<nauthera_server::ServerProvider>,
    setup: Setup,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server with ES256 keys.
    pub(crate) async fn start() -> Self {
        Self::start_with("ES256").await
    }

    /// Starts a server whose default algorithm is `algorithm`.
    pub(crate) async fn start_with(algorithm: &str) -> Self {
        Self::start_fresh(Setup {
            algorithm: algorithm.to_owned(),
            ..Setup::default()
        })
        .await
    }

    /// Starts a server with ES256 keys and `toml` appended to its configuration.
    pub(crate) async fn start_with_toml(toml: &str) -> Self {
        Self::start_fresh(Setup {
            extra_toml: toml.to_owned(),
            ..Setup::default()
        })
        .await
    }

    /// Starts a server as `setup` says, on a fresh SQLite store.
    async fn start_fresh(mut setup: Setup) -> Self {
        let dir = tempfile::tempdir().unwrap();
        setup.storage = format!("sqlite://{}", dir.path().join("nauthera.db").display());
        Self::launch(dir, setup, "127.0.0.1:0").await
    }

    /// Starts a server as `setup` says.
    pub(crate) async fn start_setup(setup: Setup) -> Self {
        Self::launch(tempfile::tempdir().unwrap(), setup, "127.0.0.1:0").await
    }

    async fn launch(dir: tempfile::TempDir, setup: Setup, addr: &str) -> Self {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let issuer = setup
            .issuer
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let mut text = CONFIG
            .replace("ISSUER", &issuer)
            .replace("STORAGE", &setup.storage)
            .replace("ALGORITHM", &setup.algorithm);
        if let Some((url, prefix)) = &setup.cache {
            text.push_str(&format!(
                "\n[cache]\nurl = \"{url}\"\nkey_prefix = \"{prefix}\"\n"
            ));
        }
        text.push_str(&setup.extra_toml);
        let config = ServerConfig::parse(&text).unwrap();
        let clock = Arc::new(FixedClock::new(SystemClock.now()));
        let provider = nauthera_server::provider_with_clock(&config, clock.clone())
            .await
            .unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let limits = config.limits.connection_limits();
        let http = nauthera_server::http_options(&config).unwrap();
        let served = Arc::clone(&provider);
        let task = tokio::spawn(async move {
            nauthera_server::serve_with(served, listener, limits, http, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self {
            issuer,
            addr,
            clock,
            provider,
            setup,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    /// Stops the server and starts a new one on the same store and address (a restart).
    pub(crate) async fn restart(mut self) -> Self {
        self.shutdown().await;
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().unwrap());
        let setup = std::mem::take(&mut self.setup);
        Self::launch(dir, setup, &self.addr.to_string()).await
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }

    /// An absolute URL on the server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

/// An HTTP response read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: http::StatusCode,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: String,
}

impl Reply {
    /// The `Location` header.
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get(http::header::LOCATION)
            .unwrap_or_else(|| panic!("no Location in {} {}", self.status, self.body))
            .to_str()
            .unwrap()
    }

    /// The value of a hidden form field.
    pub(crate) fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no field {name} in {}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        unescape(&self.body[start..end])
    }

    /// The JSON body.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A minimal browser: a cookie jar, no automatic redirects.
pub(crate) struct Browser {
    client: HyperClient<HttpConnector, Full<Bytes>>,
    cookies: HashMap<String, String>,
    forwarded_for: Option<String>,
}

impl Default for Browser {
    fn default() -> Self {
        Self {
            client: HyperClient::builder(TokioExecutor::new()).build_http(),
            cookies: HashMap::new(),
            forwarded_for: None,
        }
    }
}

impl Browser {
    /// A browser whose requests arrive through a reverse proxy that reports `address` in `X-Forwarded-For`.
    pub(crate) fn behind_proxy_from(address: &str) -> Self {
        Self {
            forwarded_for: Some(address.to_owned()),
            ..Self::default()
        }
    }

    /// GET a URL.
    pub(crate) async fn get(&mut self, url: &str) -> Reply {
        self.send(http::Method::GET, url, None).await
    }

    /// POST a form.
    pub(crate) async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(form).unwrap();
        self.send(http::Method::POST, url, Some(body)).await
    }

    /// The session cookie.
    pub(crate) fn session_cookie(&self) -> Option<String> {
        self.cookies.get("nauthera_session").cloned()
    }

    /// Sets the session cookie (to replay an old one).
    pub(crate) fn set_session_cookie(&mut self, value: &str) {
        self.cookies.insert("nauthera_session".into(), value.into());
    }

    async fn send(&mut self, method: http::Method, url: &str, body: Option<String>) -> Reply {
        let mut request = http::Request::builder().method(method).uri(url);
        if !self.cookies.is_empty() {
            let cookie: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(http::header::COOKIE, cookie.join("; "));
        }
        if body.is_some() {
            request = request.header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
        }
        if let Some(address) = &self.forwarded_for {
            request = request.header("x-forwarded-for", address.as_str());
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .unwrap();
        let response = self.client.request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        for value in parts.headers.get_all(http::header::SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = body.collect().await.unwrap().to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }
}

/// The error type of [`http_client`].
#[derive(Debug, thiserror::Error)]
#[error("http: {0}")]
pub(crate) struct HttpError(String);

/// The HTTP client handed to the openidconnect crate: plain hyper, no redirects followed.
pub(crate) async fn http_client(
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, HttpError> {
    let client: HyperClient<HttpConnector, Full<Bytes>> =
        HyperClient::builder(TokioExecutor::new()).build_http();
    let (mut parts, body) = request.into_parts();
    if parts.uri.scheme_str() == Some("https") && parts.uri.host() == Some("127.0.0.1") {
        // See `rp::loopback_https`: loopback "https" URLs are served over plain http by the test server.
        let plain = parts.uri.to_string().replacen("https://", "http://", 1);
        parts.uri = plain
            .parse()
            .map_err(|_| HttpError("bad loopback URL".into()))?;
    }
    let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
    let response = client
        .request(request)
        .await
        .map_err(|e| HttpError(e.to_string()))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| HttpError(e.to_string()))?
        .to_bytes();
    Ok(http::Response::from_parts(parts, body.to_vec()))
}

/// Sends a raw form POST (for negative tests that a well-behaved client library would refuse to send).
pub(crate) async fn post_form(
    url: &str,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> Reply {
    let mut request = http::Request::builder()
        .method(http::Method::POST)
        .uri(url)
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
    if let Some((id, secret)) = basic {
        request = request.header(http::header::AUTHORIZATION, basic_authorization(id, secret));
    }
    let body = serde_urlencoded::to_string(form).unwrap().into_bytes();
    send_raw(request.body(body).unwrap()).await
}

/// An `Authorization: Basic` value of `id` and `secret` as given (not form-encoded).
pub(crate) fn basic_authorization(id: &str, secret: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    format!("Basic {encoded}")
}

/// Sends a request as it is and reads the whole reply.
pub(crate) async fn send_raw(request: http::Request<Vec<u8>>) -> Reply {
    let response = http_client(request).await.unwrap();
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(response.body()).into_owned(),
    }
}
