//! PostgreSQL specifics beyond the conformance suite: TLS settings against the local (plain) server, migrations
//! racing under the advisory lock, upgrading a populated schema, the account tables, the replica-safe batched
//! purge, and signing keys and server secrets encrypted at rest. Each test works in a fresh schema; they fail (never skip) when PostgreSQL is unreachable.
#![cfg(feature = "postgres")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test fixtures outside #[test] functions"
)]

mod pg_support;

use std::time::Duration;

use nauthera_core::keys::{Algorithm, StoredKey, StoredSecret};
use nauthera_core::storage::{CodeStore as _, KeyStore as _};
use nauthera_core::{StorageErrorKind, SystemRandom, UnixTime};
use nauthera_storage::{DieselStore, KeyEncryptionKey, StoreOptions, Tls, migrate};
use pg_support::{TestSchema, client, with_param};

/// The purge lock's key (`nauthera` + 2), as the store takes it.
const PURGE_LOCK: i64 = 0x6e61_7574_6865_7202;

fn error_text(error: &nauthera_core::StorageError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_connections_work_and_report_the_backend() {
    let schema = TestSchema::create().await;
    let store = DieselStore::open(&schema.url(), 2).await.unwrap();
    assert!(store.is_postgres());
    assert!(format!("{store:?}").contains("postgres"));
    let secret = StoredSecret::generate("session", &SystemRandom::new(), UnixTime(1)).unwrap();
    store.insert_secret_if_none_active(&secret).await.unwrap();
    let stored = store.list_secrets("session").await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(*stored[0].value, *secret.value);
}

#[tokio::test(flavor = "multi_thread")]
async fn sslmode_require_against_a_plain_server_is_unavailable() {
    let schema = TestSchema::create().await;
    let url = with_param(&schema.url(), "sslmode=require");
    let error = DieselStore::open(&url, 1).await.unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Unavailable);
    let text = error_text(&error);
    assert!(text.contains("TLS"), "{text}");
    let options = StoreOptions::default().with_tls(Tls::Require { ca_file: None });
    let error = migrate(&schema.url(), &options).await.unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Unavailable);
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_servers_are_unavailable() {
    let options = StoreOptions::default().with_connection_timeout(Duration::from_secs(2));
    let error = DieselStore::open_with("postgres://postgres@127.0.0.1:1/test", &options)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Unavailable);
}

