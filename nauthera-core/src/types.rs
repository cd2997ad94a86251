//! Spec vocabulary as newtypes: client identifiers, redirect URIs, scopes, subjects and session ids.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::Error;

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_newtype!(
    /// A client identifier (RFC 6749 §2.2).
    ClientId
);
string_newtype!(
    /// The stable, never reassigned identifier of an end-user (`sub`).
    Subject
);
string_newtype!(
    /// A browser session identifier (`sid`, OpenID Connect Front-Channel Logout §2.1).
    SessionId
);
string_newtype!(
    /// The identifier shared by every token issued from one authorization grant, and the refresh-token family.
    GrantId
);
string_newtype!(
    /// The stable identifier of a group of users; its name may change, its id does not.
    GroupId
);

/// A redirection endpoint URI (RFC 6749 §3.1.2): absolute, no fragment, compared exactly as registered.
#[derive(Clone, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct RedirectUri(String);

impl RedirectUri {
    /// Parses a redirect URI.
    ///
    /// # Errors
    /// `invalid_request` when the URI is not absolute or carries a fragment.
    pub fn parse(value: &str) -> Result<Self, Error> {
        let url = Url::parse(value)
            .map_err(|_| Error::invalid_request("redirect_uri is not an absolute URI"))?;
        if url.fragment().is_some() {
            return Err(Error::invalid_request(
                "redirect_uri must not contain a fragment",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The URI exactly as registered or presented.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URI as a [`Url`] to append response parameters to.
    pub fn to_url(&self) -> Result<Url, Error> {
        Url::parse(&self.0)
            .map_err(|_| Error::invalid_request("redirect_uri is not an absolute URI"))
    }
}

impl TryFrom<String> for RedirectUri {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        Self::parse(&value)
    }
}

impl From<RedirectUri> for String {
    fn from(value: RedirectUri) -> Self {
        value.0
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A set of scope tokens (RFC 6749 §3.3), kept sorted so equal sets compare and print equally.
#[derive(Clone, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct Scope(BTreeSet<String>);

/// The OpenID Connect scope that makes a request an authentication request.
pub const OPENID: &str = "openid";
/// The scope that asks for a refresh token (OIDC Core §11).
pub const OFFLINE_ACCESS: &str = "offline_access";

impl Scope {
    /// Parses a space-separated scope string.
    ///
    /// # Errors
    /// `invalid_scope` when a token contains characters outside RFC 6749 §3.3's `NQCHAR`.
    pub fn parse(value: &str) -> Result<Self, Error> {
        let mut set = BTreeSet::new();
        for token in value.split(' ').filter(|token| !token.is_empty()) {
            let valid = token
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
            if !valid {
                return Err(Error::protocol(
                    crate::ErrorCode::InvalidScope,
                    "scope contains invalid characters",
                ));
            }
            set.insert(token.to_owned());
        }
        Ok(Self(set))
    }

    /// A scope from individual tokens (not validated; for configuration and tests).
    pub fn from_tokens<I, T>(tokens: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Self(tokens.into_iter().map(Into::into).collect())
    }

    /// Whether the set holds `token`.
    pub fn contains(&self, token: &str) -> bool {
        self.0.contains(token)
    }

    /// Whether every token of `self` is in `other`.
    pub fn is_subset_of(&self, other: &Scope) -> bool {
        self.0.is_subset(&other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tokens, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// The union of both sets.
    pub fn union(&self, other: &Scope) -> Scope {
        Self(self.0.union(&other.0).cloned().collect())
    }
}

impl TryFrom<String> for Scope {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        Self::parse(&value)
    }
}

impl From<Scope> for String {
    fn from(value: Scope) -> Self {
        value.to_string()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for token in &self.0 {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(token)?;
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_parses_sorts_and_prints() {
        let scope = Scope::parse("profile  openid email").unwrap();
        assert_eq!(scope.to_string(), "email openid profile");
        assert!(Scope::parse("openid").unwrap().is_subset_of(&scope));
        assert!(!Scope::parse("admin").unwrap().is_subset_of(&scope));
    }

    #[test]
    fn scope_rejects_invalid_characters() {
        for bad in ["open\"id", "a\\b", "é"] {
            assert!(Scope::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirect_uri_rejects_fragments_and_relative_uris() {
        assert!(RedirectUri::parse("https://rp.example/cb").is_ok());
        assert!(RedirectUri::parse("https://rp.example/cb#x").is_err());
        assert!(RedirectUri::parse("/cb").is_err());
    }
}
