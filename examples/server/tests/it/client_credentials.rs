//! Client credentials with client_secret_basic and client_secret_post, introspection and revocation.

use openidconnect::{OAuth2TokenResponse, Scope, TokenIntrospectionResponse};

use crate::harness::{TestServer, http_client, post_form};
use crate::rp::Rp;

#[tokio::test(flavor = "multi_thread")]
async fn basic_and_post_clients_get_tokens_that_introspect_until_revoked() {
    let server = TestServer::start().await;
    let basic = Rp::web(&server).await;
    let post = Rp::discover(
        &server,
        "poster",
        Some("poster-secret"),
        "http://127.0.0.1:9001/callback",
    )
    .await
    .with_post_auth();
    for rp in [&basic, &post] {
        let token = rp
            .client
            .exchange_client_credentials()
            .unwrap()
            .add_scope(Scope::new("api:read".into()))
            .request_async(&http_client)
            .await
            .unwrap();
        assert!(token.refresh_token().is_none());
        let introspection = rp.is_active_via(token.access_token(), &http_client).await;
        assert!(introspection);
        let scopes = rp
            .client
            .introspect(token.access_token())
            .request_async(&http_client)
            .await
            .unwrap();
        assert_eq!(scopes.scopes().unwrap()[0].as_str(), "api:read");
        rp.revoke_access_token(token.access_token().clone()).await;
        let introspection = rp.is_active_via(token.access_token(), &http_client).await;
        assert!(!introspection, "revoked tokens are inactive");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_secret_gets_401_with_www_authenticate_and_no_secret_in_the_body() {
    let server = TestServer::start().await;
    let reply = post_form(
        &server.url("/token"),
        &[("grant_type", "client_credentials")],
        Some(("web", "not-the-secret")),
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"], "invalid_client");
    assert!(
        reply
            .headers
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(reply.headers.get("cache-control").unwrap(), "no-store");
    assert!(!reply.body.contains("not-the-secret"));
    // Same through client_secret_post, and a client using the wrong method for its registration.
    let post = post_form(
        &server.url("/token"),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "poster"),
            ("client_secret", "nope"),
        ],
        None,
    )
    .await;
    assert_eq!(post.status, 401);
    let wrong_method = post_form(
        &server.url("/token"),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "web"),
            ("client_secret", "web-secret"),
        ],
        None,
    )
    .await;
    assert_eq!(wrong_method.json()["error"], "invalid_client");
}

#[tokio::test(flavor = "multi_thread")]
async fn introspection_requires_client_authentication() {
    let server = TestServer::start().await;
    let reply = post_form(&server.url("/introspect"), &[("token", "anything")], None).await;
    assert_eq!(reply.status, 401);
    let public = post_form(
        &server.url("/introspect"),
        &[("token", "anything"), ("client_id", "spa")],
        None,
    )
    .await;
    assert_eq!(public.status, 400);
    assert_eq!(public.json()["error"], "unauthorized_client");
}

#[tokio::test(flavor = "multi_thread")]
async fn guessed_client_secrets_are_throttled_at_every_client_authenticating_endpoint() {
    let server = TestServer::start().await;
    let token = server.url("/token");
    let grant = [("grant_type", "client_credentials")];
    for _ in 0..10 {
        let reply = post_form(&token, &grant, Some(("web", "guess"))).await;
        assert_eq!(reply.status, 401, "{}", reply.body);
    }
    // Blocked now: the right secret too, at /token, /introspect and /revoke alike.
    for (url, form) in [
        (token.clone(), grant.to_vec()),
        (server.url("/introspect"), vec![("token", "x")]),
        (server.url("/revoke"), vec![("token", "x")]),
    ] {
        let reply = post_form(&url, &form, Some(("web", "web-secret"))).await;
        assert_eq!(reply.status, 429, "{url}: {}", reply.body);
        assert!(reply.headers.contains_key("retry-after"));
        assert_eq!(reply.json()["error"], "invalid_client");
        assert!(!reply.body.contains("web-secret"));
    }
    // Another client is not affected.
    let reply = post_form(&token, &grant, Some(("poster", "poster-secret"))).await;
    assert_eq!(
        reply.status, 401,
        "poster authenticates with client_secret_post: {}",
        reply.body
    );
    let reply = post_form(
        &token,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "poster"),
            ("client_secret", "poster-secret"),
        ],
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}
