//! [`MemoryStore`]: every storage trait in process memory behind one mutex.
//!
//! It does **not** persist anything or share state between processes: it serves core's flow tests, and shows
//! what a backend of your own implements (`examples/custom-backend` runs the storage conformance kit on it and
//! serves the provider with it). One mutex makes every method trivially atomic, which is what the traits
//! require of the race-deciding methods (`redeem_code`, `rotate_refresh_token`, `insert_key_if_none_active`,
//! `insert_secret_if_none_active`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use crate::client::Client;
use crate::keys::{Algorithm, StoredKey, StoredSecret};
use crate::people::{Group, Page, Preferences};
use crate::secret::TokenDigest;
use crate::storage::{
    ClientStore, CodeRecord, CodeStore, KeyStore, PurgeStore, RefreshTokenRecord,
    RefreshTokenStore, RevocationKey, RevocationStore, UserStore,
};
use crate::types::{ClientId, GrantId, Scope, Subject};
use crate::user::User;
use crate::{StorageError, StorageErrorKind, UnixTime};

/// Everything the provider stores.
#[derive(Default)]
pub(super) struct State {
    clients: BTreeMap<String, Client>,
    /// By subject.
    pub(super) users: BTreeMap<String, User>,
    codes: HashMap<String, CodeRecord>,
    pub(super) refresh_tokens: HashMap<String, RefreshTokenRecord>,
    revocations: HashMap<String, UnixTime>,
    /// By (subject, client id), ordered so a user's consents list by client id.
    pub(super) consents: BTreeMap<(String, String), (Scope, UnixTime)>,
    /// By group id.
    pub(super) groups: BTreeMap<String, Group>,
    /// (group id, subject) pairs.
    pub(super) members: BTreeSet<(String, String)>,
    /// By subject.
    pub(super) preferences: HashMap<String, Preferences>,
    keys: Vec<StoredKey>,
    secrets: Vec<StoredSecret>,
}

/// An in-memory storage backend.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    pub(super) fn state(&self) -> Result<MutexGuard<'_, State>, StorageError> {
        self.state.lock().map_err(|_| {
            StorageError::new(StorageErrorKind::Other, "a previous operation panicked")
        })
    }
}

impl ClientStore for MemoryStore {
    async fn find_client(&self, client_id: &ClientId) -> Result<Option<Client>, StorageError> {
        Ok(self.state()?.clients.get(client_id.as_str()).cloned())
    }

    async fn upsert_client(&self, client: &Client) -> Result<(), StorageError> {
        self.state()?
            .clients
            .insert(client.client_id.as_str().to_owned(), client.clone());
        Ok(())
    }

    async fn delete_client(&self, client_id: &ClientId) -> Result<bool, StorageError> {
        Ok(self.state()?.clients.remove(client_id.as_str()).is_some())
    }

    async fn list_clients(&self) -> Result<Vec<Client>, StorageError> {
        Ok(self.state()?.clients.values().cloned().collect())
    }
}

impl UserStore for MemoryStore {
    async fn find_user(&self, subject: &Subject) -> Result<Option<User>, StorageError> {
        Ok(self.state()?.users.get(subject.as_str()).cloned())
    }

    async fn find_user_by_username(&self, username: &str) -> Result<Option<User>, StorageError> {
        Ok(self
            .state()?
            .users
            .values()
            .find(|user| user.username == username)
            .cloned())
    }

    async fn upsert_user(&self, user: &User) -> Result<(), StorageError> {
        let mut state = self.state()?;
        let taken = state
            .users
            .values()
            .any(|other| other.username == user.username && other.subject != user.subject);
        if taken {
            return Err(StorageError::new(
                StorageErrorKind::Conflict,
                "the username is taken",
            ));
        }
        state
            .users
            .insert(user.subject.as_str().to_owned(), user.clone());
        Ok(())
    }

    async fn delete_user(&self, subject: &Subject) -> Result<bool, StorageError> {
        let mut state = self.state()?;
        let existed = state.users.remove(subject.as_str()).is_some();
        state
            .consents
            .retain(|(owner, _), _| owner != subject.as_str());
        state
            .refresh_tokens
            .retain(|_, token| token.subject != *subject);
        state
            .members
            .retain(|(_, member)| member != subject.as_str());
        state.preferences.remove(subject.as_str());
        Ok(existed)
    }

    async fn list_users(&self, page: &Page) -> Result<Vec<User>, StorageError> {
        let state = self.state()?;
        Ok(page_of(state.users.values(), page, |user| &user.username))
    }
}

impl CodeStore for MemoryStore {
    async fn insert_code(&self, code: &CodeRecord) -> Result<(), StorageError> {
        let mut state = self.state()?;
        if state.codes.contains_key(code.digest.as_str()) {
            return Err(StorageError::new(
                StorageErrorKind::Conflict,
                "the code exists",
            ));
        }
        state
            .codes
            .insert(code.digest.as_str().to_owned(), code.clone());
        Ok(())
    }

    async fn find_code(&self, digest: &TokenDigest) -> Result<Option<CodeRecord>, StorageError> {
        Ok(self.state()?.codes.get(digest.as_str()).cloned())
    }

