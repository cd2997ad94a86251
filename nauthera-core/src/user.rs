//! End-users: profile claims, password hash and account status.

use serde::{Deserialize, Serialize};

pub use crate::password::PasswordHash;
use crate::time::UnixTime;
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
    /// A disabled user cannot sign in, and their sessions and refresh tokens stop working.
    #[serde(default)]
    pub disabled: bool,
    /// Browser sessions that authenticated at or before this time are over (set when the password changes or
    /// the account is disabled: every session of the user ends).
    #[serde(default)]
    pub sessions_not_before: Option<UnixTime>,
}

impl User {
    /// A user with the given subject, username and password hash and no profile claims.
    pub fn new(subject: Subject, username: impl Into<String>, password_hash: PasswordHash) -> Self {
        Self {
            subject,
            username: username.into(),
            password_hash,
            claims: UserClaims::default(),
            disabled: false,
            sessions_not_before: None,
        }
    }

    /// Whether a browser session that authenticated at `auth_time` still belongs to this user: the account is
    /// enabled and the session started after the last "end every session" event. Times are in seconds, so a
    /// session that started in the same second as the event ends too.
    pub fn accepts_session(&self, auth_time: UnixTime) -> bool {
        !self.disabled
            && self
                .sessions_not_before
                .is_none_or(|not_before| auth_time > not_before)
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

#[cfg(test)]
mod tests {
    use super::*;

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
