//! The storage traits: what a backend must provide. One backend (SQLite, PostgreSQL, your own) implements
//! every trait; flows are generic over [`Storage`], the sum of them.
//!
//! Every method is one atomic operation. Methods that decide races (`redeem_code`, `rotate_refresh_token`,
//! `insert_key_if_none_active`, `insert_secret_if_none_active`) must be atomic across processes sharing the backend.

mod people;

use std::future::Future;

pub use people::{GroupStore, PreferenceStore};

use crate::client::Client;
use crate::error::StorageError;
use crate::keys::{Algorithm, StoredKey, StoredSecret};
use crate::people::{Consent, Page};
use crate::pkce::CodeChallenge;
use crate::secret::TokenDigest;
use crate::time::UnixTime;
use crate::types::{ClientId, GrantId, RedirectUri, Scope, SessionId, Subject};
use crate::user::User;

/// Registered clients.
pub trait ClientStore: Send + Sync {
    /// The client with this id.
    fn find_client(
        &self,
        client_id: &ClientId,
    ) -> impl Future<Output = Result<Option<Client>, StorageError>> + Send;
    /// Inserts or replaces a client.
    fn upsert_client(
        &self,
        client: &Client,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Deletes a client; returns whether it existed.
    fn delete_client(
        &self,
        client_id: &ClientId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// Every client, ordered by id.
    fn list_clients(&self) -> impl Future<Output = Result<Vec<Client>, StorageError>> + Send;
}

/// Local end-users.
pub trait UserStore: Send + Sync {
    /// The user with this subject.
    fn find_user(
        &self,
        subject: &Subject,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;
    /// The user with this username.
    fn find_user_by_username(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;
    /// Inserts or replaces a user (keyed by subject; usernames are unique).
    fn upsert_user(&self, user: &User) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// In one transaction: deletes the user with this subject and everything that is theirs (consents, refresh
    /// tokens, group memberships and preferences). Returns whether the user existed.
    fn delete_user(
        &self,
        subject: &Subject,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// One page of the users, ordered by username (`page.after` is a username).
    fn list_users(
        &self,
        page: &Page,
    ) -> impl Future<Output = Result<Vec<User>, StorageError>> + Send;
}

/// An authorization code as stored: only its digest, and everything it is bound to.
///
/// A plain data record, deliberately not `#[non_exhaustive]`: backends in other crates build it from rows.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeRecord {
    /// SHA-256 of the code.
    pub digest: TokenDigest,
    /// The grant the tokens issued from this code belong to.
    pub grant_id: GrantId,
    /// The client the code was issued to.
    pub client_id: ClientId,
    /// The redirect URI of the authorization request.
    pub redirect_uri: RedirectUri,
    /// The PKCE challenge.
    pub code_challenge: CodeChallenge,
    /// The authorized subject.
    pub subject: Subject,
    /// The granted scope.
    pub scope: Scope,
    /// The OIDC `nonce`, if any.
    pub nonce: Option<String>,
    /// The browser session.
    pub sid: SessionId,
    /// When the end-user authenticated.
    pub auth_time: UnixTime,
    /// When the code expires.
    pub expires_at: UnixTime,
    /// When the code was redeemed, if it was.
    pub redeemed_at: Option<UnixTime>,
}

/// Authorization codes.
pub trait CodeStore: Send + Sync {
    /// Stores a new code.
    fn insert_code(
        &self,
        code: &CodeRecord,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// The code with this digest, redeemed or not.
    fn find_code(
        &self,
        digest: &TokenDigest,
    ) -> impl Future<Output = Result<Option<CodeRecord>, StorageError>> + Send;
    /// Marks the code redeemed if it was not; returns `true` only for the one call that did.
    fn redeem_code(
        &self,
        digest: &TokenDigest,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
}

/// A refresh token as stored.
///
/// A plain data record, deliberately not `#[non_exhaustive]`: backends in other crates build it from rows.
#[derive(Clone, Debug, PartialEq)]
pub struct RefreshTokenRecord {
    /// SHA-256 of the token.
    pub digest: TokenDigest,
    /// The family (and grant) the token belongs to.
    pub grant_id: GrantId,
    /// The client the token was issued to.
    pub client_id: ClientId,
    /// The subject.
    pub subject: Subject,
    /// The granted scope.
    pub scope: Scope,
    /// The browser session the grant started in.
    pub sid: SessionId,
    /// When the end-user authenticated.
    pub auth_time: UnixTime,
    /// When the token was issued.
    pub issued_at: UnixTime,
    /// When the token expires.
    pub expires_at: UnixTime,
    /// When the whole family expires: the absolute lifetime that rotation does not extend. A token never
    /// outlives its family (`expires_at <= family_expires_at`).
    pub family_expires_at: UnixTime,
    /// When the token was exchanged for its successor, if it was.
    pub rotated_at: Option<UnixTime>,
    /// Whether the family was revoked.
    pub revoked: bool,
}

/// Refresh tokens, in families that rotate.
pub trait RefreshTokenStore: Send + Sync {
    /// Stores the first token of a family.
    fn insert_refresh_token(
        &self,
        token: &RefreshTokenRecord,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// The token with this digest.
    fn find_refresh_token(
        &self,
        digest: &TokenDigest,
    ) -> impl Future<Output = Result<Option<RefreshTokenRecord>, StorageError>> + Send;
    /// In one transaction: marks `current` rotated if it is neither rotated nor revoked, and stores `successor`.
    /// Returns `false`, writing nothing, when `current` was already rotated or revoked.
    fn rotate_refresh_token(
        &self,
        current: &TokenDigest,
        successor: &RefreshTokenRecord,
        now: UnixTime,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// Revokes every token of the family.
    fn revoke_refresh_family(
        &self,
        grant_id: &GrantId,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Revokes every refresh token of the subject, in every family (the account was disabled or its password
    /// changed).
    fn revoke_refresh_tokens_of(
        &self,
        subject: &Subject,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
}

/// What a revocation entry revokes.
#[derive(Clone, Debug, Eq, Hash, PartialEq)]
#[non_exhaustive]
pub enum RevocationKey {
    /// One access token, by `jti`.
    AccessToken(String),
    /// Every access token of a grant.
    Grant(GrantId),
    /// A browser session, after logout.
    Session(SessionId),
}

impl RevocationKey {
    /// The key as stored: a kind prefix and the identifier.
    pub fn storage_key(&self) -> String {
        match self {
            Self::AccessToken(jti) => format!("at:{jti}"),
            Self::Grant(grant_id) => format!("grant:{grant_id}"),
            Self::Session(sid) => format!("sid:{sid}"),
        }
    }
}

/// Revocations of stateless artefacts (JWT access tokens, grants, browser sessions), kept until the revoked
/// thing would have expired anyway.
pub trait RevocationStore: Send + Sync {
    /// Records a revocation that can be forgotten after `expires_at`.
    fn revoke(
        &self,
        key: &RevocationKey,
        expires_at: UnixTime,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Whether any of `keys` is revoked.
    fn is_revoked(
        &self,
        keys: &[RevocationKey],
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
}

/// Remembered consent, per user and client.
pub trait ConsentStore: Send + Sync {
    /// The scope the user has consented to for this client.
    fn find_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
    ) -> impl Future<Output = Result<Option<Scope>, StorageError>> + Send;
    /// Records (replaces) the consented scope.
    fn upsert_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
        scope: &Scope,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Every consent the user has given, ordered by client id.
    fn list_consents(
        &self,
        subject: &Subject,
    ) -> impl Future<Output = Result<Vec<Consent>, StorageError>> + Send;
    /// In one transaction: deletes the user's consent for the client and revokes every refresh-token family of
    /// that user and client. Returns `None` when there was no consent, else the grants whose families were
    /// revoked (their access tokens are revoked by the caller).
    fn revoke_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
    ) -> impl Future<Output = Result<Option<Vec<GrantId>>, StorageError>> + Send;
}

/// Signing keys and server secrets.
pub trait KeyStore: Send + Sync {
    /// Every stored signing key.
    fn list_keys(&self) -> impl Future<Output = Result<Vec<StoredKey>, StorageError>> + Send;
    /// In one transaction: retires the active keys of the key's algorithm and stores the new key as active.
    fn rotate_key(
        &self,
        key: &StoredKey,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Stores `key` only if no unretired key of `algorithm` exists (first start; replicas may race).
    fn insert_key_if_none_active(
        &self,
        algorithm: Algorithm,
        key: &StoredKey,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Every stored server secret of `purpose` (for example the session keys), retired or not.
    fn list_secrets(
        &self,
        purpose: &str,
    ) -> impl Future<Output = Result<Vec<StoredSecret>, StorageError>> + Send;
    /// In one transaction: retires the active secrets of the secret's purpose and stores it as active.
    fn rotate_secret(
        &self,
        secret: &StoredSecret,
        now: UnixTime,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Stores `secret` only if no unretired secret of its purpose exists (first start; replicas may race).
    fn insert_secret_if_none_active(
        &self,
        secret: &StoredSecret,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
}

/// Housekeeping: forgetting what has expired.
pub trait PurgeStore: Send + Sync {
    /// Deletes expired codes, refresh tokens and revocations as of `now`; returns how many rows went. Replicas
    /// sharing a backend may call it at the same time (a backend may let one of them do the work).
    fn purge_expired(
        &self,
        now: UnixTime,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
}

/// Everything a backend provides. Implemented automatically for any type implementing every store trait.
pub trait Storage:
    ClientStore
    + UserStore
    + GroupStore
    + PreferenceStore
    + CodeStore
    + RefreshTokenStore
    + RevocationStore
    + ConsentStore
    + KeyStore
    + PurgeStore
    + 'static
{
}

impl<T> Storage for T where
    T: ClientStore
        + UserStore
        + GroupStore
        + PreferenceStore
        + CodeStore
        + RefreshTokenStore
        + RevocationStore
        + ConsentStore
        + KeyStore
        + PurgeStore
        + 'static
{
}
