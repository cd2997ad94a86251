//! The token endpoint (RFC 6749 §3.2): authorization code with PKCE, refresh token rotation with reuse
//! detection, and client credentials.

use serde::Deserialize;

use crate::cache::Cache;
use crate::client::{Client, GrantType};
use crate::error::{Error, ErrorCode};
use crate::flows::client_auth::PresentedCredentials;
use crate::flows::issue::{GrantContext, TokenResponse};
use crate::provider::Provider;
use crate::secret::{AuthorizationCode, CodeVerifier, RefreshToken};
use crate::storage::{RevocationKey, Storage};
use crate::time::UnixTime;
use crate::types::{GrantId, OFFLINE_ACCESS, OPENID, Scope, Subject};
use crate::user::User;

/// The token request parameters (form body), as received.
#[derive(Debug, Default, Deserialize)]
#[non_exhaustive]
pub struct TokenParams {
    /// `grant_type`.
    pub grant_type: Option<String>,
    /// `code`.
    pub code: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `code_verifier`.
    pub code_verifier: Option<String>,
    /// `refresh_token`.
    pub refresh_token: Option<String>,
    /// `scope`.
    pub scope: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `client_secret`.
    pub client_secret: Option<String>,
}

impl<S: Storage, C: Cache> Provider<S, C> {
    /// Runs the token endpoint.
    ///
    /// # Errors
    /// RFC 6749 §5.2 errors, storage and crypto failures.
    pub async fn token(
        &self,
        params: TokenParams,
        basic: Option<(String, crate::secret::ClientSecret)>,
        client_ip: Option<std::net::IpAddr>,
    ) -> Result<TokenResponse, Error> {
        let grant_type = params
            .grant_type
            .as_deref()
            .ok_or_else(|| Error::invalid_request("grant_type is missing"))?;
        let grant_type = GrantType::parse(grant_type).ok_or_else(|| {
            Error::protocol(
                ErrorCode::UnsupportedGrantType,
                "the grant type is not supported",
            )
        })?;
        let presented = PresentedCredentials::new(
            basic,
            params.client_id.clone(),
            params
                .client_secret
                .clone()
                .map(crate::secret::ClientSecret::new),
        )
        .from_address(client_ip);
        let client = self.authenticate_client(&presented).await?;
        if !client.allows_grant(grant_type) {
            return Err(Self::unauthorized("the client may not use this grant type"));
        }
        match grant_type {
            GrantType::AuthorizationCode => self.authorization_code_grant(&client, params).await,
            GrantType::RefreshToken => self.refresh_token_grant(&client, params).await,
            GrantType::ClientCredentials => self.client_credentials_grant(&client, params),
        }
    }

    async fn authorization_code_grant(
        &self,
        client: &Client,
        params: TokenParams,
    ) -> Result<TokenResponse, Error> {
        let code = AuthorizationCode::new(
            params
                .code
                .ok_or_else(|| Error::invalid_request("code is missing"))?,
        );
        let verifier = CodeVerifier::new(
            params
                .code_verifier
                .ok_or_else(|| Error::invalid_request("code_verifier is missing (PKCE)"))?,
        );
        let redirect_uri = params
            .redirect_uri
            .ok_or_else(|| Error::invalid_request("redirect_uri is missing"))?;
        let now = self.now();
        let digest = code.digest();
        let record = self
            .storage
            .find_code(&digest)
            .await?
            .ok_or_else(|| Error::invalid_grant("the authorization code is invalid"))?;
        if record.redeemed_at.is_some() {
            self.revoke_grant(&record.grant_id, "authorization code replayed")
                .await?;
            return Err(Error::invalid_grant(
                "the authorization code was already used",
            ));
        }
        if record.expires_at <= now {
            return Err(Error::invalid_grant("the authorization code expired"));
        }
        if record.client_id != client.client_id {
            return Err(Error::invalid_grant(
                "the authorization code was issued to another client",
            ));
        }
        if record.redirect_uri.as_str() != redirect_uri {
            return Err(Error::invalid_grant(
                "redirect_uri does not match the authorization request",
            ));
        }
        record.code_challenge.verify(&verifier)?;
        let user = self
            .ensure_grant_user(&record.subject, record.auth_time, &record.grant_id)
            .await?;
        if !self.storage.redeem_code(&digest, now).await? {
            self.revoke_grant(&record.grant_id, "authorization code replayed")
                .await?;
            return Err(Error::invalid_grant(
                "the authorization code was already used",
            ));
        }
        let grant = GrantContext {
            client,
            grant_id: &record.grant_id,
            subject: &record.subject,
            scope: &record.scope,
            sid: &record.sid,
            auth_time: record.auth_time,
            nonce: record.nonce.as_deref(),
            family_expires_at: None,
            user: &user,
        };
        self.issue_user_tokens(&grant, None).await
    }

