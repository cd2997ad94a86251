//! SQLite specifics beyond the conformance suite: locations, pragmas, reopening, purging.
#![cfg(feature = "embedded")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test fixtures outside #[test] functions"
)]

use nauthera_core::keys::StoredSecret;
use nauthera_core::pkce::CodeChallenge;
use nauthera_core::secret::CodeVerifier;
use nauthera_core::secret::TokenDigest;
use nauthera_core::storage::{
    CodeRecord, CodeStore as _, KeyStore as _, RefreshTokenRecord, RefreshTokenStore as _,
    RevocationKey, RevocationStore as _,
};
use nauthera_core::types::{ClientId, GrantId, RedirectUri, Scope, SessionId, Subject};
use nauthera_core::{SystemRandom, UnixTime};
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
        family_expires_at: UnixTime(expires_at),
        rotated_at: None,
        revoked: false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn data_survives_reopening_and_plain_paths_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reopen.db");
    let path = path.to_str().unwrap();
    let secret = StoredSecret::generate("session", &SystemRandom::new(), UnixTime(1)).unwrap();
    {
        let store = SqliteStore::open(path, 2).await.unwrap();
        store.insert_secret_if_none_active(&secret).await.unwrap();
    }
    let store = SqliteStore::open(&format!("sqlite://{path}"), 2)
        .await
        .unwrap();
    let stored = store.list_secrets("session").await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, secret.id);
    assert_eq!(*stored[0].value, *secret.value);
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

#[derive(diesel::QueryableByName)]
struct Number {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    value: i64,
}

fn number(conn: &mut diesel::SqliteConnection, query: &str) -> i64 {
    use diesel::RunQueryDsl as _;
    diesel::sql_query(query)
        .get_result::<Number>(conn)
        .unwrap()
        .value
}

#[tokio::test(flavor = "multi_thread")]
async fn upgrading_keeps_users_and_refresh_tokens_and_drops_the_clear_text_secret() {
    use diesel::{Connection as _, RunQueryDsl as _};
    use diesel_migrations::{EmbeddedMigrations, MigrationHarness as _, embed_migrations};
    use nauthera_core::storage::UserStore as _;

    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upgrade.db");
    let path = path.to_str().unwrap();
    {
        // The schema as the two migrations before accounts_and_secrets left it, with data in it.
        let mut conn = diesel::SqliteConnection::establish(path).unwrap();
        conn.run_next_migration(MIGRATIONS).unwrap();
        conn.run_next_migration(MIGRATIONS).unwrap();
        for statement in [
            "INSERT INTO users (subject, username, password_hash, claims) VALUES ('s', 'alice', 'h', '{\"email_verified\":false}')",
            "INSERT INTO refresh_tokens (digest, grant_id, client_id, subject, scope, sid, auth_time, issued_at,
                                         expires_at) VALUES ('d', 'g', 'c', 's', 'openid', 'sid', 0, 0, 500)",
            "INSERT INTO server_secrets (name, value) VALUES ('session', x'00ff')",
        ] {
            diesel::sql_query(statement).execute(&mut conn).unwrap();
        }
    }

    let store = SqliteStore::open(path, 1).await.unwrap();
    let token = store
        .find_refresh_token(&TokenDigest::from_stored("d".to_owned()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token.family_expires_at, UnixTime(500));
    let user = store.find_user(&Subject::new("s")).await.unwrap().unwrap();
    assert!(!user.disabled);
    assert_eq!(user.sessions_not_before, None);
    drop(store);

    let mut conn = diesel::SqliteConnection::establish(path).unwrap();
    assert_eq!(
        number(
            &mut conn,
            "SELECT family_expires_at AS value FROM refresh_tokens WHERE digest = 'd'"
        ),
        500,
        "existing tokens get their expiry as their family's"
    );
    assert_eq!(
        number(
            &mut conn,
            "SELECT count(*) AS value FROM sqlite_master WHERE name = 'server_secrets'"
        ),
        0,
        "the clear-text secret is gone"
    );
    assert_eq!(
        conn.revert_last_migration(MIGRATIONS).unwrap().to_string(),
        "20261202000000",
        "the migration reverts"
    );
    assert_eq!(
        number(
            &mut conn,
            "SELECT count(*) AS value FROM sqlite_master WHERE name IN ('server_secrets', 'secrets')"
        ),
        1
    );
}
