//! The PostgreSQL side of [`DieselStore`](crate::DieselStore): URL and TLS settings, connecting through
//! diesel-async's pure-Rust `AsyncPgConnection` (tokio-postgres, TLS through rustls), the bb8 pool, migrations
//! under an advisory lock, and the advisory locks that serialize replicas.
//!
//! Queries themselves are the shared ones in `crate::sql`.

mod connect;
pub(crate) mod locks;
mod migrations;
mod settings;
mod tls;

use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use nauthera_core::StorageError;

use crate::options::StoreOptions;
use crate::sql::error;
use settings::Settings;

/// The pool of PostgreSQL connections.
pub(crate) type Pool = bb8::Pool<AsyncDieselConnectionManager<AsyncPgConnection>>;
/// A connection checked out of the pool.
pub(crate) type Pooled<'a> =
    bb8::PooledConnection<'a, AsyncDieselConnectionManager<AsyncPgConnection>>;

/// Connects once (so an unreachable server fails here, clearly), applies pending migrations unless told not
/// to, and builds the pool around that first connection.
///
/// # Errors
/// [`StorageErrorKind::Unavailable`](nauthera_core::StorageErrorKind::Unavailable) when the server cannot be
/// reached, TLS fails or the connection times out; [`StorageErrorKind::Other`](nauthera_core::StorageErrorKind::Other)
/// for a malformed URL, an unreadable CA file or a failed migration.
pub(crate) async fn open(url: &str, options: &StoreOptions) -> Result<Pool, StorageError> {
    let settings = Arc::new(Settings::parse(url, options)?);
    let mut first = connect::establish(&settings)
        .await
        .map_err(error::connection)?;
    if options.run_migrations {
        let (connection, applied) = migrations::run(first).await?;
        tracing::debug!(applied, "postgres migrations applied");
        first = connection;
    }
    let pool = connect::pool(settings, options);
    // The pool is empty and at least one connection large, so this cannot be refused; if it were, the
    // connection would simply close.
    let _ = pool.add(first);
    Ok(pool)
}

/// Applies pending migrations under the migration lock; returns how many ran.
///
/// # Errors
/// As [`open`].
pub(crate) async fn migrate(url: &str, options: &StoreOptions) -> Result<usize, StorageError> {
    let settings = Settings::parse(url, options)?;
    let connection = connect::establish(&settings)
        .await
        .map_err(error::connection)?;
    let (_, applied) = migrations::run(connection).await?;
    Ok(applied)
}
