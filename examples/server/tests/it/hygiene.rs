//! Request hygiene: one `Authorization` header, strictly form-encoded Basic credentials, no logout by a
//! cross-site POST, and `id_token_hint` only as an ID token issued here to a client.

use openidconnect::core::CoreAuthPrompt;
use openidconnect::{OAuth2TokenResponse, TokenResponse};

use crate::harness::{Browser, Reply, TestServer, basic_authorization, post_form, send_raw};
use crate::rp::{Rp, alice_code, code_of, redirect_params};

/// Signs alice in at the `web` client and returns her browser, the ID token and the access token.
async fn alice_tokens(server: &TestServer, rp: &Rp) -> (Browser, String, String) {
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    let code = alice_code(&mut browser, server, &pending).await;
    let (tokens, _) = rp.exchange(&code, pending).await;
    let id_token = tokens.id_token().unwrap().to_string();
    (browser, id_token, tokens.access_token().secret().clone())
}

/// Sends a request with these `Authorization` headers (and a form body, for a POST).
async fn send(
    method: http::Method,
    url: &str,
    authorizations: &[&str],
    form: &[(&str, &str)],
) -> Reply {
    let mut request = http::Request::builder().method(method).uri(url);
    for authorization in authorizations {
        request = request.header(http::header::AUTHORIZATION, *authorization);
    }
    if !form.is_empty() {
        request = request.header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
    }
    let body = serde_urlencoded::to_string(form).unwrap().into_bytes();
    send_raw(request.body(body).unwrap()).await
}

#[tokio::test(flavor = "multi_thread")]
async fn two_authorization_headers_are_invalid_request_at_every_endpoint() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let (_, _, access_token) = alice_tokens(&server, &rp).await;
    let web = basic_authorization("web", "web-secret");
    let poster = basic_authorization("poster", "poster-secret");
    let bearer = format!("Bearer {access_token}");

    let cases: [(&str, &[(&str, &str)]); 3] = [
        ("/token", &[("grant_type", "client_credentials")]),
        ("/introspect", &[("token", &access_token)]),
        ("/revoke", &[("token", &access_token)]),
    ];
    for (path, form) in cases {
        for twice in [
            [web.as_str(), web.as_str()],
            [web.as_str(), poster.as_str()],
        ] {
            let reply = send(http::Method::POST, &server.url(path), &twice, form).await;
            assert_eq!(reply.status, 400, "{path}: {}", reply.body);
            assert_eq!(reply.json()["error"], "invalid_request", "{path}");
        }
    }
    // The refused revocation did nothing.
    let introspection = post_form(
        &server.url("/introspect"),
        &[("token", &access_token)],
        Some(("web", "web-secret")),
    )
    .await;
    assert_eq!(introspection.json()["active"], true);

    let userinfo = server.url("/userinfo");
    let twice = [bearer.as_str(), bearer.as_str()];
    for reply in [
        send(http::Method::GET, &userinfo, &twice, &[]).await,
        send(http::Method::POST, &userinfo, &twice, &[]).await,
    ] {
        assert_eq!(reply.status, 400, "{}", reply.body);
        let challenge = reply.headers["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.contains("error=\"invalid_request\""),
            "{challenge}"
        );
    }
    let once = send(http::Method::GET, &userinfo, &[bearer.as_str()], &[]).await;
    assert_eq!(once.status, 200, "{}", once.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn basic_credentials_that_are_not_form_encoded_are_invalid_client() {
    let server = TestServer::start().await;
    let token = server.url("/token");
    let form = [("grant_type", "client_credentials")];
    for (id, secret) in [
        ("web", "%zz"),
        ("web", "web-secret%"),
        ("web", "web-secret&x=y"),
        ("w%eb", "web-secret"),
    ] {
        let reply = post_form(&token, &form, Some((id, secret))).await;
        assert_eq!(reply.status, 401, "{id}:{secret}: {}", reply.body);
        assert_eq!(reply.json()["error"], "invalid_client");
    }
    let reply = post_form(&token, &form, Some(("%77eb", "web%2Dsecret"))).await;
    assert_eq!(reply.status, 200, "escapes decode: {}", reply.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_site_logout_post_without_csrf_token_asks_and_keeps_the_session() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let (mut browser, id_token, _) = alice_tokens(&server, &rp).await;
    let logout = server.url("/logout");
    let request = [
        ("id_token_hint", id_token.as_str()),
        ("client_id", "web"),
        (
            "post_logout_redirect_uri",
            "http://127.0.0.1:9000/logged-out",
        ),
        ("state", "bye"),
    ];
    // An RP-initiated POST, even with a valid id_token_hint, and a forged confirmation: both are asked.
    let with_confirm = [request.as_slice(), &[("confirm", "yes")]].concat();
    let mut page = None;
    for form in [request.as_slice(), &with_confirm] {
        let reply = browser.post(&logout, form).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.body.contains("name=\"confirm\""), "{}", reply.body);
        assert!(browser.session_cookie().is_some());
        page = Some(reply);
    }
    // The session still works: a silent authorization request is answered with a code.
    let silent = rp.authorize(&[], Some(CoreAuthPrompt::None));
    code_of(
        &browser.get(silent.url.as_str()).await,
        &silent,
        &server.issuer,
    );
    // The confirmation form, with its CSRF token, ends it and returns to the relying party.
    let page = page.unwrap();
    let confirmed = browser
        .post(
            &logout,
            &[
                ("id_token_hint", &page.field("id_token_hint")),
                ("client_id", &page.field("client_id")),
                (
                    "post_logout_redirect_uri",
                    &page.field("post_logout_redirect_uri"),
                ),
                ("state", &page.field("state")),
                ("csrf_token", &page.field("csrf_token")),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(redirect_params(&confirmed)["state"], "bye");
    assert!(browser.session_cookie().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn id_token_hint_must_be_an_id_token_issued_to_the_client() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let (mut browser, id_token, access_token) = alice_tokens(&server, &rp).await;
    let first_party = Rp::first_party(&server).await;
    // At /authorize: an access token (signed by the same keys), or another client's ID token, is refused.
    for (client, hint) in [(&rp, &access_token), (&first_party, &id_token)] {
        let pending = client.authorize(&[], Some(CoreAuthPrompt::None));
        let mut url = pending.url.clone();
        url.query_pairs_mut().append_pair("id_token_hint", hint);
        let params = redirect_params(&browser.get(url.as_str()).await);
        assert_eq!(params["error"], "invalid_request", "{params:?}");
    }
    // At /logout: the same, and the session survives.
    for query in [
        vec![("id_token_hint", access_token.as_str())],
        vec![("id_token_hint", &id_token), ("client_id", "first-party")],
    ] {
        let url = format!(
            "{}?{}",
            server.url("/logout"),
            serde_urlencoded::to_string(&query).unwrap()
        );
        let reply = browser.get(&url).await;
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert!(browser.session_cookie().is_some());
    }
    // Its own ID token is a hint the web client may give.
    let silent = rp.authorize(&[], Some(CoreAuthPrompt::None));
    let mut url = silent.url.clone();
    url.query_pairs_mut()
        .append_pair("id_token_hint", &id_token);
    code_of(&browser.get(url.as_str()).await, &silent, &server.issuer);
}
