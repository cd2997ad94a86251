//! `id_token_hint` (OpenID Connect Core 1.0 §3.1.2.1, RP-Initiated Logout 1.0 §2): an ID token this provider
//! issued to a client, accepted after it expired.
//! Any other JWT the provider signed, such as an access token (`typ: at+jwt`), is not a hint.

use serde::Deserialize;

use crate::cache::Cache;
use crate::error::Error;
use crate::keys::VerifiedJwt;
use crate::provider::Provider;
use crate::storage::Storage;

/// The `typ` header of the ID tokens this provider issues (access tokens carry `at+jwt`, RFC 9068).
const ID_TOKEN_TYP: &str = "JWT";

/// The claims of an ID token that a hint relies on.
#[derive(Debug, Eq, PartialEq)]
pub(crate) struct IdTokenHint {
    /// The end-user.
    pub(crate) sub: String,
    /// The browser session the token was issued in, if it names one.
    pub(crate) sid: Option<String>,
    /// The client the token was issued to: its authorized party (`azp`), or else its only audience.
    pub(crate) client_id: String,
    /// Every audience of the token.
    audience: Vec<String>,
}

/// The claims read from the token; the others are ignored.
#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: Audience,
    azp: Option<String>,
    sid: Option<String>,
}

/// `aud`: one string or an array of strings (RFC 7519 §4.1.3).
#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    Many(Vec<String>),
    One(String),
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Reads an `id_token_hint`: signed by a published key of this provider, with an ID token's `typ`, from this
    /// issuer, to a client. Expired tokens are fine as hints. Whether that client is registered is the caller's
    /// to check.
    ///
    /// # Errors
    /// `invalid_request` when the hint is anything else.
    pub(crate) fn id_token_hint(&self, hint: &str) -> Result<IdTokenHint, Error> {
        let verified = self.keys().verify(hint).ok_or_else(not_an_id_token)?;
        IdTokenHint::from_verified(verified, self.config.issuer_str())
    }
}

impl IdTokenHint {
    /// Reads a hint from a JWT whose signature was verified against this provider's keys.
    ///
    /// # Errors
    /// `invalid_request` when the JWT is not an ID token (its `typ`), names another issuer, or lacks a
    /// subject or a client among its audience.
    pub(crate) fn from_verified(jwt: VerifiedJwt, issuer: &str) -> Result<Self, Error> {
        if jwt.typ.as_deref() != Some(ID_TOKEN_TYP) {
            return Err(not_an_id_token());
        }
        let claims: Claims = serde_json::from_value(jwt.claims).map_err(|_| not_an_id_token())?;
        if claims.iss != issuer {
            return Err(not_an_id_token());
        }
        let audience = match claims.aud {
            Audience::Many(audience) => audience,
            Audience::One(audience) => vec![audience],
        };
        let client_id = match (claims.azp, audience.as_slice()) {
            (Some(azp), _) => azp,
            (None, [only]) => only.clone(),
            (None, _) => return Err(not_an_id_token()),
        };
        if !audience.contains(&client_id) {
            return Err(not_an_id_token());
        }
        Ok(Self {
            sub: claims.sub,
            sid: claims.sid,
            client_id,
            audience,
        })
    }

    /// Whether the token was issued to `client_id` (its audience includes it).
    pub(crate) fn is_issued_to(&self, client_id: &str) -> bool {
        self.audience.iter().any(|audience| audience == client_id)
    }
}

fn not_an_id_token() -> Error {
    Error::invalid_request("id_token_hint is not an ID token issued here to a client")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ISSUER: &str = "https://id.example.com";

    fn check(typ: Option<&str>, claims: serde_json::Value, expect: Option<(&str, &str)>) {
        let jwt = VerifiedJwt {
            typ: typ.map(str::to_owned),
            claims: claims.clone(),
        };
        let read = IdTokenHint::from_verified(jwt, ISSUER);
        let read = read
            .as_ref()
            .ok()
            .map(|hint| (hint.sub.as_str(), hint.client_id.as_str()));
        assert_eq!(read, expect, "typ {typ:?}, claims {claims}");
    }

    #[test]
    fn only_id_tokens_from_this_issuer_to_a_client_are_hints() {
        let id_token = json!({"iss": ISSUER, "sub": "alice", "aud": "web", "azp": "web", "sid": "s1", "exp": 1});
        check(Some("JWT"), id_token.clone(), Some(("alice", "web")));
        // An access token (RFC 9068), or a JWT without a typ, is not a hint.
        check(Some("at+jwt"), id_token.clone(), None);
        check(None, id_token, None);
        let access_token = json!({"iss": ISSUER, "sub": "alice", "aud": ISSUER, "client_id": "web",
                                  "scope": "openid", "jti": "j", "exp": 1, "iat": 0});
        check(Some("at+jwt"), access_token, None);
        // Another issuer, no subject, no audience.
        check(
            Some("JWT"),
            json!({"iss": "https://other.example", "sub": "alice", "aud": "web"}),
            None,
        );
        check(Some("JWT"), json!({"iss": ISSUER, "aud": "web"}), None);
        check(Some("JWT"), json!({"iss": ISSUER, "sub": "alice"}), None);
        check(
            Some("JWT"),
            json!({"iss": ISSUER, "sub": "alice", "aud": 7}),
            None,
        );
        // The client is the authorized party, or the only audience; an azp outside the audience is refused.
        check(
            Some("JWT"),
            json!({"iss": ISSUER, "sub": "alice", "aud": ["web"]}),
            Some(("alice", "web")),
        );
        check(
            Some("JWT"),
            json!({"iss": ISSUER, "sub": "alice", "aud": ["web", "api"], "azp": "web"}),
            Some(("alice", "web")),
        );
        check(
            Some("JWT"),
            json!({"iss": ISSUER, "sub": "alice", "aud": ["web", "api"]}),
            None,
        );
        check(
            Some("JWT"),
            json!({"iss": ISSUER, "sub": "alice", "aud": "web", "azp": "spa"}),
            None,
        );
    }

    #[test]
    fn the_audience_decides_whom_the_hint_was_issued_to() {
        let jwt = VerifiedJwt {
            typ: Some("JWT".to_owned()),
            claims: json!({"iss": ISSUER, "sub": "alice", "aud": ["web", "api"], "azp": "web", "sid": "s1"}),
        };
        let hint = IdTokenHint::from_verified(jwt, ISSUER).unwrap();
        assert!(hint.is_issued_to("web"));
        assert!(hint.is_issued_to("api"));
        assert!(!hint.is_issued_to("spa"));
        assert_eq!(hint.sid.as_deref(), Some("s1"));
    }
}
