//! One parsed signing key.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use super::{Algorithm, Jwk};
use crate::error::Error;
use crate::random::{Random, identifier};
use crate::time::UnixTime;

/// A signing key as kept in storage: PKCS#8 DER private key material and its lifecycle.
#[derive(Clone)]
#[non_exhaustive]
pub struct StoredKey {
    /// The key id (`kid`).
    pub kid: String,
    /// The algorithm.
    pub algorithm: Algorithm,
    /// PKCS#8 DER private key.
    pub private_der: Zeroizing<Vec<u8>>,
    /// When the key was created.
    pub created_at: UnixTime,
    /// When the key stopped signing; it stays published until tokens it signed have expired.
    pub retired_at: Option<UnixTime>,
}

impl StoredKey {
    /// Assembles a stored key.
    pub fn new(
        kid: String,
        algorithm: Algorithm,
        private_der: Vec<u8>,
        created_at: UnixTime,
        retired_at: Option<UnixTime>,
    ) -> Self {
        Self {
            kid,
            algorithm,
            private_der: Zeroizing::new(private_der),
            created_at,
            retired_at,
        }
    }

    /// Generates a new key: P-256 for ES256, Ed25519 for EdDSA, 2048-bit RSA for RS256.
    ///
    /// # Errors
    /// [`Error::Crypto`] when generation fails.
    pub fn generate(
        algorithm: Algorithm,
        random: &dyn Random,
        now: UnixTime,
    ) -> Result<Self, Error> {
        let failed = |_| Error::Crypto("key generation failed");
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let der = match algorithm {
            Algorithm::ES256 => signature::EcdsaKeyPair::generate_pkcs8(
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                &rng,
            )
            .map_err(failed)?
            .as_ref()
            .to_vec(),
            Algorithm::EdDSA => signature::Ed25519KeyPair::generate_pkcs8(&rng)
                .map_err(failed)?
                .as_ref()
                .to_vec(),
            Algorithm::RS256 => {
                let pair = signature::RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                    .map_err(failed)?;
                let der: aws_lc_rs::encoding::Pkcs8V1Der<'_> = pair.as_der().map_err(failed)?;
                der.as_ref().to_vec()
            }
        };
        let kid = format!(
            "{}-{}",
            algorithm.as_str().to_ascii_lowercase(),
            identifier(random)?
        );
        Ok(Self::new(kid, algorithm, der, now, None))
    }
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("private_der", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish()
    }
}

enum Pair {
    Ecdsa(signature::EcdsaKeyPair),
    Ed25519(signature::Ed25519KeyPair),
    Rsa(signature::RsaKeyPair),
}

/// A parsed key pair, kept in memory so no token pays for parsing a key.
pub struct SigningKey {
    kid: String,
    algorithm: Algorithm,
    pair: Pair,
    public_key: Vec<u8>,
    jwk: Jwk,
    rng: aws_lc_rs::rand::SystemRandom,
    /// The base64url JWS headers of the token types this key signs, serialized once.
    headers: Vec<(String, String)>,
}

impl SigningKey {
    /// Parses a stored key.
    ///
    /// # Errors
    /// [`Error::Crypto`] when the DER does not hold a key of the stated algorithm.
    pub fn from_stored(stored: &StoredKey) -> Result<Self, Error> {
        Self::from_pkcs8(stored.kid.clone(), stored.algorithm, &stored.private_der)
    }