#[tokio::test(flavor = "multi_thread")]
async fn replicas_migrating_together_apply_each_migration_once() {
    let schema = TestSchema::create().await;
    let url = schema.url();
    let options = StoreOptions::default();
    let runs = (0..4).map(|_| {
        let (url, options) = (url.clone(), options.clone());
        tokio::spawn(async move { migrate(&url, &options).await.unwrap() })
    });
    let mut applied = 0;
    for run in runs {
        applied += run.await.unwrap();
    }
    assert_eq!(applied, 3, "every migration, once");
    assert_eq!(migrate(&url, &options).await.unwrap(), 0);
    let options = options.with_run_migrations(false);
    let store = DieselStore::open_with(&url, &options).await.unwrap();
    assert!(store.list_keys().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn account_tables_exist_with_their_constraints() {
    let schema = TestSchema::create().await;
    migrate(&schema.url(), &StoreOptions::default())
        .await
        .unwrap();
    let db = client(&schema.url()).await;
    db.batch_execute(
        "INSERT INTO users (subject, username, password_hash, claims) VALUES ('s', 'alice', 'h', '{}');
         INSERT INTO groups (group_id, name, description, created_at) VALUES ('g', 'admins', NULL, 1);
         INSERT INTO group_members (group_id, subject, added_at) VALUES ('g', 's', 2);
         INSERT INTO user_preferences (subject, preferences, updated_at) VALUES ('s', '{\"locale\":\"fr\"}', 3);
         INSERT INTO user_totp (subject, secret, created_at) VALUES ('s', '\\x00ff', 4);
         INSERT INTO user_recovery_codes (subject, digest, created_at) VALUES ('s', 'd', 5);",
    )
    .await
    .unwrap();
    let orphan = db
        .batch_execute(
            "INSERT INTO group_members (group_id, subject, added_at) VALUES ('g', 'nobody', 0)",
        )
        .await;
    assert!(orphan.is_err(), "memberships need a user");
    db.batch_execute("DELETE FROM users WHERE subject = 's'")
        .await
        .unwrap();
    let left: i64 = db
        .query_one(
            "SELECT (SELECT count(*) FROM group_members) + (SELECT count(*) FROM user_preferences)
                  + (SELECT count(*) FROM user_totp) + (SELECT count(*) FROM user_recovery_codes)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "a user's account rows go with the user");
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_skips_while_another_replica_purges_and_deletes_in_batches() {
    let schema = TestSchema::create().await;
    let store = DieselStore::open(&schema.url(), 2).await.unwrap();
    let db = client(&schema.url()).await;
    // 2,500 expired codes (three batches), 10 live ones, expired and live refresh tokens and revocations.
    db.batch_execute(
        "INSERT INTO authorization_codes (digest, grant_id, client_id, redirect_uri, code_challenge, subject,
                                          scope, sid, auth_time, expires_at)
         SELECT 'c' || n, 'g', 'c', 'https://rp.example/cb',
                'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 's', 'openid', 'sid', 0,
                CASE WHEN n <= 2500 THEN 100 ELSE 300 END
         FROM generate_series(1, 2510) AS n;
         INSERT INTO refresh_tokens (digest, grant_id, client_id, subject, scope, sid, auth_time, issued_at,
                                     expires_at)
         SELECT 'r' || n, 'g', 'c', 's', 'openid', 'sid', 0, 0, CASE WHEN n <= 5 THEN 100 ELSE 300 END
         FROM generate_series(1, 8) AS n;
         INSERT INTO revocations (key, expires_at) VALUES ('old', 100), ('new', 300);",
    )
    .await
    .unwrap();

    let replica = client(&schema.url()).await;
    let locked: bool = replica
        .query_one("SELECT pg_try_advisory_lock($1)", &[&PURGE_LOCK])
        .await
        .unwrap()
        .get(0);
    assert!(locked);
    assert_eq!(
        store.purge_expired(UnixTime(200)).await.unwrap(),
        0,
        "skipped"
    );
    replica
        .query_one("SELECT pg_advisory_unlock($1)", &[&PURGE_LOCK])
        .await
        .unwrap();

    assert_eq!(
        store.purge_expired(UnixTime(200)).await.unwrap(),
        2500 + 5 + 1
    );
    let left: i64 = db
        .query_one(
            "SELECT (SELECT count(*) FROM authorization_codes) + (SELECT count(*) FROM refresh_tokens)
                  + (SELECT count(*) FROM revocations)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 10 + 3 + 1);
    let live = nauthera_core::secret::TokenDigest::from_stored("c2501".to_owned());
    assert!(store.find_code(&live).await.unwrap().is_some());
    assert_eq!(store.purge_expired(UnixTime(200)).await.unwrap(), 0);
    let free: bool = replica
        .query_one("SELECT pg_try_advisory_lock($1)", &[&PURGE_LOCK])
        .await
        .unwrap()
        .get(0);
    assert!(free, "the purge released its lock");
}

/// Asserts that a raw column holds `plain` sealed (format version 1), not in clear text.
fn assert_sealed(stored: &[u8], plain: &[u8]) {
    assert_eq!(stored.first(), Some(&0x01), "sealed, version 1");
    assert!(
        !stored.windows(plain.len()).any(|window| window == plain),
        "the raw column does not hold the plaintext"
    );
}

/// A store in a fresh schema that seals private material under a key-encryption key.
async fn encrypted_store() -> (TestSchema, DieselStore) {
    let schema = TestSchema::create().await;
    let kek = KeyEncryptionKey::from_bytes([7; 32]);
    let options = StoreOptions::default().with_key_encryption(kek);
    let store = DieselStore::open_with(&schema.url(), &options)
        .await
        .unwrap();
    (schema, store)
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_keys_are_encrypted_at_rest() {
    let (schema, store) = encrypted_store().await;
    let key = StoredKey::generate(Algorithm::ES256, &SystemRandom::new(), UnixTime(10)).unwrap();
    store
        .insert_key_if_none_active(Algorithm::ES256, &key)
        .await
        .unwrap();

    let db = client(&schema.url()).await;
    let stored: Vec<u8> = db
        .query_one(
            "SELECT private_der FROM signing_keys WHERE kid = $1",
            &[&key.kid],
        )
        .await
        .unwrap()
        .get(0);
    assert_sealed(&stored, &key.private_der);
    let listed = store.list_keys().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(*listed[0].private_der, *key.private_der);

    let without = DieselStore::open(&schema.url(), 1).await.unwrap();
    let error = without.list_keys().await.unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Corrupt);
    let wrong = StoreOptions::default().with_key_encryption(KeyEncryptionKey::from_bytes([8; 32]));
    let error = DieselStore::open_with(&schema.url(), &wrong)
        .await
        .unwrap()
        .list_keys()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Corrupt);
}

#[tokio::test(flavor = "multi_thread")]
async fn server_secrets_are_encrypted_at_rest() {
    let (schema, store) = encrypted_store().await;
    let secret = StoredSecret::generate("session", &SystemRandom::new(), UnixTime(10)).unwrap();
    store.insert_secret_if_none_active(&secret).await.unwrap();

    let db = client(&schema.url()).await;
    let stored: Vec<u8> = db
        .query_one("SELECT value FROM secrets WHERE id = $1", &[&secret.id])
        .await
        .unwrap()
        .get(0);
    assert_sealed(&stored, &secret.value);
    let listed = store.list_secrets("session").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(*listed[0].value, *secret.value);

    let without = DieselStore::open(&schema.url(), 1).await.unwrap();
    let error = without.list_secrets("session").await.unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Corrupt);
    let wrong = StoreOptions::default().with_key_encryption(KeyEncryptionKey::from_bytes([8; 32]));
    let error = DieselStore::open_with(&schema.url(), &wrong)
        .await
        .unwrap()
        .list_secrets("session")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Corrupt);
    // A row moved under another id does not decrypt either.
    db.batch_execute("UPDATE secrets SET id = 'moved'")
        .await
        .unwrap();
    let error = store.list_secrets("session").await.unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::Corrupt);
}

