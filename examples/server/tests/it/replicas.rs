//! Two replicas on one PostgreSQL database and one Redis behave as one provider; without Redis, or with Redis
//! gone, the provider still serves from PostgreSQL.

use std::time::{Duration, Instant};

use openidconnect::core::CoreAuthPrompt;
use openidconnect::{
    AccessToken, AuthorizationCode, ClientId, LogoutRequest, OAuth2TokenResponse, RefreshToken,
    TokenResponse,
};

use crate::harness::{Browser, HttpError, Setup, TestServer, http_client};
use crate::postgres::Schema;
use crate::rp::{Rp, alice_code, code_of, redirect_params};

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// Replica A, and replica B serving the same issuer on another port.
async fn replicas(schema: &Schema, cache: Option<String>) -> (TestServer, TestServer) {
    replicas_with(schema, cache, "").await
}

/// [`replicas`] with `extra_toml` appended to both configurations.
async fn replicas_with(
    schema: &Schema,
    cache: Option<String>,
    extra_toml: &str,
) -> (TestServer, TestServer) {
    let prefix = format!(
        "nauthera-e2e-{}",
        std::process::id() as u64 * 1000 + u64::from(rand_u16())
    );
    let cache = cache.map(|url| (url, prefix));
    let a = TestServer::start_setup(Setup {
        storage: schema.url.clone(),
        cache: cache.clone(),
        extra_toml: extra_toml.to_owned(),
        ..Setup::default()
    })
    .await;
    let b = TestServer::start_setup(Setup {
        storage: schema.url.clone(),
        cache,
        issuer: Some(a.issuer.clone()),
        extra_toml: extra_toml.to_owned(),
        ..Setup::default()
    })
    .await;
    (a, b)
}

fn rand_u16() -> u16 {
    let mut bytes = [0_u8; 2];
    nauthera_core::Random::fill(&nauthera_core::SystemRandom::new(), &mut bytes).unwrap();
    u16::from_le_bytes(bytes)
}

/// Rewrites URLs of replica A (the issuer) to replica B.
fn on(b: &TestServer, a: &TestServer, url: &str) -> String {
    url.replacen(&a.addr.to_string(), &b.addr.to_string(), 1)
}

/// A response future of the routed HTTP client.
type Routed =
    std::pin::Pin<Box<dyn Future<Output = Result<http::Response<Vec<u8>>, HttpError>> + Send>>;

/// An HTTP client for openidconnect that sends every request meant for A to B instead.
fn via(b: &TestServer, a: &TestServer) -> impl Fn(http::Request<Vec<u8>>) -> Routed {
    let (from, to) = (a.addr.to_string(), b.addr.to_string());
    move |mut request: http::Request<Vec<u8>>| {
        let uri = request.uri().to_string().replacen(&from, &to, 1);
        *request.uri_mut() = uri.parse().unwrap();
        Box::pin(http_client(request))
    }
}

