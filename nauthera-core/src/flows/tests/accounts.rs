//! The account lifecycle: disabling, enabling, deleting and new passwords end sessions and refresh tokens.

use crate::secret::Password;
use crate::sign_in::{SignInFailure, SignInOutcome};
use crate::testing::block_on;

use super::{Fixture, error_code};

fn signs_in(fixture: &Fixture, password: &str) -> bool {
    matches!(
        fixture.sign_in("web", "alice", password, "192.0.2.20"),
        SignInOutcome::SignedIn { .. }
    )
}

/// Alice's session cookie and refresh token, before the lifecycle event.
fn alice_signed_in(fixture: &Fixture) -> (String, String) {
    let (cookie, code) = fixture.code_for("alice");
    let refresh_token = fixture.redeem(&code).unwrap().refresh_token.unwrap();
    (cookie, refresh_token)
}

fn session_is_valid(fixture: &Fixture, cookie: &str) -> bool {
    block_on(fixture.provider.verify_session(cookie))
        .unwrap()
        .is_some()
}

#[test]
fn disabling_ends_sessions_and_refresh_tokens_and_blocks_sign_in() {
    let fixture = Fixture::new();
    let (cookie, refresh_token) = alice_signed_in(&fixture);
    assert!(
        block_on(fixture.provider.disable_user("alice"))
            .unwrap()
            .is_some()
    );
    assert!(!session_is_valid(&fixture, &cookie));
    assert_eq!(error_code(fixture.refresh(&refresh_token)), "invalid_grant");
    let outcome = fixture.sign_in("web", "alice", "alice-password", "192.0.2.20");
    assert!(
        matches!(
            outcome,
            SignInOutcome::Retry {
                failure: SignInFailure::InvalidCredentials,
                ..
            }
        ),
        "a disabled account fails like a wrong password: {outcome:?}"
    );
    assert!(
        block_on(fixture.provider.enable_user("alice"))
            .unwrap()
            .is_some()
    );
    assert!(signs_in(&fixture, "alice-password"));
    assert!(
        !session_is_valid(&fixture, &cookie),
        "old sessions stay ended"
    );
}

#[test]
fn deleting_ends_everything() {
    let fixture = Fixture::new();
    let (cookie, refresh_token) = alice_signed_in(&fixture);
    assert!(block_on(fixture.provider.delete_user("alice")).unwrap());
    assert!(!block_on(fixture.provider.delete_user("alice")).unwrap());
    assert!(!session_is_valid(&fixture, &cookie));
    assert_eq!(error_code(fixture.refresh(&refresh_token)), "invalid_grant");
    assert!(!signs_in(&fixture, "alice-password"));
}

#[test]
fn a_new_password_ends_sessions_and_refresh_tokens() {
    let fixture = Fixture::new();
    let (cookie, refresh_token) = alice_signed_in(&fixture);
    let changed = block_on(
        fixture
            .provider
            .set_password("alice", &Password::new("new-password")),
    );
    assert!(changed.unwrap().is_some());
    assert!(!session_is_valid(&fixture, &cookie));
    assert_eq!(error_code(fixture.refresh(&refresh_token)), "invalid_grant");
    fixture.advance(1);
    assert!(!signs_in(&fixture, "alice-password"));
    assert!(signs_in(&fixture, "new-password"));
    assert!(
        block_on(fixture.provider.set_password("nobody", &Password::new("x")))
            .unwrap()
            .is_none()
    );
}

#[test]
fn applying_the_same_user_again_changes_nothing() {
    let fixture = Fixture::new();
    let (cookie, _) = alice_signed_in(&fixture);
    let user = block_on(fixture.provider.find_user_by_username("alice"))
        .unwrap()
        .unwrap();
    let again = block_on(fixture.provider.upsert_user(
        "alice",
        &Password::new("alice-password"),
        user.claims.clone(),
    ))
    .unwrap();
    assert_eq!(again, user);
    assert!(
        session_is_valid(&fixture, &cookie),
        "an unchanged user keeps their sessions"
    );
}

#[test]
fn rotating_the_session_secret_signs_no_one_out() {
    let fixture = Fixture::new();
    let (cookie, _) = alice_signed_in(&fixture);
    let before = fixture.provider.session_keys();
    let kids = block_on(fixture.provider.rotate_keys()).unwrap();
    assert!(kids[0].starts_with("session-"), "{kids:?}");
    assert!(
        session_is_valid(&fixture, &cookie),
        "the retired secret still verifies"
    );
    let (fresh, _) = alice_signed_in(&fixture);
    assert!(
        before
            .verify_session(&fresh, "https://op.example", fixture.provider.now())
            .is_none(),
        "new sessions are signed with the new secret"
    );
    fixture.advance(12 * 3600 + 1);
    assert!(!session_is_valid(&fixture, &cookie));
}

#[test]
fn a_code_issued_before_a_new_password_cannot_be_redeemed_after_it() {
    let fixture = Fixture::new();
    let (_, code) = fixture.code_for("alice");
    block_on(
        fixture
            .provider
            .set_password("alice", &Password::new("new-password")),
    )
    .unwrap();
    assert_eq!(error_code(fixture.redeem(&code)), "invalid_grant");
}

#[test]
fn new_claims_with_the_same_password_keep_the_sessions() {
    let fixture = Fixture::new();
    let (cookie, refresh_token) = alice_signed_in(&fixture);
    let claims = crate::user::UserClaims {
        email: Some("alice@example.com".into()),
        ..crate::user::UserClaims::default()
    };
    block_on(
        fixture
            .provider
            .upsert_user("alice", &Password::new("alice-password"), claims),
    )
    .unwrap();
    assert!(session_is_valid(&fixture, &cookie));
    assert!(fixture.refresh(&refresh_token).is_ok());
}
