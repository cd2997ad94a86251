//! The SQLite side of [`DieselStore`](crate::DieselStore): locations, per-connection pragmas, the pool and the
//! embedded migrations (`migrations/sqlite/`).
//!
//! Queries go through diesel-async's `SyncConnectionWrapper`, which runs each statement of the bundled SQLite on
//! tokio's blocking pool. Write transactions are `BEGIN IMMEDIATE`, so they stay atomic across processes
//! sharing the database file.

mod migrations;
mod pool;

use nauthera_core::StorageError;

use crate::options::StoreOptions;
use crate::sql::error;
use pool::Location;
pub(crate) use pool::{Pool, Pooled};

/// Opens (creating if needed) the database at `url_or_path` and applies pending migrations unless told not to.
///
/// # Errors
/// [`StorageErrorKind::Unavailable`](nauthera_core::StorageErrorKind::Unavailable) when the database cannot
/// be opened or a pragma cannot be set; [`StorageErrorKind::Other`](nauthera_core::StorageErrorKind::Other)
/// when a migration fails.
pub(crate) async fn open(url_or_path: &str, options: &StoreOptions) -> Result<Pool, StorageError> {
    let location = Location::parse(url_or_path);
    let mut applied = 0;
    if let Location::File(_) = &location {
        // Fail fast (the pool retries failed connections until its timeout) and migrate before pooling.
        let mut first = pool::connect(&location).await.map_err(error::connection)?;
        if options.run_migrations {
            applied = migrations::run(&mut first).await?;
        }
    }
    let pool = pool::build(&location, options)
        .await
        .map_err(|e| error::pool(bb8::RunError::User(e)))?;
    if location == Location::Memory {
        // A private in-memory database exists only inside the pool's one connection: always migrate it.
        let mut connection = pool.get().await.map_err(error::pool)?;
        applied = migrations::run(&mut connection).await?;
    }
    tracing::debug!(applied, "sqlite migrations applied");
    Ok(pool)
}

/// Applies pending migrations to the database at `url_or_path`; returns how many ran.
///
/// # Errors
/// As [`open`].
pub(crate) async fn migrate(url_or_path: &str) -> Result<usize, StorageError> {
    let location = Location::parse(url_or_path);
    let mut connection = pool::connect(&location).await.map_err(error::connection)?;
    migrations::run(&mut connection).await
}

#[cfg(test)]
mod tests {
    use diesel_async::SimpleAsyncConnection as _;

    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn every_connection_enforces_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fk.db");
        let options = StoreOptions::default().with_pool_size(3);
        let pool = open(path.to_str().unwrap(), &options).await.unwrap();
        // Hold three connections at once so each is a distinct one.
        let mut connections = Vec::new();
        for _ in 0..3 {
            connections.push(pool.get().await.unwrap());
        }
        for connection in &mut connections {
            let orphan = connection
                .batch_execute(
                    "INSERT INTO group_members (group_id, subject, added_at) VALUES ('g', 's', 0)",
                )
                .await;
            assert!(orphan.is_err(), "foreign keys are enforced");
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn migrate_applies_once() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("m.db").display());
        assert_eq!(migrate(&url).await.unwrap(), 3);
        assert_eq!(migrate(&url).await.unwrap(), 0);
        let options = StoreOptions::default().with_run_migrations(false);
        open(&url, &options).await.unwrap();
    }
}
