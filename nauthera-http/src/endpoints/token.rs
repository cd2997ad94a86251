//! The token, introspection and revocation endpoints: form-encoded, client-authenticated, JSON answers.

use std::net::IpAddr;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use nauthera_core::error::Error;
use nauthera_core::flows::client_auth::PresentedCredentials;
use nauthera_core::flows::token::TokenParams;
use nauthera_core::secret::ClientSecret;
use nauthera_core::{Cache, Storage};
use serde::Deserialize;

use crate::client_ip::ClientIp;
use crate::error::json_error;
use crate::extract;
use crate::state::Shared;

/// `POST /token`.
pub(crate) async fn token<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    ClientIp(client_ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let params: TokenParams = extract::form(&headers, &body)?;
        let basic = extract::basic_credentials(&headers)?;
        state.provider.token(params, basic, client_ip).await
    }
    .await;
    answer(result, |response| Json(response).into_response())
}

/// The body of introspection and revocation requests.
#[derive(Deserialize)]
struct TokenOperation {
    token: Option<String>,
    #[allow(dead_code, reason = "the hint is optional; every token type is tried")]
    token_type_hint: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

impl TokenOperation {
    fn parse(
        headers: &HeaderMap,
        body: &[u8],
        client_ip: Option<IpAddr>,
    ) -> Result<(Self, PresentedCredentials), Error> {
        let mut form: Self = extract::form(headers, body)?;
        let presented = PresentedCredentials::new(
            extract::basic_credentials(headers)?,
            form.client_id.take(),
            form.client_secret.take().map(ClientSecret::new),
        )
        .from_address(client_ip);
        Ok((form, presented))
    }
}

/// `POST /introspect` (RFC 7662).
pub(crate) async fn introspect<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    ClientIp(client_ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let (form, presented) = TokenOperation::parse(&headers, &body, client_ip)?;
        state
            .provider
            .introspect(&presented, form.token.as_deref())
            .await
    }
    .await;
    answer(result, |response| Json(response).into_response())
}

/// `POST /revoke` (RFC 7009).
pub(crate) async fn revoke<S: Storage, C: Cache>(
    State(state): State<Shared<S, C>>,
    ClientIp(client_ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let (form, presented) = TokenOperation::parse(&headers, &body, client_ip)?;
        state
            .provider
            .revoke(&presented, form.token.as_deref())
            .await
    }
    .await;
    answer(result, |()| StatusCode::OK.into_response())
}

/// The response of a client-authenticated JSON endpoint: the success, not cacheable, or an RFC 6749 §5.2 error.
fn answer<T>(result: Result<T, Error>, success: impl FnOnce(T) -> Response) -> Response {
    match result {
        Ok(value) => no_store(success(value)),
        Err(error) => json_error(&error),
    }
}

/// Marks a response as not cacheable (RFC 6749 §5.1).
pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
