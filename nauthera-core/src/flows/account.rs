//! What signed-in end-users do on their account pages: see their profile, groups and the applications they
//! consented to; change their password; sign out everywhere; choose their language. Every action takes the
//! verified browser session, so it acts on that session's user only.

use std::net::IpAddr;
use std::time::Duration;

use crate::cache::Cache;
use crate::error::Error;
use crate::locale::matching;
use crate::people::{Consent, Group, Preferences};
use crate::provider::Provider;
use crate::random::identifier;
use crate::secret::Password;
use crate::session::BrowserSession;
use crate::storage::Storage;
use crate::throttle::ThrottleKey;
use crate::types::{ClientId, SessionId};
use crate::user::User;

/// The shortest new password, in characters.
pub const MIN_PASSWORD_LENGTH: usize = 8;

/// What the account page shows.
#[derive(Debug)]
#[non_exhaustive]
pub struct AccountOverview {
    /// The user.
    pub user: User,
    /// The groups they belong to, by name.
    pub groups: Vec<Group>,
    /// The applications they consented to, with each client's display name (its id when it is gone).
    pub applications: Vec<(Consent, String)>,
    /// Their preferences.
    pub preferences: Preferences,
}

/// Why a password change was refused.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum PasswordChangeFailure {
    /// The current password is wrong.
    WrongPassword,
    /// The new password is too short, or the confirmation does not match.
    Unacceptable,
    /// Too many wrong attempts: try again after this long.
    Throttled {
        /// How long to wait.
        retry_after: Duration,
    },
}

/// The outcome of a password change.
#[derive(Debug)]
#[non_exhaustive]
pub enum PasswordChange {
    /// Changed: every other session ended; this browser continues with `session_cookie`.
    Changed {
        /// The browser's new session.
        session: BrowserSession,
        /// Its signed cookie value.
        session_cookie: String,
    },
    /// Refused, nothing changed.
    Refused(PasswordChangeFailure),
}

/// What the account forms' CSRF tokens are issued for (bound to the session id).
const ACCOUNT_FORM: &str = "account";

impl<S: Storage, C: Cache> Provider<S, C> {
    /// The CSRF token of the account page's forms, bound to the browser session.
    pub fn account_csrf_token(&self, session: &BrowserSession) -> String {
        self.session_keys()
            .csrf_token(ACCOUNT_FORM, session.sid.as_str())
    }

    /// Checks the CSRF token of a submitted account form.
    ///
    /// # Errors
    /// `invalid_request` when it is missing or wrong.
    pub fn check_account_form(
        &self,
        session: &BrowserSession,
        csrf_token: Option<&str>,
    ) -> Result<(), Error> {
        let valid = csrf_token.is_some_and(|token| {
            self.session_keys()
                .verify_csrf(ACCOUNT_FORM, session.sid.as_str(), token)
        });
        if valid {
            Ok(())
        } else {
            Err(Error::invalid_request(
                "the CSRF token is missing or invalid; reload the page",
            ))
        }
    }