async fn until(bound: Duration, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < bound, "not within {bound:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_replicas_share_sessions_codes_refresh_tokens_revocations_keys_and_logout() {
    let schema = Schema::create().await;
    let (a, b) = replicas(&schema, Some(redis_url())).await;
    let rp = Rp::web(&a).await;
    let to_b = via(&b, &a);
    let mut browser = Browser::default();

    // Log in on A; continue on B with the same cookie: no login page, the consent is remembered.
    let first = rp.authorize(&["offline_access"], None);
    alice_code(&mut browser, &a, &first).await;
    let second = rp.authorize(&["offline_access"], None);
    let reply = browser.get(&on(&b, &a, second.url.as_str())).await;
    let code = code_of(&reply, &second, &a.issuer);

    // A code issued on B is redeemed on A; one issued on A is redeemed on B.
    let (tokens, _) = rp.exchange(&code, second).await;
    let third = rp.authorize(&["offline_access"], None);
    let code = code_of(&browser.get(third.url.as_str()).await, &third, &a.issuer);
    let on_b = rp
        .client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(third.verifier)
        .request_async(&to_b)
        .await
        .unwrap();
    rp.validate_id_token(&on_b, Some(&third.nonce));

    // A refresh token rotated on A is rejected on B (and the family is revoked).
    let first_refresh = tokens.refresh_token().unwrap().clone();
    rp.client
        .exchange_refresh_token(&first_refresh)
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    let reuse = rp
        .client
        .exchange_refresh_token(&RefreshToken::new(first_refresh.secret().clone()))
        .unwrap()
        .request_async(&to_b)
        .await;
    assert!(format!("{reuse:?}").contains("invalid_grant"), "{reuse:?}");

    revocation_on_a_reaches_b(&rp, &to_b, on_b.access_token()).await;
    key_rotated_on_a_is_used_by_b(&rp, &a, &b, &to_b).await;

    // Logout on A ends the session on B.
    let id_token = on_b.id_token().unwrap();
    let logout = LogoutRequest::from(
        rp.metadata
            .additional_metadata()
            .end_session_endpoint
            .clone(),
    )
    .set_id_token_hint(id_token)
    .set_client_id(ClientId::new("web".into()))
    .http_get_url();
    let old_cookie = browser.session_cookie().unwrap();
    let reply = browser.get(logout.as_str()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    browser.set_session_cookie(&old_cookie);
    let silent = rp.authorize(&[], Some(CoreAuthPrompt::None));
    let params = redirect_params(&browser.get(&on(&b, &a, silent.url.as_str())).await);
    assert_eq!(params["error"], "login_required");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_redis_replicas_serve_from_postgresql() {
    let schema = Schema::create().await;
    let (a, b) = replicas(&schema, None).await;
    let rp = Rp::web(&a).await;
    let to_b = via(&b, &a);
    let token = rp
        .client
        .exchange_client_credentials()
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    assert!(rp.is_active_via(token.access_token(), &to_b).await);
    rp.revoke_access_token(token.access_token().clone()).await;
    assert!(!rp.is_active_via(token.access_token(), &to_b).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_redis_unreachable_requests_still_succeed_from_postgresql() {
    let schema = Schema::create().await;
    let (a, _b) = replicas(&schema, Some("redis://127.0.0.1:1".to_owned())).await;
    let rp = Rp::web(&a).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["offline_access"], None);
    let code = alice_code(&mut browser, &a, &pending).await;
    let start = Instant::now();
    let (tokens, _) = rp.exchange(&code, pending).await;
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "a dead cache costs a bounded timeout, not a hang"
    );
    let introspection = rp.is_active_via(tokens.access_token(), &http_client).await;
    assert!(introspection);
    rp.revoke_access_token(tokens.access_token().clone()).await;
    assert!(!rp.is_active_via(tokens.access_token(), &http_client).await);
    let _ = tokens.id_token();
}

/// A token revoked on A is inactive on B, within the cache's invalidation bound.
async fn revocation_on_a_reaches_b(
    rp: &Rp,
    to_b: &impl Fn(http::Request<Vec<u8>>) -> Routed,
    token: &AccessToken,
) {
    let token = token.clone();
    let active = rp.is_active_via(&token, to_b).await;
    assert!(active, "B has cached the token as not revoked");
    rp.revoke_access_token(token.clone()).await;
    let took = until(Duration::from_secs(2), async || {
        !rp.is_active_via(&token, to_b).await
    })
    .await;
    assert!(
        took < Duration::from_secs(1),
        "revocation reached B after {took:?}"
    );
}

/// A key rotated on A: B verifies tokens signed with it and publishes it in its JWKS.
async fn key_rotated_on_a_is_used_by_b(
    rp: &Rp,
    a: &TestServer,
    b: &TestServer,
    to_b: &impl Fn(http::Request<Vec<u8>>) -> Routed,
) {
    let new_kids = a.provider.rotate_keys().await.unwrap();
    let fresh = rp
        .client
        .exchange_client_credentials()
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    let introspection = rp.is_active_via(fresh.access_token(), to_b).await;
    assert!(introspection, "B verifies a token signed with A's new key");
    let jwks = Browser::default()
        .get(&on(b, a, &a.url("/jwks")))
        .await
        .json();
    // The session secret is rotated too (`session-<id>`); it is never published.
    for kid in new_kids.iter().filter(|kid| !kid.starts_with("session-")) {
        assert!(
            jwks["keys"]
                .as_array()
                .unwrap()
                .iter()
                .any(|key| key["kid"] == kid.as_str()),
            "{kid} in B's JWKS"
        );
    }
}

/// Posts a wrong password on `server`'s login form (the page fetched from `server` too).
async fn wrong_password(browser: &mut Browser, server: &TestServer, page_url: &str) -> u16 {
    let page = browser.get(page_url).await;
    assert_eq!(page.status, 200, "{}", page.body);
    browser
        .post(
            &server
                .url("/login")
                .replacen(&server.issuer, &format!("http://{}", server.addr), 1),
            &[
                ("interaction", &page.field("interaction")),
                ("csrf_token", &page.field("csrf_token")),
                ("username", "alice"),
                ("password", "guess"),
            ],
        )
        .await
        .status
        .as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_sign_ins_are_counted_across_replicas() {
    let schema = Schema::create().await;
    // Each test server has a clock of its own, started when it was: a block longer than their difference.
    let throttle = "\n[throttle.account]\nbase_delay_secs = 60\n";
    let (a, b) = replicas_with(&schema, Some(redis_url()), throttle).await;
    let rp = Rp::web(&a).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["openid"], None);
    // Five failures spread over both replicas reach the account's free failures ...
    let mut statuses = Vec::new();
    for index in 0..5 {
        let (server, url) = if index % 2 == 0 {
            (&a, pending.url.to_string())
        } else {
            (&b, on(&b, &a, pending.url.as_str()))
        };
        statuses.push(wrong_password(&mut browser, server, &url).await);
    }
    assert_eq!(statuses, [200; 5]);
    // ... so both replicas refuse the sixth attempt.
    assert_eq!(
        wrong_password(&mut browser, &a, pending.url.as_str()).await,
        429
    );
    assert_eq!(
        wrong_password(&mut browser, &b, &on(&b, &a, pending.url.as_str())).await,
        429
    );
}
