//! End-users: profile claims, password hash and account status.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
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
    /// Further attributes as structured data (department, employee number, …), released as claims only
    /// through a client's claim mapping. Names follow [`validate_attribute_name`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// Claims that the provider itself sets or that a scope releases: an attribute cannot take their name.
pub const RESERVED_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "azp",
    "at_hash",
    "c_hash",
    "sid",
    "scope",
    "client_id",
    "cnf",
    "act",
    "groups",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
];

/// The longest attribute name.
pub const MAX_ATTRIBUTE_NAME: usize = 64;

/// Checks an attribute name: 1 to [`MAX_ATTRIBUTE_NAME`] characters of letters, digits, `_`, `-`, `.` and `:`,
/// and not a [reserved claim](RESERVED_CLAIMS).
///
/// # Errors
/// `invalid_request` naming what is wrong.
pub fn validate_attribute_name(name: &str) -> Result<(), Error> {
    let well_formed = !name.is_empty()
        && name.len() <= MAX_ATTRIBUTE_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    if !well_formed {
        return Err(Error::invalid_request(format!(
            "attribute {name:?}: 1 to {MAX_ATTRIBUTE_NAME} letters, digits, '_', '-', '.' or ':'"
        )));
    }
    if RESERVED_CLAIMS.contains(&name) {
        return Err(Error::invalid_request(format!(
            "attribute {name}: the name of a claim the provider sets itself"
        )));
    }
    Ok(())
}

/// The longest claim name a client may map or set.
pub const MAX_CLAIM_NAME: usize = 256;

/// Checks the name of a claim a client maps from an attribute or sets to a fixed value: 1 to
/// [`MAX_CLAIM_NAME`] characters without spaces or control characters (a short name such as `department`, or a
/// collision-resistant URI such as `https://example.com/team`, RFC 7519 §4.2), and not a
/// [reserved claim](RESERVED_CLAIMS).
///
/// # Errors
/// `invalid_request` naming what is wrong.
pub fn validate_claim_name(name: &str) -> Result<(), Error> {
    let well_formed = !name.is_empty()
        && name.len() <= MAX_CLAIM_NAME
        && !name.chars().any(|c| c.is_whitespace() || c.is_control());
    if !well_formed {
        return Err(Error::invalid_request(format!(
            "claim {name:?}: 1 to {MAX_CLAIM_NAME} characters without spaces or control characters"
        )));
    }
    if RESERVED_CLAIMS.contains(&name) {
        return Err(Error::invalid_request(format!(
            "claim {name}: the name of a claim the provider sets itself"
        )));
    }
    Ok(())
}

/// A change to a user's profile: what is `Some` or listed changes, the rest stays.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct UserUpdate {
    /// The new full name; empty removes it.
    pub name: Option<String>,
    /// The new email address; empty removes it.
    pub email: Option<String>,
    /// Whether the (new or current) email address is verified; a changed address is unverified otherwise.
    pub email_verified: bool,
    /// Attributes to set.
    pub set_attributes: serde_json::Map<String, serde_json::Value>,
    /// Attributes to remove.
    pub remove_attributes: Vec<String>,
}

impl UserUpdate {
    /// Applies the change to `claims`, stamping `updated_at` with `now`.
    ///
    /// # Errors
    /// `invalid_request` for an attribute name [`validate_attribute_name`] refuses.
    pub fn apply(self, claims: &mut UserClaims, now: UnixTime) -> Result<(), Error> {
        for name in self.set_attributes.keys().chain(&self.remove_attributes) {
            validate_attribute_name(name)?;
        }
        let non_empty = |value: String| (!value.trim().is_empty()).then_some(value);
        if let Some(name) = self.name {
            claims.name = non_empty(name);
        }
        if let Some(email) = self.email {
            let email = non_empty(email);
            if email != claims.email {
                claims.email_verified = false;
            }
            claims.email = email;
        }
        if self.email_verified && claims.email.is_some() {
            claims.email_verified = true;
        }
        for name in &self.remove_attributes {
            claims.attributes.remove(name);
        }
        claims.attributes.extend(self.set_attributes);
        claims.updated_at = Some(now.0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_change_what_they_name() {
        let mut claims = UserClaims {
            email: Some("old@example.com".into()),
            email_verified: true,
            ..UserClaims::default()
        };
        let mut update = UserUpdate {
            name: Some("Alice".into()),
            email: Some("new@example.com".into()),
            ..UserUpdate::default()
        };
        update
            .set_attributes
            .insert("department".into(), serde_json::json!("R&D"));
        update.apply(&mut claims, UnixTime(7)).unwrap();
        assert_eq!(claims.name.as_deref(), Some("Alice"));
        assert_eq!(claims.email.as_deref(), Some("new@example.com"));
        assert!(!claims.email_verified, "a changed address is not verified");
        assert_eq!(claims.attributes["department"], "R&D");
        assert_eq!(claims.updated_at, Some(7));

        let removal = UserUpdate {
            name: Some(String::new()),
            remove_attributes: vec!["department".into()],
            ..UserUpdate::default()
        };
        removal.apply(&mut claims, UnixTime(8)).unwrap();
        assert_eq!(claims.name, None);
        assert!(claims.attributes.is_empty());
    }

    #[test]
    fn attributes_cannot_shadow_claims() {
        for name in ["sub", "groups", "email", "", "a b", &"x".repeat(65)] {
            let mut update = UserUpdate::default();
            update.set_attributes.insert(name.to_owned(), 1.into());
            assert!(
                update
                    .apply(&mut UserClaims::default(), UnixTime(0))
                    .is_err(),
                "{name:?} is refused"
            );
        }
        assert!(validate_attribute_name("employee_number").is_ok());
        assert!(validate_attribute_name("urn:example:team").is_ok());
    }

    #[test]
    fn claim_names_may_be_uris_but_not_reserved() {
        for name in [
            "department",
            "https://example.com/team",
            "urn:example:tenant",
        ] {
            assert!(validate_claim_name(name).is_ok(), "{name:?} is accepted");
        }
        let long = "x".repeat(MAX_CLAIM_NAME + 1);
        for name in ["sub", "groups", "email", "nonce", "", "a b", "a\tb", &long] {
            assert!(validate_claim_name(name).is_err(), "{name:?} is refused");
        }
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
