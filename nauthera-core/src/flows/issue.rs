//! Issuing tokens: RFC 9068 JWT access tokens, OpenID Connect ID tokens and opaque refresh tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::cache::Cache;
use crate::client::{Client, GrantType};
use crate::error::Error;
use crate::keys::Algorithm;
use crate::provider::Provider;
use crate::random::{identifier, opaque_token};
use crate::secret::RefreshToken;
use crate::storage::{RefreshTokenRecord, Storage};
use crate::time::UnixTime;
use crate::types::{GrantId, OFFLINE_ACCESS, OPENID, Scope, SessionId, Subject};
use crate::user::User;

pub use crate::messages::AccessTokenClaims;

/// A successful token response (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
#[derive(Debug, Serialize)]
#[non_exhaustive]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Lifetime of the access token in seconds.
    pub expires_in: u64,
    /// The granted scope.
    pub scope: String,
    /// A refresh token, when issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// An ID token, for OpenID Connect requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// Who and what a grant is for: everything needed to issue its tokens.
#[derive(Debug)]
pub(crate) struct GrantContext<'a> {
    pub(crate) client: &'a Client,
    pub(crate) grant_id: &'a GrantId,
    pub(crate) subject: &'a Subject,
    pub(crate) scope: &'a Scope,
    pub(crate) sid: &'a SessionId,
    pub(crate) auth_time: UnixTime,
    pub(crate) nonce: Option<&'a str>,
    /// When the refresh-token family expires; `None` starts a new family with the absolute lifetime.
    pub(crate) family_expires_at: Option<UnixTime>,
    /// The end-user, checked to still be signed in; the ID token carries their claims.
    pub(crate) user: &'a User,
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Signs an access token with the default algorithm.
    pub(crate) fn access_token(&self, claims: &AccessTokenClaims) -> Result<String, Error> {
        self.keys().default_signer()?.sign_jwt("at+jwt", claims)
    }

    /// Builds the claims of a new access token.
    pub(crate) fn access_token_claims(
        &self,
        client: &Client,
        sub: &str,
        scope: &Scope,
        grant: Option<(&GrantId, UnixTime)>,
    ) -> Result<AccessTokenClaims, Error> {
        let now = self.now();
        let random = identifier(&*self.random)?;
        Ok(AccessTokenClaims {
            iss: self.config.issuer_str().to_owned(),
            sub: sub.to_owned(),
            aud: self.config.access_token_audience.clone(),
            exp: now.plus(self.config.access_token_lifetime),
            iat: now,
            jti: match grant {
                Some((grant_id, _)) => format!("{grant_id}.{random}"),
                None => random,
            },
            client_id: client.client_id.clone(),
            scope: scope.clone(),
            auth_time: grant.map(|(_, auth_time)| auth_time),
            groups: None,
        })
    }

    /// Issues the tokens of a user grant: access token, ID token for `openid`, and a refresh token when
    /// `offline_access` was granted or the client always gets one. `refresh` is the refresh token to return
    /// when the caller already minted it (rotation).
    pub(crate) async fn issue_user_tokens(
        &self,
        grant: &GrantContext<'_>,
        refresh: Option<RefreshToken>,
    ) -> Result<TokenResponse, Error> {
        let mut claims = self.access_token_claims(
            grant.client,
            grant.subject.as_str(),
            grant.scope,
            Some((grant.grant_id, grant.auth_time)),
        )?;
        claims.groups = self
            .access_token_groups(grant.client, grant.subject, grant.scope)
            .await?;
        let access_token = self.access_token(&claims)?;
        let id_token = if grant.scope.contains(OPENID) {
            Some(self.id_token(grant, &access_token).await?)
        } else {
            None
        };
        let refresh_token = match refresh {
            Some(token) => Some(token),
            None if self.wants_refresh_token(grant.client, grant.scope) => {
                let (token, record) = self.new_refresh_token(grant)?;
                self.storage.insert_refresh_token(&record).await?;
                Some(token)
            }
            None => None,
        };
        tracing::info!(target: "nauthera::audit", client_id = %grant.client.client_id, sub = %grant.subject, scope = %grant.scope, "tokens issued");
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: self.config.access_token_lifetime.as_secs(),
            scope: grant.scope.to_string(),
            refresh_token: refresh_token.map(|token| token.expose_secret().to_owned()),
            id_token,
        })
    }

    fn wants_refresh_token(&self, client: &Client, scope: &Scope) -> bool {
        client.allows_grant(GrantType::RefreshToken)
            && (scope.contains(OFFLINE_ACCESS) || client.always_issue_refresh_token)
    }

    /// Mints a refresh token of the grant's family and the record to store for it.
    pub(crate) fn new_refresh_token(
        &self,
        grant: &GrantContext<'_>,
    ) -> Result<(RefreshToken, RefreshTokenRecord), Error> {
        let token = RefreshToken::new(opaque_token(&*self.random, "nrt_")?);
        let now = self.now();
        let family_expires_at = grant
            .family_expires_at
            .unwrap_or_else(|| now.plus(self.config.refresh_token_absolute_lifetime));
        let record = RefreshTokenRecord {
            digest: token.digest(),
            grant_id: grant.grant_id.clone(),
            client_id: grant.client.client_id.clone(),
            subject: grant.subject.clone(),
            scope: grant.scope.clone(),
            sid: grant.sid.clone(),
            auth_time: grant.auth_time,
            issued_at: now,
            expires_at: now
                .plus(self.config.refresh_token_lifetime)
                .min(family_expires_at),
            family_expires_at,
            rotated_at: None,
            revoked: false,
        };
        Ok((token, record))
    }

    async fn id_token(
        &self,
        grant: &GrantContext<'_>,
        access_token: &str,
    ) -> Result<String, Error> {
        let keys = self.keys();
        let signer = match grant.client.id_token_signed_response_alg {
            Some(algorithm) => keys.signer(algorithm)?,
            None => keys.default_signer()?,
        };
        let now = self.now();
        let mut claims = self
            .released_claims(grant.user, grant.scope, Some(grant.client))
            .await?;
        let client_id = grant.client.client_id.as_str();
        let standard = serde_json::json!({
            "iss": self.config.issuer_str(),
            "sub": grant.subject,
            "aud": client_id,
            "azp": client_id,
            "exp": now.plus(self.config.id_token_lifetime),
            "iat": now,
            "auth_time": grant.auth_time,
            "sid": grant.sid,
            "at_hash": token_hash(signer.algorithm(), access_token),
        });
        if let serde_json::Value::Object(standard) = standard {
            claims.extend(standard);
        }
        if let Some(nonce) = grant.nonce {
            claims.insert("nonce".to_owned(), nonce.into());
        }
        signer.sign_jwt("JWT", &claims)
    }
}

