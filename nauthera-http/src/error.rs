//! Mapping core errors to responses: RFC 6749 §5.2 JSON for API endpoints, an HTML page for browser endpoints.
//! Internal failures are logged here, once; client mistakes are not logged.

use std::time::Duration;

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use nauthera_core::error::{Error, ErrorCode};
use serde_json::json;

use crate::pages;

/// The status an error code is reported with.
pub(crate) fn status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
        ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Logs an internal failure with its cause chain (never client input).
pub(crate) fn log_internal(error: &Error) {
    if error.is_internal() {
        let mut causes = String::new();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            causes.push_str(": ");
            causes.push_str(&cause.to_string());
            source = cause.source();
        }
        tracing::error!(error = %error, causes = %causes, "request failed");
    }
}

/// The status of an error: by its code, except that throttling is `429` and overload `503` (both with
/// `Retry-After`, see [`with_retry_after`]).
fn error_status(error: &Error) -> StatusCode {
    match error {
        Error::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => status(error.code()),
    }
}

/// Adds `Retry-After` (in whole seconds, at least 1) when there is a wait to announce.
pub(crate) fn with_retry_after(mut response: Response, retry_after: Option<Duration>) -> Response {
    if let Some(wait) = retry_after
        && let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// An RFC 6749 §5.2 JSON error response, with `WWW-Authenticate` on 401, `Retry-After` on 429 and 503, and
/// `Cache-Control: no-store`.
pub(crate) fn json_error(error: &Error) -> Response {
    log_internal(error);
    let code = error.code();
    let body = json!({ "error": code.as_str(), "error_description": error.description() });
    let status = error_status(error);
    let mut response = with_retry_after((status, Json(body)).into_response(), error.retry_after());
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"nauthera\""),
        );
    }
    response
}

/// An HTML error page for browser-facing endpoints.
pub(crate) fn html_error(error: &Error) -> Response {
    log_internal(error);
    let code = error.code();
    let page = pages::error_page(error_status(error), code.as_str(), error.description());
    with_retry_after(page, error.retry_after())
}
