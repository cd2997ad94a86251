//! Every rule's negative case: each bad request gets a spec-correct error and loses nothing.

use openidconnect::{AuthorizationCode, OAuth2TokenResponse, PkceCodeVerifier};

use crate::harness::{ALICE, Browser, Reply, TestServer, http_client, post_form};
use crate::rp::{Pending, Rp, alice_code, code_of, redirect_params, sign_in};

async fn web(server: &TestServer) -> Rp {
    Rp::web(server).await
}

/// Signs alice in at `rp` and returns the code and the pending request.
async fn code_for(server: &TestServer, rp: &Rp, browser: &mut Browser) -> (String, Pending) {
    let pending = rp.authorize(&["profile"], None);
    let reply = sign_in(browser, server, &pending, ALICE).await;
    (code_of(&reply, &pending, &server.issuer), pending)
}

fn authorize_url(server: &TestServer, params: &[(&str, &str)]) -> String {
    format!(
        "{}?{}",
        server.url("/authorize"),
        serde_urlencoded::to_string(params).unwrap()
    )
}

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[tokio::test(flavor = "multi_thread")]
async fn reused_code_fails_and_revokes_the_tokens_of_the_first_redemption() {
    let server = TestServer::start().await;
    let rp = web(&server).await;
    let mut browser = Browser::default();
    let (code, pending) = code_for(&server, &rp, &mut browser).await;
    let verifier = pending.verifier.secret().clone();
    let (tokens, _) = rp.exchange(&code, pending).await;
    let again = rp
        .client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http_client)
        .await;
    assert!(format!("{again:?}").contains("invalid_grant"), "{again:?}");
    let introspection = rp.is_active_via(tokens.access_token(), &http_client).await;
    assert!(!introspection, "tokens of a replayed code are revoked");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_verifier_redirect_mismatch_and_other_client_are_invalid_grant_and_keep_the_code() {
    let server = TestServer::start().await;
    let rp = web(&server).await;
    let mut browser = Browser::default();
    let (code, pending) = code_for(&server, &rp, &mut browser).await;
    let token = server.url("/token");
    let wrong_verifier = post_form(
        &token,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9000/callback"),
            (
                "code_verifier",
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            ),
        ],
        Some(("web", "web-secret")),
    )
    .await;
    assert_eq!(
        (
            wrong_verifier.status.as_u16(),
            wrong_verifier.json()["error"].clone()
        ),
        (400, "invalid_grant".into())
    );
    let verifier = pending.verifier.secret().as_str();
    let wrong_redirect = post_form(
        &token,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9001/callback"),
            ("code_verifier", verifier),
        ],
        Some(("web", "web-secret")),
    )
    .await;
    assert_eq!(wrong_redirect.json()["error"], "invalid_grant");
    let other_client = post_form(
        &token,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9000/callback"),
            ("code_verifier", verifier),
            ("client_id", "poster"),
            ("client_secret", "poster-secret"),
        ],
        None,
    )
    .await;
    assert_eq!(other_client.json()["error"], "invalid_grant");
    let missing_verifier = post_form(
        &token,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9000/callback"),
        ],
        Some(("web", "web-secret")),
    )
    .await;
    assert_eq!(missing_verifier.json()["error"], "invalid_request");
    // None of the failures consumed the code: the legitimate exchange still works.
    rp.exchange(&code, pending).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn authorization_requests_without_pkce_or_with_plain_are_rejected_by_redirect() {
    let server = TestServer::start().await;
    let mut browser = Browser::default();
    let base = [
        ("response_type", "code"),
        ("client_id", "web"),
        ("redirect_uri", "http://127.0.0.1:9000/callback"),
        ("scope", "openid"),
        ("state", "s1"),
    ];
    let missing = browser.get(&authorize_url(&server, &base)).await;
    let params = redirect_params(&missing);
    assert_eq!(params["error"], "invalid_request");
    assert_eq!(params["state"], "s1");
    assert_eq!(params["iss"], server.issuer);
    let mut plain = base.to_vec();
    plain.extend([
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "plain"),
    ]);
    let params = redirect_params(&browser.get(&authorize_url(&server, &plain)).await);
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].contains("S256"));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_client_and_unregistered_redirect_uri_get_an_error_page_not_a_redirect() {
    let server = TestServer::start().await;
    let mut browser = Browser::default();
    for (client_id, redirect_uri) in [
        ("web", "http://attacker.example/callback"),
        ("web", "http://127.0.0.1:9000/callback/extra"),
        ("nobody", "http://127.0.0.1:9000/callback"),
    ] {
        let reply = browser
            .get(&authorize_url(
                &server,
                &[
                    ("response_type", "code"),
                    ("client_id", client_id),
                    ("redirect_uri", redirect_uri),
                    ("scope", "openid"),
                    ("code_challenge", CHALLENGE),
                    ("code_challenge_method", "S256"),
                ],
            ))
            .await;
        assert_eq!(reply.status, 400, "{client_id} {redirect_uri}");
        assert!(reply.headers.get("location").is_none());
        assert!(reply.body.contains("invalid_request"));
        assert_eq!(reply.headers.get("x-frame-options").unwrap(), "DENY");
        assert!(
            reply
                .headers
                .get("content-security-policy")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_scope_and_unsupported_response_type_redirect_with_errors() {
    let server = TestServer::start().await;
    let mut browser = Browser::default();
    let request = |scope: &'static str, response_type: &'static str| {
        authorize_url(
            &server,
            &[
                ("response_type", response_type),
                ("client_id", "web"),
                ("redirect_uri", "http://127.0.0.1:9000/callback"),
                ("scope", scope),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ],
        )
    };
    let scope = redirect_params(&browser.get(&request("openid admin", "code")).await);
    assert_eq!(scope["error"], "invalid_scope");
    let response_type = redirect_params(&browser.get(&request("openid", "token")).await);
    assert_eq!(response_type["error"], "unsupported_response_type");
}

#[tokio::test(flavor = "multi_thread")]
async fn unsupported_grant_type_and_malformed_requests_get_json_errors() {
    let server = TestServer::start().await;
    let token = server.url("/token");
    let grant = post_form(
        &token,
        &[("grant_type", "password")],
        Some(("web", "web-secret")),
    )
    .await;
    assert_eq!(
        (grant.status.as_u16(), grant.json()["error"].clone()),
        (400, "unsupported_grant_type".into())
    );
    let repeated = post_form(
        &token,
        &[
            ("grant_type", "client_credentials"),
            ("grant_type", "client_credentials"),
        ],
        Some(("web", "web-secret")),
    )
    .await;
    assert_eq!(repeated.json()["error"], "invalid_request");
    let public = post_form(
        &token,
        &[("grant_type", "client_credentials"), ("client_id", "spa")],
        None,
    )
    .await;
    assert_eq!(public.json()["error"], "unauthorized_client");
    let oversized = "x".repeat(100 * 1024);
    let too_big = post_form(&token, &[("grant_type", &oversized)], None).await;
    assert_eq!(too_big.status, 413);
    assert_eq!(too_big.json()["error"], "invalid_request");
}

#[tokio::test(flavor = "multi_thread")]
async fn login_without_csrf_token_is_refused_and_the_request_survives() {
    let server = TestServer::start().await;
    let rp = web(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["profile"], None);
    let page = browser.get(pending.url.as_str()).await;
    let refused: Reply = browser
        .post(
            &server.url("/login"),
            &[
                ("interaction", &page.field("interaction")),
                ("username", ALICE.0),
                ("password", ALICE.1),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("CSRF"));
    assert!(browser.session_cookie().is_none());
    let wrong_password = browser
        .post(
            &server.url("/login"),
            &[
                ("interaction", &page.field("interaction")),
                ("csrf_token", &page.field("csrf_token")),
                ("username", ALICE.0),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(wrong_password.status, 200);
    assert!(wrong_password.body.contains("incorrect"));
    assert!(
        !wrong_password.body.contains("wrong\""),
        "the password is not echoed"
    );
    alice_code(&mut browser, &server, &pending).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn prompt_none_without_session_is_login_required() {
    let server = TestServer::start().await;
    let rp = web(&server).await;
    let pending = rp.authorize(&[], Some(openidconnect::core::CoreAuthPrompt::None));
    let reply = Browser::default().get(pending.url.as_str()).await;
    let params = redirect_params(&reply);
    assert_eq!(params["error"], "login_required");
    assert_eq!(params["state"], *pending.state.secret());
}
