//! Sign-in end to end: guessing is throttled per account without locking out others, and disabling a user
//! ends their session and refresh token. Requests arrive "through a proxy" (the test server trusts 127.0.0.1),
//! so each browser has an address of its own.

use openidconnect::OAuth2TokenResponse;

use crate::harness::{Browser, Reply, TestServer};
use crate::rp::{Rp, alice_code, code_of, sign_in, submit_login};

/// The test server, trusting the loopback proxy's `X-Forwarded-For`.
async fn server() -> TestServer {
    TestServer::start_with_toml("\n[throttle]\ntrusted_proxies = [\"127.0.0.1\"]\n").await
}

/// Posts the login form of a fresh authorization request and returns the reply.
async fn try_password(
    browser: &mut Browser,
    server: &TestServer,
    rp: &Rp,
    user: (&str, &str),
) -> Reply {
    submit_login(browser, server, &rp.authorize(&["openid"], None), user).await
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_wrong_passwords_are_throttled_while_others_sign_in() {
    let server = server().await;
    let rp = Rp::web(&server).await;
    let mut attacker = Browser::behind_proxy_from("203.0.113.66");
    let mut statuses = Vec::new();
    let mut last = None;
    for attempt in 0..20 {
        let reply = try_password(
            &mut attacker,
            &server,
            &rp,
            ("alice", &format!("guess-{attempt}")),
        )
        .await;
        statuses.push(reply.status.as_u16());
        last = Some(reply);
    }
    assert_eq!(&statuses[..5], [200; 5], "five free failures: {statuses:?}");
    assert!(
        statuses[5..].iter().all(|status| *status == 429),
        "{statuses:?}"
    );
    let last = last.unwrap();
    let retry_after: u64 = last.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    assert!(
        last.body.contains("Too many failed attempts"),
        "{}",
        last.body
    );
    assert!(
        last.body.contains("name=\"password\""),
        "the login page again"
    );
    // While blocked even the right password is refused, so the block cannot be used to confirm a guess.
    let right = try_password(&mut attacker, &server, &rp, ("alice", "alice-password")).await;
    assert_eq!(right.status, 429);
    // An account that does not exist is throttled the same way.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            try_password(&mut attacker, &server, &rp, ("mallory", "guess"))
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);

    // Meanwhile bob, from another address, signs in and gets tokens.
    let mut bob = Browser::behind_proxy_from("198.51.100.7");
    let pending = rp.authorize(&["openid"], None);
    let reply = sign_in(&mut bob, &server, &pending, ("bob", "bob-password")).await;
    let code = code_of(&reply, &pending, &server.issuer);
    let (tokens, _) = rp.exchange(&code, pending).await;
    assert!(!tokens.access_token().secret().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn disabling_a_user_ends_their_session_and_refresh_token() {
    let server = server().await;
    let rp = Rp::web(&server).await;
    let mut browser = Browser::behind_proxy_from("198.51.100.20");
    let pending = rp.authorize(&["openid", "offline_access"], None);
    let code = alice_code(&mut browser, &server, &pending).await;
    let (tokens, _) = rp.exchange(&code, pending).await;
    let refresh_token = tokens.refresh_token().unwrap().secret().clone();
    // The session signs alice straight through a second authorization request.
    let again = rp.authorize(&["openid"], None);
    assert!(
        browser
            .get(again.url.as_str())
            .await
            .status
            .is_redirection()
    );

    server.clock.advance(std::time::Duration::from_secs(1));
    server
        .provider
        .disable_user("alice")
        .await
        .unwrap()
        .unwrap();

    let refusal = rp.refresh_refusal(&refresh_token).await;
    assert!(refusal.contains("invalid_grant"), "{refusal}");
    let after = rp.authorize(&["openid"], None);
    let page = browser.get(after.url.as_str()).await;
    assert_eq!(
        page.status, 200,
        "the session is gone: the login page again"
    );
    assert!(page.body.contains("name=\"password\""));
    let refused = try_password(&mut browser, &server, &rp, ("alice", "alice-password")).await;
    assert!(
        refused
            .body
            .contains("The username or password is incorrect.")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_ins_that_cannot_get_a_hashing_worker_in_time_are_answered_503() {
    // One worker, and at most 50 ms of waiting for it: of sixteen sign-ins at once (a hash takes tens of
    // milliseconds), the ones at the back of the queue are refused instead of waiting. Each is for another
    // account (unknown ones are checked against the decoy hash): attempts for one account run one at a time.
    let server =
        TestServer::start_with_toml("\n[password_hashing]\nworkers = 1\nmax_wait_ms = 50\n").await;
    let rp = Rp::web(&server).await;
    let mut pages = Vec::new();
    for index in 0..16 {
        let mut browser = Browser::behind_proxy_from(&format!("198.51.100.{index}"));
        let pending = rp.authorize(&["openid"], None);
        let page = browser.get(pending.url.as_str()).await;
        pages.push((browser, page));
    }
    let attempts = pages
        .into_iter()
        .enumerate()
        .map(|(index, (mut browser, page))| {
            let url = server.url("/login");
            tokio::spawn(async move {
                let username = format!("user{index}");
                browser
                    .post(
                        &url,
                        &[
                            ("interaction", &page.field("interaction")),
                            ("csrf_token", &page.field("csrf_token")),
                            ("username", &username),
                            ("password", "a-password"),
                        ],
                    )
                    .await
            })
        });
    let mut replies = Vec::new();
    for attempt in attempts.collect::<Vec<_>>() {
        replies.push(attempt.await.unwrap());
    }
    let busy: Vec<&Reply> = replies.iter().filter(|reply| reply.status == 503).collect();
    assert!(
        !busy.is_empty(),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(
        replies.iter().any(|reply| reply.status == 200),
        "some attempts were checked"
    );
    for reply in busy {
        assert!(reply.headers.contains_key("retry-after"));
        assert!(reply.body.contains("The server is busy"), "{}", reply.body);
        assert!(
            reply.body.contains("name=\"password\""),
            "the login page again"
        );
    }
}
