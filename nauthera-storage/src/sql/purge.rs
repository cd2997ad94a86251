//! [`DieselStore::purge_expired`]: deleting expired rows in bounded batches, one purger at a time.

use diesel::{ExpressionMethods as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use nauthera_core::{StorageError, UnixTime};

use super::backend::Pool;
use super::{DieselStore, error};
use crate::schema::{authorization_codes, refresh_tokens, revocations};

/// Rows deleted per statement, so a purge never holds locks on a large part of a table, nor for long.
const BATCH: i64 = 1000;

/// Deletes the rows of `$table` whose `expires_at` is before `$now`, `BATCH` rows per statement (their primary
/// keys selected first; the delete re-checks expiry, which an upsert may have pushed back meanwhile) until a
/// batch comes up short; evaluates to the count, returning early with the first error.
macro_rules! purge_table {
    ($conn:ident, $table:ident, $key:ident, $now:expr) => {{
        let mut deleted: usize = 0;
        loop {
            let expired: Vec<String> = $table::table
                .select($table::$key)
                .filter($table::expires_at.lt($now))
                .limit(BATCH)
                .load(&mut *$conn)
                .await?;
            let batch = diesel::delete(
                $table::table
                    .filter($table::$key.eq_any(&expired))
                    .filter($table::expires_at.lt($now)),
            )
            .execute(&mut *$conn)
            .await?;
            deleted = deleted.saturating_add(batch);
            if i64::try_from(expired.len()).map_or(true, |found| found < BATCH) {
                break deleted;
            }
        }
    }};
}

/// Purges the expired codes, refresh tokens and revocations on `$conn`; evaluates to
/// `Result<usize, diesel::result::Error>`.
macro_rules! delete_expired {
    ($conn:ident, $now:expr) => {
        async {
            let codes = purge_table!($conn, authorization_codes, digest, $now);
            let tokens = purge_table!($conn, refresh_tokens, digest, $now);
            let revoked = purge_table!($conn, revocations, key, $now);
            Ok::<_, diesel::result::Error>(codes.saturating_add(tokens).saturating_add(revoked))
        }
        .await
    };
}

impl DieselStore {
    /// Deletes expired authorization codes, refresh tokens past expiry and revocations past expiry; returns
    /// how many rows went. Run it periodically (every replica may): lookups never depend on it.
    ///
    /// Deletes go in batches of 1,000 rows per statement. On PostgreSQL the purge runs on its own session
    /// under a fixed advisory lock taken with `pg_try_advisory_lock`: while another replica purges, this call
    /// returns `Ok(0)` at once.
    ///
    /// # Errors
    /// A [`StorageError`] when the database fails.
    pub async fn purge_expired(&self, now: UnixTime) -> Result<u64, StorageError> {
        let now = now.0;
        let deleted = match &self.pool {
            #[cfg(feature = "embedded")]
            Pool::Sqlite(pool) => {
                let mut pooled = pool.get().await.map_err(error::pool)?;
                let conn = &mut *pooled;
                delete_expired!(conn, now).map_err(error::query)?
            }
            #[cfg(feature = "postgres")]
            Pool::Postgres(pool) => {
                let Some(mut session) = crate::postgres::locks::PurgeSession::start(pool).await?
                else {
                    tracing::debug!("another replica is purging; skipped");
                    return Ok(0);
                };
                let conn = session.connection();
                let deleted = delete_expired!(conn, now).map_err(error::query);
                session.finish().await;
                deleted?
            }
        };
        Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
    }
}
