//! End-users: profile claims and argon2id password hashes.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::random::Random;
use crate::secret::Password;
use crate::types::{Scope, Subject};

/// A local end-user.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[non_exhaustive]
pub struct User {
    /// The stable subject identifier.
    pub subject: Subject,
    /// The login name, unique.
    pub username: String,
    /// The argon2id hash of the password.
    pub password_hash: PasswordHash,
    /// Profile and email claims.
    pub claims: UserClaims,
}

impl User {
    /// A user with the given subject, username and password hash and no profile claims.
    pub fn new(subject: Subject, username: impl Into<String>, password_hash: PasswordHash) -> Self {
        Self {
            subject,
            username: username.into(),
            password_hash,
            claims: UserClaims::default(),
        }
    }

    /// The standard claims the scope releases (OpenID Connect Core §5.4), without `sub`.
    pub fn claims_for(&self, scope: &Scope) -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        let mut put = |name: &str, value: Option<serde_json::Value>| {
            if let Some(value) = value {
                out.insert(name.to_owned(), value);
            }
        };
        if scope.contains("profile") {
            put("name", self.claims.name.clone().map(Into::into));
            put("given_name", self.claims.given_name.clone().map(Into::into));
            put(
                "family_name",
                self.claims.family_name.clone().map(Into::into),
            );
            put("preferred_username", Some(self.username.clone().into()));
            put("locale", self.claims.locale.clone().map(Into::into));
            put("updated_at", self.claims.updated_at.map(Into::into));
        }
        if scope.contains("email") {
            put("email", self.claims.email.clone().map(Into::into));
            put(
                "email_verified",
                self.claims
                    .email
                    .as_ref()
                    .map(|_| self.claims.email_verified.into()),
            );
        }
        out
    }
}

/// Profile and email claims of a user.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UserClaims {
    /// Full name.
    pub name: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Whether the email address was verified.
    pub email_verified: bool,
    /// BCP 47 language tag.
    pub locale: Option<String>,
    /// When the profile last changed, in seconds since the epoch.
    pub updated_at: Option<i64>,
}

/// An argon2id password hash in PHC string format.
#[derive(Clone, Deserialize, Eq, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Hashes a password with argon2id and OWASP's parameters (19 MiB, 2 passes, 1 lane).
    ///
    /// This takes tens of milliseconds of CPU: call it off the async executor.
    ///
    /// # Errors
    /// [`Error::Crypto`] when hashing or the random source fails.
    pub fn new(password: &Password, random: &dyn Random) -> Result<Self, Error> {
        let mut salt = [0_u8; 16];
        random.fill(&mut salt)?;
        let salt =
            SaltString::encode_b64(&salt).map_err(|_| Error::Crypto("salt encoding failed"))?;
        let hash = hasher()?
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map_err(|_| Error::Crypto("password hashing failed"))?;
        Ok(Self(hash.to_string()))
    }

    /// Rebuilds a hash read back from storage.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    /// The PHC string.
    pub fn as_stored(&self) -> &str {
        &self.0
    }

    /// Whether `password` matches. This takes tens of milliseconds of CPU: call it off the async executor and
    /// bound how many run at once.
    pub fn verify(&self, password: &Password) -> bool {
        let Ok(parsed) = argon2::password_hash::PasswordHash::new(&self.0) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok()
    }

    /// A fixed hash to verify against when the username is unknown, so the response time does not reveal
    /// which usernames exist.
    pub fn decoy() -> Self {
        Self(
            "$argon2id$v=19$m=19456,t=2,p=1$bmF1dGhlcmFkZWNveXNhbHQ$1KBu7UtNahMSt8k1gjBUMvsQ+WPmTVJZw8jSKeIF4dU"
                .to_owned(),
        )
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

fn hasher() -> Result<Argon2<'static>, Error> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|_| Error::Crypto("argon2 parameters"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    #[test]
    fn password_hash_round_trip() {
        let hash =
            PasswordHash::new(&Password::new("correct horse"), &SystemRandom::new()).unwrap();
        assert!(
            hash.as_stored()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
        assert!(hash.verify(&Password::new("correct horse")));
        assert!(!hash.verify(&Password::new("wrong")));
    }

    #[test]
    fn decoy_is_a_valid_hash_that_matches_nothing_common() {
        assert!(!PasswordHash::decoy().verify(&Password::new("")));
        assert!(
            argon2::password_hash::PasswordHash::new(PasswordHash::decoy().as_stored()).is_ok()
        );
    }

    #[test]
    fn claims_follow_scope() {
        let mut user = User::new(Subject::new("s"), "alice", PasswordHash::decoy());
        user.claims.email = Some("alice@example.com".into());
        user.claims.name = Some("Alice".into());
        let none = user.claims_for(&Scope::parse("openid").unwrap());
        assert!(none.is_empty());
        let both = user.claims_for(&Scope::parse("openid profile email").unwrap());
        assert_eq!(both["email"], "alice@example.com");
        assert_eq!(both["email_verified"], false);
        assert_eq!(both["preferred_username"], "alice");
    }
}
