//! Claims per client, end to end with the `openidconnect` relying party: a client with a claim mapping, a
//! static claim and `access_token_groups` gets them; a client without these settings does not.

use openidconnect::core::CoreGenderClaim;
use openidconnect::{AdditionalClaims, OAuth2TokenResponse, TokenResponse, UserInfoClaims};
use serde::{Deserialize, Serialize};

use crate::harness::{Browser, TestServer, http_client};
use crate::rp::{Rp, alice_code, jwt_payload};

/// The `mapped` client: two mapped claims, one static claim, and groups in access tokens.
const MAPPED_CLIENT: &str = r#"
[[clients]]
client_id = "mapped"
client_name = "Mapped Claims"
secret = "mapped-secret"
redirect_uris = ["http://127.0.0.1:9004/callback"]
scope = "openid profile groups"
claim_mapping = { department = "department", "https://example.com/team" = "team" }
static_claims = { tenant = "acme" }
access_token_groups = true
"#;

/// The claims the relying party library does not know.
#[derive(Clone, Debug, Deserialize, Serialize)]
struct Extra {
    department: Option<String>,
    #[serde(rename = "https://example.com/team")]
    team: Option<String>,
    tenant: Option<String>,
    groups: Option<Vec<String>>,
}

impl AdditionalClaims for Extra {}

/// What alice's sign-in to `rp` with the `groups` scope released: the ID token's and the access token's
/// payloads, and the userinfo response's extra claims; also checks that introspection finds the token active.
async fn alice_tokens(
    server: &TestServer,
    rp: &Rp,
) -> (serde_json::Value, serde_json::Value, Extra) {
    let mut browser = Browser::default();
    let pending = rp.authorize(&["groups"], None);
    let code = alice_code(&mut browser, server, &pending).await;
    let (tokens, _) = rp.exchange(&code, pending).await;
    assert!(rp.is_active_via(tokens.access_token(), &http_client).await);
    let userinfo: UserInfoClaims<Extra, CoreGenderClaim> = rp
        .client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http_client)
        .await
        .unwrap();
    (
        jwt_payload(&tokens.id_token().unwrap().to_string()),
        jwt_payload(tokens.access_token().secret()),
        userinfo.additional_claims().clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn mapped_and_static_claims_and_access_token_groups_reach_only_the_client_with_them() {
    let server = TestServer::start_with_toml(MAPPED_CLIENT).await;
    server.provider.create_group("staff", None).await.unwrap();
    server
        .provider
        .add_group_member("staff", "alice")
        .await
        .unwrap();
    let mut update = nauthera_core::user::UserUpdate::default();
    update
        .set_attributes
        .insert("department".into(), "R&D".into());
    server.provider.update_user("alice", update).await.unwrap();

    let mapped = Rp::discover(
        &server,
        "mapped",
        Some("mapped-secret"),
        "http://127.0.0.1:9004/callback",
    )
    .await;
    let (id_token, access_token, userinfo) = alice_tokens(&server, &mapped).await;
    assert_eq!(id_token["department"], "R&D");
    assert_eq!(id_token["tenant"], "acme");
    assert!(
        id_token.get("https://example.com/team").is_none(),
        "alice has no team attribute"
    );
    assert_eq!(userinfo.department.as_deref(), Some("R&D"));
    assert_eq!(userinfo.tenant.as_deref(), Some("acme"));
    assert_eq!(userinfo.team, None);
    assert_eq!(access_token["groups"], serde_json::json!(["staff"]));
    assert!(access_token.get("department").is_none());

    let web = Rp::web(&server).await;
    let (id_token, access_token, userinfo) = alice_tokens(&server, &web).await;
    assert_eq!(id_token["groups"], serde_json::json!(["staff"]));
    assert!(id_token.get("department").is_none() && id_token.get("tenant").is_none());
    assert!(userinfo.department.is_none() && userinfo.tenant.is_none());
    assert_eq!(userinfo.groups, Some(vec!["staff".to_owned()]));
    assert!(
        access_token.get("groups").is_none(),
        "web does not put groups in access tokens"
    );
}