    async fn refresh_token_grant(
        &self,
        client: &Client,
        params: TokenParams,
    ) -> Result<TokenResponse, Error> {
        let token = RefreshToken::new(
            params
                .refresh_token
                .ok_or_else(|| Error::invalid_request("refresh_token is missing"))?,
        );
        let now = self.now();
        let record = self
            .storage
            .find_refresh_token(&token.digest())
            .await?
            .filter(|record| record.client_id == client.client_id)
            .ok_or_else(|| Error::invalid_grant("the refresh token is invalid"))?;
        if record.revoked {
            return Err(Error::invalid_grant("the refresh token was revoked"));
        }
        if record.rotated_at.is_some() {
            self.revoke_grant(&record.grant_id, "refresh token reused")
                .await?;
            return Err(Error::invalid_grant("the refresh token was already used"));
        }
        if record.expires_at <= now || record.family_expires_at <= now {
            return Err(Error::invalid_grant("the refresh token expired"));
        }
        let user = self
            .ensure_grant_user(&record.subject, record.auth_time, &record.grant_id)
            .await?;
        let scope = match params.scope.as_deref() {
            Some(requested) => {
                let requested = Scope::parse(requested)?;
                if !requested.is_subset_of(&record.scope) {
                    return Err(Error::protocol(
                        ErrorCode::InvalidScope,
                        "the scope exceeds the original grant",
                    ));
                }
                requested
            }
            None => record.scope.clone(),
        };
        let grant = GrantContext {
            client,
            grant_id: &record.grant_id,
            subject: &record.subject,
            scope: &scope,
            sid: &record.sid,
            auth_time: record.auth_time,
            nonce: None,
            family_expires_at: Some(record.family_expires_at),
            user: &user,
        };
        // The family keeps the original scope so a narrowed refresh does not shrink later ones.
        let family_grant = GrantContext {
            scope: &record.scope,
            ..grant
        };
        let (successor, successor_record) = self.new_refresh_token(&family_grant)?;
        if !self
            .storage
            .rotate_refresh_token(&token.digest(), &successor_record, now)
            .await?
        {
            self.revoke_grant(&record.grant_id, "refresh token reused")
                .await?;
            return Err(Error::invalid_grant("the refresh token was already used"));
        }
        let grant = GrantContext {
            scope: &scope,
            ..family_grant
        };
        self.issue_user_tokens(&grant, Some(successor)).await
    }

    fn client_credentials_grant(
        &self,
        client: &Client,
        params: TokenParams,
    ) -> Result<TokenResponse, Error> {
        if client.is_public() {
            return Err(Self::unauthorized(
                "public clients may not use client credentials",
            ));
        }
        let scope = match params.scope.as_deref() {
            Some(requested) => Scope::parse(requested)?,
            None => Scope::default(),
        };
        if scope.contains(OPENID)
            || scope.contains(OFFLINE_ACCESS)
            || !scope.is_subset_of(&client.scope)
        {
            return Err(Error::protocol(
                ErrorCode::InvalidScope,
                "the client may not request this scope",
            ));
        }
        let claims = self.access_token_claims(client, client.client_id.as_str(), &scope, None)?;
        let access_token = self.access_token(&claims)?;
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: self.config.access_token_lifetime.as_secs(),
            scope: scope.to_string(),
            refresh_token: None,
            id_token: None,
        })
    }

    /// A code or refresh token speaks for the end-user: it stops when the account is disabled or deleted, or
    /// when every session of the user was ended after they authenticated (a new password). Returns the user,
    /// whose claims the ID token carries.
    async fn ensure_grant_user(
        &self,
        subject: &Subject,
        auth_time: UnixTime,
        grant_id: &GrantId,
    ) -> Result<User, Error> {
        if let Some(user) = self.find_user(subject).await?
            && user.accepts_session(auth_time)
        {
            return Ok(user);
        }
        self.revoke_grant(
            grant_id,
            "the user is disabled, deleted or signed out everywhere",
        )
        .await?;
        Err(Error::invalid_grant("the grant was revoked"))
    }

    /// Revokes every token of a grant: the refresh family and the access tokens (RFC 9700 §2.2.2, §4.14).
    pub(crate) async fn revoke_grant(
        &self,
        grant_id: &GrantId,
        reason: &'static str,
    ) -> Result<(), Error> {
        tracing::warn!(target: "nauthera::audit", grant_id = %grant_id, reason, "grant revoked");
        self.storage.revoke_refresh_family(grant_id).await?;
        self.revoke_access_tokens_of(grant_id).await
    }

    /// Revokes every access token issued from the grant (they are stateless, so the revocation is remembered
    /// until the last of them would have expired).
    pub(crate) async fn revoke_access_tokens_of(&self, grant_id: &GrantId) -> Result<(), Error> {
        let until = self.revocation_horizon();
        self.record_revocation(&RevocationKey::Grant(grant_id.clone()), until)
            .await
    }

    /// How long a grant revocation must be remembered: until any access token of it has expired.
    fn revocation_horizon(&self) -> UnixTime {
        self.now().plus(self.config.access_token_lifetime)
    }
}
