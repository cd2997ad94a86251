//! Mapping diesel and pool errors to the opaque [`StorageError`].

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::PoolError;
use nauthera_core::{StorageError, StorageErrorKind};

/// Maps a diesel error: unique violations are conflicts, lost connections and lock timeouts are
/// unavailability, undecodable rows are corruption.
pub(crate) fn query(error: DieselError) -> StorageError {
    let kind = match &error {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            StorageErrorKind::Conflict
        }
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
            StorageErrorKind::NotFound
        }
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => StorageErrorKind::Unavailable,
        // SQLITE_BUSY / SQLITE_LOCKED after busy_timeout expired; PostgreSQL lock or statement timeouts.
        DieselError::DatabaseError(_, info) if is_timeout(info.message()) => {
            StorageErrorKind::Unavailable
        }
        DieselError::DeserializationError(_) => StorageErrorKind::Corrupt,
        _ => StorageErrorKind::Other,
    };
    StorageError::new(kind, error)
}

/// Maps an error of the connection pool.
pub(crate) fn pool(error: bb8::RunError<PoolError>) -> StorageError {
    match error {
        bb8::RunError::User(PoolError::QueryError(error)) => query(error),
        other => StorageError::new(StorageErrorKind::Unavailable, other),
    }
}

/// A connection that could not be opened (refused, timed out, TLS failed).
pub(crate) fn connection(error: diesel::ConnectionError) -> StorageError {
    StorageError::new(StorageErrorKind::Unavailable, error)
}

/// Data read back from the database that does not decode.
pub(crate) fn corrupt(
    source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
) -> StorageError {
    StorageError::new(StorageErrorKind::Corrupt, source)
}

/// Data that cannot be encoded for storage.
pub(crate) fn encode(
    source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
) -> StorageError {
    StorageError::new(StorageErrorKind::Other, source)
}

fn is_timeout(message: &str) -> bool {
    const TIMEOUTS: [&str; 5] = [
        "database is locked",
        "database table is locked",
        "canceling statement due to lock timeout",
        "canceling statement due to statement timeout",
        "could not obtain lock",
    ];
    TIMEOUTS.iter().any(|timeout| message.contains(timeout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserialization_is_corrupt_and_not_found_is_other() {
        let corrupt = query(DieselError::DeserializationError("bad".into()));
        assert_eq!(corrupt.kind(), StorageErrorKind::Corrupt);
        assert_eq!(query(DieselError::NotFound).kind(), StorageErrorKind::Other);
    }

    #[test]
    fn pool_timeouts_are_unavailable() {
        assert_eq!(
            pool(bb8::RunError::TimedOut).kind(),
            StorageErrorKind::Unavailable
        );
    }
}
