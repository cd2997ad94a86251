//! PostgreSQL advisory locks that serialize replicas: fixed 64-bit keys, one per purpose.

use diesel::QueryResult;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl as _};
use nauthera_core::StorageError;

use super::Pool;
use crate::sql::error;

/// Held (session-scoped, blocking) while migrations run. The keys spell "nauthera" plus a purpose number.
pub(crate) const MIGRATIONS: i64 = 0x6e61_7574_6865_7201;
/// Held (session-scoped, tried without waiting) while expired rows are purged.
pub(crate) const PURGE: i64 = 0x6e61_7574_6865_7202;
/// Held (transaction-scoped) by key writes, as `BEGIN IMMEDIATE` serializes them on SQLite.
pub(crate) const KEY_WRITES: i64 = 0x6e61_7574_6865_7203;
/// Held (transaction-scoped) by server-secret writes, as `BEGIN IMMEDIATE` serializes them on SQLite.
pub(crate) const SECRET_WRITES: i64 = 0x6e61_7574_6865_7204;

diesel::define_sql_function! {
    /// `pg_try_advisory_lock(key)`: takes the session-level lock if free.
    fn pg_try_advisory_lock(key: BigInt) -> Bool;
}

diesel::define_sql_function! {
    /// `pg_advisory_unlock(key)`: releases a session-level lock this session holds.
    fn pg_advisory_unlock(key: BigInt) -> Bool;
}

/// Takes the transaction-scoped lock `key`, waiting for it; it is released at commit or rollback.
///
/// # Errors
/// When the statement fails.
pub(crate) async fn lock_transaction(conn: &mut AsyncPgConnection, key: i64) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(key)
        .execute(conn)
        .await
        .map(drop)
}

/// Takes the session-scoped lock `key` on a synchronous connection, waiting for it.
///
/// # Errors
/// When the statement fails.
pub(super) fn lock_session_blocking<C>(conn: &mut C, key: i64) -> QueryResult<()>
where
    C: diesel::Connection<Backend = diesel::pg::Pg>,
{
    let lock = diesel::sql_query("SELECT pg_advisory_lock($1)").bind::<BigInt, _>(key);
    diesel::RunQueryDsl::execute(lock, conn).map(drop)
}

/// Releases the session-scoped lock `key` on a synchronous connection.
///
/// # Errors
/// When the statement fails.
pub(super) fn unlock_session_blocking<C>(conn: &mut C, key: i64) -> QueryResult<()>
where
    C: diesel::Connection<Backend = diesel::pg::Pg>,
{
    let unlock = diesel::sql_query("SELECT pg_advisory_unlock($1)").bind::<BigInt, _>(key);
    diesel::RunQueryDsl::execute(unlock, conn).map(drop)
}

/// A dedicated session (outside the pool) holding the purge lock. Dropping it closes the session, which
/// releases the lock even when [`PurgeSession::finish`] could not.
pub(crate) struct PurgeSession {
    connection: AsyncPgConnection,
}

impl PurgeSession {
    /// Opens a session and tries the purge lock: `None` when another replica holds it.
    ///
    /// # Errors
    /// [`StorageErrorKind::Unavailable`](nauthera_core::StorageErrorKind::Unavailable) when no connection can
    /// be opened; a query error otherwise.
    pub(crate) async fn start(pool: &Pool) -> Result<Option<Self>, StorageError> {
        let mut connection = pool
            .dedicated_connection()
            .await
            .map_err(|e| error::pool(bb8::RunError::User(e)))?;
        let locked: bool = diesel::select(pg_try_advisory_lock(PURGE))
            .get_result(&mut connection)
            .await
            .map_err(error::query)?;
        Ok(locked.then_some(Self { connection }))
    }

    /// The session's connection.
    pub(crate) fn connection(&mut self) -> &mut AsyncPgConnection {
        &mut self.connection
    }

    /// Releases the lock (best effort) and closes the session.
    pub(crate) async fn finish(mut self) {
        let released = diesel::select(pg_advisory_unlock(PURGE))
            .get_result::<bool>(&mut self.connection)
            .await;
        if let Err(error) = released {
            tracing::debug!(%error, "purge lock not released explicitly; closing the session releases it");
        }
    }
}
