//! Token introspection (RFC 7662) and the access-token check shared with userinfo.

use serde_json::{Value, json};

use crate::cache::Cache;
use crate::error::{Error, ErrorCode};
use crate::flows::client_auth::PresentedCredentials;
use crate::messages::AccessTokenClaims;
use crate::provider::Provider;
use crate::secret::RefreshToken;
use crate::storage::{RevocationKey, Storage};

/// The prefix of refresh tokens; anything else is tried as an access token.
const REFRESH_TOKEN_PREFIX: &str = "nrt_";

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Verifies an access token: signature by a published key, `typ`, issuer, expiry, and that neither the
    /// token nor its grant was revoked. Returns `None` for any token that is not active.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn verify_access_token(
        &self,
        token: &str,
    ) -> Result<Option<AccessTokenClaims>, Error> {
        let Some(claims) = self.verified_access_token_claims(token).await? else {
            return Ok(None);
        };
        if claims.iss != self.config.issuer_str() || claims.exp <= self.now() {
            return Ok(None);
        }
        let mut keys = vec![RevocationKey::AccessToken(claims.jti.clone())];
        keys.extend(claims.grant_id().map(RevocationKey::Grant));
        if self.is_revoked(&keys).await? {
            return Ok(None);
        }
        Ok(Some(claims))
    }

    /// Runs the introspection endpoint. Only confidential clients may introspect; refresh tokens are reported
    /// only to the client they were issued to.
    ///
    /// # Errors
    /// Client authentication failures, `invalid_request` without `token`, storage failures.
    pub async fn introspect(
        &self,
        presented: &PresentedCredentials,
        token: Option<&str>,
    ) -> Result<Value, Error> {
        let client = self.authenticate_client(presented).await?;
        if client.is_public() {
            return Err(Error::protocol(
                ErrorCode::UnauthorizedClient,
                "public clients may not introspect",
            ));
        }
        let token = token.ok_or_else(|| Error::invalid_request("token is missing"))?;
        if token.starts_with(REFRESH_TOKEN_PREFIX) {
            let record = self
                .storage
                .find_refresh_token(&RefreshToken::new(token).digest())
                .await?
                .filter(|record| {
                    record.client_id == client.client_id
                        && !record.revoked
                        && record.rotated_at.is_none()
                        && record.expires_at > self.now()
                });
            return Ok(match record {
                Some(record) => json!({
                    "active": true,
                    "token_type": "refresh_token",
                    "scope": record.scope,
                    "client_id": record.client_id,
                    "sub": record.subject,
                    "iss": self.config.issuer_str(),
                    "iat": record.issued_at,
                    "exp": record.expires_at,
                }),
                None => json!({ "active": false }),
            });
        }
        Ok(match self.verify_access_token(token).await? {
            Some(claims) => {
                let mut response = serde_json::to_value(&claims).unwrap_or_else(|_| json!({}));
                if let Value::Object(map) = &mut response {
                    map.insert("active".to_owned(), true.into());
                    map.insert("token_type".to_owned(), "Bearer".into());
                }
                response
            }
            None => json!({ "active": false }),
        })
    }
}
