//! Registered clients (RFC 6749 §2, OpenID Connect Dynamic Client Registration §2 vocabulary).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::keys::Algorithm;
use crate::random::Random;
use crate::secret::{ClientSecret, constant_time_eq};
use crate::types::{ClientId, RedirectUri, Scope};

/// How a client authenticates at the token, introspection and revocation endpoints.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClientAuthMethod {
    /// HTTP Basic with the client id and secret (RFC 6749 §2.3.1).
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// A public client: it sends only `client_id` and must use PKCE.
    None,
}

impl ClientAuthMethod {
    /// The registered name of the method.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
        }
    }
}

/// A grant type a client may use.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GrantType {
    /// The authorization code grant (RFC 6749 §4.1).
    AuthorizationCode,
    /// The client credentials grant (RFC 6749 §4.4).
    ClientCredentials,
    /// The refresh token grant (RFC 6749 §6).
    RefreshToken,
}

impl GrantType {
    /// Parses the `grant_type` parameter.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "authorization_code" => Some(Self::AuthorizationCode),
            "client_credentials" => Some(Self::ClientCredentials),
            "refresh_token" => Some(Self::RefreshToken),
            _ => None,
        }
    }

    /// The registered name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::ClientCredentials => "client_credentials",
            Self::RefreshToken => "refresh_token",
        }
    }
}

/// A client secret as stored: a random salt and `SHA-256(salt || secret)`.
///
/// A slow password hash is deliberately not used: client secrets are generated with 256 bits of entropy, so a
/// fast salted hash is as strong against offline guessing and keeps the token endpoint fast.
#[derive(Clone, Deserialize, Eq, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ClientSecretHash(String);

impl ClientSecretHash {
    /// Hashes a secret with a fresh salt.
    ///
    /// # Errors
    /// [`Error::Crypto`] when the random source fails.
    pub fn new(secret: &ClientSecret, random: &dyn Random) -> Result<Self, Error> {
        let mut salt = [0_u8; 16];
        random.fill(&mut salt)?;
        Ok(Self(format!(
            "sha256${}${}",
            URL_SAFE_NO_PAD.encode(salt),
            URL_SAFE_NO_PAD.encode(Self::digest(&salt, secret))
        )))
    }

    /// Rebuilds a hash read back from storage.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    /// The stored form.
    pub fn as_stored(&self) -> &str {
        &self.0
    }

    /// Whether `secret` matches, compared in constant time.
    pub fn verify(&self, secret: &ClientSecret) -> bool {
        let mut parts = self.0.split('$');
        let (Some("sha256"), Some(salt), Some(expected), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let (Ok(salt), Ok(expected)) = (
            URL_SAFE_NO_PAD.decode(salt),
            URL_SAFE_NO_PAD.decode(expected),
        ) else {
            return false;
        };
        constant_time_eq(&Self::digest(&salt, secret), &expected)
    }

    fn digest(salt: &[u8], secret: &ClientSecret) -> Vec<u8> {
        let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        context.update(salt);
        context.update(secret.expose_secret().as_bytes());
        context.finish().as_ref().to_vec()
    }
}

impl std::fmt::Debug for ClientSecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecretHash([redacted])")
    }
}

/// A registered client.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Client {
    /// The client identifier.
    pub client_id: ClientId,
    /// A name shown on the consent page.
    pub client_name: String,
    /// The hashed secret; `None` for public clients.
    pub secret_hash: Option<ClientSecretHash>,
    /// How the client authenticates.
    pub auth_method: ClientAuthMethod,
    /// Registered redirect URIs, matched exactly.
    pub redirect_uris: Vec<RedirectUri>,
    /// Registered `post_logout_redirect_uri`s (RP-Initiated Logout §3.1).
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    /// The grant types the client may use.
    pub grant_types: Vec<GrantType>,
    /// The scopes the client may request.
    pub scope: Scope,
    /// First-party clients skip the consent page.
    pub first_party: bool,
    /// Issue a refresh token with every authorization code grant, even without `offline_access`.
    pub always_issue_refresh_token: bool,
    /// The ID token signing algorithm (`id_token_signed_response_alg`); `None` uses the server default.
    pub id_token_signed_response_alg: Option<Algorithm>,
    /// Who manages the client (for example `OAuth2Client/<namespace>/<name>` for the Kubernetes operator);
    /// `None` when it is managed by configuration or by hand.
    #[serde(default)]
    pub owner: Option<String>,
    /// Claims taken from user attributes: claim name to attribute name. Released with the [static
    /// claims](Self::static_claims) in the ID token and the userinfo response of every grant with `openid`,
    /// without a further scope (the administrator decides per client); a user without the attribute gets no
    /// such claim. See [`crate::flows::claims`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub claim_mapping: BTreeMap<String, String>,
    /// Claims with fixed values, released like the [mapped claims](Self::claim_mapping).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub static_claims: BTreeMap<String, serde_json::Value>,
    /// Whether access tokens carry `groups`, the names of the user's groups, when the grant has the `groups`
    /// scope (the ID token and userinfo carry it with the scope alone).
    #[serde(default)]
    pub access_token_groups: bool,
}

