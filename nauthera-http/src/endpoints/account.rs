//! The account pages (`/account`): the signed-in user's profile, groups and applications, and the forms that
//! change their password, revoke an application's access, choose their language and sign out everywhere.
//! Each form target parses, checks the CSRF token through core, calls one account flow and redirects back
//! (post/redirect/get), or shows the page again with what went wrong.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, StatusCode};
use nauthera_core::discovery::paths;
use nauthera_core::error::Error;
use nauthera_core::flows::account::{PasswordChange, PasswordChangeFailure};
use nauthera_core::secret::Password;
use nauthera_core::session::BrowserSession;
use nauthera_core::types::ClientId;
use nauthera_core::{Cache, Storage};
use serde::Deserialize;

use super::authorize::{current_session, login, with_cookie};
use crate::client_ip::ClientIp;
use crate::cookies::{self, SESSION_COOKIE};
use crate::error::{html_error, with_retry_after};
use crate::extract;
use crate::pages::{AccountActions, AccountView, Application, Done, PasswordProblem, account_page};
use crate::state::Shared;

/// The form targets below `/account`.
pub(crate) const PASSWORD: &str = "/account/password";
/// Revoke an application's access.
pub(crate) const REVOKE: &str = "/account/revoke";
/// Choose the language.
pub(crate) const LANGUAGE: &str = "/account/language";
/// End every session.
pub(crate) const SIGN_OUT_EVERYWHERE: &str = "/account/sign-out-everywhere";

#[derive(Default, Deserialize)]
struct AccountQuery {
    done: Option<String>,
    ui_locales: Option<String>,
}

/// `GET /account`: the page, or its login form when there is no session.
pub(crate) async fn page<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query: AccountQuery = extract::query(query.as_deref()).unwrap_or_default();
    match current_session(&state, &headers).await {
        Ok(Some(session)) => {
            let done = query.done.as_deref().and_then(Done::parse);
            show(&state, &session, done, None).await
        }
        Ok(None) => match state.provider.account_sign_in(query.ui_locales) {
            Ok(prompt) => login(&state, &headers, prompt, None),
            Err(error) => html_error(&error),
        },
        Err(error) => html_error(&error),
    }
}

