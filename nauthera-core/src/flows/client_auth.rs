//! Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3).

use std::sync::Arc;

use crate::cache::Cache;
use crate::client::{Client, ClientAuthMethod};
use crate::error::{AuthScheme, Error};
use crate::provider::Provider;
use crate::secret::ClientSecret;
use crate::storage::Storage;
use crate::types::ClientId;

/// The credentials a request presented, as parsed by the HTTP layer.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct PresentedCredentials {
    /// Id and secret from the `Authorization: Basic` header (already form-urlencoding-decoded).
    pub basic: Option<(String, ClientSecret)>,
    /// `client_id` from the form body.
    pub client_id: Option<String>,
    /// `client_secret` from the form body.
    pub client_secret: Option<ClientSecret>,
}

impl PresentedCredentials {
    /// Credentials from the parts of a request.
    pub fn new(
        basic: Option<(String, ClientSecret)>,
        client_id: Option<String>,
        client_secret: Option<ClientSecret>,
    ) -> Self {
        Self {
            basic,
            client_id,
            client_secret,
        }
    }

    fn scheme(&self) -> AuthScheme {
        if self.basic.is_some() {
            AuthScheme::Basic
        } else {
            AuthScheme::Other
        }
    }
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Authenticates the client with exactly one method, which must be the one it registered.
    ///
    /// # Errors
    /// `invalid_request` when several methods are used at once, [`Error::ClientAuthentication`] when
    /// authentication fails, and storage failures.
    pub async fn authenticate_client(
        &self,
        presented: &PresentedCredentials,
    ) -> Result<Arc<Client>, Error> {
        let failed = |description| Error::ClientAuthentication {
            scheme: presented.scheme(),
            description,
        };
        let (client_id, secret, method) = match (&presented.basic, &presented.client_secret) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_request(
                    "use only one client authentication method",
                ));
            }
            (Some((id, secret)), None) => {
                if presented
                    .client_id
                    .as_deref()
                    .is_some_and(|body_id| body_id != id)
                {
                    return Err(Error::invalid_request(
                        "client_id differs from the authenticated client",
                    ));
                }
                (
                    id.as_str(),
                    Some(secret),
                    ClientAuthMethod::ClientSecretBasic,
                )
            }
            (None, Some(secret)) => {
                let id = presented
                    .client_id
                    .as_deref()
                    .ok_or_else(|| failed("client_id is required"))?;
                (id, Some(secret), ClientAuthMethod::ClientSecretPost)
            }
            (None, None) => {
                let id = presented
                    .client_id
                    .as_deref()
                    .ok_or_else(|| failed("client authentication is required"))?;
                (id, None, ClientAuthMethod::None)
            }
        };
        let client = self
            .client(&ClientId::new(client_id))
            .await?
            .ok_or_else(|| failed("client authentication failed"))?;
        if client.auth_method != method {
            return Err(failed("client authentication failed"));
        }
        if let Some(secret) = secret {
            let verified = client
                .secret_hash
                .as_ref()
                .is_some_and(|hash| hash.verify(secret));
            if !verified {
                tracing::info!(target: "nauthera::audit", client_id = %client.client_id, "client authentication failed");
                return Err(failed("client authentication failed"));
            }
        }
        Ok(client)
    }
}
