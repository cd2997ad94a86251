//! Browser sessions as HMAC-signed JWT cookies (no server-side session store), CSRF tokens, and the signed
//! interaction state that carries an authorization request through the login and consent pages.

use std::time::Duration;

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::factor::SatisfiedFactor;
use crate::keys::StoredSecret;
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
    /// How and when each authentication factor was satisfied, in order (the source of `amr` and `acr`).
    #[serde(default)]
    pub factors: Vec<SatisfiedFactor>,
}

impl BrowserSession {
    /// A session for `sub` that starts now, lasts the configured session lifetime, and records the factors
    /// satisfied so far.
    pub fn start(
        config: &crate::ProviderConfig,
        sub: Subject,
        sid: SessionId,
        now: UnixTime,
        factors: Vec<SatisfiedFactor>,
    ) -> Self {
        Self {
            iss: config.issuer_str().to_owned(),
            sub,
            sid,
            auth_time: now,
            exp: now.plus(config.session_lifetime),
            factors,
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
    /// Where a successful sign-in leads.
    #[serde(default)]
    pub destination: Destination,
}

/// Where a sign-in leads once it succeeds.
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
#[non_exhaustive]
pub enum Destination {
    /// On with the authorization request in `params`.
    #[default]
    Authorization,
    /// To the end-user's account pages.
    Account,
}

/// The HMAC-SHA-256 keys that sign session cookies, interactions and CSRF tokens, shared by all replicas.
///
/// Each stored secret (purpose [`SessionKeys::PURPOSE`]) yields three keys, derived with distinct labels, so a
/// token of one kind can never be taken for another; the JWT header's `typ` is checked as well. The newest
/// unretired secret signs; retired secrets still verify until the sessions they signed have expired, so
/// `keys rotate` signs no one out.
pub struct SessionKeys {
    /// Newest first; the first one signs.
    keys: Vec<DerivedKeys>,
}

/// The keys derived from one stored secret.
struct DerivedKeys {
    id: String,
    session: hmac::Key,
    interaction: hmac::Key,
    csrf: hmac::Key,
}

const SESSION_TYP: &str = "nauthera-session+jwt";
const INTERACTION_TYP: &str = "nauthera-interaction+jwt";

impl DerivedKeys {
    fn derive(id: &str, secret: &[u8]) -> Self {
        let root = hmac::Key::new(hmac::HMAC_SHA256, secret);
        let sub_key = |label: &str| {
            let tag = hmac::sign(
                &root,
                format!("nauthera session keys v1\0{label}").as_bytes(),
            );
            hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref())
        };
        Self {
            id: id.to_owned(),
            session: sub_key("session"),
            interaction: sub_key("interaction"),
            csrf: sub_key("csrf"),
        }
    }
}

impl SessionKeys {
    /// The purpose under which session secrets are stored.
    pub const PURPOSE: &'static str = "session";

    /// The keys of the stored secrets that are active, or retired less than `session_lifetime` ago.
    ///
    /// # Errors
    /// [`Error::Crypto`] when no secret is active.
    pub fn from_stored(
        secrets: &[StoredSecret],
        now: UnixTime,
        session_lifetime: Duration,
    ) -> Result<Self, Error> {
        let mut usable: Vec<&StoredSecret> = secrets
            .iter()
            .filter(|secret| secret.purpose == Self::PURPOSE)
            .filter(|secret| {
                secret
                    .retired_at
                    .is_none_or(|retired| retired.plus(session_lifetime) > now)
            })
            .collect();
        // The active secret first, then the retired ones, newest first.
        usable.sort_by_key(|secret| {
            (
                secret.retired_at.is_some(),
                std::cmp::Reverse(secret.created_at),
            )
        });
        if usable
            .first()
            .is_none_or(|first| first.retired_at.is_some())
        {
            return Err(Error::Crypto("no active session secret"));
        }
        Ok(Self {
            keys: usable
                .into_iter()
                .map(|secret| DerivedKeys::derive(&secret.id, &secret.value))
                .collect(),
        })
    }

    /// Keys from one secret (tests and embedders that manage the secret themselves).
    pub fn from_secret(id: &str, secret: &[u8]) -> Self {
        Self {
            keys: vec![DerivedKeys::derive(id, secret)],
        }
    }

    /// Signs a session as an HS256 JWT.
    ///
    /// # Errors
    /// [`Error::Crypto`] when serialization fails.
    pub fn sign_session(&self, session: &BrowserSession) -> Result<String, Error> {
        let active = self.active()?;
        sign(&active.session, &active.id, SESSION_TYP, session)
    }

    /// Verifies a session cookie and checks it has not expired. Revocation (logout) is the caller's to check.
    pub fn verify_session(
        &self,
        token: &str,
        issuer: &str,
        now: UnixTime,
    ) -> Option<BrowserSession> {
        let session: BrowserSession = self.verify(token, SESSION_TYP, |keys| &keys.session)?;
        (session.exp > now && session.iss == issuer).then_some(session)
    }

    /// Signs an interaction for a hidden form field.
    ///
    /// # Errors
    /// [`Error::Crypto`] when serialization fails.
    pub fn sign_interaction(&self, interaction: &Interaction) -> Result<String, Error> {
        let active = self.active()?;
        sign(
            &active.interaction,
            &active.id,
            INTERACTION_TYP,
            interaction,
        )
    }

    /// Verifies an interaction and checks it has not expired.
    pub fn verify_interaction(&self, token: &str, now: UnixTime) -> Option<Interaction> {
        let interaction: Interaction =
            self.verify(token, INTERACTION_TYP, |keys| &keys.interaction)?;
        (interaction.exp > now).then_some(interaction)
    }

