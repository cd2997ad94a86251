//! The layers around every endpoint: security headers, request tracing without query strings or credentials,
//! and a body size limit.

use axum::Router;
use axum::response::IntoResponse;
use http::{HeaderName, HeaderValue, Request, header};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::sensitive_headers::{
    SetSensitiveRequestHeadersLayer, SetSensitiveResponseHeadersLayer,
};
use tower_http::trace::{DefaultOnResponse, MakeSpan, TraceLayer};
use tracing::Span;

/// A span per request with the method and the path only: query strings carry codes and tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct PathOnlySpan;

impl<B> MakeSpan<B> for PathOnlySpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        tracing::info_span!("request", http.method = %request.method(), http.path = %request.uri().path())
    }
}

/// The headers every response carries unless the endpoint set its own: no framing, no sniffing, no referrer,
/// no caching (discovery and JWKS set their own `Cache-Control`).
const SECURITY_HEADERS: [(HeaderName, &str); 5] = [
    (header::X_FRAME_OPTIONS, "DENY"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::CACHE_CONTROL, "no-store"),
];

/// Adds the security headers, and turns the body limit's plain-text 413 into an RFC 6749 style JSON error.
async fn finish_response(response: axum::response::Response) -> axum::response::Response {
    let mut response = if response.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
        let body = serde_json::json!({
            "error": "invalid_request",
            "error_description": "the request body is too large",
        });
        (http::StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
    } else {
        response
    };
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

/// Applies the layers to a router.
pub(crate) fn apply(router: Router, max_body_bytes: usize) -> Router {
    let sensitive = [header::AUTHORIZATION, header::COOKIE];
    // The limit answers 413 itself when Content-Length is too large; the mapping, outside it, sees both that
    // and the 413 of a streamed body that grew too large inside a handler.
    router
        .layer(RequestBodyLimitLayer::new(max_body_bytes))
        .layer(axum::middleware::map_response(finish_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(PathOnlySpan)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetSensitiveResponseHeadersLayer::new([header::SET_COOKIE]))
        .layer(SetSensitiveRequestHeadersLayer::new(sensitive))
}