    /// Parses a PKCS#8 DER private key of the given algorithm.
    ///
    /// # Errors
    /// [`Error::Crypto`] when the DER does not hold a key of the stated algorithm.
    pub fn from_pkcs8(kid: String, algorithm: Algorithm, der: &[u8]) -> Result<Self, Error> {
        let rejected = |_| Error::Crypto("private key rejected");
        let pair = match algorithm {
            Algorithm::ES256 => Pair::Ecdsa(
                signature::EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    der,
                )
                .map_err(rejected)?,
            ),
            Algorithm::EdDSA => Pair::Ed25519(
                signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(rejected)?,
            ),
            Algorithm::RS256 => {
                Pair::Rsa(signature::RsaKeyPair::from_pkcs8(der).map_err(rejected)?)
            }
        };
        let (public_key, jwk) = match &pair {
            Pair::Ecdsa(pair) => {
                let point = pair.public_key().as_ref().to_vec();
                // An uncompressed P-256 point is 0x04 || X (32 bytes) || Y (32 bytes).
                let (x, y) = match point.as_slice() {
                    [0x04, rest @ ..] if rest.len() == 64 => rest.split_at(32),
                    _ => return Err(Error::Crypto("unexpected EC public key encoding")),
                };
                let jwk = Jwk::ec_p256(&kid, x, y);
                (point, jwk)
            }
            Pair::Ed25519(pair) => {
                let public = pair.public_key().as_ref().to_vec();
                let jwk = Jwk::ed25519(&kid, &public);
                (public, jwk)
            }
            Pair::Rsa(pair) => {
                let public = pair.public_key();
                let jwk = Jwk::rsa(
                    &kid,
                    public.modulus().big_endian_without_leading_zero(),
                    public.exponent().big_endian_without_leading_zero(),
                );
                (public.as_ref().to_vec(), jwk)
            }
        };
        let headers = ["at+jwt", "JWT"]
            .into_iter()
            .map(|typ| Ok((typ.to_owned(), encoded_header(algorithm, &kid, typ)?)))
            .collect::<Result<_, Error>>()?;
        Ok(Self {
            kid,
            algorithm,
            pair,
            public_key,
            jwk,
            rng: aws_lc_rs::rand::SystemRandom::new(),
            headers,
        })
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// Signs `message` and returns the JWS signature bytes.
    ///
    /// # Errors
    /// [`Error::Crypto`] when signing fails.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let failed = |_| Error::Crypto("signing failed");
        match &self.pair {
            Pair::Ecdsa(pair) => Ok(pair
                .sign(&self.rng, message)
                .map_err(failed)?
                .as_ref()
                .to_vec()),
            Pair::Ed25519(pair) => Ok(pair.sign(message).as_ref().to_vec()),
            Pair::Rsa(pair) => {
                let mut signature = vec![0_u8; pair.public_modulus_len()];
                pair.sign(
                    &signature::RSA_PKCS1_SHA256,
                    &self.rng,
                    message,
                    &mut signature,
                )
                .map_err(failed)?;
                Ok(signature)
            }
        }
    }

    /// Verifies a signature made by this key.
    pub fn verify(&self, message: &[u8], signature_bytes: &[u8]) -> bool {
        let algorithm: &dyn signature::VerificationAlgorithm = match self.algorithm {
            Algorithm::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
            Algorithm::EdDSA => &signature::ED25519,
            Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        };
        signature::UnparsedPublicKey::new(algorithm, &self.public_key)
            .verify(message, signature_bytes)
            .is_ok()
    }

    /// Signs a JWS compact serialization of `header` and `claims`.
    ///
    /// # Errors
    /// [`Error::Crypto`] when serialization or signing fails.
    pub fn sign_jwt(&self, typ: &str, claims: &impl serde::Serialize) -> Result<String, Error> {
        let claims =
            serde_json::to_vec(claims).map_err(|_| Error::Crypto("claims serialization"))?;
        let mut token = String::with_capacity(512);
        match self.headers.iter().find(|(known, _)| known == typ) {
            Some((_, header)) => token.push_str(header),
            None => token.push_str(&encoded_header(self.algorithm, &self.kid, typ)?),
        }
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(claims, &mut token);
        let signature = self.sign(token.as_bytes())?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }
}

/// The base64url JWS header `{"alg", "kid", "typ"}`.
fn encoded_header(algorithm: Algorithm, kid: &str, typ: &str) -> Result<String, Error> {
    let header = serde_json::json!({ "alg": algorithm.as_str(), "kid": kid, "typ": typ });
    let header = serde_json::to_vec(&header).map_err(|_| Error::Crypto("header serialization"))?;
    Ok(URL_SAFE_NO_PAD.encode(header))
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    #[test]
    fn every_algorithm_signs_and_verifies() {
        for algorithm in [Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256] {
            let stored = StoredKey::generate(algorithm, &SystemRandom::new(), UnixTime(0)).unwrap();
            let key = SigningKey::from_stored(&stored).unwrap();
            let signature = key.sign(b"message").unwrap();
            assert!(key.verify(b"message", &signature), "{algorithm:?}");
            assert!(!key.verify(b"other", &signature), "{algorithm:?}");
            assert_eq!(key.jwk().kid, stored.kid);
        }
    }

    #[test]
    fn wrong_algorithm_is_rejected() {
        let stored =
            StoredKey::generate(Algorithm::EdDSA, &SystemRandom::new(), UnixTime(0)).unwrap();
        assert!(SigningKey::from_pkcs8("k".into(), Algorithm::ES256, &stored.private_der).is_err());
    }
}
