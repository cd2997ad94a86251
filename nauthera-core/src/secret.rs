//! Secret values: never printed, never serialized, compared only in constant time or by digest.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(Zeroizing::new(value.into()))
            }

            /// The secret itself.
            ///
            /// # Security
            /// The value must not reach logs, error messages or anything persisted in clear text.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }

            /// The SHA-256 digest under which the value is stored and looked up.
            pub fn digest(&self) -> TokenDigest {
                TokenDigest::of(self.expose_secret())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// An OAuth 2.0 authorization code (RFC 6749 §4.1.2).
    AuthorizationCode
);
secret_type!(
    /// A client secret (RFC 6749 §2.3.1).
    ClientSecret
);
secret_type!(
    /// A PKCE code verifier (RFC 7636 §4.1).
    CodeVerifier
);
secret_type!(
    /// An end-user password.
    Password
);
secret_type!(
    /// A refresh token (RFC 6749 §1.5).
    RefreshToken
);
secret_type!(
    /// An access token (a signed JWT per RFC 9068).
    AccessToken
);

/// The base64url SHA-256 digest of a secret: what the store keeps instead of codes and tokens.
#[derive(Clone, Debug, Eq, Hash, PartialEq)]
pub struct TokenDigest(String);

impl TokenDigest {
    /// The digest of `secret`.
    pub fn of(secret: &str) -> Self {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, secret.as_bytes());
        Self(URL_SAFE_NO_PAD.encode(digest.as_ref()))
    }

    /// Rebuilds a digest read back from storage.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    /// The digest in base64url.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Compares two byte strings in constant time.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts() {
        let secret = ClientSecret::new("s3cr3t");
        assert_eq!(format!("{secret:?}"), "ClientSecret([redacted])");
    }

    #[test]
    fn digest_is_stable_and_hides_the_value() {
        let code = AuthorizationCode::new("nac_abc");
        assert_eq!(code.digest(), TokenDigest::of("nac_abc"));
        assert!(!code.digest().as_str().contains("abc"));
    }
}
