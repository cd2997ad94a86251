//! Lifetimes, on the server's injected clock: code expiry, access token expiry, `max_age`, session expiry.

use std::time::Duration;

use openidconnect::core::CoreAuthPrompt;
use openidconnect::{AuthorizationCode, OAuth2TokenResponse};

use crate::harness::{ALICE, Browser, TestServer, http_client};
use crate::rp::{Pending, Rp, alice_code, code_of, redirect_params};

async fn web(server: &TestServer) -> Rp {
    Rp::web(server).await
}

fn with_max_age(pending: &Pending, max_age: u32) -> String {
    let mut url = pending.url.clone();
    url.query_pairs_mut()
        .append_pair("max_age", &max_age.to_string());
    url.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn codes_expire_after_sixty_seconds() {
    let server = TestServer::start().await;
    let rp = web(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    let code = alice_code(&mut browser, &server, &pending).await;
    server.clock.advance(Duration::from_secs(61));
    let result = rp
        .client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(pending.verifier)
        .request_async(&http_client)
        .await;
    assert!(
        format!("{result:?}").contains("invalid_grant"),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn access_tokens_expire() {
    let server = TestServer::start().await;
    let rp = web(&server).await;
    let token = rp
        .client
        .exchange_client_credentials()
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    let live = rp.is_active_via(token.access_token(), &http_client).await;
    assert!(live);
    server.clock.advance(Duration::from_secs(601));
    let expired = rp.is_active_via(token.access_token(), &http_client).await;
    assert!(!expired);
}

#[tokio::test(flavor = "multi_thread")]
async fn max_age_forces_a_new_login_when_the_authentication_is_too_old() {
    let server = TestServer::start().await;
    let rp = web(&server).await;
    let mut browser = Browser::default();
    let first = rp.authorize(&[], None);
    alice_code(&mut browser, &server, &first).await;
    server.clock.advance(Duration::from_secs(120));

    let recent_enough = rp.authorize(&[], None);
    let reply = browser.get(&with_max_age(&recent_enough, 300)).await;
    code_of(&reply, &recent_enough, &server.issuer);

    let silent = rp.authorize(&[], Some(CoreAuthPrompt::None));
    let params = redirect_params(&browser.get(&with_max_age(&silent, 60)).await);
    assert_eq!(params["error"], "login_required");

    let too_old = rp.authorize(&[], None);
    let page = browser.get(&with_max_age(&too_old, 60)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("name=\"password\""),
        "login page expected"
    );
    // Logging in again satisfies max_age, and the consent already given is remembered.
    let reply = browser
        .post(
            &server.url("/login"),
            &[
                ("interaction", &page.field("interaction")),
                ("csrf_token", &page.field("csrf_token")),
                ("username", ALICE.0),
                ("password", ALICE.1),
            ],
        )
        .await;
    let code = code_of(&reply, &too_old, &server.issuer);
    let (_, claims) = rp.exchange(&code, too_old).await;
    let auth_time = claims.auth_time().unwrap().timestamp();
    assert_eq!(
        auth_time,
        nauthera_core::Clock::now(&*server.clock).seconds(),
        "auth_time is the new login"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_expire() {
    let server = TestServer::start().await;
    let rp = web(&server).await;
    let mut browser = Browser::default();
    let first = rp.authorize(&[], None);
    alice_code(&mut browser, &server, &first).await;
    server.clock.advance(Duration::from_secs(12 * 3600 + 1));
    let silent = rp.authorize(&[], Some(CoreAuthPrompt::None));
    let params = redirect_params(&browser.get(silent.url.as_str()).await);
    assert_eq!(params["error"], "login_required");
}
