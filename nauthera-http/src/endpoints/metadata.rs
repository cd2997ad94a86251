//! Discovery, RFC 8414 metadata, JWKS, and the liveness and readiness probes.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use nauthera_core::{Cache, Storage};

use crate::error::json_error;
use crate::state::Shared;

/// `GET /.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.
pub(crate) async fn discovery<S: Storage, C: Cache>(State(state): State<Shared<S, C>>) -> Response {
    json_document(
        state.provider.discovery_json().to_string(),
        "public, max-age=300",
    )
}

/// `GET /jwks`.
pub(crate) async fn jwks<S: Storage, C: Cache>(State(state): State<Shared<S, C>>) -> Response {
    match state.provider.jwks_json() {
        Ok(body) => json_document(body, "public, max-age=60"),
        Err(error) => json_error(&error),
    }
}

fn json_document(body: String, cache_control: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    response
}

/// `GET /healthz`: the process serves requests.
pub(crate) async fn liveness() -> &'static str {
    "ok"
}

/// `GET /readyz`: the store answers.
pub(crate) async fn readiness<S: Storage, C: Cache>(State(state): State<Shared<S, C>>) -> Response {
    match state.provider.ready().await {
        Ok(_) => "ready".into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "storage unavailable").into_response()
        }
    }
}
