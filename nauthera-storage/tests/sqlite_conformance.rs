//! The storage conformance suite against the embedded SQLite backend: on temporary database files (a pool of
//! several connections, so the concurrency checks really race) and in memory, with keys in plain text and
//! encrypted at rest.
#![cfg(all(feature = "testkit", feature = "embedded"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test fixtures outside #[test] functions"
)]

use nauthera_storage::SqliteStore;
use nauthera_storage::testkit::Guarded;

async fn temp_file_store() -> Guarded<SqliteStore, tempfile::TempDir> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("nauthera.db").display());
    let store = SqliteStore::open(&url, 4).await.expect("open the database");
    Guarded::new(store, dir)
}

mod file {
    nauthera_storage::storage_conformance!(super::temp_file_store());
}

mod memory {
    nauthera_storage::storage_conformance!(async {
        nauthera_storage::SqliteStore::open("sqlite::memory:", 4)
            .await
            .expect("open an in-memory database")
    });
}

mod encrypted_keys {
    nauthera_storage::storage_conformance!(async {
        let options = nauthera_storage::StoreOptions::default()
            .with_key_encryption(nauthera_storage::KeyEncryptionKey::from_bytes([9; 32]));
        nauthera_storage::DieselStore::open_with("sqlite::memory:", &options)
            .await
            .expect("open an in-memory database")
    });
}
