//! Groups in claims, and revoking a consent: the rules, over the in-memory store.

use crate::Error;
use crate::flows::authorize::{AuthorizeContext, AuthorizeOutcome};
use crate::people::Page;
use crate::testing::block_on;
use crate::types::{ClientId, Scope};

use super::{Fixture, error_code};

#[test]
fn groups_scope_releases_the_names_of_the_users_groups() {
    let fixture = Fixture::new();
    let provider = &fixture.provider;
    for name in ["staff", "admins", "unrelated"] {
        block_on(provider.create_group(name, None)).unwrap();
    }
    for name in ["staff", "admins"] {
        assert!(block_on(provider.add_group_member(name, "alice")).unwrap());
    }
    let alice = block_on(provider.find_user_by_username("alice"))
        .unwrap()
        .unwrap();
    let with_groups = Scope::parse("openid groups").unwrap();
    let claims = block_on(provider.released_claims(&alice, &with_groups, None)).unwrap();
    assert_eq!(claims["groups"], serde_json::json!(["admins", "staff"]));
    let without = Scope::parse("openid profile").unwrap();
    let claims = block_on(provider.released_claims(&alice, &without, None)).unwrap();
    assert!(
        !claims.contains_key("groups"),
        "no groups scope, no groups claim"
    );
}

#[test]
fn group_rules_hold_whatever_the_adapter() {
    let fixture = Fixture::new();
    let provider = &fixture.provider;
    block_on(provider.create_group("staff", Some("everyone".into()))).unwrap();
    assert!(matches!(
        block_on(provider.create_group("staff", None)),
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        block_on(provider.create_group(" padded", None)),
        Err(Error::Protocol { .. })
    ));
    assert!(matches!(
        block_on(provider.add_group_member("staff", "nobody")),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        block_on(provider.add_group_member("missing", "alice")),
        Err(Error::NotFound(_))
    ));
    assert!(block_on(provider.add_group_member("staff", "bob")).unwrap());
    assert!(!block_on(provider.add_group_member("staff", "bob")).unwrap());
    let members = block_on(provider.list_group_members("staff", &Page::default())).unwrap();
    assert_eq!(members.len(), 1);
    assert!(block_on(provider.delete_user("bob")).unwrap());
    assert!(
        block_on(provider.list_group_members("staff", &Page::default()))
            .unwrap()
            .is_empty(),
        "a deleted user leaves their groups"
    );
    assert!(block_on(provider.delete_group("staff")).unwrap());
    assert!(!block_on(provider.delete_group("staff")).unwrap());
}

#[test]
fn revoking_a_consent_revokes_the_clients_tokens_and_asks_again() {
    let fixture = Fixture::new();
    let (cookie, code) = fixture.code_for("alice");
    let tokens = fixture.redeem(&code).unwrap();
    let refresh_token = tokens.refresh_token.unwrap();
    let alice = block_on(fixture.provider.find_user_by_username("alice"))
        .unwrap()
        .unwrap();
    let consents = block_on(fixture.provider.consents_of(&alice.subject)).unwrap();
    assert_eq!(consents.len(), 1, "the consent page recorded a consent");
    let web = ClientId::new("web");
    assert!(block_on(fixture.provider.revoke_consent(&alice.subject, &web)).unwrap());
    assert!(!block_on(fixture.provider.revoke_consent(&alice.subject, &web)).unwrap());

    assert_eq!(error_code(fixture.refresh(&refresh_token)), "invalid_grant");
    assert!(
        block_on(fixture.provider.verify_access_token(&tokens.access_token))
            .unwrap()
            .is_none(),
        "the client's access tokens are revoked too"
    );
    let session = block_on(fixture.provider.verify_session(&cookie))
        .unwrap()
        .expect("the browser session goes on");
    let outcome = block_on(fixture.provider.authorize(
        &Fixture::params("web"),
        AuthorizeContext {
            session: Some(session),
            ..AuthorizeContext::default()
        },
    ))
    .unwrap();
    assert!(
        matches!(outcome, AuthorizeOutcome::Consent(_)),
        "the next authorization request asks for consent again: {outcome:?}"
    );
}
