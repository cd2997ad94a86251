//! Protocol messages that several flows and the session layer share: the authorization request as received and
//! the claims of an access token. They sit beside the basic types so that `session`, `cached` and the flows
//! all depend on them without depending on each other.

use serde::{Deserialize, Serialize};

use crate::time::UnixTime;
use crate::types::{ClientId, GrantId, Scope};

/// The raw authorization request parameters, as received (query or form).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AuthorizationParams {
    /// `response_type`.
    pub response_type: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `scope`.
    pub scope: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `code_challenge`.
    pub code_challenge: Option<String>,
    /// `code_challenge_method`.
    pub code_challenge_method: Option<String>,
    /// `prompt`.
    pub prompt: Option<String>,
    /// `max_age`.
    pub max_age: Option<String>,
    /// `id_token_hint`.
    pub id_token_hint: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// `response_mode`.
    pub response_mode: Option<String>,
    /// `request` (not supported).
    pub request: Option<String>,
    /// `request_uri` (not supported).
    pub request_uri: Option<String>,
    /// `ui_locales`.
    pub ui_locales: Option<String>,
}

/// The claims of an access token (RFC 9068 §2.2).
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AccessTokenClaims {
    /// Issuer.
    pub iss: String,
    /// Subject: the end-user, or the client itself for client credentials.
    pub sub: String,
    /// Audience.
    pub aud: String,
    /// Expiry.
    pub exp: UnixTime,
    /// Issued at.
    pub iat: UnixTime,
    /// Token id. For tokens issued from a grant it is `<grant id>.<random>`, so revoking the grant revokes it.
    pub jti: String,
    /// The client the token was issued to.
    pub client_id: ClientId,
    /// The granted scope.
    pub scope: Scope,
    /// When the end-user authenticated (absent for client credentials).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub auth_time: Option<UnixTime>,
    /// The names of the end-user's groups (RFC 9068 §2.2.3.1), present when the client has
    /// `access_token_groups` and the grant has the `groups` scope.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub groups: Option<Vec<String>>,
}

impl AccessTokenClaims {
    /// The grant the token was issued from, if any.
    pub fn grant_id(&self) -> Option<GrantId> {
        self.jti
            .split_once('.')
            .map(|(grant, _)| GrantId::new(grant))
    }
}
