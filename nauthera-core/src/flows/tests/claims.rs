//! Per-client claims: mapped and static claims in the ID token and userinfo, and `groups` in access tokens for
//! clients that ask for it. The rules, over the in-memory store.

use serde_json::{Value, json};

use crate::client::GrantType;
use crate::flows::admin::{ClientSecretChange, Ownership};
use crate::flows::client_auth::PresentedCredentials;
use crate::registration::{ClientRegistration, SecretProvision};
use crate::secret::ClientSecret;
use crate::testing::block_on;
use crate::types::{ClientId, Scope};
use crate::user::UserUpdate;

use super::{Fixture, REDIRECT_URI, WEB_SECRET};

/// Registers `web` again with the `groups` scope and the settings `configure` makes, keeping its secret.
fn configure_web(fixture: &Fixture, configure: impl FnOnce(&mut ClientRegistration)) {
    let mut registration = ClientRegistration::new("web");
    registration.grant_types = Some(vec![GrantType::AuthorizationCode, GrantType::RefreshToken]);
    registration.redirect_uris = vec![REDIRECT_URI.into()];
    registration.scope = Some("openid profile email offline_access groups".into());
    configure(&mut registration);
    let client = registration.validate(SecretProvision::Generated).unwrap();
    block_on(
        fixture
            .provider
            .apply_client(client, ClientSecretChange::Keep, Ownership::Override),
    )
    .unwrap();
}

/// `web` maps `department` and `https://example.com/team` from the attributes of those names and sets
/// `tenant`; alice has a department and a null team, bob a team only.
fn mapped() -> Fixture {
    let fixture = Fixture::new();
    configure_web(&fixture, |registration| {
        for (claim, attribute) in [
            ("department", "department"),
            ("https://example.com/team", "team"),
        ] {
            registration
                .claim_mapping
                .insert(claim.into(), attribute.into());
        }
        registration
            .static_claims
            .insert("tenant".into(), json!("acme"));
    });
    for (username, attributes) in [
        ("alice", json!({ "department": "R&D", "team": null })),
        ("bob", json!({ "team": ["blue", "green"] })),
    ] {
        let Value::Object(set_attributes) = attributes else {
            unreachable!("attributes are an object");
        };
        let update = UserUpdate {
            set_attributes,
            ..UserUpdate::default()
        };
        block_on(fixture.provider.update_user(username, update)).unwrap();
    }
    fixture
}

#[test]
fn mapped_and_static_claims_need_openid_and_the_attribute() {
    let fixture = mapped();
    let provider = &fixture.provider;
    let check = |client_id: &str, username: &str, scope: &str, expect: Value| {
        let client = block_on(provider.find_client(&ClientId::new(client_id)))
            .unwrap()
            .unwrap();
        let user = block_on(provider.find_user_by_username(username))
            .unwrap()
            .unwrap();
        let scope = Scope::parse(scope).unwrap();
        let claims = block_on(provider.released_claims(&user, &scope, Some(&client))).unwrap();
        assert_eq!(
            Value::Object(claims),
            expect,
            "{client_id} {username} {scope}"
        );
    };
    check(
        "web",
        "alice",
        "openid",
        json!({ "department": "R&D", "tenant": "acme" }),
    );
    check(
        "web",
        "bob",
        "openid",
        json!({ "https://example.com/team": ["blue", "green"], "tenant": "acme" }),
    );
    check("web", "alice", "email", json!({}));
    check("spa", "alice", "openid", json!({}));
}

#[test]
fn id_token_and_userinfo_carry_the_mapped_and_static_claims() {
    let fixture = mapped();
    let (_, code) = fixture.code_with_scope("alice", "openid");
    let tokens = fixture.redeem(&code).unwrap();
    let id_token = block_on(
        fixture
            .provider
            .verify_jwt(tokens.id_token.as_deref().unwrap()),
    )
    .unwrap()
    .unwrap();
    assert_eq!(id_token.claims["department"], "R&D");
    assert_eq!(id_token.claims["tenant"], "acme");
    assert_eq!(id_token.claims["aud"], "web", "the provider's claims stay");
    assert!(id_token.claims.get("https://example.com/team").is_none());
    let userinfo = block_on(fixture.provider.userinfo(Some(&tokens.access_token))).unwrap();
    assert_eq!(userinfo["department"], "R&D");
    assert_eq!(userinfo["tenant"], "acme");
    let access_token = block_on(fixture.provider.verify_jwt(&tokens.access_token))
        .unwrap()
        .unwrap();
    assert!(
        access_token.claims.get("department").is_none(),
        "mapped claims stay out of access tokens"
    );
}

#[test]
fn access_tokens_carry_groups_only_for_clients_that_ask_and_with_the_scope() {
    let fixture = Fixture::new();
    let provider = &fixture.provider;
    block_on(provider.create_group("staff", None)).unwrap();
    assert!(block_on(provider.add_group_member("staff", "alice")).unwrap());
    let staff = Some(vec!["staff".to_owned()]);
    for (access_token_groups, scope, expect) in [
        (true, "openid groups", staff.clone()),
        (true, "openid", None),
        (false, "openid groups", None),
    ] {
        configure_web(&fixture, |registration| {
            registration.access_token_groups = access_token_groups;
        });
        let (_, code) = fixture.code_with_scope("alice", scope);
        let tokens = fixture.redeem(&code).unwrap();
        let claims = block_on(provider.verify_access_token(&tokens.access_token))
            .unwrap()
            .expect("the token is active");
        assert_eq!(claims.groups, expect, "{access_token_groups} {scope}");
        let userinfo = block_on(provider.userinfo(Some(&tokens.access_token))).unwrap();
        assert_eq!(
            userinfo.get("groups").is_some(),
            scope.contains("groups"),
            "userinfo follows the scope alone"
        );
    }
}

#[test]
fn access_token_groups_are_introspected_and_current_after_refresh() {
    let fixture = Fixture::new();
    let provider = &fixture.provider;
    for name in ["admins", "staff"] {
        block_on(provider.create_group(name, None)).unwrap();
    }
    assert!(block_on(provider.add_group_member("staff", "alice")).unwrap());
    configure_web(&fixture, |registration| {
        registration.access_token_groups = true;
    });
    let (_, code) = fixture.code_with_scope("alice", "openid groups offline_access");
    let tokens = fixture.redeem(&code).unwrap();
    let web = || {
        PresentedCredentials::new(
            Some(("web".into(), ClientSecret::new(WEB_SECRET))),
            None,
            None,
        )
    };
    let introspected = block_on(provider.introspect(&web(), Some(&tokens.access_token))).unwrap();
    assert_eq!(introspected["active"], true);
    assert_eq!(introspected["groups"], json!(["staff"]));

    assert!(block_on(provider.add_group_member("admins", "alice")).unwrap());
    let refreshed = fixture
        .refresh(tokens.refresh_token.as_deref().unwrap())
        .unwrap();
    let claims = block_on(provider.verify_access_token(&refreshed.access_token))
        .unwrap()
        .unwrap();
    assert_eq!(
        claims.groups,
        Some(vec!["admins".to_owned(), "staff".to_owned()]),
        "a refreshed access token names the groups of the moment"
    );
}
