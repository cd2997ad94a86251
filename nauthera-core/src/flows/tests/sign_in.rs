//! Sign-in: success, failure, throttling per account and per address, and the recorded factors.

use crate::factor::AuthenticationMethod;
use crate::flows::authorize::AuthorizeOutcome;
use crate::flows::interaction::SubmittedForm;
use crate::secret::Password;
use crate::sign_in::{SignInFailure, SignInOutcome, SignInRequest};
use crate::testing::block_on;

use super::Fixture;

/// The failure of a sign-in, or `None` when it succeeded.
fn failure(outcome: &SignInOutcome) -> Option<SignInFailure> {
    match outcome {
        SignInOutcome::Retry { failure, next } => {
            assert!(
                matches!(next, AuthorizeOutcome::Login(_)),
                "the login page again: {next:?}"
            );
            Some(*failure)
        }
        _ => None,
    }
}

fn is_throttled(outcome: &SignInOutcome) -> bool {
    matches!(failure(outcome), Some(SignInFailure::Throttled { .. }))
}

#[test]
fn right_and_wrong_credentials() {
    let fixture = Fixture::new();
    let cases = [
        ("alice", "alice-password", None),
        (
            "alice",
            "bob-password",
            Some(SignInFailure::InvalidCredentials),
        ),
        (
            "nobody",
            "alice-password",
            Some(SignInFailure::InvalidCredentials),
        ),
        ("", "", Some(SignInFailure::InvalidCredentials)),
    ];
    for (username, password, expect) in cases {
        let outcome = fixture.sign_in("web", username, password, "192.0.2.10");
        assert_eq!(failure(&outcome), expect, "{username}/{password}");
    }
}

#[test]
fn the_session_records_the_password_factor() {
    let fixture = Fixture::new();
    let SignInOutcome::SignedIn {
        session,
        session_cookie,
        ..
    } = fixture.sign_in("web", "alice", "alice-password", "192.0.2.10")
    else {
        panic!("sign-in failed");
    };
    assert_eq!(session.factors.len(), 1);
    assert_eq!(session.factors[0].method, AuthenticationMethod::Password);
    assert_eq!(session.factors[0].source, "local");
    let verified = block_on(fixture.provider.verify_session(&session_cookie)).unwrap();
    assert_eq!(verified, Some(session));
}

#[test]
fn a_forged_csrf_token_is_refused_before_anything_is_checked() {
    let fixture = Fixture::new();
    let form = SubmittedForm::new("login", Some("browser"), Some("forged"), Some("x"));
    let request = SignInRequest::new(form, "alice", Password::new("alice-password"), None);
    let error = block_on(fixture.provider.sign_in(request)).unwrap_err();
    assert_eq!(error.code().as_str(), "invalid_request");
}

#[test]
fn guessing_one_account_is_throttled_without_locking_out_others() {
    let fixture = Fixture::new();
    let attacker = "203.0.113.66";
    for _ in 0..5 {
        let outcome = fixture.sign_in("web", "alice", "guess", attacker);
        assert_eq!(failure(&outcome), Some(SignInFailure::InvalidCredentials));
    }
    // Blocked now, even with the right password and from another address: the account is the key.
    assert!(is_throttled(&fixture.sign_in(
        "web",
        "alice",
        "alice-password",
        attacker
    )));
    assert!(is_throttled(&fixture.sign_in(
        "web",
        "alice",
        "alice-password",
        "192.0.2.7"
    )));
    // An unknown username is throttled the same way, so throttling does not reveal which accounts exist.
    for _ in 0..5 {
        fixture.sign_in("web", "nobody", "guess", "192.0.2.99");
    }
    assert!(is_throttled(&fixture.sign_in(
        "web",
        "nobody",
        "guess",
        "192.0.2.99"
    )));
    // Another account signs in normally meanwhile.
    assert_eq!(
        failure(&fixture.sign_in("web", "bob", "bob-password", "192.0.2.8")),
        None
    );
    // The block lapses (1 s after the fifth failure), and a success clears the count.
    fixture.advance(2);
    assert_eq!(
        failure(&fixture.sign_in("web", "alice", "alice-password", "192.0.2.7")),
        None
    );
    assert_eq!(
        failure(&fixture.sign_in("web", "alice", "guess", attacker)),
        Some(SignInFailure::InvalidCredentials),
        "after a success the count starts over"
    );
}

#[test]
fn the_back_off_grows_with_every_further_failure() {
    let fixture = Fixture::new();
    let retry_after = |outcome: SignInOutcome| match failure(&outcome) {
        Some(SignInFailure::Throttled { retry_after }) => retry_after.as_secs(),
        other => panic!("expected throttling, got {other:?}"),
    };
    for _ in 0..5 {
        fixture.sign_in("web", "alice", "guess", "192.0.2.1");
    }
    assert_eq!(
        retry_after(fixture.sign_in("web", "alice", "guess", "192.0.2.1")),
        1
    );
    fixture.advance(1);
    fixture.sign_in("web", "alice", "guess", "192.0.2.1");
    assert_eq!(
        retry_after(fixture.sign_in("web", "alice", "guess", "192.0.2.1")),
        2
    );
    fixture.advance(2);
    fixture.sign_in("web", "alice", "guess", "192.0.2.1");
    assert_eq!(
        retry_after(fixture.sign_in("web", "alice", "guess", "192.0.2.1")),
        4
    );
}

#[test]
fn one_address_guessing_many_accounts_is_throttled() {
    let fixture = Fixture::new();
    let spray = "203.0.113.9";
    for index in 0..20 {
        let outcome = fixture.sign_in("web", &format!("user{index}"), "Winter2026!", spray);
        assert_eq!(failure(&outcome), Some(SignInFailure::InvalidCredentials));
    }
    assert!(is_throttled(&fixture.sign_in(
        "web",
        "alice",
        "alice-password",
        spray
    )));
    assert_eq!(
        failure(&fixture.sign_in("web", "alice", "alice-password", "192.0.2.4")),
        None
    );
}

#[test]
fn attempts_for_one_account_are_checked_one_at_a_time() {
    let fixture = Fixture::new();
    let first = fixture.provider.begin_attempt("Alice").unwrap();
    assert!(
        is_throttled(&fixture.sign_in("web", "alice", "alice-password", "192.0.2.1")),
        "a second attempt while the first is being checked waits"
    );
    assert_eq!(
        failure(&fixture.sign_in("web", "bob", "bob-password", "192.0.2.1")),
        None
    );
    drop(first);
    assert_eq!(
        failure(&fixture.sign_in("web", "alice", "alice-password", "192.0.2.1")),
        None
    );
}
