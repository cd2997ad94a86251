//! The account pages' rules: signing in to them, changing the password, signing out everywhere, choosing the
//! language.

use std::net::IpAddr;

use crate::flows::account::{PasswordChange, PasswordChangeFailure};
use crate::flows::authorize::AuthorizeOutcome;
use crate::flows::interaction::SubmittedForm;
use crate::secret::Password;
use crate::session::BrowserSession;
use crate::sign_in::{SignInOutcome, SignInRequest};
use crate::testing::block_on;

use super::{Fixture, error_code};

/// Signs `username` in on the account pages' own login form; returns the session.
fn account_session(fixture: &Fixture, username: &str) -> (BrowserSession, String) {
    let prompt = fixture.provider.account_sign_in(Some("de".into())).unwrap();
    assert_eq!(prompt.ui_locales.as_deref(), Some("de"));
    let csrf = fixture
        .provider
        .session_keys()
        .csrf_token("login", "browser");
    let form = SubmittedForm::new(
        "login",
        Some("browser"),
        Some(&csrf),
        Some(&prompt.interaction),
    );
    let address: IpAddr = "192.0.2.30".parse().unwrap();
    let outcome = block_on(fixture.provider.sign_in(SignInRequest::new(
        form,
        username,
        Password::new(format!("{username}-password")),
        Some(address),
    )))
    .unwrap();
    let SignInOutcome::SignedIn {
        session,
        session_cookie,
        next,
    } = outcome
    else {
        panic!("sign-in failed: {outcome:?}");
    };
    let AuthorizeOutcome::Redirect(url) = next else {
        panic!("expected the account pages, got {next:?}");
    };
    assert_eq!(url.as_str(), "https://op.example/account");
    (session, session_cookie)
}

fn valid(fixture: &Fixture, cookie: &str) -> bool {
    block_on(fixture.provider.verify_session(cookie))
        .unwrap()
        .is_some()
}

fn change(fixture: &Fixture, session: &BrowserSession, current: &str, new: &str) -> PasswordChange {
    block_on(fixture.provider.change_password(
        session,
        &Password::new(current),
        &Password::new(new),
        &Password::new(new),
        None,
    ))
    .unwrap()
}

#[test]
fn a_password_change_keeps_this_browser_and_ends_the_others() {
    let fixture = Fixture::new();
    let (other_cookie, code) = fixture.code_for("alice");
    let refresh_token = fixture.redeem(&code).unwrap().refresh_token.unwrap();
    fixture.advance(5);
    let (session, cookie) = account_session(&fixture, "alice");
    assert!(valid(&fixture, &cookie) && valid(&fixture, &other_cookie));

    let refused = change(&fixture, &session, "wrong", "new-password-1");
    assert!(matches!(
        refused,
        PasswordChange::Refused(PasswordChangeFailure::WrongPassword)
    ));
    let short = change(&fixture, &session, "alice-password", "short");
    assert!(matches!(
        short,
        PasswordChange::Refused(PasswordChangeFailure::Unacceptable)
    ));
    let PasswordChange::Changed { session_cookie, .. } =
        change(&fixture, &session, "alice-password", "new-password-1")
    else {
        panic!("the change was refused");
    };
    assert!(valid(&fixture, &session_cookie), "this browser goes on");
    assert!(!valid(&fixture, &other_cookie), "other sessions end");
    assert_eq!(error_code(fixture.refresh(&refresh_token)), "invalid_grant");
    assert!(matches!(
        fixture.sign_in("web", "alice", "new-password-1", "192.0.2.31"),
        SignInOutcome::SignedIn { .. }
    ));
}

#[test]
fn wrong_current_passwords_are_throttled() {
    let fixture = Fixture::new();
    let (session, _) = account_session(&fixture, "alice");
    let mut throttled = false;
    for _ in 0..20 {
        if let PasswordChange::Refused(PasswordChangeFailure::Throttled { .. }) =
            change(&fixture, &session, "guess", "new-password-1")
        {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "guessing the current password is throttled");
}

#[test]
fn signing_out_everywhere_ends_every_session() {
    let fixture = Fixture::new();
    let (other_cookie, _) = fixture.code_for("alice");
    let (session, cookie) = account_session(&fixture, "alice");
    block_on(fixture.provider.sign_out_everywhere(&session)).unwrap();
    assert!(!valid(&fixture, &cookie));
    assert!(!valid(&fixture, &other_cookie));
}

#[test]
fn the_language_is_one_the_pages_speak() {
    let fixture = Fixture::new();
    let (session, _) = account_session(&fixture, "alice");
    block_on(fixture.provider.set_language(&session, Some("de"))).unwrap();
    assert_eq!(
        block_on(fixture.provider.preferred_language(&session)).unwrap(),
        Some("de".to_owned())
    );
    assert!(block_on(fixture.provider.set_language(&session, Some("fr"))).is_err());
    block_on(fixture.provider.set_language(&session, None)).unwrap();
    assert_eq!(
        block_on(fixture.provider.preferred_language(&session)).unwrap(),
        None
    );
    let overview = block_on(fixture.provider.account_overview(&session))
        .unwrap()
        .unwrap();
    assert_eq!(overview.user.username, "alice");
}
