//! Groups of users: create, list, delete, and manage their members. Group names are what the `groups` claim
//! carries.

use crate::cache::Cache;
use crate::error::{Error, StorageErrorKind};
use crate::people::{Group, Page};
use crate::provider::Provider;
use crate::random::identifier;
use crate::storage::Storage;
use crate::types::GroupId;
use crate::user::User;

/// The longest group name, in characters.
pub const MAX_GROUP_NAME: usize = 64;

/// Checks a group name: 1 to [`MAX_GROUP_NAME`] characters, no control characters, no surrounding spaces.
///
/// # Errors
/// `invalid_request` naming what is wrong.
pub fn validate_group_name(name: &str) -> Result<(), Error> {
    if name.is_empty() || name.chars().count() > MAX_GROUP_NAME {
        return Err(Error::invalid_request(format!(
            "a group name has 1 to {MAX_GROUP_NAME} characters"
        )));
    }
    if name.trim() != name || name.chars().any(char::is_control) {
        return Err(Error::invalid_request(
            "a group name has no control characters and no surrounding spaces",
        ));
    }
    Ok(())
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Creates the group `name`.
    ///
    /// # Errors
    /// `invalid_request` for a bad name; [`Error::Conflict`] when the name is taken; storage failures.
    pub async fn create_group(
        &self,
        name: &str,
        description: Option<String>,
    ) -> Result<Group, Error> {
        validate_group_name(name)?;
        let group = Group {
            group_id: GroupId::new(identifier(&*self.random)?),
            name: name.to_owned(),
            description: description.filter(|text| !text.trim().is_empty()),
            created_at: self.now(),
        };
        if !self.storage.insert_group(&group).await? {
            return Err(Error::Conflict(format!("the group {name} exists")));
        }
        tracing::info!(target: "nauthera::audit", group = name, "group created");
        Ok(group)
    }

    /// The group named `name`.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn find_group(&self, name: &str) -> Result<Option<Group>, Error> {
        Ok(self.storage.find_group(name).await?)
    }

    /// One page of the groups, ordered by name.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn list_groups(&self, page: &Page) -> Result<Vec<Group>, Error> {
        Ok(self.storage.list_groups(page).await?)
    }

    /// Deletes the group `name` and its memberships; returns whether it existed.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn delete_group(&self, name: &str) -> Result<bool, Error> {
        let Some(group) = self.storage.find_group(name).await? else {
            return Ok(false);
        };
        let existed = self.storage.delete_group(&group.group_id).await?;
        tracing::info!(target: "nauthera::audit", group = name, "group deleted");
        Ok(existed)
    }

    /// Makes `username` a member of the group `name`; returns `false` when they already were.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the group or the user does not exist; storage failures.
    pub async fn add_group_member(&self, name: &str, username: &str) -> Result<bool, Error> {
        let (group, user) = self.group_and_user(name, username).await?;
        let added = self
            .storage
            .add_member(&group.group_id, &user.subject, self.now())
            .await
            .map_err(|error| match error.kind() {
                // Deleted between the lookup and the write.
                StorageErrorKind::NotFound => {
                    Error::NotFound(format!("no group {name} or no user {username}"))
                }
                _ => Error::Storage(error),
            })?;
        if added {
            tracing::info!(target: "nauthera::audit", group = name, username, "group member added");
        }
        Ok(added)
    }

    /// Ends the membership of `username` in the group `name`; returns whether there was one.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the group or the user does not exist; storage failures.
    pub async fn remove_group_member(&self, name: &str, username: &str) -> Result<bool, Error> {
        let (group, user) = self.group_and_user(name, username).await?;
        let removed = self
            .storage
            .remove_member(&group.group_id, &user.subject)
            .await?;
        if removed {
            tracing::info!(target: "nauthera::audit", group = name, username, "group member removed");
        }
        Ok(removed)
    }

    /// One page of the members of the group `name`, ordered by username.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the group does not exist; storage failures.
    pub async fn list_group_members(&self, name: &str, page: &Page) -> Result<Vec<User>, Error> {
        let group = self.existing_group(name).await?;
        Ok(self.storage.list_members(&group.group_id, page).await?)
    }

    /// The names of the groups `username` is a member of, ordered by name.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the user does not exist; storage failures.
    pub async fn groups_of_user(&self, username: &str) -> Result<Vec<Group>, Error> {
        let user = self.existing_user(username).await?;
        Ok(self.storage.groups_of(&user.subject).await?)
    }

    async fn group_and_user(&self, name: &str, username: &str) -> Result<(Group, User), Error> {
        Ok((
            self.existing_group(name).await?,
            self.existing_user(username).await?,
        ))
    }

    async fn existing_group(&self, name: &str) -> Result<Group, Error> {
        self.storage
            .find_group(name)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no group {name}")))
    }

    /// The user `username`.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none; storage failures.
    pub(crate) async fn existing_user(&self, username: &str) -> Result<User, Error> {
        self.storage
            .find_user_by_username(username)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no user {username}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_are_checked() {
        assert!(validate_group_name("admins").is_ok());
        assert!(validate_group_name("Team A / Ops").is_ok());
        assert!(validate_group_name("").is_err());
        assert!(validate_group_name(" admins").is_err());
        assert!(validate_group_name("a\nb").is_err());
        assert!(validate_group_name(&"g".repeat(MAX_GROUP_NAME)).is_ok());
        assert!(validate_group_name(&"g".repeat(MAX_GROUP_NAME + 1)).is_err());
    }
}
