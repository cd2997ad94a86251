//! The end session endpoint (RP-Initiated Logout 1.0), GET and POST.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::HeaderMap;
use nauthera_core::discovery::paths;
use nauthera_core::error::Error;
use nauthera_core::flows::end_session::{EndSessionOutcome, EndSessionParams, EndSessionVia};
use nauthera_core::{Cache, Storage};
use serde::Deserialize;

use super::authorize::{current_session, with_cookie};
use crate::cookies::{self, SESSION_COOKIE};
use crate::error::html_error;
use crate::extract;
use crate::pages::{logged_out_page, logout_confirm_page};
use crate::state::Shared;

#[derive(Deserialize)]
struct EndSessionForm {
    #[serde(flatten)]
    params: EndSessionParams,
    csrf_token: Option<String>,
}

/// `GET /logout`.
pub(crate) async fn get<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    match extract::query::<EndSessionParams>(query.as_deref()) {
        Ok(params) => end(&state, &headers, &params, EndSessionVia::Redirect).await,
        Err(error) => html_error(&error),
    }
}

/// `POST /logout`: a relying party's form-encoded request or the confirmation form (`confirm=yes`); only the
/// latter's CSRF token ends a session without asking.
pub(crate) async fn post<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: EndSessionForm = match extract::form(&headers, &body) {
        Ok(form) => form,
        Err(error) => return html_error(&error),
    };
    let via = EndSessionVia::Post {
        csrf_token: form.csrf_token.as_deref(),
    };
    end(&state, &headers, &form.params, via).await
}

async fn end<S: Storage, C: Cache>(
    state: &Shared<S, C>,
    headers: &HeaderMap,
    params: &EndSessionParams,
    via: EndSessionVia<'_>,
) -> Response {
    let session = match current_session(state, headers).await {
        Ok(session) => session,
        Err(error) => return html_error(&error),
    };
    let provider = &state.provider;
    match provider.end_session(params, session.as_ref(), via).await {
        Ok(EndSessionOutcome::ErrorPage(error)) => html_error(&error),
        Ok(EndSessionOutcome::Confirm {
            client_name,
            csrf_token,
        }) => logout_confirm_page(
            &state.action(paths::END_SESSION),
            params,
            client_name.as_deref(),
            &csrf_token,
        ),
        Ok(EndSessionOutcome::LoggedOut { redirect }) => {
            let response = match redirect {
                Some(url) => Redirect::to(url.as_str()).into_response(),
                None => logged_out_page(),
            };
            with_cookie(
                response,
                cookies::set(provider.config(), SESSION_COOKIE, "", 0),
            )
        }
        Ok(_) => html_error(&Error::Crypto("unknown end session outcome")),
        Err(error) => html_error(&error),
    }
}
