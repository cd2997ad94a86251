//! The two backends as enums: which one a URL names, its pool, and a connection checked out of it.

use nauthera_core::StorageError;
#[cfg(not(all(feature = "embedded", feature = "postgres")))]
use nauthera_core::StorageErrorKind;

/// The backend a URL names.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum Backend {
    /// SQLite: `sqlite:` URLs and plain paths.
    #[cfg(feature = "embedded")]
    Sqlite,
    /// PostgreSQL: `postgres://` and `postgresql://` URLs.
    #[cfg(feature = "postgres")]
    Postgres,
}

impl Backend {
    /// Chooses the backend by the URL's scheme; anything that is not a PostgreSQL URL is SQLite.
    ///
    /// # Errors
    /// [`StorageErrorKind::Other`] when the backend the URL names is not compiled in.
    pub(crate) fn of(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::postgres()
        } else {
            Self::sqlite()
        }
    }

    #[cfg(feature = "postgres")]
    fn postgres() -> Result<Self, StorageError> {
        Ok(Self::Postgres)
    }

    #[cfg(not(feature = "postgres"))]
    fn postgres() -> Result<Self, StorageError> {
        Err(StorageError::new(
            StorageErrorKind::Other,
            "a PostgreSQL URL needs nauthera-storage's `postgres` feature",
        ))
    }

    #[cfg(feature = "embedded")]
    fn sqlite() -> Result<Self, StorageError> {
        Ok(Self::Sqlite)
    }

    #[cfg(not(feature = "embedded"))]
    fn sqlite() -> Result<Self, StorageError> {
        Err(StorageError::new(
            StorageErrorKind::Other,
            "a SQLite URL or path needs nauthera-storage's `embedded` feature",
        ))
    }
}

/// The connection pool of one backend.
#[derive(Clone)]
pub(crate) enum Pool {
    /// SQLite connections.
    #[cfg(feature = "embedded")]
    Sqlite(crate::sqlite::Pool),
    /// PostgreSQL connections.
    #[cfg(feature = "postgres")]
    Postgres(crate::postgres::Pool),
}

/// A connection checked out of a [`Pool`], returned to it on drop.
#[allow(
    clippy::large_enum_variant,
    reason = "lives on the stack for one query; boxing would allocate on every query"
)]
pub(crate) enum Connection<'a> {
    /// A SQLite connection.
    #[cfg(feature = "embedded")]
    Sqlite(crate::sqlite::Pooled<'a>),
    /// A PostgreSQL connection.
    #[cfg(feature = "postgres")]
    Postgres(crate::postgres::Pooled<'a>),
}

impl Pool {
    /// Checks a connection out, waiting up to the pool's connection timeout.
    ///
    /// # Errors
    /// [`StorageErrorKind::Unavailable`] when no connection can be had in time.
    pub(crate) async fn get(&self) -> Result<Connection<'_>, StorageError> {
        match self {
            #[cfg(feature = "embedded")]
            Self::Sqlite(pool) => pool
                .get()
                .await
                .map(Connection::Sqlite)
                .map_err(super::error::pool),
            #[cfg(feature = "postgres")]
            Self::Postgres(pool) => pool
                .get()
                .await
                .map(Connection::Postgres)
                .map_err(super::error::pool),
        }
    }

    /// Whether this is a PostgreSQL pool.
    pub(crate) fn is_postgres(&self) -> bool {
        match self {
            #[cfg(feature = "embedded")]
            Self::Sqlite(_) => false,
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => true,
        }
    }

    /// The backend's name, open connections and idle connections, for `Debug`.
    pub(crate) fn describe(&self) -> (&'static str, u32, u32) {
        match self {
            #[cfg(feature = "embedded")]
            Self::Sqlite(pool) => {
                let state = pool.state();
                ("sqlite", state.connections, state.idle_connections)
            }
            #[cfg(feature = "postgres")]
            Self::Postgres(pool) => {
                let state = pool.state();
                ("postgres", state.connections, state.idle_connections)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_choose_the_backend() {
        #[cfg(feature = "postgres")]
        {
            assert_eq!(Backend::of("postgres://u@h/db").unwrap(), Backend::Postgres);
            assert_eq!(Backend::of("postgresql://h").unwrap(), Backend::Postgres);
        }
        #[cfg(feature = "embedded")]
        {
            assert_eq!(Backend::of("sqlite::memory:").unwrap(), Backend::Sqlite);
            assert_eq!(Backend::of("/var/lib/n.db").unwrap(), Backend::Sqlite);
        }
    }
}
