//! Proof Key for Code Exchange (RFC 7636), S256 only as RFC 9700 §2.1.1 recommends.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::secret::{CodeVerifier, constant_time_eq};

/// An S256 code challenge: `BASE64URL(SHA256(ASCII(code_verifier)))`.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// Parses the `code_challenge` and `code_challenge_method` request parameters.
    ///
    /// # Errors
    /// `invalid_request` when the challenge is missing, malformed, or its method is not `S256` (`plain` included).
    pub fn parse(challenge: Option<&str>, method: Option<&str>) -> Result<Self, Error> {
        let challenge =
            challenge.ok_or_else(|| Error::invalid_request("code_challenge is required (PKCE)"))?;
        match method {
            Some("S256") => {}
            None | Some("plain") => {
                return Err(Error::invalid_request(
                    "code_challenge_method must be S256; plain is not supported",
                ));
            }
            Some(_) => return Err(Error::invalid_request("transform algorithm not supported")),
        }
        // A SHA-256 digest in unpadded base64url is always 43 characters.
        let well_formed = challenge.len() == 43
            && challenge
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(Error::invalid_request(
                "code_challenge is not an S256 challenge",
            ));
        }
        Ok(Self(challenge.to_owned()))
    }

    /// Derives the challenge of a verifier.
    pub fn s256(verifier: &CodeVerifier) -> Self {
        let digest = aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            verifier.expose_secret().as_bytes(),
        );
        Self(URL_SAFE_NO_PAD.encode(digest.as_ref()))
    }

    /// Checks a `code_verifier` against this challenge (RFC 7636 §4.6).
    ///
    /// # Errors
    /// `invalid_grant` when the verifier is malformed or does not match.
    pub fn verify(&self, verifier: &CodeVerifier) -> Result<(), Error> {
        let value = verifier.expose_secret();
        let well_formed = (43..=128).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        if !well_formed {
            return Err(Error::invalid_grant("code_verifier is malformed"));
        }
        if constant_time_eq(Self::s256(verifier).0.as_bytes(), self.0.as_bytes()) {
            Ok(())
        } else {
            Err(Error::invalid_grant(
                "code_verifier does not match the code_challenge",
            ))
        }
    }

    /// The challenge string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b() {
        let verifier = CodeVerifier::new(VERIFIER);
        assert_eq!(CodeChallenge::s256(&verifier).as_str(), CHALLENGE);
        let challenge = CodeChallenge::parse(Some(CHALLENGE), Some("S256")).unwrap();
        challenge.verify(&verifier).unwrap();
    }

    #[test]
    fn rejects_plain_missing_and_wrong_verifier() {
        assert!(CodeChallenge::parse(Some(CHALLENGE), Some("plain")).is_err());
        assert!(CodeChallenge::parse(Some(CHALLENGE), None).is_err());
        assert!(CodeChallenge::parse(None, Some("S256")).is_err());
        assert!(CodeChallenge::parse(Some("short"), Some("S256")).is_err());
        let challenge = CodeChallenge::parse(Some(CHALLENGE), Some("S256")).unwrap();
        let wrong = CodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX");
        assert!(challenge.verify(&wrong).is_err());
        assert!(challenge.verify(&CodeVerifier::new("too-short")).is_err());
    }

    /// Cross-checks against oxide-auth, an independent OAuth 2.0 implementation: both must accept and reject
    /// the same challenges and verifiers.
    #[test]
    fn agrees_with_oxide_auth() {
        use std::borrow::Cow;

        use crate::random::{Random, SystemRandom};

        let oxide = oxide_auth::code_grant::extensions::Pkce::required();
        let random = SystemRandom::new();
        let mut verifiers = vec![VERIFIER.to_owned()];
        for _ in 0..20 {
            let mut bytes = [0_u8; 48];
            random.fill(&mut bytes).unwrap();
            verifiers.push(URL_SAFE_NO_PAD.encode(bytes));
        }
        for (method, ours_accepts) in [(Some("S256"), true), (Some("plain"), false), (None, false)]
        {
            let oxide_accepts = oxide
                .challenge(method.map(Cow::Borrowed), Some(Cow::Borrowed(CHALLENGE)))
                .is_ok();
            assert_eq!(oxide_accepts, ours_accepts, "{method:?}");
            assert_eq!(
                CodeChallenge::parse(Some(CHALLENGE), method).is_ok(),
                ours_accepts,
                "{method:?}"
            );
        }
        assert!(oxide.challenge(Some(Cow::Borrowed("S256")), None).is_err());
        for challenger in &verifiers {
            let ours = CodeChallenge::s256(&CodeVerifier::new(challenger.as_str()));
            let stored = oxide
                .challenge(
                    Some(Cow::Borrowed("S256")),
                    Some(Cow::Borrowed(ours.as_str())),
                )
                .unwrap();
            for presented in &verifiers {
                let oxide_ok = oxide
                    .verify(stored.clone(), Some(Cow::Borrowed(presented.as_str())))
                    .is_ok();
                let ours_ok = ours.verify(&CodeVerifier::new(presented.as_str())).is_ok();
                assert_eq!(oxide_ok, ours_ok);
                assert_eq!(ours_ok, challenger == presented);
            }
        }
    }
}