    async fn redeem_code(&self, digest: &TokenDigest, now: UnixTime) -> Result<bool, StorageError> {
        let mut state = self.state()?;
        match state.codes.get_mut(digest.as_str()) {
            Some(code) if code.redeemed_at.is_none() => {
                code.redeemed_at = Some(now);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

impl RefreshTokenStore for MemoryStore {
    async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> Result<(), StorageError> {
        self.state()?
            .refresh_tokens
            .insert(token.digest.as_str().to_owned(), token.clone());
        Ok(())
    }

    async fn find_refresh_token(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<RefreshTokenRecord>, StorageError> {
        Ok(self.state()?.refresh_tokens.get(digest.as_str()).cloned())
    }

    async fn rotate_refresh_token(
        &self,
        current: &TokenDigest,
        successor: &RefreshTokenRecord,
        now: UnixTime,
    ) -> Result<bool, StorageError> {
        let mut state = self.state()?;
        match state.refresh_tokens.get_mut(current.as_str()) {
            Some(token) if token.rotated_at.is_none() && !token.revoked => {
                token.rotated_at = Some(now)
            }
            _ => return Ok(false),
        }
        state
            .refresh_tokens
            .insert(successor.digest.as_str().to_owned(), successor.clone());
        Ok(true)
    }

    async fn revoke_refresh_family(&self, grant_id: &GrantId) -> Result<(), StorageError> {
        for token in self.state()?.refresh_tokens.values_mut() {
            if token.grant_id == *grant_id {
                token.revoked = true;
            }
        }
        Ok(())
    }

    async fn revoke_refresh_tokens_of(&self, subject: &Subject) -> Result<(), StorageError> {
        for token in self.state()?.refresh_tokens.values_mut() {
            if token.subject == *subject {
                token.revoked = true;
            }
        }
        Ok(())
    }
}

impl RevocationStore for MemoryStore {
    async fn revoke(&self, key: &RevocationKey, expires_at: UnixTime) -> Result<(), StorageError> {
        let mut state = self.state()?;
        let entry = state
            .revocations
            .entry(key.storage_key())
            .or_insert(expires_at);
        *entry = (*entry).max(expires_at);
        Ok(())
    }

    async fn is_revoked(&self, keys: &[RevocationKey]) -> Result<bool, StorageError> {
        let state = self.state()?;
        Ok(keys
            .iter()
            .any(|key| state.revocations.contains_key(&key.storage_key())))
    }
}

impl KeyStore for MemoryStore {
    async fn list_keys(&self) -> Result<Vec<StoredKey>, StorageError> {
        Ok(self.state()?.keys.clone())
    }

    async fn rotate_key(&self, key: &StoredKey, now: UnixTime) -> Result<(), StorageError> {
        let mut state = self.state()?;
        for existing in &mut state.keys {
            if existing.algorithm == key.algorithm && existing.retired_at.is_none() {
                existing.retired_at = Some(now);
            }
        }
        state.keys.push(key.clone());
        Ok(())
    }

    async fn insert_key_if_none_active(
        &self,
        algorithm: Algorithm,
        key: &StoredKey,
    ) -> Result<(), StorageError> {
        let mut state = self.state()?;
        let active = state
            .keys
            .iter()
            .any(|existing| existing.algorithm == algorithm && existing.retired_at.is_none());
        if !active {
            state.keys.push(key.clone());
        }
        Ok(())
    }

    async fn list_secrets(&self, purpose: &str) -> Result<Vec<StoredSecret>, StorageError> {
        Ok(self
            .state()?
            .secrets
            .iter()
            .filter(|secret| secret.purpose == purpose)
            .cloned()
            .collect())
    }

    async fn rotate_secret(
        &self,
        secret: &StoredSecret,
        now: UnixTime,
    ) -> Result<(), StorageError> {
        let mut state = self.state()?;
        for existing in &mut state.secrets {
            if existing.purpose == secret.purpose && existing.retired_at.is_none() {
                existing.retired_at = Some(now);
            }
        }
        state.secrets.push(secret.clone());
        Ok(())
    }

    async fn insert_secret_if_none_active(
        &self,
        secret: &StoredSecret,
    ) -> Result<(), StorageError> {
        let mut state = self.state()?;
        let active = state
            .secrets
            .iter()
            .any(|existing| existing.purpose == secret.purpose && existing.retired_at.is_none());
        if !active {
            state.secrets.push(secret.clone());
        }
        Ok(())
    }
}

impl PurgeStore for MemoryStore {
    async fn purge_expired(&self, now: UnixTime) -> Result<u64, StorageError> {
        let mut state = self.state()?;
        let before = state.codes.len() + state.refresh_tokens.len() + state.revocations.len();
        state.codes.retain(|_, code| code.expires_at > now);
        state
            .refresh_tokens
            .retain(|_, token| token.expires_at > now);
        state.revocations.retain(|_, expires_at| *expires_at > now);
        let after = state.codes.len() + state.refresh_tokens.len() + state.revocations.len();
        Ok(u64::try_from(before - after).unwrap_or(u64::MAX))
    }
}

/// One page of `items`, ordered by `name`: those after `page.after`, at most `page.size()` of them.
pub(super) fn page_of<'a, T: Clone + 'a>(
    items: impl Iterator<Item = &'a T>,
    page: &Page,
    name: impl Fn(&T) -> &str,
) -> Vec<T> {
    let mut items: Vec<&T> = items
        .filter(|item| page.after.as_deref().is_none_or(|after| name(item) > after))
        .collect();
    items.sort_by(|a, b| name(a).cmp(name(b)));
    items
        .into_iter()
        .take(page.size() as usize)
        .cloned()
        .collect()
}
