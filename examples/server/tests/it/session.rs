//! Browser sessions: prompt=login, logout (RP-Initiated Logout 1.0) and its effect across restarts, keys that
//! survive restarts, and the response headers of pages and token responses.

use openidconnect::core::CoreAuthPrompt;
use openidconnect::{
    ClientId, CsrfToken, LogoutRequest, OAuth2TokenResponse, PostLogoutRedirectUrl, TokenResponse,
};

use crate::harness::{Browser, TestServer, http_client};
use crate::rp::{Rp, alice_code, code_of, redirect_params, sign_in};

#[tokio::test(flavor = "multi_thread")]
async fn logout_ends_the_session_even_after_a_restart() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    let code = alice_code(&mut browser, &server, &pending).await;
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
    let rp = Rp::web(&server).await;
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
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    alice_code(&mut browser, &server, &pending).await;
    let page = browser.get(&server.url("/logout")).await;
    assert_eq!(page.status, 200);
    let forged = browser
        .post(&server.url("/logout"), &[("confirm", "yes")])
        .await;
    assert_eq!(forged.status, 200, "asked again: {}", forged.body);
    assert!(forged.body.contains("name=\"confirm\""));
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
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let first = rp.authorize(&[], None);
    alice_code(&mut browser, &server, &first).await;
    let again = rp.authorize(&[], Some(CoreAuthPrompt::Login));
    alice_code(&mut browser, &server, &again).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_signed_before_a_restart_stay_valid_and_responses_are_not_cached() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let token = rp
        .client
        .exchange_client_credentials()
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    let server = server.restart().await;
    let rp = Rp::web(&server).await;
    let introspection = rp.is_active_via(token.access_token(), &http_client).await;
    assert!(introspection);
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

#[tokio::test(flavor = "multi_thread")]
async fn prompt_consent_asks_again_and_prompt_none_without_consent_is_consent_required() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let first = rp.authorize(&["profile"], None);
    alice_code(&mut browser, &server, &first).await;
    // The consent is remembered, but prompt=consent asks again.
    let again = rp.authorize(&["profile"], Some(CoreAuthPrompt::Consent));
    let page = browser.get(again.url.as_str()).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("name=\"decision\""),
        "consent page expected"
    );
    // prompt=none for a scope never consented to.
    let silent = rp.authorize(&["email"], Some(CoreAuthPrompt::None));
    let params = redirect_params(&browser.get(silent.url.as_str()).await);
    assert_eq!(params["error"], "consent_required");
    // First-party clients skip consent, but not when they ask for it with prompt=consent.
    let first_party = Rp::first_party(&server).await;
    let asked = first_party.authorize(&[], Some(CoreAuthPrompt::Consent));
    let page = browser.get(asked.url.as_str()).await;
    assert!(
        page.body.contains("name=\"decision\""),
        "prompt=consent shows the consent page to first parties"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn id_token_hint_for_another_user_requires_login() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let mut alice = Browser::default();
    let pending = rp.authorize(&[], None);
    let code = alice_code(&mut alice, &server, &pending).await;
    let (alice_tokens, _) = rp.exchange(&code, pending).await;
    let mut bob = Browser::default();
    let pending = rp.authorize(&[], None);
    code_of(
        &sign_in(&mut bob, &server, &pending, ("bob", "bob-password")).await,
        &pending,
        &server.issuer,
    );
    // Bob's browser, Alice's ID token as hint: Bob's session does not match, so no silent answer.
    let mut url = rp.authorize(&[], Some(CoreAuthPrompt::None)).url;
    url.query_pairs_mut().append_pair(
        "id_token_hint",
        &alice_tokens.id_token().unwrap().to_string(),
    );
    let params = redirect_params(&bob.get(url.as_str()).await);
    assert_eq!(params["error"], "login_required");
    // Alice's own hint in Alice's browser: answered silently.
    let silent = rp.authorize(&[], Some(CoreAuthPrompt::None));
    let mut url = silent.url.clone();
    url.query_pairs_mut().append_pair(
        "id_token_hint",
        &alice_tokens.id_token().unwrap().to_string(),
    );
    code_of(&alice.get(url.as_str()).await, &silent, &server.issuer);
}

#[tokio::test(flavor = "multi_thread")]
async fn rfc8414_metadata_and_no_store_on_userinfo_and_introspection() {
    let server = TestServer::start().await;
    let mut browser = Browser::default();
    let oauth = browser
        .get(&server.url("/.well-known/oauth-authorization-server"))
        .await
        .json();
    let oidc = browser
        .get(&server.url("/.well-known/openid-configuration"))
        .await
        .json();
    assert_eq!(oauth["issuer"], server.issuer);
    assert_eq!(oauth, oidc);
    let rp = Rp::web(&server).await;
    let pending = rp.authorize(&[], None);
    let code = alice_code(&mut browser, &server, &pending).await;
    let (tokens, _) = rp.exchange(&code, pending).await;
    let introspection = crate::harness::post_form(
        &server.url("/introspect"),
        &[("token", tokens.access_token().secret())],
        Some(("web", "web-secret")),
    )
    .await;
    assert_eq!(
        introspection.headers.get("cache-control").unwrap(),
        "no-store"
    );
    let userinfo = http_client(
        http::Request::get(server.url("/userinfo"))
            .header(
                "authorization",
                format!("Bearer {}", tokens.access_token().secret()),
            )
            .body(Vec::new())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(userinfo.status(), 200);
    assert_eq!(userinfo.headers().get("cache-control").unwrap(), "no-store");
}