/// The account page of `session`'s user, with what the last action did or why a password change failed.
async fn show<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    session: &BrowserSession,
    done: Option<Done>,
    password_problem: Option<PasswordProblem>,
) -> Response {
    let overview = match state.provider.account_overview(session).await {
        Ok(Some(overview)) => overview,
        Ok(None) => return to_account(state),
        Err(error) => return html_error(&error),
    };
    let status = match password_problem {
        Some(PasswordProblem::Throttled(_)) => StatusCode::TOO_MANY_REQUESTS,
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    let view = AccountView {
        actions: AccountActions {
            password: state.action(PASSWORD),
            language: state.action(LANGUAGE),
            revoke: state.action(REVOKE),
            sign_out_everywhere: state.action(SIGN_OUT_EVERYWHERE),
        },
        csrf_token: state.provider.account_csrf_token(session),
        username: overview.user.username,
        name: overview.user.claims.name,
        email: overview.user.claims.email,
        groups: overview
            .groups
            .into_iter()
            .map(|group| group.name)
            .collect(),
        applications: overview
            .applications
            .into_iter()
            .map(|(consent, name)| Application {
                client_id: consent.client_id.to_string(),
                name,
                scope: consent.scope.to_string(),
            })
            .collect(),
        language: overview.preferences.locale,
        done,
        password_problem,
    };
    account_page(status, view)
}

/// A submitted account form: its CSRF token and fields.
#[derive(Deserialize)]
struct AccountForm {
    csrf_token: Option<String>,
    current_password: Option<String>,
    new_password: Option<String>,
    confirm_password: Option<String>,
    client_id: Option<String>,
    language: Option<String>,
}

/// The session and form of a POST to an account form, checked; or the response that refuses it.
async fn submitted<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(BrowserSession, AccountForm), Response> {
    let form: AccountForm = extract::form(headers, body).map_err(|error| html_error(&error))?;
    let session = match current_session(state, headers).await {
        Ok(Some(session)) => session,
        Ok(None) => return Err(to_account(state)),
        Err(error) => return Err(html_error(&error)),
    };
    state
        .provider
        .check_account_form(&session, form.csrf_token.as_deref())
        .map_err(|error| html_error(&error))?;
    Ok((session, form))
}

/// `POST /account/password`.
pub(crate) async fn password<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    ClientIp(client_ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, form) = match submitted(&state, &headers, &body).await {
        Ok(submitted) => submitted,
        Err(refused) => return refused,
    };
    let secret = |value: Option<String>| Password::new(value.unwrap_or_default());
    let change = state
        .provider
        .change_password(
            &session,
            &secret(form.current_password),
            &secret(form.new_password),
            &secret(form.confirm_password),
            client_ip,
        )
        .await;
    match change {
        Ok(PasswordChange::Changed { session_cookie, .. }) => {
            let config = state.provider.config();
            let cookie = cookies::set(
                config,
                SESSION_COOKIE,
                &session_cookie,
                config.session_lifetime.as_secs(),
            );
            with_cookie(done(&state, Done::Password), cookie)
        }
        Ok(PasswordChange::Refused(failure)) => {
            let (problem, retry_after) = match failure {
                PasswordChangeFailure::Throttled { retry_after } => (
                    PasswordProblem::Throttled(retry_after.as_secs().max(1)),
                    Some(retry_after),
                ),
                PasswordChangeFailure::WrongPassword => (PasswordProblem::Wrong, None),
                _ => (PasswordProblem::Unacceptable, None),
            };
            with_retry_after(
                show(&state, &session, None, Some(problem)).await,
                retry_after,
            )
        }
        Ok(_) => html_error(&Error::Crypto("unknown password change outcome")),
        Err(error) => html_error(&error),
    }
}

/// `POST /account/revoke`.
pub(crate) async fn revoke<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, form) = match submitted(&state, &headers, &body).await {
        Ok(submitted) => submitted,
        Err(refused) => return refused,
    };
    let Some(client_id) = form.client_id.filter(|id| !id.is_empty()) else {
        return html_error(&Error::invalid_request("client_id is missing"));
    };
    match state
        .provider
        .revoke_own_consent(&session, &ClientId::new(client_id))
        .await
    {
        Ok(_) => done(&state, Done::Revoked),
        Err(error) => html_error(&error),
    }
}

/// `POST /account/language`.
pub(crate) async fn language<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, form) = match submitted(&state, &headers, &body).await {
        Ok(submitted) => submitted,
        Err(refused) => return refused,
    };
    match state
        .provider
        .set_language(&session, form.language.as_deref())
        .await
    {
        Ok(()) => done(&state, Done::Language),
        Err(error) => html_error(&error),
    }
}

/// `POST /account/sign-out-everywhere`: ends every session, this browser's too (its cookie is cleared).
pub(crate) async fn sign_out_everywhere<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, _) = match submitted(&state, &headers, &body).await {
        Ok(submitted) => submitted,
        Err(refused) => return refused,
    };
    match state.provider.sign_out_everywhere(&session).await {
        Ok(()) => {
            let cleared = cookies::set(state.provider.config(), SESSION_COOKIE, "", 0);
            with_cookie(to_account(&state), cleared)
        }
        Err(error) => html_error(&error),
    }
}

/// Back to the account page.
fn to_account<S: Storage, C: Cache>(state: &Shared<S, C>) -> Response {
    Redirect::to(&state.action(paths::ACCOUNT)).into_response()
}

/// Back to the account page, saying what was done.
fn done<S: Storage, C: Cache>(state: &Shared<S, C>, done: Done) -> Response {
    let location = format!("{}?done={}", state.action(paths::ACCOUNT), done.as_str());
    Redirect::to(&location).into_response()
}
