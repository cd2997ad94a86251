//! The OpenID Connect Discovery 1.0 document, also served as RFC 8414 authorization server metadata.

use serde_json::{Value, json};

use crate::config::ProviderConfig;
use crate::keys::KeySet;

/// The endpoint paths below the issuer.
pub mod paths {
    /// OpenID Connect Discovery.
    pub const OPENID_CONFIGURATION: &str = "/.well-known/openid-configuration";
    /// RFC 8414 metadata.
    pub const OAUTH_AUTHORIZATION_SERVER: &str = "/.well-known/oauth-authorization-server";
    /// Authorization endpoint.
    pub const AUTHORIZE: &str = "/authorize";
    /// Token endpoint.
    pub const TOKEN: &str = "/token";
    /// UserInfo endpoint.
    pub const USERINFO: &str = "/userinfo";
    /// JWK Set.
    pub const JWKS: &str = "/jwks";
    /// Revocation endpoint (RFC 7009).
    pub const REVOKE: &str = "/revoke";
    /// Introspection endpoint (RFC 7662).
    pub const INTROSPECT: &str = "/introspect";
    /// End session endpoint (RP-Initiated Logout 1.0).
    pub const END_SESSION: &str = "/logout";
    /// Login form target.
    pub const LOGIN: &str = "/login";
    /// Consent form target.
    pub const CONSENT: &str = "/consent";
    /// The end-user's account pages.
    pub const ACCOUNT: &str = "/account";
    /// Liveness probe.
    pub const LIVENESS: &str = "/healthz";
    /// Readiness probe.
    pub const READINESS: &str = "/readyz";
}

/// The scopes the provider understands.
pub const SCOPES_SUPPORTED: [&str; 5] = ["openid", "profile", "email", "offline_access", "groups"];

/// Builds the metadata document.
pub fn document(config: &ProviderConfig, keys: &KeySet) -> Value {
    let algorithms: Vec<&str> = keys
        .algorithms()
        .into_iter()
        .map(|alg| alg.as_str())
        .collect();
    let auth_methods = ["client_secret_basic", "client_secret_post", "none"];
    let confidential_methods = ["client_secret_basic", "client_secret_post"];
    json!({
        "issuer": config.issuer_str(),
        "authorization_endpoint": config.endpoint(paths::AUTHORIZE),
        "token_endpoint": config.endpoint(paths::TOKEN),
        "userinfo_endpoint": config.endpoint(paths::USERINFO),
        "jwks_uri": config.endpoint(paths::JWKS),
        "revocation_endpoint": config.endpoint(paths::REVOKE),
        "introspection_endpoint": config.endpoint(paths::INTROSPECT),
        "end_session_endpoint": config.endpoint(paths::END_SESSION),
        "scopes_supported": SCOPES_SUPPORTED,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algorithms,
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": confidential_methods,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "azp",
            "name", "given_name", "family_name", "preferred_username", "locale", "updated_at",
            "email", "email_verified", "groups"
        ],
        "prompt_values_supported": ["none", "login", "consent"],
        "ui_locales_supported": config.ui_locales,
        "authorization_response_iss_parameter_supported": true,
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "require_request_uri_registration": true,
        "frontchannel_logout_supported": false,
        "backchannel_logout_supported": false,
    })
}