    /// A CSRF token for `purpose` (`login`, `consent`, `logout`) bound to `binding` (a cookie value or `sid`).
    pub fn csrf_token(&self, purpose: &str, binding: &str) -> String {
        self.keys
            .first()
            .map(|keys| csrf_tag(&keys.csrf, purpose, binding))
            .unwrap_or_default()
    }

    /// Whether `token` is the CSRF token for `purpose` and `binding` under any accepted key.
    pub fn verify_csrf(&self, purpose: &str, binding: &str, token: &str) -> bool {
        !token.is_empty()
            && self.keys.iter().any(|keys| {
                constant_time_eq(
                    csrf_tag(&keys.csrf, purpose, binding).as_bytes(),
                    token.as_bytes(),
                )
            })
    }

    fn active(&self) -> Result<&DerivedKeys, Error> {
        self.keys
            .first()
            .ok_or(Error::Crypto("no active session secret"))
    }

    fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        typ: &str,
        key_of: impl Fn(&DerivedKeys) -> &hmac::Key,
    ) -> Option<T> {
        let (signed, tag) = token.rsplit_once('.')?;
        let (header, claims) = signed.split_once('.')?;
        let header = URL_SAFE_NO_PAD.decode(header).ok()?;
        let header: Header<'_> = serde_json::from_slice(&header).ok()?;
        if header.alg != "HS256" || header.typ != typ {
            return None;
        }
        let keys = self.keys.iter().find(|keys| keys.id == header.kid)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        hmac::verify(key_of(keys), signed.as_bytes(), &tag).ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()
    }
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys")
            .field(
                "ids",
                &self.keys.iter().map(|keys| &keys.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The JOSE header of a session or interaction token.
#[derive(Deserialize, Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'a str,
    kid: &'a str,
}

fn sign(key: &hmac::Key, kid: &str, typ: &str, claims: &impl Serialize) -> Result<String, Error> {
    let header = Header {
        alg: "HS256",
        typ,
        kid,
    };
    let header = serde_json::to_vec(&header).map_err(|_| Error::Crypto("header serialization"))?;
    let claims = serde_json::to_vec(claims).map_err(|_| Error::Crypto("claims serialization"))?;
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(claims, &mut token);
    let tag = hmac::sign(key, token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut token);
    Ok(token)
}

fn csrf_tag(key: &hmac::Key, purpose: &str, binding: &str) -> String {
    let mut context = hmac::Context::with_key(key);
    context.update(purpose.as_bytes());
    context.update(b"\0");
    context.update(binding.as_bytes());
    URL_SAFE_NO_PAD.encode(context.sign().as_ref())
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
            factors: Vec::new(),
        }
    }

    fn secret(id: &str, byte: u8, created: i64, retired: Option<i64>) -> StoredSecret {
        StoredSecret::new(
            id.into(),
            SessionKeys::PURPOSE.into(),
            vec![byte; 32],
            UnixTime(created),
            retired.map(UnixTime),
        )
    }

    #[test]
    fn session_round_trip_expiry_and_tampering() {
        let key = SessionKeys::from_secret("k1", &[7; 32]);
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
            SessionKeys::from_secret("k1", &[8; 32])
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
    fn a_session_is_never_taken_for_an_interaction_or_the_reverse() {
        let key = SessionKeys::from_secret("k1", &[7; 32]);
        let session_token = key.sign_session(&session(100)).unwrap();
        assert!(
            key.verify_interaction(&session_token, UnixTime(50))
                .is_none()
        );
        let interaction = Interaction {
            params: AuthorizationParams::default(),
            authenticated_in: None,
            exp: UnixTime(100),
            destination: Destination::Authorization,
        };
        let interaction_token = key.sign_interaction(&interaction).unwrap();
        assert!(
            key.verify_session(&interaction_token, "https://op", UnixTime(50))
                .is_none()
        );
        assert!(
            key.verify_interaction(&interaction_token, UnixTime(50))
                .is_some()
        );
    }

    #[test]
    fn csrf_tokens_are_bound_to_purpose_and_binding() {
        let key = SessionKeys::from_secret("k1", &[7; 32]);
        let token = key.csrf_token("login", "cookie");
        assert!(key.verify_csrf("login", "cookie", &token));
        assert!(!key.verify_csrf("consent", "cookie", &token));
        assert!(!key.verify_csrf("login", "other", &token));
        assert!(!key.verify_csrf("login", "cookie", ""));
    }

    #[test]
    fn rotation_keeps_retired_secrets_until_their_sessions_expire() {
        let lifetime = Duration::from_secs(100);
        let old =
            SessionKeys::from_stored(&[secret("old", 1, 0, None)], UnixTime(10), lifetime).unwrap();
        let token = old.sign_session(&session(200)).unwrap();
        let csrf = old.csrf_token("login", "cookie");
        let rotated = [secret("old", 1, 0, Some(50)), secret("new", 2, 50, None)];
        let keys = SessionKeys::from_stored(&rotated, UnixTime(60), lifetime).unwrap();
        assert!(
            keys.verify_session(&token, "https://op", UnixTime(60))
                .is_some()
        );
        assert!(keys.verify_csrf("login", "cookie", &csrf));
        let fresh = keys.sign_session(&session(200)).unwrap();
        assert!(
            old.verify_session(&fresh, "https://op", UnixTime(60))
                .is_none(),
            "the new secret signs"
        );
        let later = SessionKeys::from_stored(&rotated, UnixTime(150), lifetime).unwrap();
        assert!(
            later
                .verify_session(&token, "https://op", UnixTime(150))
                .is_none()
        );
        assert!(
            SessionKeys::from_stored(&[secret("old", 1, 0, Some(5))], UnixTime(6), lifetime)
                .is_err()
        );
    }
}
