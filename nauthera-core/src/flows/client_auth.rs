//! Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3).

use std::net::IpAddr;
use std::sync::Arc;

use crate::cache::Cache;
use crate::client::{Client, ClientAuthMethod};
use crate::error::{AuthScheme, Error};
use crate::provider::Provider;
use crate::secret::ClientSecret;
use crate::storage::Storage;
use crate::throttle::ThrottleKey;
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
    /// The client's IP address, for throttling failed authentications.
    pub client_ip: Option<IpAddr>,
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
            client_ip: None,
        }
    }

    /// The same credentials, presented from `client_ip`.
    pub fn from_address(mut self, client_ip: Option<IpAddr>) -> Self {
        self.client_ip = client_ip;
        self
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
    /// Authenticates the client with exactly one method, which must be the one it registered. Failed
    /// authentications with a secret are throttled per `client_id` and address, and per address
    /// ([`crate::throttle`]), so someone guessing a client's secret blocks their own address, not the client.
    ///
    /// # Errors
    /// `invalid_request` when several methods are used at once, [`Error::ClientAuthentication`] when
    /// authentication fails, [`Error::Throttled`] while the client or address is blocked, and storage
    /// failures.
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
        let client_id = ClientId::new(client_id);
        let mut keys = vec![ThrottleKey::Client(&client_id, presented.client_ip)];
        keys.extend(presented.client_ip.map(ThrottleKey::ClientAddress));
        if secret.is_some()
            && let Some(retry_after) = self.throttled(&keys).await
        {
            tracing::warn!(target: "nauthera::audit", client_id = %client_id, client_ip = ?presented.client_ip, retry_after = retry_after.as_secs(), "client authentication throttled");
            return Err(Error::Throttled { retry_after });
        }
        let client = self.client(&client_id).await?;
        let verified = client.as_ref().is_some_and(|client| {
            client.auth_method == method
                && match secret {
                    Some(secret) => client
                        .secret_hash
                        .as_ref()
                        .is_some_and(|hash| hash.verify(secret)),
                    None => true,
                }
        });
        match client {
            Some(client) if verified => Ok(client),
            _ => {
                // An unknown client id counts against the address only: counting it per id would let a flood
                // of made-up ids fill the counters.
                let counted = if client.is_some() {
                    &keys[..]
                } else {
                    &keys[1..]
                };
                if secret.is_some() {
                    self.record_failure(counted).await;
                }
                tracing::info!(target: "nauthera::audit", client_id = %client_id, client_ip = ?presented.client_ip, "client authentication failed");
                Err(failed("client authentication failed"))
            }
        }
    }
}
