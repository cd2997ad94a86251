//! Authentication factors: how a browser session's end-user proved who they are, and when.
//!
//! A session records every factor it satisfied ([`SatisfiedFactor`]); the names are the Authentication Method
//! Reference values of RFC 8176, so they become the ID token's `amr` and, with the policy, its `acr`.

use serde::{Deserialize, Serialize};

use crate::time::UnixTime;

/// An authentication method, named by its RFC 8176 `amr` value.
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
#[non_exhaustive]
pub enum AuthenticationMethod {
    /// A password or other memorised secret, checked by a user source (`pwd`).
    #[serde(rename = "pwd")]
    Password,
}

impl AuthenticationMethod {
    /// The RFC 8176 `amr` value.
    pub fn amr(self) -> &'static str {
        match self {
            Self::Password => "pwd",
        }
    }
}

/// One factor a session satisfied: the method, when, and through which user source.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SatisfiedFactor {
    /// The method.
    pub method: AuthenticationMethod,
    /// When it was satisfied.
    pub at: UnixTime,
    /// The user source that checked it (for example `local`).
    pub source: String,
}

impl SatisfiedFactor {
    /// A factor satisfied at `at` through `source`.
    pub fn new(method: AuthenticationMethod, at: UnixTime, source: impl Into<String>) -> Self {
        Self {
            method,
            at,
            source: source.into(),
        }
    }
}
