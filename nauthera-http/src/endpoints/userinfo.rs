//! The UserInfo endpoint (GET and POST) with RFC 6750 bearer token errors.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use nauthera_core::flows::userinfo::UserInfoError;
use nauthera_core::{Cache, Storage};
use serde::Deserialize;

use super::token::no_store;
use crate::error::json_error;
use crate::extract;
use crate::state::Shared;

#[derive(Default, Deserialize)]
struct UserInfoForm {
    access_token: Option<String>,
}

/// `GET /userinfo`.
pub(crate) async fn get<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
) -> Response {
    match extract::bearer_token(&headers) {
        Ok(token) => respond(&state, token).await,
        Err(_) => bearer_error(StatusCode::BAD_REQUEST, "invalid_request"),
    }
}

/// `POST /userinfo`: the token in the header or, form-encoded, in the body (RFC 6750 §2.2), never both.
pub(crate) async fn post<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(header_token) = extract::bearer_token(&headers) else {
        return bearer_error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let body_token = if body.is_empty() {
        None
    } else {
        match extract::form::<UserInfoForm>(&headers, &body) {
            Ok(form) => form.access_token,
            Err(error) => return json_error(&error),
        }
    };
    match (header_token, body_token.as_deref()) {
        (Some(_), Some(_)) => bearer_error(StatusCode::BAD_REQUEST, "invalid_request"),
        (Some(token), None) | (None, Some(token)) => respond(&state, Some(token)).await,
        (None, None) => respond(&state, None).await,
    }
}

async fn respond<S: Storage, C: Cache>(state: &Shared<S, C>, token: Option<&str>) -> Response {
    match state.provider.userinfo(token).await {
        Ok(claims) => no_store(Json(claims).into_response()),
        Err(UserInfoError::MissingToken) => {
            let mut response = no_store(StatusCode::UNAUTHORIZED.into_response());
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"nauthera\""),
            );
            response
        }
        Err(UserInfoError::InvalidToken) => bearer_error(StatusCode::UNAUTHORIZED, "invalid_token"),
        Err(UserInfoError::InsufficientScope) => {
            bearer_error(StatusCode::FORBIDDEN, "insufficient_scope")
        }
        Err(UserInfoError::Internal(error)) => json_error(&error),
        Err(_) => bearer_error(StatusCode::UNAUTHORIZED, "invalid_token"),
    }
}

fn bearer_error(status: StatusCode, code: &'static str) -> Response {
    let mut response = no_store(status.into_response());
    let challenge = format!("Bearer realm=\"nauthera\", error=\"{code}\"");
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
