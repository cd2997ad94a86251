//! Groups in claims and revoked consents, end to end with the `openidconnect` relying party.

use openidconnect::core::CoreGenderClaim;
use openidconnect::{AdditionalClaims, OAuth2TokenResponse, TokenResponse, UserInfoClaims};
use serde::{Deserialize, Serialize};

use crate::harness::{Browser, TestServer, http_client};
use crate::rp::{Rp, alice_code, jwt_payload, submit_login};

/// The `groups` claim, which the relying party library does not know.
#[derive(Clone, Debug, Deserialize, Serialize)]
struct Groups {
    groups: Option<Vec<String>>,
}

impl AdditionalClaims for Groups {}

/// The `groups` claim of an ID token (already validated by the relying party).
fn id_token_groups(id_token: &str) -> Option<Vec<String>> {
    jwt_payload(id_token)
        .get("groups")
        .map(|groups| serde_json::from_value(groups.clone()).unwrap())
}

/// Signs alice in with a fresh browser for `scopes`; returns the ID token and the userinfo `groups`.
async fn alice_groups(
    server: &TestServer,
    rp: &Rp,
    scopes: &[&str],
) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let mut browser = Browser::default();
    let pending = rp.authorize(scopes, None);
    let code = alice_code(&mut browser, server, &pending).await;
    let (tokens, _) = rp.exchange(&code, pending).await;
    let userinfo: UserInfoClaims<Groups, CoreGenderClaim> = rp
        .client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    (
        id_token_groups(&tokens.id_token().unwrap().to_string()),
        userinfo.additional_claims().groups.clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn groups_scope_puts_the_users_group_names_in_id_token_and_userinfo() {
    let server = TestServer::start().await;
    for name in ["staff", "admins", "other"] {
        server.provider.create_group(name, None).await.unwrap();
    }
    for name in ["staff", "admins"] {
        server
            .provider
            .add_group_member(name, "alice")
            .await
            .unwrap();
    }
    let rp = Rp::web(&server).await;
    let advertised = rp.metadata.scopes_supported().unwrap();
    assert!(advertised.iter().any(|scope| scope.as_str() == "groups"));

    let (id_token, userinfo) = alice_groups(&server, &rp, &["groups"]).await;
    let both = Some(vec!["admins".to_owned(), "staff".to_owned()]);
    assert_eq!(id_token, both, "the ID token names both groups");
    assert_eq!(userinfo, both, "userinfo names both groups");

    let (id_token, userinfo) = alice_groups(&server, &rp, &["profile"]).await;
    assert_eq!(id_token, None, "no groups scope, no groups claim");
    assert_eq!(userinfo, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_consent_ends_the_clients_refresh_token_and_asks_again() {
    let server = TestServer::start().await;
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["offline_access"], None);
    let code = alice_code(&mut browser, &server, &pending).await;
    let (tokens, _) = rp.exchange(&code, pending).await;
    let refresh_token = tokens.refresh_token().unwrap().secret().clone();

    let consents = server.provider.consents_of_user("alice").await.unwrap();
    assert_eq!(consents.len(), 1);
    assert!(
        server
            .provider
            .revoke_consent_of_user("alice", &consents[0].client_id)
            .await
            .unwrap()
    );
    let refusal = rp.refresh_refusal(&refresh_token).await;
    assert!(refusal.contains("invalid_grant"), "{refusal}");

    let mut browser = Browser::default();
    let pending = rp.authorize(&["offline_access"], None);
    let reply = submit_login(&mut browser, &server, &pending, crate::harness::ALICE).await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.body.contains("name=\"decision\""),
        "the consent page is shown again: {}",
        reply.body
    );
}
