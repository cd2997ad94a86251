//! The login form's target: verifies the password (bounded, off the executor), starts the browser session and
//! continues the authorization request.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use http::HeaderMap;
use nauthera_core::error::Error;
use nauthera_core::flows::authorize::{AuthorizeContext, AuthorizeOutcome};
use nauthera_core::random::identifier;
use nauthera_core::secret::Password;
use nauthera_core::session::BrowserSession;
use nauthera_core::types::SessionId;
use nauthera_core::user::{PasswordHash, User};
use nauthera_core::{Cache, Storage};
use serde::Deserialize;

use super::authorize::{render, with_cookie};
use super::form_guard::{SubmittedForm, open_interaction};
use crate::cookies::{self, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::html_error;
use crate::extract;
use crate::state::Shared;

#[derive(Deserialize)]
struct LoginForm {
    interaction: Option<String>,
    csrf_token: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// `POST /login`.
pub(crate) async fn post<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: LoginForm = match extract::form(&headers, &body) {
        Ok(form) => form,
        Err(error) => return html_error(&error),
    };
    let provider = &state.provider;
    let submitted = SubmittedForm {
        purpose: "login",
        binding: cookies::read(&headers, CSRF_COOKIE),
        csrf_token: form.csrf_token.as_deref(),
        interaction: form.interaction.as_deref(),
    };
    let interaction = match open_interaction(&state, &submitted) {
        Ok(interaction) => interaction,
        Err(error) => return html_error(&error),
    };
    let username = form.username.unwrap_or_default();
    let password = Password::new(form.password.unwrap_or_default());
    let user = match verify_password(&state, &username, password).await {
        Ok(user) => user,
        Err(error) => return html_error(&error),
    };
    let Some(user) = user else {
        tracing::info!(target: "nauthera::audit", "login failed");
        let outcome = provider
            .authorize(&interaction.params, AuthorizeContext::default())
            .await;
        return match outcome {
            Ok(outcome @ AuthorizeOutcome::Login(_)) => render(
                &state,
                &headers,
                outcome,
                None,
                Some((&username, "The username or password is incorrect.")),
            ),
            Ok(outcome) => render(&state, &headers, outcome, None, None),
            Err(error) => html_error(&error),
        };
    };
    let session = match new_session(&state, &user) {
        Ok(session) => session,
        Err(error) => return html_error(&error),
    };
    tracing::info!(target: "nauthera::audit", sub = %user.subject, "login succeeded");
    let cookie = provider
        .session_key()
        .sign_session(&session)
        .ok()
        .and_then(|token| {
            cookies::set(
                provider.config(),
                SESSION_COOKIE,
                &token,
                provider.config().session_lifetime.as_secs(),
            )
        });
    let context = AuthorizeContext {
        session: Some(session.clone()),
        authenticated_now: true,
        consent: None,
    };
    match provider.authorize(&interaction.params, context).await {
        Ok(outcome) => with_cookie(
            render(&state, &headers, outcome, Some(&session), None),
            cookie,
        ),
        Err(error) => html_error(&error),
    }
}

/// Checks the password with argon2id on the blocking pool, at most `password_permits` at a time. Unknown users
/// are checked against a decoy hash so timing does not reveal them.
async fn verify_password<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    username: &str,
    password: Password,
) -> Result<Option<User>, Error> {
    let user = state
        .provider
        .storage()
        .find_user_by_username(username)
        .await?;
    let hash = user
        .as_ref()
        .map_or_else(PasswordHash::decoy, |user| user.password_hash.clone());
    let _permit = state
        .password_permits
        .acquire()
        .await
        .map_err(|_| Error::Crypto("password verification is shutting down"))?;
    let verified = tokio::task::spawn_blocking(move || hash.verify(&password))
        .await
        .map_err(|_| Error::Crypto("password verification failed"))?;
    Ok(user.filter(|_| verified))
}

fn new_session<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    user: &User,
) -> Result<BrowserSession, Error> {
    let provider = &state.provider;
    let sid = SessionId::new(identifier(provider.random())?);
    Ok(BrowserSession::start(
        provider.config(),
        user.subject.clone(),
        sid,
        provider.now(),
    ))
}
