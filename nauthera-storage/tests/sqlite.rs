//! SQLite specifics beyond the conformance suite: locations, pragmas, reopening, purging.
#![cfg(feature = "embedded")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test fixtures outside #[test] functions"
)]

use nauthera_core::UnixTime;
use nauthera_core::pkce::CodeChallenge;
use nauthera_core::secret::CodeVerifier;
use nauthera_core::secret::TokenDigest;
use nauthera_core::storage::{
    CodeRecord, CodeStore as _, KeyStore as _, RefreshTokenRecord, RefreshTokenStore as _,
    RevocationKey, RevocationStore as _,
};
use nauthera_core::types::{ClientId, GrantId, RedirectUri, Scope, SessionId, Subject};
use nauthera_storage::SqliteStore;

fn code(secret: &str, expires_at: i64) -> CodeRecord {
    CodeRecord {
        digest: TokenDigest::of(secret),
        grant_id: GrantId::new("g"),
        client_id: ClientId::new("c"),
        redirect_uri: RedirectUri::parse("https://rp.example/cb").unwrap(),
        code_challenge: CodeChallenge::s256(&CodeVerifier::new(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        )),
        subject: Subject::new("s"),
        scope: Scope::parse("openid").unwrap(),
        nonce: None,
        sid: SessionId::new("sid"),
        auth_time: UnixTime(0),
        expires_at: UnixTime(expires_at),
        redeemed_at: None,
    }
}

fn refresh(secret: &str, expires_at: i64) -> RefreshTokenRecord {
    RefreshTokenRecord {
        digest: TokenDigest::of(secret),
        grant_id: GrantId::new("g"),
        client_id: ClientId::new("c"),
        subject: Subject::new("s"),
        scope: Scope::parse("openid offline_access").unwrap(),
        sid: SessionId::new("sid"),
        auth_time: UnixTime(0),
        issued_at: UnixTime(0),
        expires_at: UnixTime(expires_at),
        rotated_at: None,
        revoked: false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn data_survives_reopening_and_plain_paths_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reopen.db");
    let path = path.to_str().unwrap();
    {
        let store = SqliteStore::open(path, 2).await.unwrap();
        store.insert_secret_if_absent("k", b"v1").await.unwrap();
    }
    let store = SqliteStore::open(&format!("sqlite://{path}"), 2)
        .await
        .unwrap();
    assert_eq!(
        store.insert_secret_if_absent("k", b"v2").await.unwrap(),
        b"v1"
    );
    assert!(
        dir.path().join("reopen.db-wal").exists(),
        "WAL journal in use"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_expired_deletes_only_expired_rows() {
    let store = SqliteStore::open("sqlite::memory:", 1).await.unwrap();
    store.insert_code(&code("old", 100)).await.unwrap();
    store.insert_code(&code("new", 300)).await.unwrap();
    store
        .insert_refresh_token(&refresh("old", 100))
        .await
        .unwrap();
    store
        .insert_refresh_token(&refresh("new", 300))
        .await
        .unwrap();
    let old = RevocationKey::AccessToken("old".to_owned());
    let new = RevocationKey::AccessToken("new".to_owned());
    store.revoke(&old, UnixTime(100)).await.unwrap();
    store.revoke(&new, UnixTime(300)).await.unwrap();

    assert_eq!(store.purge_expired(UnixTime(200)).await.unwrap(), 3);
    assert!(
        store
            .find_code(&TokenDigest::of("old"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_code(&TokenDigest::of("new"))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .find_refresh_token(&TokenDigest::of("old"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .find_refresh_token(&TokenDigest::of("new"))
            .await
            .unwrap()
            .is_some()
    );
    assert!(!store.is_revoked(&[old]).await.unwrap());
    assert!(store.is_revoked(&[new]).await.unwrap());
    assert_eq!(store.purge_expired(UnixTime(200)).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn revoke_keeps_the_later_expiry() {
    let store = SqliteStore::open("sqlite::memory:", 1).await.unwrap();
    let key = RevocationKey::Session(SessionId::new("s"));
    store.revoke(&key, UnixTime(500)).await.unwrap();
    store.revoke(&key, UnixTime(100)).await.unwrap();
    assert_eq!(store.purge_expired(UnixTime(200)).await.unwrap(), 0);
    assert!(store.is_revoked(&[key]).await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn unopenable_database_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir").join("x.db");
    let error = SqliteStore::open(path.to_str().unwrap(), 1)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), nauthera_core::StorageErrorKind::Unavailable);
}
