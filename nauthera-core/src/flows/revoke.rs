//! Token revocation (RFC 7009).

use crate::cache::Cache;
use crate::error::{Error, ErrorCode};
use crate::flows::client_auth::PresentedCredentials;
use crate::provider::Provider;
use crate::secret::RefreshToken;
use crate::storage::{RevocationKey, Storage};

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Runs the revocation endpoint. Revoking a refresh token revokes its whole grant (refresh family and access
    /// tokens); revoking an access token revokes that token. Unknown or invalid tokens succeed silently
    /// (RFC 7009 §2.2).
    ///
    /// # Errors
    /// Client authentication failures, `invalid_request` without `token`, `unauthorized_client` for a token of
    /// another client, storage failures.
    pub async fn revoke(
        &self,
        presented: &PresentedCredentials,
        token: Option<&str>,
    ) -> Result<(), Error> {
        let client = self.authenticate_client(presented).await?;
        let token = token.ok_or_else(|| Error::invalid_request("token is missing"))?;
        let not_yours = || {
            Error::protocol(
                ErrorCode::UnauthorizedClient,
                "the token was issued to another client",
            )
        };
        if let Some(record) = self
            .storage
            .find_refresh_token(&RefreshToken::new(token).digest())
            .await?
        {
            if record.client_id != client.client_id {
                return Err(not_yours());
            }
            return self
                .revoke_grant(&record.grant_id, "refresh token revoked by client")
                .await;
        }
        if let Some(claims) = self.verify_access_token(token).await? {
            if claims.client_id != client.client_id {
                return Err(not_yours());
            }
            self.record_revocation(&RevocationKey::AccessToken(claims.jti.clone()), claims.exp)
                .await?;
            tracing::info!(target: "nauthera::audit", client_id = %client.client_id, "access token revoked");
        }
        Ok(())
    }
}
