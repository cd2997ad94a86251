//! [`MemoryStore`]'s consents, groups and preferences.

use std::collections::BTreeSet;

use super::MemoryStore;
use super::memory_store::page_of;
use crate::people::{Consent, Group, Page, Preferences};
use crate::storage::{ConsentStore, GroupStore, PreferenceStore};
use crate::types::{ClientId, GrantId, GroupId, Scope, Subject};
use crate::user::User;
use crate::{StorageError, StorageErrorKind, UnixTime};

fn not_found(what: &'static str) -> StorageError {
    StorageError::new(StorageErrorKind::NotFound, what)
}

impl ConsentStore for MemoryStore {
    async fn find_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
    ) -> Result<Option<Scope>, StorageError> {
        let key = (subject.as_str().to_owned(), client_id.as_str().to_owned());
        Ok(self
            .state()?
            .consents
            .get(&key)
            .map(|(scope, _)| scope.clone()))
    }

    async fn upsert_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
        scope: &Scope,
        now: UnixTime,
    ) -> Result<(), StorageError> {
        let key = (subject.as_str().to_owned(), client_id.as_str().to_owned());
        self.state()?.consents.insert(key, (scope.clone(), now));
        Ok(())
    }

    async fn list_consents(&self, subject: &Subject) -> Result<Vec<Consent>, StorageError> {
        Ok(self
            .state()?
            .consents
            .iter()
            .filter(|((owner, _), _)| owner == subject.as_str())
            .map(|((_, client_id), (scope, updated_at))| Consent {
                client_id: ClientId::new(client_id.clone()),
                scope: scope.clone(),
                updated_at: *updated_at,
            })
            .collect())
    }

    async fn revoke_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
    ) -> Result<Option<Vec<GrantId>>, StorageError> {
        let mut state = self.state()?;
        let key = (subject.as_str().to_owned(), client_id.as_str().to_owned());
        if state.consents.remove(&key).is_none() {
            return Ok(None);
        }
        let mut grants = BTreeSet::new();
        for token in state.refresh_tokens.values_mut() {
            if token.subject == *subject && token.client_id == *client_id {
                token.revoked = true;
                grants.insert(token.grant_id.clone());
            }
        }
        Ok(Some(grants.into_iter().collect()))
    }
}

impl GroupStore for MemoryStore {
    async fn insert_group(&self, group: &Group) -> Result<bool, StorageError> {
        let mut state = self.state()?;
        let taken = state
            .groups
            .values()
            .any(|other| other.name == group.name || other.group_id == group.group_id);
        if taken {
            return Ok(false);
        }
        state
            .groups
            .insert(group.group_id.as_str().to_owned(), group.clone());
        Ok(true)
    }

    async fn find_group(&self, name: &str) -> Result<Option<Group>, StorageError> {
        Ok(self
            .state()?
            .groups
            .values()
            .find(|group| group.name == name)
            .cloned())
    }

    async fn list_groups(&self, page: &Page) -> Result<Vec<Group>, StorageError> {
        let state = self.state()?;
        Ok(page_of(state.groups.values(), page, |group| &group.name))
    }

    async fn delete_group(&self, group_id: &GroupId) -> Result<bool, StorageError> {
        let mut state = self.state()?;
        let existed = state.groups.remove(group_id.as_str()).is_some();
        state
            .members
            .retain(|(group, _)| group != group_id.as_str());
        Ok(existed)
    }

    async fn add_member(
        &self,
        group_id: &GroupId,
        subject: &Subject,
        _now: UnixTime,
    ) -> Result<bool, StorageError> {
        let mut state = self.state()?;
        if !state.groups.contains_key(group_id.as_str()) {
            return Err(not_found("no such group"));
        }
        if !state.users.contains_key(subject.as_str()) {
            return Err(not_found("no such user"));
        }
        Ok(state
            .members
            .insert((group_id.as_str().to_owned(), subject.as_str().to_owned())))
    }

    async fn remove_member(
        &self,
        group_id: &GroupId,
        subject: &Subject,
    ) -> Result<bool, StorageError> {
        let key = (group_id.as_str().to_owned(), subject.as_str().to_owned());
        Ok(self.state()?.members.remove(&key))
    }

    async fn list_members(
        &self,
        group_id: &GroupId,
        page: &Page,
    ) -> Result<Vec<User>, StorageError> {
        let state = self.state()?;
        let members = state
            .members
            .iter()
            .filter(|(group, _)| group == group_id.as_str())
            .filter_map(|(_, subject)| state.users.get(subject));
        Ok(page_of(members, page, |user| &user.username))
    }

    async fn groups_of(&self, subject: &Subject) -> Result<Vec<Group>, StorageError> {
        let state = self.state()?;
        let mut groups: Vec<Group> = state
            .members
            .iter()
            .filter(|(_, member)| member == subject.as_str())
            .filter_map(|(group, _)| state.groups.get(group).cloned())
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(groups)
    }
}

impl PreferenceStore for MemoryStore {
    async fn find_preferences(
        &self,
        subject: &Subject,
    ) -> Result<Option<Preferences>, StorageError> {
        Ok(self.state()?.preferences.get(subject.as_str()).cloned())
    }

    async fn upsert_preferences(
        &self,
        subject: &Subject,
        preferences: &Preferences,
        _now: UnixTime,
    ) -> Result<(), StorageError> {
        let mut state = self.state()?;
        if !state.users.contains_key(subject.as_str()) {
            return Err(not_found("no such user"));
        }
        state
            .preferences
            .insert(subject.as_str().to_owned(), preferences.clone());
        Ok(())
    }
}