#[tokio::test(flavor = "multi_thread")]
async fn upgrading_keeps_users_and_refresh_tokens_and_drops_the_clear_text_secret() {
    use diesel_async::AsyncPgConnection;
    use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
    use diesel_migrations::{EmbeddedMigrations, MigrationHarness as _, embed_migrations};
    use nauthera_core::storage::{RefreshTokenStore as _, UserStore as _};

    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
    let schema = TestSchema::create().await;
    let url = schema.url();
    // The schema as the two migrations before accounts_and_secrets left it.
    tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            use diesel::Connection as _;
            let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url).unwrap();
            conn.run_next_migration(MIGRATIONS).unwrap();
            conn.run_next_migration(MIGRATIONS).unwrap();
        }
    })
    .await
    .unwrap();
    let db = client(&url).await;
    db.batch_execute(
        "INSERT INTO users (subject, username, password_hash, claims) VALUES ('s', 'alice', 'h', '{\"email_verified\":false}');
         INSERT INTO refresh_tokens (digest, grant_id, client_id, subject, scope, sid, auth_time, issued_at,
                                     expires_at) VALUES ('d', 'g', 'c', 's', 'openid', 'sid', 0, 0, 500);
         INSERT INTO server_secrets (name, value) VALUES ('session', '\\x00ff');",
    )
    .await
    .unwrap();

    assert_eq!(migrate(&url, &StoreOptions::default()).await.unwrap(), 1);
    let family_expires_at: Option<i64> = db
        .query_one(
            "SELECT family_expires_at FROM refresh_tokens WHERE digest = 'd'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        family_expires_at,
        Some(500),
        "existing tokens get their expiry as their family's"
    );
    let old_table: i64 = db
        .query_one(
            "SELECT count(*) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name = 'server_secrets'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(old_table, 0, "the clear-text secret is gone");

    let store = DieselStore::open(&url, 1).await.unwrap();
    let token = store
        .find_refresh_token(&nauthera_core::secret::TokenDigest::from_stored(
            "d".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token.family_expires_at, UnixTime(500));
    let user = store
        .find_user(&nauthera_core::types::Subject::new("s"))
        .await
        .unwrap()
        .unwrap();
    assert!(!user.disabled);
    assert_eq!(user.sessions_not_before, None);
    drop(store);

    let reverted = tokio::task::spawn_blocking(move || {
        use diesel::Connection as _;
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url).unwrap();
        conn.revert_last_migration(MIGRATIONS).unwrap().to_string()
    })
    .await
    .unwrap();
    assert_eq!(reverted, "20261202000000", "the migration reverts");
    let tables: Vec<String> = db
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name IN ('server_secrets', 'secrets')",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(tables, ["server_secrets"]);
}
