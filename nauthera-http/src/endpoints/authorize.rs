//! The authorization endpoint (GET and POST) and the rendering of its outcomes.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, HeaderValue, header};
use nauthera_core::discovery::paths;
use nauthera_core::error::Error;
use nauthera_core::flows::authorize::{
    AuthorizationParams, AuthorizeContext, AuthorizeOutcome, Prompt,
};
use nauthera_core::random::identifier;
use nauthera_core::session::{BrowserSession, Destination};
use nauthera_core::sign_in::SignInFailure;
use nauthera_core::{Cache, Storage};

use crate::cookies::{self, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::html_error;
use crate::extract;
use crate::pages::{self, LoginProblem, consent_page, login_page};
use crate::state::Shared;

/// `GET /authorize`.
pub(crate) async fn get<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    match extract::query::<AuthorizationParams>(query.as_deref()) {
        Ok(params) => start(&state, &headers, &params).await,
        Err(error) => html_error(&error),
    }
}

/// `POST /authorize` (OpenID Connect Core §3.1.2.1 allows form-encoded POST).
pub(crate) async fn post<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match extract::form::<AuthorizationParams>(&headers, &body) {
        Ok(params) => start(&state, &headers, &params).await,
        Err(error) => html_error(&error),
    }
}

async fn start<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    headers: &HeaderMap,
    params: &AuthorizationParams,
) -> Response {
    let session = match current_session(state, headers).await {
        Ok(session) => session,
        Err(error) => return html_error(&error),
    };
    let context = AuthorizeContext {
        session: session.clone(),
        ..AuthorizeContext::default()
    };
    match state.provider.authorize(params, context).await {
        Ok(outcome) => render(state, headers, outcome, session.as_ref(), None).await,
        Err(error) => html_error(&error),
    }
}

/// The verified browser session from the request's cookie.
pub(crate) async fn current_session<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    headers: &HeaderMap,
) -> Result<Option<BrowserSession>, Error> {
    match cookies::read(state.provider.config(), headers, SESSION_COOKIE) {
        Some(cookie) => state.provider.verify_session(cookie).await,
        None => Ok(None),
    }
}

/// Why the login page is shown again, and the username to keep in the form.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoginError<'a> {
    pub(crate) username: &'a str,
    pub(crate) failure: SignInFailure,
}

impl LoginError<'_> {
    /// What the login page says. None reveals whether the account exists.
    fn problem(&self) -> LoginProblem {
        match self.failure {
            SignInFailure::Throttled { retry_after } => {
                LoginProblem::Throttled(retry_after.as_secs().max(1))
            }
            SignInFailure::Busy { .. } => LoginProblem::Busy,
            _ => LoginProblem::Credentials,
        }
    }
}

/// Turns an authorization outcome into a response. `login_error` is shown on a re-rendered login page.
pub(crate) async fn render<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    headers: &HeaderMap,
    outcome: AuthorizeOutcome,
    session: Option<&BrowserSession>,
    login_error: Option<LoginError<'_>>,
) -> Response {
    match outcome {
        AuthorizeOutcome::Redirect(url) => Redirect::to(url.as_str()).into_response(),
        AuthorizeOutcome::ErrorPage(error) => html_error(&error),
        AuthorizeOutcome::Login(prompt) => login(state, headers, prompt, login_error),
        AuthorizeOutcome::Consent(prompt) => {
            let Some(session) = session else {
                return html_error(&Error::invalid_request("the session is missing"));
            };
            let csrf_token = state
                .provider
                .session_keys()
                .csrf_token("consent", session.sid.as_str());
            let preference = match state.provider.preferred_language(session).await {
                Ok(preference) => preference,
                Err(error) => return html_error(&error),
            };
            let view = pages::ConsentView {
                action: state.action(paths::CONSENT),
                client_name: prompt.client_name,
                scope: prompt.scope,
                interaction: prompt.interaction,
                csrf_token,
            };
            consent_page(view, prompt.ui_locales, preference)
        }
        _ => html_error(&Error::Crypto("unknown authorization outcome")),
    }
}

/// The login page of `prompt`, with a CSRF cookie for the browser when it has none.
pub(crate) fn login<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    headers: &HeaderMap,
    prompt: Prompt,
    login_error: Option<LoginError<'_>>,
) -> Response {
    let config = state.provider.config();
    let (csrf_cookie, new_cookie) = match cookies::read(config, headers, CSRF_COOKIE) {
        Some(existing) if !existing.is_empty() => (existing.to_owned(), false),
        _ => match identifier(state.provider.random()) {
            Ok(fresh) => (fresh, true),
            Err(error) => return html_error(&error),
        },
    };
    let csrf_token = state
        .provider
        .session_keys()
        .csrf_token("login", &csrf_cookie);
    let (username, problem) = match &login_error {
        Some(error) => (error.username.to_owned(), Some(error.problem())),
        None => (prompt.login_hint.clone().unwrap_or_default(), None),
    };
    let client_name = match prompt.destination {
        Destination::Account => None,
        _ => Some(prompt.client_name),
    };
    let view = pages::LoginView {
        action: state.action(paths::LOGIN),
        client_name,
        interaction: prompt.interaction,
        csrf_token,
        username,
        problem,
    };
    let mut response = login_page(view, prompt.ui_locales);
    if new_cookie && let Some(cookie) = cookies::set(config, CSRF_COOKIE, &csrf_cookie, 3600) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Adds a `Set-Cookie` header to a response.
pub(crate) fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
