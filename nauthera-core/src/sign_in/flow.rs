//! The sign-in flow: [`Provider::sign_in`].

use std::net::IpAddr;
use std::time::Duration;

use super::source::{BoxFuture, Identification, PasswordCredentials, UserDirectory};
use crate::cache::Cache;
use crate::error::Error;
use crate::factor::SatisfiedFactor;
use crate::flows::authorize::{AuthorizeContext, AuthorizeOutcome};
use crate::flows::interaction::SubmittedForm;
use crate::password::PasswordHash;
use crate::provider::Provider;
use crate::random::identifier;
use crate::secret::Password;
use crate::session::{BrowserSession, Interaction};
use crate::storage::Storage;
use crate::throttle::ThrottleKey;
use crate::types::SessionId;
use crate::user::User;

/// A submitted login form.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignInRequest<'a> {
    /// The form's CSRF token and interaction.
    pub form: SubmittedForm<'a>,
    /// The username as typed.
    pub username: &'a str,
    /// The password.
    pub password: Password,
    /// The client's IP address (from the socket, or from a trusted proxy's `X-Forwarded-For`).
    pub client_ip: Option<IpAddr>,
}

impl<'a> SignInRequest<'a> {
    /// A sign-in request.
    pub fn new(
        form: SubmittedForm<'a>,
        username: &'a str,
        password: Password,
        client_ip: Option<IpAddr>,
    ) -> Self {
        Self {
            form,
            username,
            password,
            client_ip,
        }
    }
}

/// How a sign-in ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignInOutcome {
    /// The end-user signed in: set the session cookie and continue with `next`.
    SignedIn {
        /// The new browser session.
        session: BrowserSession,
        /// The signed session cookie value.
        session_cookie: String,
        /// What the authorization request does next (usually the consent page or the redirect).
        next: AuthorizeOutcome,
    },
    /// The sign-in did not succeed: show `next` (the login page again) with the reason.
    Retry {
        /// What the authorization request does next (the login page, or an error).
        next: AuthorizeOutcome,
        /// Why.
        failure: SignInFailure,
    },
}

/// Why a sign-in did not succeed. None of the reasons reveals whether the account exists.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum SignInFailure {
    /// The username or password is wrong, or the account is disabled.
    InvalidCredentials,
    /// Too many recent failures for this account or address: try again after `retry_after` (HTTP `429`).
    Throttled {
        /// When to try again.
        retry_after: Duration,
    },
    /// No password-hashing worker was free in time: try again after `retry_after` (HTTP `503`).
    Busy {
        /// When to try again.
        retry_after: Duration,
    },
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Runs a sign-in from the login form: checks the form, throttling and the credentials, starts the browser
    /// session, and continues the authorization request.
    ///
    /// # Errors
    /// `invalid_request` for a bad CSRF token or an expired interaction (show an error page); storage and
    /// user-source failures.
    pub async fn sign_in(&self, request: SignInRequest<'_>) -> Result<SignInOutcome, Error> {
        let interaction = self.open_interaction(&request.form).await?;
        let client_id = interaction.params.client_id.as_deref().unwrap_or_default();
        let client_ip = request
            .client_ip
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        let mut keys = vec![ThrottleKey::Account(request.username)];
        keys.extend(request.client_ip.map(ThrottleKey::Address));
        // One attempt per account at a time on this replica; a second one meanwhile waits its turn as throttled.
        let attempt = self.begin_attempt(request.username);
        let throttled = match attempt {
            Some(_) => self.throttled(&keys).await,
            None => Some(Duration::from_secs(1)),
        };
        if let Some(retry_after) = throttled {
            tracing::warn!(target: "nauthera::audit", username = request.username, client_id, client_ip, retry_after = retry_after.as_secs(), "sign-in throttled");
            return self
                .retry(&interaction, SignInFailure::Throttled { retry_after })
                .await;
        }
        let identified = match self.identify(request.username, &request.password).await {
            Ok(identified) => identified,
            Err(Error::Overloaded { retry_after }) => {
                tracing::warn!(target: "nauthera::audit", username = request.username, client_id, client_ip, "sign-in refused: password hashing is overloaded");
                return self
                    .retry(&interaction, SignInFailure::Busy { retry_after })
                    .await;
            }
            Err(error) => return Err(error),
        };
        let Some((user, factor)) = identified.filter(|(user, _)| !user.disabled) else {
            self.record_failure(&keys).await;
            tracing::info!(target: "nauthera::audit", username = request.username, client_id, client_ip, "sign-in failed");
            return self
                .retry(&interaction, SignInFailure::InvalidCredentials)
                .await;
        };
        self.clear_failures(ThrottleKey::Account(request.username))
            .await;
        tracing::info!(target: "nauthera::audit", username = request.username, sub = %user.subject, client_id, client_ip, "sign-in succeeded");
        let sid = SessionId::new(identifier(&*self.random)?);
        let session = BrowserSession::start(
            &self.config,
            user.subject.clone(),
            sid,
            self.now(),
            vec![factor],
        );
        let session_cookie = self.session_keys().sign_session(&session)?;
        let context = AuthorizeContext {
            session: Some(session.clone()),
            authenticated_now: true,
            consent: None,
        };
        let next = self.continue_interaction(&interaction, context).await?;
        Ok(SignInOutcome::SignedIn {
            session,
            session_cookie,
            next,
        })
    }

    /// The first user source that knows the user decides; `None` when none identifies them.
    async fn identify(
        &self,
        username: &str,
        password: &Password,
    ) -> Result<Option<(User, SatisfiedFactor)>, Error> {
        let credentials = PasswordCredentials::new(username, password);
        for source in &self.user_sources {
            match source.identify(self, credentials).await? {
                Identification::Identified { user, method } => {
                    let factor = SatisfiedFactor::new(method, self.now(), source.name());
                    return Ok(Some((*user, factor)));
                }
                Identification::Rejected => return Ok(None),
                Identification::Unknown => {}
            }
        }
        Ok(None)
    }

    /// The login page again (or whatever the request now leads to), with the reason.
    async fn retry(
        &self,
        interaction: &Interaction,
        failure: SignInFailure,
    ) -> Result<SignInOutcome, Error> {
        let next = self
            .continue_interaction(interaction, AuthorizeContext::default())
            .await?;
        Ok(SignInOutcome::Retry { next, failure })
    }
}

impl<S: Storage, C: Cache> UserDirectory for Provider<S, C> {
    fn find_user_by_username<'a>(
        &'a self,
        username: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, Error>> {
        Box::pin(async move { Ok(self.storage.find_user_by_username(username).await?) })
    }

    fn verify_password<'a>(
        &'a self,
        hash: PasswordHash,
        password: &'a Password,
    ) -> BoxFuture<'a, Result<bool, Error>> {
        Box::pin(
            self.password_hasher
                .verify(hash, Password::new(password.expose_secret())),
        )
    }
}
