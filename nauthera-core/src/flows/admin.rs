//! Administration of clients, used by the reference binary's subcommands, the admin API and embedding
//! applications. Accounts are in [`crate::flows::accounts`].

use crate::cache::Cache;
use crate::client::{Client, ClientSecretHash};
use crate::error::Error;
use crate::provider::Provider;
use crate::random::opaque_token;
use crate::secret::ClientSecret;
use crate::storage::Storage;

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Every client.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn list_clients(&self) -> Result<Vec<Client>, Error> {
        Ok(self.storage.list_clients().await?)
    }

    /// Sets the client's secret (or generates one when `secret` is `None`), stores the client, and returns the
    /// secret in clear text once.
    ///
    /// # Errors
    /// Storage and crypto failures.
    pub async fn register_confidential_client(
        &self,
        mut client: Client,
        secret: Option<ClientSecret>,
    ) -> Result<ClientSecret, Error> {
        let secret = match secret {
            Some(secret) => secret,
            None => ClientSecret::new(opaque_token(&*self.random, "ncs_")?),
        };
        client.secret_hash = Some(ClientSecretHash::new(&secret, &*self.random)?);
        self.upsert_client(&client).await?;
        Ok(secret)
    }
}
