//! The key set: one active signing key per algorithm, earlier keys published until their tokens expire.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::{Algorithm, JwkSet, SigningKey, StoredKey};
use crate::error::Error;
use crate::time::UnixTime;

/// The keys in use, parsed once; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct KeySet {
    default_algorithm: Algorithm,
    active: BTreeMap<Algorithm, Arc<SigningKey>>,
    published: BTreeMap<String, Arc<SigningKey>>,
    jwks: JwkSet,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
}

/// A JWT whose signature was verified against a key of the set.
#[derive(Debug)]
pub struct VerifiedJwt {
    /// The `typ` header, if any.
    pub typ: Option<String>,
    /// The decoded claims.
    pub claims: serde_json::Value,
}

impl KeySet {
    /// Builds the set from stored keys: for each algorithm the newest unretired key signs; retired keys stay
    /// published for `publish_retired_for` after retirement (the longest token lifetime).
    ///
    /// # Errors
    /// [`Error::Crypto`] when a key does not parse or no key of `default_algorithm` or RS256 is active.
    pub fn from_stored(
        stored: &[StoredKey],
        default_algorithm: Algorithm,
        now: UnixTime,
        publish_retired_for: Duration,
    ) -> Result<Self, Error> {
        let mut active = BTreeMap::new();
        let mut newest: BTreeMap<Algorithm, UnixTime> = BTreeMap::new();
        let mut published = BTreeMap::new();
        for key in stored {
            let still_published = key
                .retired_at
                .is_none_or(|retired| retired.plus(publish_retired_for) > now);
            if !still_published {
                continue;
            }
            let parsed = Arc::new(SigningKey::from_stored(key)?);
            if key.retired_at.is_none()
                && newest
                    .get(&key.algorithm)
                    .is_none_or(|seen| key.created_at >= *seen)
            {
                newest.insert(key.algorithm, key.created_at);
                active.insert(key.algorithm, Arc::clone(&parsed));
            }
            published.insert(key.kid.clone(), parsed);
        }
        for required in [default_algorithm, Algorithm::RS256] {
            if !active.contains_key(&required) {
                return Err(Error::Crypto(
                    "no active signing key for a required algorithm",
                ));
            }
        }
        let jwks = JwkSet {
            keys: published.values().map(|key| key.jwk().clone()).collect(),
        };
        Ok(Self {
            default_algorithm,
            active,
            published,
            jwks,
        })
    }

    /// The algorithms that must always have an active key: the default and RS256.
    pub fn required_algorithms(default_algorithm: Algorithm) -> Vec<Algorithm> {
        if default_algorithm == Algorithm::RS256 {
            vec![Algorithm::RS256]
        } else {
            vec![default_algorithm, Algorithm::RS256]
        }
    }

    /// The default algorithm.
    pub fn default_algorithm(&self) -> Algorithm {
        self.default_algorithm
    }

    /// The active key of the default algorithm.
    pub fn default_signer(&self) -> Result<&SigningKey, Error> {
        self.signer(self.default_algorithm)
    }

    /// The active key of `algorithm`.
    ///
    /// # Errors
    /// [`Error::Crypto`] when no key of that algorithm is active.
    pub fn signer(&self, algorithm: Algorithm) -> Result<&SigningKey, Error> {
        self.active
            .get(&algorithm)
            .map(AsRef::as_ref)
            .ok_or(Error::Crypto("no active signing key for the algorithm"))
    }

    /// The published public keys.
    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    /// The algorithms that have an active key, default first.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        let mut algorithms = vec![self.default_algorithm];
        algorithms.extend(
            self.active
                .keys()
                .filter(|alg| **alg != self.default_algorithm),
        );
        algorithms
    }

    /// Whether the token's header names a key id this set does not publish (the key may be newer than the
    /// set: reload and retry).
    pub fn is_unknown_kid(&self, token: &str) -> bool {
        let Some(header) = token.split('.').next() else {
            return false;
        };
        let Some(header) = URL_SAFE_NO_PAD
            .decode(header)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Header>(&bytes).ok())
        else {
            return false;
        };
        header
            .kid
            .is_some_and(|kid| !self.published.contains_key(&kid))
    }

    /// Verifies a compact JWS signed by one of the published keys and decodes its claims. Lifetimes are the
    /// caller's to check.
    pub fn verify(&self, token: &str) -> Option<VerifiedJwt> {
        let mut parts = token.split('.');
        let (Some(header_b64), Some(claims_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let header: Header =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header_b64).ok()?).ok()?;
        let key = self.published.get(header.kid.as_deref()?)?;
        if Algorithm::parse(&header.alg) != Some(key.algorithm()) {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature_b64).ok()?;
        let signed_len = header_b64.len() + 1 + claims_b64.len();
        if !key.verify(&token.as_bytes()[..signed_len], &signature) {
            return None;
        }
        let claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims_b64).ok()?).ok()?;
        Some(VerifiedJwt {
            typ: header.typ,
            claims,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    fn key(algorithm: Algorithm, created: i64, retired: Option<i64>) -> StoredKey {
        let mut key =
            StoredKey::generate(algorithm, &SystemRandom::new(), UnixTime(created)).unwrap();
        key.retired_at = retired.map(UnixTime);
        key
    }

    #[test]
    fn newest_active_key_signs_and_retired_keys_stay_published_for_a_while() {
        let old = key(Algorithm::ES256, 100, Some(200));
        let new = key(Algorithm::ES256, 200, None);
        let rsa = key(Algorithm::RS256, 100, None);
        let stored = [old.clone(), new.clone(), rsa];
        let set = KeySet::from_stored(
            &stored,
            Algorithm::ES256,
            UnixTime(250),
            Duration::from_secs(100),
        )
        .unwrap();
        assert_eq!(set.default_signer().unwrap().kid(), new.kid);
        assert_eq!(set.jwks().keys.len(), 3);
        let later = KeySet::from_stored(
            &stored,
            Algorithm::ES256,
            UnixTime(301),
            Duration::from_secs(100),
        )
        .unwrap();
        assert_eq!(later.jwks().keys.len(), 2);
        assert!(!later.jwks().keys.iter().any(|jwk| jwk.kid == old.kid));
    }

    #[test]
    fn verify_accepts_own_tokens_and_rejects_tampering() {
        let stored = [
            key(Algorithm::EdDSA, 0, None),
            key(Algorithm::RS256, 0, None),
        ];
        let set = KeySet::from_stored(
            &stored,
            Algorithm::EdDSA,
            UnixTime(0),
            Duration::from_secs(1),
        )
        .unwrap();
        let token = set
            .default_signer()
            .unwrap()
            .sign_jwt("JWT", &serde_json::json!({"sub": "a"}))
            .unwrap();
        assert_eq!(set.verify(&token).unwrap().claims["sub"], "a");
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'x');
        assert!(set.verify(&tampered).is_none());
        assert!(set.verify("a.b").is_none());
    }

    #[test]
    fn a_required_algorithm_without_key_is_an_error() {
        let stored = [key(Algorithm::ES256, 0, None)];
        assert!(
            KeySet::from_stored(
                &stored,
                Algorithm::ES256,
                UnixTime(0),
                Duration::from_secs(1)
            )
            .is_err()
        );
    }
}
