//! Mapping core errors to responses: RFC 6749 §5.2 JSON for API endpoints, an HTML page for browser endpoints.
//! Internal failures are logged here, once; client mistakes are not logged.

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

/// An RFC 6749 §5.2 JSON error response, with `WWW-Authenticate` on 401 and `Cache-Control: no-store`.
pub(crate) fn json_error(error: &Error) -> Response {
    log_internal(error);
    let code = error.code();
    let body = json!({ "error": code.as_str(), "error_description": error.description() });
    let mut response = (status(code), Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if code == ErrorCode::InvalidClient {
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
    pages::error_page(status(code), code.as_str(), error.description())
}
