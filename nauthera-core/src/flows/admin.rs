//! Administration: users and clients, used by the reference binary's subcommands and by embedding
//! applications.

use crate::cache::Cache;
use crate::client::{Client, ClientSecretHash};
use crate::error::Error;
use crate::provider::Provider;
use crate::random::{identifier, opaque_token};
use crate::secret::{ClientSecret, Password};
use crate::storage::Storage;
use crate::types::Subject;
use crate::user::{PasswordHash, User, UserClaims};

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Creates or updates the user `username` with a new password (argon2id; takes tens of milliseconds).
    ///
    /// # Errors
    /// Storage and crypto failures.
    pub async fn upsert_user(
        &self,
        username: &str,
        password: &Password,
        claims: UserClaims,
    ) -> Result<User, Error> {
        let subject = match self.storage.find_user_by_username(username).await? {
            Some(existing) => existing.subject,
            None => Subject::new(identifier(&*self.random)?),
        };
        let mut user = User::new(
            subject,
            username,
            PasswordHash::new(password, &*self.random)?,
        );
        user.claims = claims;
        self.storage.upsert_user(&user).await?;
        self.invalidate_user(&user.subject).await;
        Ok(user)
    }

    /// Every user.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn list_users(&self) -> Result<Vec<User>, Error> {
        Ok(self.storage.list_users().await?)
    }

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
