//! The login form's target: parses the form, runs core's sign-in flow and renders its outcome.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use nauthera_core::error::Error;
use nauthera_core::flows::interaction::SubmittedForm;
use nauthera_core::secret::Password;
use nauthera_core::sign_in::{SignInFailure, SignInOutcome, SignInRequest};
use nauthera_core::{Cache, Storage};
use serde::Deserialize;

use super::authorize::{LoginError, render, with_cookie};
use crate::client_ip::ClientIp;
use crate::cookies::{self, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::{html_error, with_retry_after};
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
    ClientIp(client_ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: LoginForm = match extract::form(&headers, &body) {
        Ok(form) => form,
        Err(error) => return html_error(&error),
    };
    let provider = &state.provider;
    let config = provider.config();
    let username = form.username.unwrap_or_default();
    let request = SignInRequest::new(
        SubmittedForm::new(
            "login",
            cookies::read(config, &headers, CSRF_COOKIE),
            form.csrf_token.as_deref(),
            form.interaction.as_deref(),
        ),
        &username,
        Password::new(form.password.unwrap_or_default()),
        client_ip,
    );
    match provider.sign_in(request).await {
        Ok(SignInOutcome::SignedIn {
            session,
            session_cookie,
            next,
        }) => {
            let cookie = cookies::set(
                config,
                SESSION_COOKIE,
                &session_cookie,
                config.session_lifetime.as_secs(),
            );
            with_cookie(
                render(&state, &headers, next, Some(&session), None).await,
                cookie,
            )
        }
        Ok(SignInOutcome::Retry { next, failure }) => {
            let (status, retry_after) = match failure {
                SignInFailure::Throttled { retry_after } => {
                    (StatusCode::TOO_MANY_REQUESTS, Some(retry_after))
                }
                SignInFailure::Busy { retry_after } => {
                    (StatusCode::SERVICE_UNAVAILABLE, Some(retry_after))
                }
                _ => (StatusCode::OK, None),
            };
            let error = LoginError {
                username: &username,
                failure,
            };
            let mut response = render(&state, &headers, next, None, Some(error)).await;
            *response.status_mut() = status;
            with_retry_after(response, retry_after)
        }
        Ok(_) => html_error(&Error::Crypto("unknown sign-in outcome")),
        Err(error) => html_error(&error),
    }
}