/// `at_hash` / `c_hash`: the left half of the hash of the token's ASCII octets, base64url-encoded (OpenID
/// Connect Core §3.1.3.6), with the hash of the ID token's algorithm.
pub fn token_hash(algorithm: Algorithm, token: &str) -> String {
    let digest = aws_lc_rs::digest::digest(algorithm.token_hash_algorithm(), token.as_bytes());
    let bytes = digest.as_ref();
    URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_matches_openid_connect_core_example() {
        // OpenID Connect Core 1.0, Appendix A.3 (RS256).
        let at_hash = token_hash(
            Algorithm::RS256,
            "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y",
        );
        assert_eq!(at_hash, "77QmUPtjPfzWtF2AnpK9RQ");
    }

    #[test]
    fn c_hash_matches_openid_connect_core_example() {
        // OpenID Connect Core 1.0, Appendix A.4 (RS256).
        let c_hash = token_hash(
            Algorithm::RS256,
            "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk",
        );
        assert_eq!(c_hash, "LDktKdoQak3Pk0cnXxCltA");
    }

    #[test]
    fn grant_id_is_the_jti_prefix() {
        let claims = AccessTokenClaims {
            iss: "i".into(),
            sub: "s".into(),
            aud: "a".into(),
            exp: UnixTime(1),
            iat: UnixTime(0),
            jti: "grant1.random".into(),
            client_id: crate::types::ClientId::new("c"),
            scope: Scope::default(),
            auth_time: None,
            groups: None,
        };
        assert_eq!(claims.grant_id(), Some(GrantId::new("grant1")));
    }
}
