//! Authorization code with PKCE for confidential and public clients, ID tokens, userinfo, refresh rotation.

use openidconnect::core::CoreUserInfoClaims;
use openidconnect::{OAuth2TokenResponse, RefreshToken, TokenResponse};

use crate::harness::{ALICE, Browser, TestServer, http_client};
use crate::rp::{Rp, alice_code, code_of, jwt_payload};

#[tokio::test(flavor = "multi_thread")]
async fn confidential_client_completes_code_flow_userinfo_and_refresh_rotation() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    assert_eq!(
        rp.metadata
            .additional_metadata()
            .code_challenge_methods_supported,
        ["S256"]
    );
    assert!(
        rp.metadata
            .additional_metadata()
            .authorization_response_iss_parameter_supported
    );
    let mut browser = Browser::default();
    let pending = rp.authorize(&["profile", "email", "offline_access"], None);
    let code = alice_code(&mut browser, &server, &pending).await;
    let (tokens, claims) = rp.exchange(&code, pending).await;
    assert_eq!(
        claims.email().map(|email| email.as_str()),
        Some("alice@example.com")
    );
    assert!(claims.auth_time().is_some());
    assert_eq!(
        claims.authorized_party().map(|azp| azp.as_str()),
        Some("web")
    );
    let raw = jwt_payload(&tokens.id_token().unwrap().to_string());
    assert!(raw["sid"].is_string(), "sid claim: {raw}");

    let userinfo: CoreUserInfoClaims = rp
        .client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    assert_eq!(userinfo.subject(), claims.subject());
    assert_eq!(
        userinfo.email().map(|email| email.as_str()),
        Some("alice@example.com")
    );
    assert_eq!(
        userinfo.preferred_username().map(|name| name.as_str()),
        Some("alice")
    );

    let first_refresh = tokens
        .refresh_token()
        .expect("offline_access grants a refresh token")
        .clone();
    let refreshed = rp
        .client
        .exchange_refresh_token(&first_refresh)
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    rp.validate_id_token(&refreshed, None);
    let second_refresh = refreshed
        .refresh_token()
        .expect("rotated refresh token")
        .clone();
    assert_ne!(second_refresh.secret(), first_refresh.secret());

    // Reuse of the rotated token revokes the whole family, including its newest member and access tokens.
    let reuse = rp
        .client
        .exchange_refresh_token(&first_refresh)
        .unwrap()
        .request_async(&http_client)
        .await;
    assert!(format!("{reuse:?}").contains("invalid_grant"), "{reuse:?}");
    let after = rp
        .client
        .exchange_refresh_token(&RefreshToken::new(second_refresh.secret().clone()))
        .unwrap()
        .request_async(&http_client)
        .await;
    assert!(format!("{after:?}").contains("invalid_grant"), "{after:?}");
    let introspection = rp
        .is_active_via(refreshed.access_token(), &http_client)
        .await;
    assert!(!introspection);
}

#[tokio::test(flavor = "multi_thread")]
async fn public_client_uses_pkce_without_secret_and_refreshes() {
    let server = TestServer::start().await;
    let rp = Rp::discover(&server, "spa", None, "http://127.0.0.1:9002/callback").await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["offline_access"], None);
    let code = alice_code(&mut browser, &server, &pending).await;
    let (tokens, claims) = rp.exchange(&code, pending).await;
    assert_eq!(claims.audiences()[0].as_str(), "spa");
    let refreshed = rp
        .client
        .exchange_refresh_token(tokens.refresh_token().unwrap())
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    assert!(refreshed.refresh_token().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn first_party_client_skips_consent_and_gets_rs256_id_tokens() {
    let server = TestServer::start().await;
    let rp = Rp::first_party(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["email"], None);
    let page = browser.get(pending.url.as_str()).await;
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
    let code = code_of(&reply, &pending, &server.issuer);
    let (tokens, _) = rp.exchange(&code, pending).await;
    let alg = tokens.id_token().unwrap().signing_alg().unwrap();
    assert_eq!(
        *alg,
        openidconnect::core::CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn consent_is_remembered_and_the_session_is_reused() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let first = rp.authorize(&["profile"], None);
    alice_code(&mut browser, &server, &first).await;
    // Same scopes again: no login page, no consent page, straight back with a code.
    let second = rp.authorize(&["profile"], None);
    let reply = browser.get(second.url.as_str()).await;
    code_of(&reply, &second, &server.issuer);
    // A wider scope asks for consent again.
    let third = rp.authorize(&["profile", "email"], None);
    let reply = browser.get(third.url.as_str()).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("name=\"decision\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn eddsa_provider_signs_id_tokens_that_the_client_verifies() {
    let server = TestServer::start_with("EdDSA").await;
    let rp = Rp::web(&server).await;
    let algorithms = rp.metadata.id_token_signing_alg_values_supported();
    assert!(
        algorithms.contains(&openidconnect::core::CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256)
    );
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    let code = alice_code(&mut browser, &server, &pending).await;
    let (tokens, _) = rp.exchange(&code, pending).await;
    let alg = tokens.id_token().unwrap().signing_alg().unwrap();
    assert_eq!(*alg, openidconnect::core::CoreJwsSigningAlgorithm::EdDsa);
}
