//! Shared fixtures of the benchmarks in `benches/`: a provider behind the HTTP router, driven in-process with
//! `tower::ServiceExt::oneshot` (no socket), and the user grant needed to measure refresh, introspection and
//! userinfo.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly on setup errors"
)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use nauthera_core::client::GrantType;
use nauthera_core::flows::admin::{ClientSecretChange, Ownership};
use nauthera_core::keys::Algorithm;
use nauthera_core::registration::{ClientRegistration, SecretProvision};
use nauthera_core::secret::{ClientSecret, Password};
use nauthera_core::user::UserClaims;
use nauthera_core::{Cache, Provider, ProviderConfig, Storage};
use nauthera_http::HttpOptions;
use tower::ServiceExt;

/// The issuer of every benchmark provider.
pub const ISSUER: &str = "http://127.0.0.1:8080";
/// The PKCE verifier of RFC 7636 Appendix B and its challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A router over a provider with the benchmark client (`bench` / `bench-secret`) and user registered.
pub async fn router<S: Storage, C: Cache>(store: S, cache: C, algorithm: Algorithm) -> Router {
    let mut config = ProviderConfig::new(ISSUER).unwrap();
    config.signing_algorithm = algorithm;
    let provider = Provider::builder(config, store)
        .cache(cache)
        .build()
        .await
        .unwrap();
    let mut registration = ClientRegistration::new("bench");
    registration.grant_types = Some(vec![
        GrantType::ClientCredentials,
        GrantType::AuthorizationCode,
        GrantType::RefreshToken,
    ]);
    registration.scope = Some("openid profile email offline_access api:read".into());
    registration.redirect_uris = vec!["http://127.0.0.1:9000/cb".into()];
    registration.first_party = true;
    let client = registration.validate(SecretProvision::Given).unwrap();
    provider
        .apply_client(
            client,
            ClientSecretChange::Set(ClientSecret::new("bench-secret")),
            Ownership::Override,
        )
        .await
        .unwrap();
    let mut claims = UserClaims::default();
    claims.email = Some("bench@example.com".into());
    provider
        .upsert_user("bench", &Password::new("bench-password"), claims)
        .await
        .unwrap();
    nauthera_http::router(Arc::new(provider), HttpOptions::default())
}

/// Sends a request and returns the status and body.
pub async fn call(
    router: &Router,
    request: Request<Body>,
) -> (StatusCode, Vec<u8>, http::HeaderMap) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, body, parts.headers)
}

/// A form POST authenticated as the benchmark client.
pub fn client_post(path: &str, form: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::AUTHORIZATION,
            format!("Basic {}", STANDARD.encode("bench:bench-secret")),
        )
        .body(Body::from(form.to_owned()))
        .unwrap()
}

/// A `client_credentials` token request.
pub fn client_credentials_request() -> Request<Body> {
    client_post("/token", "grant_type=client_credentials&scope=api%3Aread")
}

/// The tokens of one user grant.
#[derive(Debug)]
pub struct UserTokens {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
}

/// Runs the authorization code flow in-process (login form, first-party client, code exchange).
pub async fn user_tokens(router: &Router) -> UserTokens {
    let query = format!(
        "response_type=code&client_id=bench&redirect_uri=http%3A%2F%2F127.0.0.1%3A9000%2Fcb\
         &scope=openid%20email%20offline_access&code_challenge={CHALLENGE}&code_challenge_method=S256"
    );
    let (status, page, headers) = call(
        router,
        Request::get(format!("/authorize?{query}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).unwrap();
    let csrf_cookie = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| {
            value
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned()
        })
        .find(|pair| pair.starts_with("nauthera_csrf="))
        .unwrap();
    let form = serde_urlencoded::to_string([
        ("interaction", field(&page, "interaction")),
        ("csrf_token", field(&page, "csrf_token")),
        ("username", "bench".to_owned()),
        ("password", "bench-password".to_owned()),
    ])
    .unwrap();
    let login = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, csrf_cookie)
        .body(Body::from(form))
        .unwrap();
    let (status, _, headers) = call(router, login).await;
    assert!(status.is_redirection(), "{status}");
    let location =
        url::Url::parse(headers.get(header::LOCATION).unwrap().to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(name, _)| name == "code")
        .unwrap()
        .1
        .into_owned();
    let form = format!(
        "grant_type=authorization_code&code={code}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9000%2Fcb&code_verifier={VERIFIER}"
    );
    let (status, body, _) = call(router, client_post("/token", &form)).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    UserTokens {
        access_token: json["access_token"].as_str().unwrap().to_owned(),
        refresh_token: json["refresh_token"].as_str().unwrap().to_owned(),
    }
}

/// Exchanges a refresh token and returns its successor.
pub async fn refresh(router: &Router, refresh_token: &str) -> String {
    let form = format!("grant_type=refresh_token&refresh_token={refresh_token}");
    let (status, body, _) = call(router, client_post("/token", &form)).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    json["refresh_token"].as_str().unwrap().to_owned()
}

/// Introspects a token and checks it is active.
pub async fn introspect(router: &Router, token: &str) {
    let (status, body, _) = call(
        router,
        client_post("/introspect", &format!("token={token}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.starts_with(b"{\"active\":true") || body.windows(13).any(|w| w == b"\"active\":true")
    );
}

/// Calls userinfo with a bearer token.
pub async fn userinfo(router: &Router, token: &str) {
    let request = Request::get("/userinfo")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = call(router, request).await;
    assert_eq!(status, StatusCode::OK);
}

fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap() + marker.len();
    let end = page[start..].find('"').unwrap() + start;
    page[start..end].replace("&amp;", "&")
}
