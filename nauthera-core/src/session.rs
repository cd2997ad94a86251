//! Browser sessions as HMAC-signed JWT cookies (no server-side session store), CSRF tokens, and the signed
//! interaction state that carries an authorization request through the login and consent pages.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::messages::AuthorizationParams;
use crate::secret::constant_time_eq;
use crate::time::UnixTime;
use crate::types::{SessionId, Subject};

/// The claims of the browser session cookie.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BrowserSession {
    /// The issuer.
    pub iss: String,
    /// The authenticated end-user.
    pub sub: Subject,
    /// The session id.
    pub sid: SessionId,
    /// When the end-user authenticated.
    pub auth_time: UnixTime,
    /// When the session expires.
    pub exp: UnixTime,
}

impl BrowserSession {
    /// A session for `sub` that starts now and lasts the configured session lifetime.
    pub fn start(
        config: &crate::ProviderConfig,
        sub: Subject,
        sid: SessionId,
        now: UnixTime,
    ) -> Self {
        Self {
            iss: config.issuer_str().to_owned(),
            sub,
            sid,
            auth_time: now,
            exp: now.plus(config.session_lifetime),
        }
    }
}

/// The state of an authorization request between the authorization endpoint and the login or consent form.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Interaction {
    /// The original request parameters.
    pub params: AuthorizationParams,
    /// Set when the end-user authenticated during this request, in the session with this id: `prompt=login` and
    /// `max_age` are then satisfied.
    pub authenticated_in: Option<SessionId>,
    /// When the interaction expires.
    pub exp: UnixTime,
}

/// The HMAC-SHA-256 key that signs session cookies, interactions and CSRF tokens, shared by all replicas.
pub struct SessionKey(aws_lc_rs::hmac::Key);

impl SessionKey {
    /// The name under which the secret is kept in the key store.
    pub const SECRET_NAME: &'static str = "session-hmac";

    /// A key from secret bytes (32 or more).
    pub fn new(secret: &[u8]) -> Self {
        Self(aws_lc_rs::hmac::Key::new(
            aws_lc_rs::hmac::HMAC_SHA256,
            secret,
        ))
    }

    /// Signs a session as an HS256 JWT.
    ///
    /// # Errors
    /// [`Error::Crypto`] when serialization fails.
    pub fn sign_session(&self, session: &BrowserSession) -> Result<String, Error> {
        self.sign("JWT", session)
    }

    /// Verifies a session cookie and checks it has not expired. Revocation (logout) is the caller's to check.
    pub fn verify_session(
        &self,
        token: &str,
        issuer: &str,
        now: UnixTime,
    ) -> Option<BrowserSession> {
        let session: BrowserSession = self.verify(token)?;
        (session.exp > now && session.iss == issuer).then_some(session)
    }

    /// Signs an interaction for a hidden form field.
    ///
    /// # Errors
    /// [`Error::Crypto`] when serialization fails.
    pub fn sign_interaction(&self, interaction: &Interaction) -> Result<String, Error> {
        self.sign("interaction", interaction)
    }

    /// Verifies an interaction and checks it has not expired.
    pub fn verify_interaction(&self, token: &str, now: UnixTime) -> Option<Interaction> {
        let interaction: Interaction = self.verify(token)?;
        (interaction.exp > now).then_some(interaction)
    }

    /// A CSRF token for `purpose` (`login`, `consent`, `logout`) bound to `binding` (a cookie value or `sid`).
    pub fn csrf_token(&self, purpose: &str, binding: &str) -> String {
        let mut context = aws_lc_rs::hmac::Context::with_key(&self.0);
        context.update(b"csrf\0");
        context.update(purpose.as_bytes());
        context.update(b"\0");
        context.update(binding.as_bytes());
        URL_SAFE_NO_PAD.encode(context.sign().as_ref())
    }

    /// Whether `token` is the CSRF token for `purpose` and `binding`.
    pub fn verify_csrf(&self, purpose: &str, binding: &str, token: &str) -> bool {
        constant_time_eq(
            self.csrf_token(purpose, binding).as_bytes(),
            token.as_bytes(),
        )
    }

    fn sign(&self, typ: &str, claims: &impl Serialize) -> Result<String, Error> {
        let header = serde_json::json!({ "alg": "HS256", "typ": typ });
        let header =
            serde_json::to_vec(&header).map_err(|_| Error::Crypto("header serialization"))?;
        let claims =
            serde_json::to_vec(claims).map_err(|_| Error::Crypto("claims serialization"))?;
        let mut token = URL_SAFE_NO_PAD.encode(header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(claims, &mut token);
        let tag = aws_lc_rs::hmac::sign(&self.0, token.as_bytes());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut token);
        Ok(token)
    }

    fn verify<T: DeserializeOwned>(&self, token: &str) -> Option<T> {
        let (signed, tag) = token.rsplit_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        aws_lc_rs::hmac::verify(&self.0, signed.as_bytes(), &tag).ok()?;
        let (_, claims) = signed.split_once('.')?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()
    }
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(exp: i64) -> BrowserSession {
        BrowserSession {
            iss: "https://op".into(),
            sub: Subject::new("alice"),
            sid: SessionId::new("sid1"),
            auth_time: UnixTime(1),
            exp: UnixTime(exp),
        }
    }

    #[test]
    fn session_round_trip_expiry_and_tampering() {
        let key = SessionKey::new(&[7; 32]);
        let token = key.sign_session(&session(100)).unwrap();
        assert_eq!(
            key.verify_session(&token, "https://op", UnixTime(50)),
            Some(session(100))
        );
        assert!(
            key.verify_session(&token, "https://op", UnixTime(100))
                .is_none()
        );
        assert!(
            key.verify_session(&token, "https://other", UnixTime(50))
                .is_none()
        );
        assert!(
            SessionKey::new(&[8; 32])
                .verify_session(&token, "https://op", UnixTime(50))
                .is_none()
        );
        let forged = token.replacen('.', ".e30", 1);
        assert!(
            key.verify_session(&forged, "https://op", UnixTime(50))
                .is_none()
        );
    }

    #[test]
    fn csrf_tokens_are_bound_to_purpose_and_binding() {
        let key = SessionKey::new(&[7; 32]);
        let token = key.csrf_token("login", "cookie");
        assert!(key.verify_csrf("login", "cookie", &token));
        assert!(!key.verify_csrf("consent", "cookie", &token));
        assert!(!key.verify_csrf("login", "other", &token));
        assert!(!key.verify_csrf("login", "cookie", ""));
    }
}
