//! # nauthera-http
//!
//! Tower services that expose Nauthera's OAuth 2.0 and OpenID Connect endpoints over `nauthera-core`: the
//! discovery documents, JWKS, authorization (with the login and consent pages), token, userinfo, introspection,
//! revocation, end session, and liveness and readiness probes.
//!
//! It does **not** choose a storage backend, read configuration files or bind sockets: give it a
//! [`nauthera_core::Provider`] and serve the [`axum::Router`] it returns however you like, or mount it under a
//! path prefix inside your own application (the issuer URL must then end with that prefix).
//!
//! ```no_run
//! # async fn example<S: nauthera_core::Storage>(provider: nauthera_core::Provider<S>) {
//! use std::sync::Arc;
//! let auth = nauthera_http::router(Arc::new(provider), nauthera_http::HttpOptions::default());
//! let app: axum::Router = axum::Router::new().nest("/auth", auth);
//! # }
//! ```
//!
//! ## Layout
//! - `endpoints/`: one module per endpoint; `pages/`: the server-rendered HTML.
//! - `extract`, `cookies`, `error`: request parsing, cookies, and the mapping of core errors to responses.
//! - `middleware`: security headers, tracing without query strings or credentials, body size limit.

mod client_ip;
mod cookies;
mod endpoints;
mod error;
mod extract;
pub mod i18n;
mod middleware;
mod pages;
mod state;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use nauthera_core::discovery::paths;
use nauthera_core::{Cache, Provider, Storage};

pub use client_ip::TrustedProxy;
pub use middleware::PathOnlySpan;

use crate::endpoints::{
    account, authorize, consent, end_session, login, metadata, token, userinfo,
};
use crate::state::AppState;

/// Limits and tuning of the HTTP layer. Password hashing and throttling are the provider's
/// ([`nauthera_core::ProviderConfig`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HttpOptions {
    /// The largest accepted request body (default 64 KiB); larger requests get 413.
    pub max_body_bytes: usize,
    /// Reverse proxies whose `X-Forwarded-For` gives the client address (default: none, the socket peer is
    /// the client). Serve the router with `into_make_service_with_connect_info::<SocketAddr>()` so the peer is
    /// known; without it, failures are throttled per account and client only.
    pub trusted_proxies: Vec<TrustedProxy>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Builds the router serving every endpoint, at the paths of [`nauthera_core::discovery::paths`].
pub fn router<S: Storage, C: Cache>(provider: Arc<Provider<S, C>>, options: HttpOptions) -> Router {
    let state = Arc::new(AppState::new(provider, options.trusted_proxies));
    let routes = Router::new()
        .route(
            paths::OPENID_CONFIGURATION,
            get(metadata::discovery::<S, C>),
        )
        .route(
            paths::OAUTH_AUTHORIZATION_SERVER,
            get(metadata::discovery::<S, C>),
        )
        .route(paths::JWKS, get(metadata::jwks::<S, C>))
        .route(
            paths::AUTHORIZE,
            get(authorize::get::<S, C>).post(authorize::post::<S, C>),
        )
        .route(paths::LOGIN, post(login::post::<S, C>))
        .route(paths::ACCOUNT, get(account::page::<S, C>))
        .route(account::PASSWORD, post(account::password::<S, C>))
        .route(account::REVOKE, post(account::revoke::<S, C>))
        .route(account::LANGUAGE, post(account::language::<S, C>))
        .route(
            account::SIGN_OUT_EVERYWHERE,
            post(account::sign_out_everywhere::<S, C>),
        )
        .route(paths::CONSENT, post(consent::post::<S, C>))
        .route(paths::TOKEN, post(token::token::<S, C>))
        .route(paths::INTROSPECT, post(token::introspect::<S, C>))
        .route(paths::REVOKE, post(token::revoke::<S, C>))
        .route(
            paths::USERINFO,
            get(userinfo::get::<S, C>).post(userinfo::post::<S, C>),
        )
        .route(
            paths::END_SESSION,
            get(end_session::get::<S, C>).post(end_session::post::<S, C>),
        )
        .route(paths::LIVENESS, get(metadata::liveness))
        .route(paths::READINESS, get(metadata::readiness::<S, C>))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state.localizer),
            pages::localize,
        ))
        .with_state(state);
    middleware::apply(routes, options.max_body_bytes)
}
