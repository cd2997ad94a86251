//! Administration of clients, used by the configuration file, the reference binary's subcommands, the admin API
//! and embedding applications. Which clients are valid is [`crate::registration`]'s; who may replace whose
//! client and what happens to its secret is decided here. Accounts are in [`crate::flows::accounts`].

use crate::cache::Cache;
use crate::client::{Client, ClientSecretHash};
use crate::error::Error;
use crate::provider::Provider;
use crate::random::opaque_token;
use crate::secret::ClientSecret;
use crate::storage::Storage;
use crate::types::ClientId;

/// What happens to a confidential client's secret when it is registered again.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientSecretChange {
    /// Keep the stored secret (a confidential client that has none yet is refused).
    Keep,
    /// Set this secret.
    Set(ClientSecret),
    /// Generate a new secret and return it once.
    Generate,
}

/// Whether an administrator may replace or delete a client another owner manages.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum Ownership {
    /// Only a client that has no owner, or the same owner, may be replaced or deleted.
    Respect,
    /// Replace or delete whoever owns it (an administrator overriding).
    Override,
}

/// The result of registering a client.
#[derive(Debug)]
#[non_exhaustive]
pub struct ClientApplied {
    /// Whether a client with this id existed.
    pub existed: bool,
    /// Whether the stored client differed from this registration (other than its secret).
    pub drifted: bool,
    /// The generated secret, shown once.
    pub generated_secret: Option<ClientSecret>,
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Every client.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn list_clients(&self) -> Result<Vec<Client>, Error> {
        Ok(self.storage.list_clients().await?)
    }

    /// Registers or replaces a validated client (see [`crate::registration::ClientRegistration::validate`]).
    ///
    /// # Errors
    /// `invalid_request` when a public client is given a secret or a confidential client keeps a secret it
    /// does not have; [`Error::Conflict`] when another owner manages the client and `ownership` respects it;
    /// storage and crypto failures.
    pub async fn apply_client(
        &self,
        mut client: Client,
        secret: ClientSecretChange,
        ownership: Ownership,
    ) -> Result<ClientApplied, Error> {
        let stored = self.storage.find_client(&client.client_id).await?;
        if let Some(stored) = &stored {
            check_owner(stored, client.owner.as_deref(), ownership)?;
        }
        let drifted = stored
            .as_ref()
            .is_some_and(|stored| without_secret(stored) != without_secret(&client));
        let mut generated_secret = None;
        client.secret_hash = match (client.is_public(), secret) {
            (true, ClientSecretChange::Set(_)) => {
                return Err(Error::invalid_request(
                    "a public client (auth_method none) must not have a client_secret",
                ));
            }
            (true, _) => None,
            (false, ClientSecretChange::Set(secret)) => {
                Some(ClientSecretHash::new(&secret, &*self.random)?)
            }
            (false, ClientSecretChange::Generate) => {
                let secret = ClientSecret::new(opaque_token(&*self.random, "ncs_")?);
                let hash = ClientSecretHash::new(&secret, &*self.random)?;
                generated_secret = Some(secret);
                Some(hash)
            }
            (false, ClientSecretChange::Keep) => Some(
                stored
                    .as_ref()
                    .and_then(|stored| stored.secret_hash.clone())
                    .ok_or_else(|| {
                        Error::invalid_request(
                            "a confidential client needs a client_secret (none is stored yet)",
                        )
                    })?,
            ),
        };
        self.upsert_client(&client).await?;
        Ok(ClientApplied {
            existed: stored.is_some(),
            drifted,
            generated_secret,
        })
    }

    /// Deletes a client on behalf of `requester` (an owner, or none for an administrator); returns whether it
    /// existed.
    ///
    /// # Errors
    /// [`Error::Conflict`] when another owner manages the client and `ownership` respects it; storage failures.
    pub async fn delete_owned_client(
        &self,
        client_id: &ClientId,
        requester: Option<&str>,
        ownership: Ownership,
    ) -> Result<bool, Error> {
        let Some(stored) = self.storage.find_client(client_id).await? else {
            return Ok(false);
        };
        check_owner(&stored, requester, ownership)?;
        self.delete_client(client_id).await
    }
}

/// Refuses to touch a client whose recorded owner is someone other than `requester`, unless overriding.
fn check_owner(
    stored: &Client,
    requester: Option<&str>,
    ownership: Ownership,
) -> Result<(), Error> {
    match stored.owner.as_deref() {
        Some(current)
            if !current.is_empty()
                && Some(current) != requester
                && ownership == Ownership::Respect =>
        {
            Err(Error::Conflict(format!(
                "client {} is owned by {current}; set force to override",
                stored.client_id
            )))
        }
        _ => Ok(()),
    }
}

fn without_secret(client: &Client) -> Client {
    let mut client = client.clone();
    client.secret_hash = None;
    client
}
