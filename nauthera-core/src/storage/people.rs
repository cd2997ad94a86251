//! The store traits for an organization's people: groups and their members, and per-user preferences.

use std::future::Future;

use crate::error::StorageError;
use crate::people::{Group, Page, Preferences};
use crate::time::UnixTime;
use crate::types::{GroupId, Subject};
use crate::user::User;

/// Groups of users and their memberships.
pub trait GroupStore: Send + Sync {
    /// Stores a new group. Returns `false`, writing nothing, when a group with its name (or id) exists.
    fn insert_group(
        &self,
        group: &Group,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// The group with this name.
    fn find_group(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<Group>, StorageError>> + Send;
    /// One page of the groups, ordered by name (`page.after` is a name).
    fn list_groups(
        &self,
        page: &Page,
    ) -> impl Future<Output = Result<Vec<Group>, StorageError>> + Send;
    /// Deletes the group and every membership in it; returns whether it existed.
    fn delete_group(
        &self,
        group_id: &GroupId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// Makes the user a member of the group. Returns `false` when they already were; fails with
    /// [`StorageErrorKind::NotFound`](crate::StorageErrorKind::NotFound) when the group or the user does not exist.
    fn add_member(
        &self,
        group_id: &GroupId,
        subject: &Subject,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// Ends the user's membership in the group; returns whether there was one.
    fn remove_member(
        &self,
        group_id: &GroupId,
        subject: &Subject,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// One page of the group's members, ordered by username (`page.after` is a username).
    fn list_members(
        &self,
        group_id: &GroupId,
        page: &Page,
    ) -> impl Future<Output = Result<Vec<User>, StorageError>> + Send;
    /// Every group the user is a member of, ordered by name.
    fn groups_of(
        &self,
        subject: &Subject,
    ) -> impl Future<Output = Result<Vec<Group>, StorageError>> + Send;
}

/// What each user has chosen for themselves. Deleting a user deletes their preferences.
pub trait PreferenceStore: Send + Sync {
    /// The user's preferences, if they ever saved any.
    fn find_preferences(
        &self,
        subject: &Subject,
    ) -> impl Future<Output = Result<Option<Preferences>, StorageError>> + Send;
    /// Records (replaces) the user's preferences. Fails with
    /// [`StorageErrorKind::NotFound`](crate::StorageErrorKind::NotFound) when the user does not exist.
    fn upsert_preferences(
        &self,
        subject: &Subject,
        preferences: &Preferences,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
}