impl Client {
    /// A client with the given id and name and everything else empty or off; set the fields you need.
    pub fn new(
        client_id: ClientId,
        client_name: impl Into<String>,
        auth_method: ClientAuthMethod,
    ) -> Self {
        Self {
            client_id,
            client_name: client_name.into(),
            secret_hash: None,
            auth_method,
            redirect_uris: Vec::new(),
            post_logout_redirect_uris: Vec::new(),
            grant_types: Vec::new(),
            scope: Scope::default(),
            first_party: false,
            always_issue_refresh_token: false,
            id_token_signed_response_alg: None,
            owner: None,
            claim_mapping: BTreeMap::new(),
            static_claims: BTreeMap::new(),
            access_token_groups: false,
        }
    }

    /// Whether the client is public (has no secret).
    pub fn is_public(&self) -> bool {
        self.auth_method == ClientAuthMethod::None
    }

    /// Whether the client may use `grant_type`.
    pub fn allows_grant(&self, grant_type: GrantType) -> bool {
        self.grant_types.contains(&grant_type)
    }

    /// The registered redirect URI equal to `candidate`, compared exactly (RFC 9700 §2.1).
    pub fn registered_redirect_uri(&self, candidate: &str) -> Option<&RedirectUri> {
        self.redirect_uris
            .iter()
            .find(|uri| uri.as_str() == candidate)
    }

    /// The registered post-logout redirect URI equal to `candidate`.
    pub fn registered_post_logout_redirect_uri(&self, candidate: &str) -> Option<&RedirectUri> {
        self.post_logout_redirect_uris
            .iter()
            .find(|uri| uri.as_str() == candidate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    #[test]
    fn secret_hash_verifies_only_the_secret() {
        let random = SystemRandom::new();
        let hash = ClientSecretHash::new(&ClientSecret::new("right"), &random).unwrap();
        assert!(hash.verify(&ClientSecret::new("right")));
        assert!(!hash.verify(&ClientSecret::new("wrong")));
        assert!(
            !ClientSecretHash::from_stored("garbage".into()).verify(&ClientSecret::new("right"))
        );
        let again = ClientSecretHash::new(&ClientSecret::new("right"), &random).unwrap();
        assert_ne!(hash, again, "salts differ");
    }

    #[test]
    fn claim_settings_round_trip_and_default_when_absent() {
        let mut client = Client::new(ClientId::new("c"), "C", ClientAuthMethod::None);
        let plain = serde_json::to_value(&client).unwrap();
        assert!(
            plain.get("claim_mapping").is_none(),
            "empty maps are left out"
        );
        client
            .claim_mapping
            .insert("https://example.com/team".into(), "team".into());
        client
            .static_claims
            .insert("tenant".into(), serde_json::json!({ "id": 7 }));
        client.access_token_groups = true;
        let stored = serde_json::to_string(&client).unwrap();
        assert_eq!(serde_json::from_str::<Client>(&stored).unwrap(), client);
        let mut older = plain;
        if let serde_json::Value::Object(fields) = &mut older {
            fields.remove("access_token_groups");
        }
        let read: Client = serde_json::from_value(older).unwrap();
        assert!(read.claim_mapping.is_empty() && read.static_claims.is_empty());
        assert!(
            !read.access_token_groups,
            "clients stored before the setting"
        );
    }

    #[test]
    fn redirect_uris_match_exactly() {
        let mut client = Client::new(ClientId::new("c"), "C", ClientAuthMethod::None);
        client.redirect_uris = vec![RedirectUri::parse("https://rp.example/cb").unwrap()];
        assert!(
            client
                .registered_redirect_uri("https://rp.example/cb")
                .is_some()
        );
        for near in [
            "https://rp.example/cb/",
            "https://rp.example/cb?x=1",
            "https://RP.example/cb",
        ] {
            assert!(client.registered_redirect_uri(near).is_none(), "{near}");
        }
    }
}
