//! [`migrate`]: applying the embedded migrations without opening a store.

use nauthera_core::StorageError;

use super::backend::Backend;
use crate::options::StoreOptions;

/// Applies the pending embedded migrations of the database at `url` (chosen by scheme, as
/// [`DieselStore::open_with`](crate::DieselStore::open_with) does) and returns how many ran.
///
/// This is what a `migrate` command calls; [`DieselStore::open_with`](crate::DieselStore::open_with) does the
/// same unless [`StoreOptions::run_migrations`] is off. On PostgreSQL the migrations run on one session holding
/// a fixed advisory lock (`pg_advisory_lock`), so replicas starting together wait for each other and apply them
/// once; each migration runs in its own transaction. Only `connection_timeout` and `tls` of `options` matter.
///
/// # Errors
/// [`StorageErrorKind::Unavailable`](nauthera_core::StorageErrorKind::Unavailable) when the database cannot
/// be reached; [`StorageErrorKind::Other`](nauthera_core::StorageErrorKind::Other) when a migration fails or
/// the URL is malformed.
pub async fn migrate(url: &str, options: &StoreOptions) -> Result<usize, StorageError> {
    let applied = match Backend::of(url)? {
        #[cfg(feature = "embedded")]
        Backend::Sqlite => crate::sqlite::migrate(url).await?,
        #[cfg(feature = "postgres")]
        Backend::Postgres => crate::postgres::migrate(url, options).await?,
    };
    #[cfg(not(feature = "postgres"))]
    let _ = options; // Only PostgreSQL connections have options.
    Ok(applied)
}
