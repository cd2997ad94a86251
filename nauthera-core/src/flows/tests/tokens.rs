//! Codes and refresh tokens: single use, reuse detection, expiry and the family's absolute lifetime.

use super::{Fixture, error_code};

#[test]
fn a_code_is_redeemed_once_and_a_replay_revokes_its_tokens() {
    let fixture = Fixture::new();
    let (_, code) = fixture.code_for("alice");
    let first = fixture.redeem(&code).unwrap();
    let refresh_token = first.refresh_token.clone().unwrap();
    assert_eq!(error_code(fixture.redeem(&code)), "invalid_grant");
    assert_eq!(
        error_code(fixture.refresh(&refresh_token)),
        "invalid_grant",
        "the replay revoked the grant's refresh token"
    );
}

#[test]
fn a_code_expires_after_sixty_seconds() {
    let fixture = Fixture::new();
    let (_, code) = fixture.code_for("alice");
    fixture.advance(61);
    assert_eq!(error_code(fixture.redeem(&code)), "invalid_grant");
}

#[test]
fn a_reused_refresh_token_revokes_the_family() {
    let fixture = Fixture::new();
    let (_, code) = fixture.code_for("alice");
    let first = fixture.redeem(&code).unwrap().refresh_token.unwrap();
    let second = fixture.refresh(&first).unwrap().refresh_token.unwrap();
    assert_eq!(error_code(fixture.refresh(&first)), "invalid_grant");
    assert_eq!(
        error_code(fixture.refresh(&second)),
        "invalid_grant",
        "the successor of a reused token is revoked too"
    );
}

#[test]
fn rotation_never_extends_the_family_past_its_absolute_lifetime() {
    let fixture = Fixture::new();
    let day = 24 * 3600;
    let (_, code) = fixture.code_for("alice");
    let mut token = fixture.redeem(&code).unwrap().refresh_token.unwrap();
    // Every 29 days a rotation keeps the 30-day token alive, until the family's 90 days are over.
    for _ in 0..3 {
        fixture.advance(29 * day);
        token = fixture.refresh(&token).unwrap().refresh_token.unwrap();
    }
    fixture.advance(4 * day);
    assert_eq!(error_code(fixture.refresh(&token)), "invalid_grant");
}
