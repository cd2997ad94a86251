//! Client authentication at the token endpoint: one case per rule, and throttling of guessed secrets.

use std::net::IpAddr;

use crate::flows::client_auth::PresentedCredentials;
use crate::secret::ClientSecret;
use crate::testing::block_on;

use super::{Fixture, WEB_SECRET};

/// Authenticates `presented` and returns the error code, or the client id on success.
fn check(fixture: &Fixture, presented: PresentedCredentials, expect: &str) {
    let result = block_on(fixture.provider.authenticate_client(&presented));
    let outcome = match result {
        Ok(client) => client.client_id.as_str().to_owned(),
        Err(error) => error.code().as_str().to_owned(),
    };
    assert_eq!(outcome, expect);
}

fn basic(id: &str, secret: &str) -> Option<(String, ClientSecret)> {
    Some((id.to_owned(), ClientSecret::new(secret)))
}

fn body(id: &str, secret: Option<&str>) -> (Option<String>, Option<ClientSecret>) {
    (Some(id.to_owned()), secret.map(ClientSecret::new))
}

#[test]
fn each_client_authentication_case() {
    let fixture = Fixture::new();
    let post = |id: &str, secret: Option<&str>| {
        let (id, secret) = body(id, secret);
        PresentedCredentials::new(None, id, secret)
    };
    let cases = [
        (
            PresentedCredentials::new(basic("web", WEB_SECRET), None, None),
            "web",
        ),
        (
            PresentedCredentials::new(basic("web", "wrong"), None, None),
            "invalid_client",
        ),
        (
            PresentedCredentials::new(basic("nobody", WEB_SECRET), None, None),
            "invalid_client",
        ),
        // The registered method only: `web` is client_secret_basic, `post` is client_secret_post.
        (post("web", Some(WEB_SECRET)), "invalid_client"),
        (post("post", Some(WEB_SECRET)), "post"),
        (
            PresentedCredentials::new(basic("post", WEB_SECRET), None, None),
            "invalid_client",
        ),
        // Public clients present no secret; a confidential client must.
        (post("spa", None), "spa"),
        (post("spa", Some("anything")), "invalid_client"),
        (post("web", None), "invalid_client"),
        (
            PresentedCredentials::new(None, None, None),
            "invalid_client",
        ),
        // Two methods at once, or a body client_id that differs from Basic's.
        (
            PresentedCredentials::new(
                basic("web", WEB_SECRET),
                None,
                Some(ClientSecret::new(WEB_SECRET)),
            ),
            "invalid_request",
        ),
        (
            PresentedCredentials::new(basic("web", WEB_SECRET), Some("spa".into()), None),
            "invalid_request",
        ),
    ];
    for (presented, expect) in cases {
        check(&fixture, presented, expect);
    }
}

#[test]
fn guessed_secrets_are_throttled_per_client_then_released() {
    let fixture = Fixture::new();
    let address: IpAddr = "198.51.100.1".parse().unwrap();
    let from = |secret: &str| {
        PresentedCredentials::new(basic("web", secret), None, None).from_address(Some(address))
    };
    for _ in 0..10 {
        check(&fixture, from("guess"), "invalid_client");
    }
    let throttled = block_on(fixture.provider.authenticate_client(&from(WEB_SECRET)));
    let Err(error) = throttled else {
        panic!("the right secret must be refused while throttled");
    };
    assert!(error.retry_after().is_some(), "{error:?}");
    fixture.advance(2);
    check(&fixture, from(WEB_SECRET), "web");
}
