//! The storage conformance suite against PostgreSQL, each check in a fresh schema: with signing keys in plain
//! text and encrypted at rest. Fails (never skips) when PostgreSQL is unreachable.
#![cfg(all(feature = "testkit", feature = "postgres"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test fixtures outside #[test] functions"
)]

mod pg_support;

use nauthera_storage::testkit::Guarded;
use nauthera_storage::{DieselStore, KeyEncryptionKey, StoreOptions};
use pg_support::TestSchema;

async fn fresh_store(options: StoreOptions) -> Guarded<DieselStore, TestSchema> {
    let schema = TestSchema::create().await;
    let store = DieselStore::open_with(&schema.url(), &options)
        .await
        .expect("open PostgreSQL in a fresh schema");
    assert!(store.is_postgres());
    Guarded::new(store, schema)
}

mod plain {
    nauthera_storage::storage_conformance!(super::fresh_store(
        nauthera_storage::StoreOptions::default().with_pool_size(4)
    ));
}

mod encrypted_keys {
    nauthera_storage::storage_conformance!(super::fresh_store(
        nauthera_storage::StoreOptions::default()
            .with_pool_size(4)
            .with_key_encryption(super::KeyEncryptionKey::from_bytes([42; 32]))
    ));
}
