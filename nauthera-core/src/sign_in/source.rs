//! User sources: where sign-in finds out who the end-user is.
//!
//! A [`UserSource`] checks presented credentials and names the local user they belong to. The local password
//! store ([`LocalPasswords`]) is the first; a directory (LDAP) or an upstream OpenID provider is another source
//! behind the same trait, creating or linking the local user record through the [`UserDirectory`] it is given.

use std::future::Future;
use std::pin::Pin;

use crate::error::Error;
use crate::factor::AuthenticationMethod;
use crate::password::PasswordHash;
use crate::secret::Password;
use crate::user::User;

/// A boxed, sendable future: user sources are trait objects, so the provider can hold several of any kind.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A username and password as the login form submitted them.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct PasswordCredentials<'a> {
    /// The username as typed.
    pub username: &'a str,
    /// The password.
    pub password: &'a Password,
}

impl<'a> PasswordCredentials<'a> {
    /// Credentials from the form's fields.
    pub fn new(username: &'a str, password: &'a Password) -> Self {
        Self { username, password }
    }
}

/// What a user source says about presented credentials.
#[derive(Debug)]
#[non_exhaustive]
pub enum Identification {
    /// The credentials prove this local user's identity with this method.
    Identified {
        /// The local user record (created or refreshed by the source if it keeps users elsewhere).
        user: Box<User>,
        /// How the credentials proved it.
        method: AuthenticationMethod,
    },
    /// The source knows the user, and the credentials are wrong.
    Rejected,
    /// The source does not know the user; the next source may.
    Unknown,
}

/// The local user records and the password-hashing pool, as the provider lends them to user sources.
pub trait UserDirectory: Send + Sync {
    /// The local user with this username.
    ///
    /// # Errors
    /// Storage failures.
    fn find_user_by_username<'a>(
        &'a self,
        username: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, Error>>;

    /// Whether `password` matches `hash`, on the bounded hashing pool.
    ///
    /// # Errors
    /// [`Error::Overloaded`] when no hashing worker was free in time.
    fn verify_password<'a>(
        &'a self,
        hash: PasswordHash,
        password: &'a Password,
    ) -> BoxFuture<'a, Result<bool, Error>>;
}

/// Where the end-user's identity is checked: the first step of every sign-in.
pub trait UserSource: Send + Sync + 'static {
    /// A short name, recorded in the session with each factor it satisfied (for example `local`).
    fn name(&self) -> &str;

    /// Checks a username and password.
    ///
    /// # Errors
    /// Failures of the source itself (storage, directory unreachable, hashing overloaded); wrong credentials
    /// are [`Identification::Rejected`], not errors.
    fn identify<'a>(
        &'a self,
        directory: &'a dyn UserDirectory,
        credentials: PasswordCredentials<'a>,
    ) -> BoxFuture<'a, Result<Identification, Error>>;
}

/// The local password store: users with an argon2id password hash in the store.
///
/// An unknown username is checked against a decoy hash, so the time taken does not reveal which usernames
/// exist.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalPasswords;

impl UserSource for LocalPasswords {
    fn name(&self) -> &str {
        "local"
    }

    fn identify<'a>(
        &'a self,
        directory: &'a dyn UserDirectory,
        credentials: PasswordCredentials<'a>,
    ) -> BoxFuture<'a, Result<Identification, Error>> {
        Box::pin(async move {
            let user = directory
                .find_user_by_username(credentials.username)
                .await?;
            let hash = user
                .as_ref()
                .map_or_else(PasswordHash::decoy, |user| user.password_hash.clone());
            let matches = directory
                .verify_password(hash, credentials.password)
                .await?;
            Ok(match (user, matches) {
                (Some(user), true) => Identification::Identified {
                    user: Box::new(user),
                    method: AuthenticationMethod::Password,
                },
                (Some(_), false) => Identification::Rejected,
                (None, _) => Identification::Unknown,
            })
        })
    }
}
