//! The embedded SQLite backend: [`SqliteStore`].
//!
//! Queries go through diesel-async's `SyncConnectionWrapper`, which runs each statement of the bundled SQLite on tokio's blocking pool, behind a bb8 pool. Writes that
//! decide races are single conditional statements (`redeem_code`) or `BEGIN IMMEDIATE` transactions
//! (`rotate_refresh_token`, `rotate_key`, `insert_key_if_none_active`), so they stay atomic across processes
//! sharing the database file.

mod clients;
mod codes;
mod consents;
mod error;
mod keys;
mod migrations;
mod pool;
mod refresh_tokens;
mod revocations;
mod users;

use diesel::ExpressionMethods as _;
use diesel::QueryDsl as _;
use diesel_async::RunQueryDsl as _;
use nauthera_core::{StorageError, UnixTime};

use crate::schema::{
    authorization_codes, refresh_tokens as refresh_tokens_table, revocations as revocations_table,
};
use pool::{Location, Pool, Pooled};

/// The embedded SQLite store: implements every `nauthera_core::storage` trait.
///
/// Cloning is cheap and shares the pool. Every connection runs with `journal_mode=WAL`, `busy_timeout=5000`
/// and `foreign_keys=ON`. Calls must run inside a tokio runtime, preferably the multi-thread flavour: a query
/// future dropped mid-flight waits for its blocking task with `block_in_place`.
#[derive(Clone)]
pub struct SqliteStore {
    pool: Pool,
    location: Location,
}

impl SqliteStore {
    /// Opens (creating if needed) the database and applies pending migrations.
    ///
    /// `url_or_path` is `sqlite://path/to/file.db`, `sqlite:path`, a plain path, or `sqlite::memory:` for a
    /// private in-memory database. `pool_size` bounds concurrent connections (at least 1); an in-memory
    /// database always uses a single connection, so all callers see the same data, and its data is lost if
    /// that connection breaks.
    ///
    /// # Errors
    /// [`StorageErrorKind::Unavailable`](nauthera_core::StorageErrorKind::Unavailable) when the database
    /// cannot be opened or a pragma cannot be set;
    /// [`StorageErrorKind::Other`](nauthera_core::StorageErrorKind::Other) when a migration fails.
    pub async fn open(url_or_path: &str, pool_size: u32) -> Result<Self, StorageError> {
        let location = Location::parse(url_or_path);
        let mut applied = 0;
        if let Location::File(_) = &location {
            // Fail fast (the pool retries failed connections until its timeout) and migrate before pooling.
            let mut first = pool::connect(&location).await.map_err(error::connection)?;
            applied = migrations::run(&mut first).await?;
        }
        let pool = pool::build(&location, pool_size)
            .await
            .map_err(|e| error::pool(bb8::RunError::User(e)))?;
        let store = Self { pool, location };
        if store.location == Location::Memory {
            // A private in-memory database exists only inside the pool's one connection.
            applied = migrations::run(&mut *store.connection().await?).await?;
        }
        tracing::debug!(applied, "sqlite migrations applied");
        Ok(store)
    }

    /// Deletes expired authorization codes, refresh tokens past expiry and revocations past expiry; returns
    /// how many rows went. Run it periodically; lookups never depend on it.
    ///
    /// # Errors
    /// A [`StorageError`] when the database fails.
    pub async fn purge_expired(&self, now: UnixTime) -> Result<u64, StorageError> {
        let mut connection = self.connection().await?;
        let codes = diesel::delete(
            authorization_codes::table.filter(authorization_codes::expires_at.lt(now.0)),
        )
        .execute(&mut *connection)
        .await
        .map_err(error::query)?;
        let tokens = diesel::delete(
            refresh_tokens_table::table.filter(refresh_tokens_table::expires_at.lt(now.0)),
        )
        .execute(&mut *connection)
        .await
        .map_err(error::query)?;
        let revocations = diesel::delete(
            revocations_table::table.filter(revocations_table::expires_at.lt(now.0)),
        )
        .execute(&mut *connection)
        .await
        .map_err(error::query)?;
        let total = codes.saturating_add(tokens).saturating_add(revocations);
        Ok(u64::try_from(total).unwrap_or(u64::MAX))
    }

    async fn connection(&self) -> Result<Pooled<'_>, StorageError> {
        self.pool.get().await.map_err(error::pool)
    }
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.pool.state();
        f.debug_struct("SqliteStore")
            .field("location", &self.location)
            .field("connections", &state.connections)
            .field("idle_connections", &state.idle_connections)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use diesel_async::SimpleAsyncConnection as _;

    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn every_connection_enforces_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fk.db");
        let store = SqliteStore::open(path.to_str().unwrap(), 3).await.unwrap();
        // Hold three connections at once so each is a distinct one.
        let mut connections = Vec::new();
        for _ in 0..3 {
            connections.push(store.connection().await.unwrap());
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
}
