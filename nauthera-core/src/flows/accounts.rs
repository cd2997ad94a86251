//! The account lifecycle: create and update users, set passwords, disable, enable and delete them.
//!
//! Disabling a user, deleting them or giving them a new password ends every browser session they have and
//! revokes their refresh tokens: sessions are stateless cookies, so the user record carries the time before
//! which sessions no longer count ([`User::sessions_not_before`]), checked on every session verification, and
//! a refresh checks that its user still exists and is enabled.

use crate::cache::Cache;
use crate::error::Error;
use crate::people::Page;
use crate::provider::Provider;
use crate::random::identifier;
use crate::secret::Password;
use crate::storage::Storage;
use crate::types::Subject;
use crate::user::{User, UserClaims};

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Creates the user `username`, or updates their claims and password. A changed password ends the user's
    /// sessions and revokes their refresh tokens; nothing is written when nothing changed (the reference server
    /// applies its configured users this way at every start). The account's enabled state is kept, and so are
    /// its attributes when `claims` carries none.
    ///
    /// # Errors
    /// Storage failures; [`Error::Overloaded`] when no password-hashing worker is free in time.
    pub async fn upsert_user(
        &self,
        username: &str,
        password: &Password,
        mut claims: UserClaims,
    ) -> Result<User, Error> {
        let existing = self.storage.find_user_by_username(username).await?;
        // Attributes set since (by `user set` or the admin API) stay unless the caller brings its own.
        if let Some(user) = &existing
            && claims.attributes.is_empty()
        {
            claims.attributes.clone_from(&user.claims.attributes);
        }
        let same_password = match &existing {
            Some(user) => {
                self.password_hasher
                    .verify(
                        user.password_hash.clone(),
                        Password::new(password.expose_secret()),
                    )
                    .await?
            }
            None => false,
        };
        if let Some(user) = &existing
            && same_password
            && user.claims == claims
        {
            return Ok(user.clone());
        }
        let mut user = match existing {
            // New claims, same password: the user's sessions go on.
            Some(user) if same_password => user,
            Some(mut user) => {
                user.password_hash = self
                    .password_hasher
                    .hash(Password::new(password.expose_secret()), &*self.random)
                    .await?;
                self.end_sessions(&mut user).await?;
                user
            }
            None => {
                let hash = self
                    .password_hasher
                    .hash(Password::new(password.expose_secret()), &*self.random)
                    .await?;
                User::new(Subject::new(identifier(&*self.random)?), username, hash)
            }
        };
        user.claims = claims;
        self.save_user(&user).await?;
        tracing::info!(target: "nauthera::audit", username, sub = %user.subject, "user saved");
        Ok(user)
    }

    /// Gives `username` a new password, ending their sessions and revoking their refresh tokens. `None` when
    /// there is no such user.
    ///
    /// # Errors
    /// Storage failures; [`Error::Overloaded`] when no password-hashing worker is free in time.
    pub async fn set_password(
        &self,
        username: &str,
        password: &Password,
    ) -> Result<Option<User>, Error> {
        let Some(mut user) = self.storage.find_user_by_username(username).await? else {
            return Ok(None);
        };
        user.password_hash = self
            .password_hasher
            .hash(Password::new(password.expose_secret()), &*self.random)
            .await?;
        self.end_sessions(&mut user).await?;
        self.save_user(&user).await?;
        tracing::info!(target: "nauthera::audit", username, sub = %user.subject, "password set; sessions ended");
        Ok(Some(user))
    }

    /// Disables `username`: they cannot sign in, their sessions end and their refresh tokens are revoked.
    /// `None` when there is no such user.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn disable_user(&self, username: &str) -> Result<Option<User>, Error> {
        let Some(mut user) = self.storage.find_user_by_username(username).await? else {
            return Ok(None);
        };
        user.disabled = true;
        self.end_sessions(&mut user).await?;
        self.save_user(&user).await?;
        tracing::info!(target: "nauthera::audit", username, sub = %user.subject, "user disabled; sessions ended");
        Ok(Some(user))
    }

    /// Enables `username` again (their old sessions stay ended). `None` when there is no such user.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn enable_user(&self, username: &str) -> Result<Option<User>, Error> {
        let Some(mut user) = self.storage.find_user_by_username(username).await? else {
            return Ok(None);
        };
        user.disabled = false;
        self.save_user(&user).await?;
        tracing::info!(target: "nauthera::audit", username, sub = %user.subject, "user enabled");
        Ok(Some(user))
    }

    /// Deletes `username` with their consents and refresh tokens; their sessions end with them. Returns whether
    /// the user existed.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn delete_user(&self, username: &str) -> Result<bool, Error> {
        let Some(user) = self.storage.find_user_by_username(username).await? else {
            return Ok(false);
        };
        let existed = self.storage.delete_user(&user.subject).await?;
        self.invalidate_user(&user.subject).await;
        tracing::info!(target: "nauthera::audit", username, sub = %user.subject, "user deleted");
        Ok(existed)
    }

    /// The user with this username.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn find_user_by_username(&self, username: &str) -> Result<Option<User>, Error> {
        Ok(self.storage.find_user_by_username(username).await?)
    }

    /// One page of the users, ordered by username.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn list_users(&self, page: &Page) -> Result<Vec<User>, Error> {
        Ok(self.storage.list_users(page).await?)
    }

    /// Ends every session of `user` from now on (saved by the caller) and revokes their refresh tokens.
    async fn end_sessions(&self, user: &mut User) -> Result<(), Error> {
        user.sessions_not_before = Some(self.now());
        self.storage.revoke_refresh_tokens_of(&user.subject).await?;
        Ok(())
    }

    pub(crate) async fn save_user(&self, user: &User) -> Result<(), Error> {
        self.storage.upsert_user(user).await?;
        self.invalidate_user(&user.subject).await;
        Ok(())
    }
}
