//! Secrets never reach the logs: a full flow with every Nauthera target and tower-http at TRACE, then a search
//! of everything logged for the codes, tokens, secrets and passwords that crossed the wire.

use std::io::Write;
use std::sync::{Arc, Mutex};

use openidconnect::{OAuth2TokenResponse, TokenResponse};
use tracing_subscriber::EnvFilter;

use crate::harness::{Browser, TestServer, http_client};
use crate::rp::{Rp, code_of, sign_in};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn codes_tokens_secrets_and_passwords_are_never_logged() {
    let captured = Captured::default();
    let writer = captured.clone();
    let installed = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(
            "nauthera=trace,nauthera_core=trace,nauthera_http=trace,nauthera_server=trace,nauthera_storage=trace,tower_http=trace",
        ))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init();
    assert!(
        installed.is_ok(),
        "this test needs the process's tracing subscriber"
    );

    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["offline_access"], None);
    let verifier = pending.verifier.secret().clone();
    let reply = sign_in(&mut browser, &server, &pending, ("alice", "alice-password")).await;
    let code = code_of(&reply, &pending, &server.issuer);
    let (tokens, _) = rp.exchange(&code, pending).await;
    let refresh = tokens.refresh_token().unwrap().clone();
    rp.client
        .exchange_refresh_token(&refresh)
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    let wrong = crate::harness::post_form(
        &server.url("/token"),
        &[("grant_type", "client_credentials")],
        Some(("web", "a-wrong-client-secret")),
    )
    .await;
    assert_eq!(wrong.status, 401);
    rp.revoke_access_token(tokens.access_token().clone()).await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/token"),
        "the requests were logged at all:\n{logs}"
    );
    let id_token = tokens.id_token().unwrap().to_string();
    let cookie = browser
        .session_cookie()
        .unwrap_or_else(|| "no-cookie".to_owned());
    let secrets = [
        ("authorization code", code.as_str()),
        ("PKCE verifier", verifier.as_str()),
        ("access token", tokens.access_token().secret().as_str()),
        ("refresh token", refresh.secret().as_str()),
        ("ID token", id_token.as_str()),
        ("client secret", "web-secret"),
        ("wrong client secret", "a-wrong-client-secret"),
        ("password", "alice-password"),
        ("session cookie", cookie.as_str()),
    ];
    for (what, secret) in secrets {
        assert!(!logs.contains(secret), "the {what} was logged");
    }
}
