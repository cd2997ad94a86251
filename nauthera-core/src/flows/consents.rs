//! Remembered consents: a user (on the account page) or an administrator lists them and revokes them.
//! Revoking a client's consent revokes the user's refresh tokens and access tokens of that client, and the next
//! authorization request asks for consent again.

use crate::cache::Cache;
use crate::error::Error;
use crate::people::Consent;
use crate::provider::Provider;
use crate::storage::Storage;
use crate::types::{ClientId, Subject};

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Every consent the user has given, ordered by client id.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn consents_of(&self, subject: &Subject) -> Result<Vec<Consent>, Error> {
        Ok(self.storage.list_consents(subject).await?)
    }

    /// Revokes the user's consent for the client, with every refresh and access token the client holds for
    /// them. Returns whether there was a consent.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn revoke_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
    ) -> Result<bool, Error> {
        let Some(grants) = self.storage.revoke_consent(subject, client_id).await? else {
            return Ok(false);
        };
        for grant_id in &grants {
            self.revoke_access_tokens_of(grant_id).await?;
        }
        tracing::info!(target: "nauthera::audit", sub = %subject, client_id = %client_id, grants = grants.len(), "consent revoked");
        Ok(true)
    }

    /// [`consents_of`](Self::consents_of) the user `username`.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the user does not exist; storage failures.
    pub async fn consents_of_user(&self, username: &str) -> Result<Vec<Consent>, Error> {
        let user = self.existing_user(username).await?;
        self.consents_of(&user.subject).await
    }

    /// [`revoke_consent`](Self::revoke_consent) of the user `username`.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the user does not exist; storage failures.
    pub async fn revoke_consent_of_user(
        &self,
        username: &str,
        client_id: &ClientId,
    ) -> Result<bool, Error> {
        let user = self.existing_user(username).await?;
        self.revoke_consent(&user.subject, client_id).await
    }
}
