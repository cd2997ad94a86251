//! The embedded schema migrations (`migrations/sqlite/`), applied when a store opens
//! or by [`migrate`](crate::migrate).

use diesel_migrations::{EmbeddedMigrations, MigrationHarness as _, embed_migrations};
use nauthera_core::{StorageError, StorageErrorKind};

use super::pool::Connection;
use crate::sql::error;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Applies pending migrations on `connection`'s blocking thread; returns how many ran.
pub(crate) async fn run(connection: &mut Connection) -> Result<usize, StorageError> {
    let outcome = connection
        .spawn_blocking(|connection| {
            // The harness reports a boxed error that is not a diesel error: carry it out as a value.
            Ok(connection
                .run_pending_migrations(MIGRATIONS)
                .map(|applied| applied.len())
                .map_err(|e| e.to_string()))
        })
        .await
        .map_err(error::query)?;
    outcome.map_err(|message| StorageError::new(StorageErrorKind::Other, message))
}