    /// The account page of the session's user; `None` when the user is gone.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn account_overview(
        &self,
        session: &BrowserSession,
    ) -> Result<Option<AccountOverview>, Error> {
        let Some(user) = self.storage.find_user(&session.sub).await? else {
            return Ok(None);
        };
        let groups = self.storage.groups_of(&user.subject).await?;
        let mut applications = Vec::new();
        for consent in self.storage.list_consents(&user.subject).await? {
            let name = self.client(&consent.client_id).await?.map_or_else(
                || consent.client_id.to_string(),
                |client| client.client_name.clone(),
            );
            applications.push((consent, name));
        }
        let preferences = self
            .storage
            .find_preferences(&user.subject)
            .await?
            .unwrap_or_default();
        Ok(Some(AccountOverview {
            user,
            groups,
            applications,
            preferences,
        }))
    }

    /// The stored language of the session's user, if they chose one.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn preferred_language(
        &self,
        session: &BrowserSession,
    ) -> Result<Option<String>, Error> {
        Ok(self
            .storage
            .find_preferences(&session.sub)
            .await?
            .and_then(|preferences| preferences.locale))
    }

    /// Stores the session's user's language: one the pages speak, or `None` to follow the browser.
    ///
    /// # Errors
    /// `invalid_request` for a language the pages do not speak; storage failures.
    pub async fn set_language(
        &self,
        session: &BrowserSession,
        language: Option<&str>,
    ) -> Result<(), Error> {
        let locale = match language.filter(|tag| !tag.is_empty()) {
            Some(tag) => Some(
                matching(tag, &self.config.ui_locales)
                    .filter(|supported| supported.eq_ignore_ascii_case(tag))
                    .ok_or_else(|| Error::invalid_request("the pages do not speak that language"))?
                    .to_owned(),
            ),
            None => None,
        };
        let preferences = self
            .storage
            .find_preferences(&session.sub)
            .await?
            .unwrap_or_default()
            .with_locale(locale);
        self.storage
            .upsert_preferences(&session.sub, &preferences, self.now())
            .await?;
        Ok(())
    }

    /// Revokes the session's user's consent for the client, with the client's tokens for them.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn revoke_own_consent(
        &self,
        session: &BrowserSession,
        client_id: &ClientId,
    ) -> Result<bool, Error> {
        self.revoke_consent(&session.sub, client_id).await
    }

    /// Ends every browser session of the session's user, this one included (sessions are stateless: the user
    /// record says from when on they count).
    ///
    /// # Errors
    /// Storage failures.
    pub async fn sign_out_everywhere(&self, session: &BrowserSession) -> Result<(), Error> {
        let Some(mut user) = self.storage.find_user(&session.sub).await? else {
            return Ok(());
        };
        user.sessions_not_before = Some(self.now());
        self.save_user(&user).await?;
        tracing::info!(target: "nauthera::audit", sub = %user.subject, "signed out everywhere");
        Ok(())
    }

    /// Changes the session's user's password after checking the current one (throttled like sign-ins): every
    /// other browser session ends and the user's refresh tokens are revoked; this browser gets a new session.
    ///
    /// # Errors
    /// Storage failures; [`Error::Overloaded`] when no password-hashing worker is free in time.
    pub async fn change_password(
        &self,
        session: &BrowserSession,
        current: &Password,
        new: &Password,
        confirmation: &Password,
        client_ip: Option<IpAddr>,
    ) -> Result<PasswordChange, Error> {
        let Some(mut user) = self.storage.find_user(&session.sub).await? else {
            return Err(Error::NotFound("the account no longer exists".to_owned()));
        };
        let mut keys = vec![ThrottleKey::Account(&user.username)];
        keys.extend(client_ip.map(ThrottleKey::Address));
        if let Some(retry_after) = self.throttled(&keys).await {
            return Ok(PasswordChange::Refused(PasswordChangeFailure::Throttled {
                retry_after,
            }));
        }
        let current_ok = self
            .password_hasher
            .verify(
                user.password_hash.clone(),
                Password::new(current.expose_secret()),
            )
            .await?;
        if !current_ok {
            self.record_failure(&keys).await;
            tracing::info!(target: "nauthera::audit", sub = %user.subject, "password change refused: wrong current password");
            return Ok(PasswordChange::Refused(
                PasswordChangeFailure::WrongPassword,
            ));
        }
        if new.expose_secret().chars().count() < MIN_PASSWORD_LENGTH
            || new.expose_secret() != confirmation.expose_secret()
        {
            return Ok(PasswordChange::Refused(PasswordChangeFailure::Unacceptable));
        }
        self.clear_failures(ThrottleKey::Account(&user.username))
            .await;
        user.password_hash = self
            .password_hasher
            .hash(Password::new(new.expose_secret()), &*self.random)
            .await?;
        let now = self.now();
        // Sessions count only when they authenticated after `sessions_not_before` (seconds): the sessions of
        // earlier seconds end, and this browser's new session, authenticated now by the current password, stays.
        user.sessions_not_before = Some(crate::UnixTime(now.0 - 1));
        self.storage.revoke_refresh_tokens_of(&user.subject).await?;
        self.save_user(&user).await?;
        let fresh = BrowserSession::start(
            &self.config,
            user.subject.clone(),
            SessionId::new(identifier(&*self.random)?),
            now,
            session.factors.clone(),
        );
        let session_cookie = self.session_keys().sign_session(&fresh)?;
        tracing::info!(target: "nauthera::audit", sub = %user.subject, "password changed by its user; other sessions ended");
        Ok(PasswordChange::Changed {
            session: fresh,
            session_cookie,
        })
    }
}
