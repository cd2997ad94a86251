//! Browser sessions: prompt=login, logout (RP-Initiated Logout 1.0) and its effect across restarts, keys that
//! survive restarts, and the response headers of pages and token responses.

use openidconnect::core::CoreAuthPrompt;
use openidconnect::{
    ClientId, CsrfToken, LogoutRequest, OAuth2TokenResponse, PostLogoutRedirectUrl,
    TokenIntrospectionResponse, TokenResponse,
};

use crate::harness::{Browser, TestServer, http_client};
use crate::rp::{Rp, code_of, redirect_params, sign_in};

const ALICE: (&str, &str) = ("alice", "alice-password");

#[tokio::test(flavor = "multi_thread")]
async fn logout_ends_the_session_even_after_a_restart() {
    let server = TestServer::start().await;
    let rp = Rp::discover(
        &server,
        "web",
        Some("web-secret"),
        "http://127.0.0.1:9000/callback",
    )
    .await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    let reply = sign_in(&mut browser, &server, &pending, ALICE).await;
    let code = code_of(&reply, &pending, &server.issuer);
    let (tokens, _) = rp.exchange(&code, pending).await;
    let old_cookie = browser.session_cookie().unwrap();

    let logout = LogoutRequest::from(
        rp.metadata
            .additional_metadata()
            .end_session_endpoint
            .clone(),
    )
    .set_id_token_hint(tokens.id_token().unwrap())
    .set_client_id(ClientId::new("web".into()))
    .set_post_logout_redirect_uri(
        PostLogoutRedirectUrl::new("http://127.0.0.1:9000/logged-out".into()).unwrap(),
    )
    .set_state(CsrfToken::new("bye".into()))
    .http_get_url();
    let reply = browser.get(logout.as_str()).await;
    assert!(
        reply
            .location()
            .starts_with("http://127.0.0.1:9000/logged-out?")
    );
    assert_eq!(redirect_params(&reply)["state"], "bye");
    assert!(browser.session_cookie().is_none(), "the cookie is cleared");

    // Replaying the old cookie does not bring the session back, not even after a restart.
    let server = server.restart().await;
    let rp = Rp::discover(
        &server,
        "web",
        Some("web-secret"),
        "http://127.0.0.1:9000/callback",
    )
    .await;
    browser.set_session_cookie(&old_cookie);
    let pending = rp.authorize(&[], Some(CoreAuthPrompt::None));
    let params = redirect_params(&browser.get(pending.url.as_str()).await);
    assert_eq!(params["error"], "login_required");
}

#[tokio::test(flavor = "multi_thread")]
async fn unregistered_post_logout_redirect_uri_gets_an_error_page() {
    let server = TestServer::start().await;
    let url = format!(
        "{}?client_id=web&post_logout_redirect_uri={}",
        server.url("/logout"),
        "http%3A%2F%2Fattacker.example%2F"
    );
    let reply = Browser::default().get(&url).await;
    assert_eq!(reply.status, 400);
    assert!(reply.headers.get("location").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_without_id_token_hint_asks_for_confirmation_with_csrf() {
    let server = TestServer::start().await;
    let rp = Rp::discover(
        &server,
        "web",
        Some("web-secret"),
        "http://127.0.0.1:9000/callback",
    )
    .await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    let reply = sign_in(&mut browser, &server, &pending, ALICE).await;
    code_of(&reply, &pending, &server.issuer);
    let page = browser.get(&server.url("/logout")).await;
    assert_eq!(page.status, 200);
    let forged = browser
        .post(&server.url("/logout"), &[("confirm", "yes")])
        .await;
    assert_eq!(forged.status, 400);
    assert!(browser.session_cookie().is_some());
    let confirmed = browser
        .post(
            &server.url("/logout"),
            &[
                ("confirm", "yes"),
                ("csrf_token", &page.field("csrf_token")),
            ],
        )
        .await;
    assert_eq!(confirmed.status, 200);
    assert!(browser.session_cookie().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn prompt_login_asks_again_despite_a_session() {
    let server = TestServer::start().await;
    let rp = Rp::discover(
        &server,
        "web",
        Some("web-secret"),
        "http://127.0.0.1:9000/callback",
    )
    .await;
    let mut browser = Browser::default();
    let first = rp.authorize(&[], None);
    code_of(
        &sign_in(&mut browser, &server, &first, ALICE).await,
        &first,
        &server.issuer,
    );
    let again = rp.authorize(&[], Some(CoreAuthPrompt::Login));
    let reply = sign_in(&mut browser, &server, &again, ALICE).await;
    code_of(&reply, &again, &server.issuer);
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_signed_before_a_restart_stay_valid_and_responses_are_not_cached() {
    let server = TestServer::start().await;
    let rp = Rp::discover(
        &server,
        "web",
        Some("web-secret"),
        "http://127.0.0.1:9000/callback",
    )
    .await;
    let token = rp
        .client
        .exchange_client_credentials()
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    let server = server.restart().await;
    let rp = Rp::discover(
        &server,
        "web",
        Some("web-secret"),
        "http://127.0.0.1:9000/callback",
    )
    .await;
    let introspection = rp
        .client
        .introspect(token.access_token())
        .request_async(&http_client)
        .await
        .unwrap();
    assert!(introspection.active());
    let raw = crate::harness::post_form(
        &server.url("/token"),
        &[("grant_type", "client_credentials")],
        Some(("web", "web-secret")),
    )
    .await;
    assert_eq!(raw.headers.get("cache-control").unwrap(), "no-store");
    let payload = raw.json()["access_token"].as_str().unwrap().to_owned();
    let header = payload.split('.').next().unwrap();
    let header: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).unwrap(),
    )
    .unwrap();
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["alg"], "ES256");
}
