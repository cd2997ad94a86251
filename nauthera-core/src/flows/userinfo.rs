//! The UserInfo endpoint (OpenID Connect Core §5.3).

use serde_json::{Map, Value};

use crate::cache::Cache;
use crate::error::Error;
use crate::provider::Provider;
use crate::storage::Storage;
use crate::types::{OPENID, Subject};

/// Why a userinfo request was refused (RFC 6750 §3.1).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UserInfoError {
    /// No access token was presented (401 without an error code).
    #[error("no access token")]
    MissingToken,
    /// The token is invalid, expired or revoked, or its subject is gone (401 `invalid_token`).
    #[error("invalid_token")]
    InvalidToken,
    /// The token lacks the `openid` scope (403 `insufficient_scope`).
    #[error("insufficient_scope")]
    InsufficientScope,
    /// The server failed.
    #[error(transparent)]
    Internal(#[from] Error),
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Returns the claims of the access token's subject that its scope releases to its client (see
    /// [`crate::flows::claims`]).
    ///
    /// # Errors
    /// See [`UserInfoError`].
    pub async fn userinfo(
        &self,
        access_token: Option<&str>,
    ) -> Result<Map<String, Value>, UserInfoError> {
        let token = access_token.ok_or(UserInfoError::MissingToken)?;
        let claims = self
            .verify_access_token(token)
            .await?
            .ok_or(UserInfoError::InvalidToken)?;
        if !claims.scope.contains(OPENID) {
            return Err(UserInfoError::InsufficientScope);
        }
        let user = self
            .find_user(&Subject::new(claims.sub.clone()))
            .await?
            .ok_or(UserInfoError::InvalidToken)?;
        let client = self.client(&claims.client_id).await?;
        let mut out = self
            .released_claims(&user, &claims.scope, client.as_deref())
            .await?;
        out.insert("sub".to_owned(), claims.sub.into());
        Ok(out)
    }
}
