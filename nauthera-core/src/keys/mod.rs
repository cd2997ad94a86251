//! Signing keys: ES256 (default), EdDSA and RS256, parsed once and kept in memory; the key set and its JWKS.

mod jwk;
pub(crate) mod key_set;
mod signing_key;
mod stored_secret;

pub use jwk::{Jwk, JwkSet};
pub use key_set::{KeySet, VerifiedJwt};
pub use signing_key::{SigningKey, StoredKey};
pub use stored_secret::StoredSecret;

use serde::{Deserialize, Serialize};

/// A JWS signing algorithm (RFC 7518 §3.1, RFC 8037).
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, Ord, PartialEq, PartialOrd, Serialize)]
#[non_exhaustive]
pub enum Algorithm {
    /// ECDSA with P-256 and SHA-256: the default.
    ES256,
    /// Ed25519 signatures.
    EdDSA,
    /// RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys: the algorithm every OIDC client supports.
    RS256,
}

impl Algorithm {
    /// The `alg` header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
            Self::RS256 => "RS256",
        }
    }

    /// Parses an `alg` value.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "ES256" => Some(Self::ES256),
            "EdDSA" => Some(Self::EdDSA),
            "RS256" => Some(Self::RS256),
            _ => None,
        }
    }

    /// The hash used for `at_hash` and `c_hash` (OpenID Connect Core §3.1.3.6): SHA-256 for ES256 and RS256,
    /// SHA-512 for Ed25519.
    pub fn token_hash_algorithm(self) -> &'static aws_lc_rs::digest::Algorithm {
        match self {
            Self::ES256 | Self::RS256 => &aws_lc_rs::digest::SHA256,
            Self::EdDSA => &aws_lc_rs::digest::SHA512,
        }
    }
}
