//! Changing a user's profile: name, email and attributes, by an administrator or on the account page.

use crate::cache::Cache;
use crate::error::Error;
use crate::provider::Provider;
use crate::storage::Storage;
use crate::user::{User, UserUpdate};

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Applies `update` to the profile of `username` (sessions and tokens are unaffected).
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such user; `invalid_request` for a refused attribute name;
    /// storage failures.
    pub async fn update_user(&self, username: &str, update: UserUpdate) -> Result<User, Error> {
        let mut user = self.existing_user(username).await?;
        update.apply(&mut user.claims, self.now())?;
        self.save_user(&user).await?;
        tracing::info!(target: "nauthera::audit", username, sub = %user.subject, "profile updated");
        Ok(user)
    }
}
