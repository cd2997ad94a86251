//! Records the checks store: deterministic apart from the ids each check chooses.

use nauthera_core::client::{Client, ClientAuthMethod, ClientSecretHash, GrantType};
use nauthera_core::keys::{Algorithm, StoredKey, StoredSecret};
use nauthera_core::pkce::CodeChallenge;
use nauthera_core::secret::{CodeVerifier, TokenDigest};
use nauthera_core::storage::{CodeRecord, RefreshTokenRecord};
use nauthera_core::types::{ClientId, GrantId, RedirectUri, Scope, SessionId, Subject};
use nauthera_core::user::{PasswordHash, User};
use nauthera_core::{SystemRandom, UnixTime};

/// The time the checks pretend it is.
pub(crate) const NOW: UnixTime = UnixTime(1_800_000_000);

pub(crate) fn later(seconds: i64) -> UnixTime {
    UnixTime(NOW.0 + seconds)
}

pub(crate) fn client(id: &str, name: &str) -> Client {
    let mut client = Client::new(ClientId::new(id), name, ClientAuthMethod::ClientSecretBasic);
    client.secret_hash = Some(ClientSecretHash::from_stored(format!(
        "sha256$salt-{id}$hash"
    )));
    client.redirect_uris = vec![RedirectUri::parse(&format!("https://{id}.example/cb")).unwrap()];
    client.post_logout_redirect_uris =
        vec![RedirectUri::parse(&format!("https://{id}.example/bye")).unwrap()];
    client.grant_types = vec![GrantType::AuthorizationCode, GrantType::RefreshToken];
    client.scope = Scope::parse("openid profile email offline_access").unwrap();
    client.first_party = id.ends_with('1');
    client.id_token_signed_response_alg = Some(Algorithm::ES256);
    client
}

pub(crate) fn user(subject: &str, username: &str) -> User {
    let mut user = User::new(
        Subject::new(subject),
        username,
        PasswordHash::from_stored(format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${subject}")),
    );
    user.claims.name = Some(format!("{username} Example"));
    user.claims.email = Some(format!("{username}@example.com"));
    user.claims.email_verified = true;
    user.claims.updated_at = Some(NOW.0);
    user
}

pub(crate) fn code(secret: &str, grant: &str) -> CodeRecord {
    CodeRecord {
        digest: TokenDigest::of(secret),
        grant_id: GrantId::new(grant),
        client_id: ClientId::new("client-1"),
        redirect_uri: RedirectUri::parse("https://client-1.example/cb?x=1").unwrap(),
        code_challenge: CodeChallenge::s256(&CodeVerifier::new(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        )),
        subject: Subject::new("subject-1"),
        scope: Scope::parse("openid profile").unwrap(),
        nonce: Some("n-0S6_WzA2Mj".to_owned()),
        sid: SessionId::new("session-1"),
        auth_time: later(-30),
        expires_at: later(60),
        redeemed_at: None,
    }
}

pub(crate) fn refresh(secret: &str, grant: &str) -> RefreshTokenRecord {
    RefreshTokenRecord {
        digest: TokenDigest::of(secret),
        grant_id: GrantId::new(grant),
        client_id: ClientId::new("client-1"),
        subject: Subject::new("subject-1"),
        scope: Scope::parse("openid offline_access").unwrap(),
        sid: SessionId::new("session-1"),
        auth_time: later(-30),
        issued_at: NOW,
        expires_at: later(86_400),
        family_expires_at: later(30 * 86_400),
        rotated_at: None,
        revoked: false,
    }
}

pub(crate) fn key(algorithm: Algorithm, created_at: UnixTime) -> StoredKey {
    StoredKey::generate(algorithm, &SystemRandom::new(), created_at).unwrap()
}

/// Stored keys have no `PartialEq` (they hold secrets): compare what a store must round-trip.
pub(crate) fn same_key(a: &StoredKey, b: &StoredKey) -> bool {
    a.kid == b.kid
        && a.algorithm == b.algorithm
        && *a.private_der == *b.private_der
        && a.created_at == b.created_at
        && a.retired_at == b.retired_at
}

/// A secret whose value starts with `first`: stored values must round-trip whatever their first byte.
pub(crate) fn secret(id: &str, purpose: &str, first: u8, created_at: UnixTime) -> StoredSecret {
    let mut secret = StoredSecret::generate(purpose, &SystemRandom::new(), created_at).unwrap();
    secret.id = id.to_owned();
    secret.value[0] = first;
    secret
}

/// Stored secrets have no `PartialEq`: compare what a store must round-trip.
pub(crate) fn same_secret(a: &StoredSecret, b: &StoredSecret) -> bool {
    a.id == b.id
        && a.purpose == b.purpose
        && *a.value == *b.value
        && a.created_at == b.created_at
        && a.retired_at == b.retired_at
}
