//! The embedded PostgreSQL migrations (`migrations/postgres/`), applied under the migration advisory lock.

use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness as _, embed_migrations};
use nauthera_core::{StorageError, StorageErrorKind};

use super::locks;
use crate::sql::error;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies pending migrations on `connection` while its session holds [`locks::MIGRATIONS`], so replicas
/// starting together wait for each other and the later ones find nothing to do. Returns the connection and
/// how many migrations ran.
///
/// diesel's migration harness is synchronous: it runs on tokio's blocking pool, each statement driven by
/// the runtime the connection belongs to.
///
/// # Errors
/// [`StorageErrorKind::Other`] when a migration fails; a query error when the lock cannot be taken.
pub(super) async fn run(
    connection: AsyncPgConnection,
) -> Result<(AsyncPgConnection, usize), StorageError> {
    tokio::task::spawn_blocking(move || {
        let mut connection = AsyncConnectionWrapper::<AsyncPgConnection>::from(connection);
        locks::lock_session_blocking(&mut connection, locks::MIGRATIONS).map_err(error::query)?;
        // On failure the connection is dropped: its session ends, which releases the lock.
        let applied = connection
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| StorageError::new(StorageErrorKind::Other, e))?
            .len();
        locks::unlock_session_blocking(&mut connection, locks::MIGRATIONS).map_err(error::query)?;
        Ok((connection.into_inner(), applied))
    })
    .await
    .map_err(|e| StorageError::new(StorageErrorKind::Other, e))?
}
