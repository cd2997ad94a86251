//! Public keys as JSON Web Keys (RFC 7517), the JWKS document.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

/// A public JSON Web Key.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Jwk {
    /// Key type: `EC`, `OKP` or `RSA`.
    pub kty: &'static str,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub use_: &'static str,
    /// The algorithm the key is used with.
    pub alg: &'static str,
    /// The key id.
    pub kid: String,
    /// Curve, for EC and OKP keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<&'static str>,
    /// X coordinate (EC) or public key (OKP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Y coordinate (EC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// RSA modulus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA public exponent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

impl Jwk {
    fn base(kty: &'static str, alg: &'static str, kid: &str) -> Self {
        Self {
            kty,
            use_: "sig",
            alg,
            kid: kid.to_owned(),
            crv: None,
            x: None,
            y: None,
            n: None,
            e: None,
        }
    }

    pub(crate) fn ec_p256(kid: &str, x: &[u8], y: &[u8]) -> Self {
        Self {
            crv: Some("P-256"),
            x: Some(URL_SAFE_NO_PAD.encode(x)),
            y: Some(URL_SAFE_NO_PAD.encode(y)),
            ..Self::base("EC", "ES256", kid)
        }
    }

    pub(crate) fn ed25519(kid: &str, public: &[u8]) -> Self {
        Self {
            crv: Some("Ed25519"),
            x: Some(URL_SAFE_NO_PAD.encode(public)),
            ..Self::base("OKP", "EdDSA", kid)
        }
    }

    pub(crate) fn rsa(kid: &str, modulus: &[u8], exponent: &[u8]) -> Self {
        Self {
            n: Some(URL_SAFE_NO_PAD.encode(modulus)),
            e: Some(URL_SAFE_NO_PAD.encode(exponent)),
            ..Self::base("RSA", "RS256", kid)
        }
    }
}

/// A JWK Set document (RFC 7517 §5).
#[derive(Clone, Debug, Serialize)]
pub struct JwkSet {
    /// The published keys.
    pub keys: Vec<Jwk>,
}
