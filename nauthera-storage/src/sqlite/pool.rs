//! Connections: location parsing, per-connection pragmas and the bb8 pool.

use std::future::Future;
use std::pin::Pin;

use diesel::SqliteConnection;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, PoolError, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection as _, SimpleAsyncConnection as _};

use crate::options::StoreOptions;

/// One SQLite connection, run on tokio's blocking pool.
pub(crate) type Connection = SyncConnectionWrapper<SqliteConnection>;
/// The pool of connections.
pub(crate) type Pool = bb8::Pool<AsyncDieselConnectionManager<Connection>>;
/// A connection checked out of the pool.
pub(crate) type Pooled<'a> = bb8::PooledConnection<'a, AsyncDieselConnectionManager<Connection>>;

/// Set on every connection. `busy_timeout` comes first so the switch to WAL waits for other connections.
///
/// `synchronous = NORMAL` is SQLite's recommended setting in WAL mode: the database cannot be corrupted, and a
/// commit survives a crash of the process; only a power loss or an operating-system crash may roll back the
/// last commits (they are synced at the next checkpoint). It spares an `fsync` per write, which `FULL` does.
/// Deployments that must not lose a commit to a power loss run on PostgreSQL.
const PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

/// Where the database lives.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) enum Location {
    /// A private in-memory database; it lives as long as the pool's single connection.
    Memory,
    /// A file (or a `file:` URI understood by SQLite).
    File(String),
}

impl Location {
    /// Parses `sqlite::memory:`, `:memory:`, `sqlite://path`, `sqlite:path` or a plain path.
    pub(crate) fn parse(url_or_path: &str) -> Self {
        match url_or_path {
            "sqlite::memory:" | ":memory:" | "sqlite://:memory:" => Self::Memory,
            other => {
                let path = other
                    .strip_prefix("sqlite://")
                    .or_else(|| other.strip_prefix("sqlite:"))
                    .unwrap_or(other);
                Self::File(path.to_owned())
            }
        }
    }

    fn connection_string(&self) -> &str {
        match self {
            Self::Memory => ":memory:",
            Self::File(path) => path,
        }
    }
}

type Establishing<'a> =
    Pin<Box<dyn Future<Output = diesel::ConnectionResult<Connection>> + Send + 'a>>;

fn establish(url: &str) -> Establishing<'_> {
    Box::pin(async move {
        let mut connection = Connection::establish(url).await?;
        connection
            .batch_execute(PRAGMAS)
            .await
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
        Ok(connection)
    })
}

/// Opens one connection outside the pool, with the pragmas set.
pub(crate) async fn connect(location: &Location) -> diesel::ConnectionResult<Connection> {
    establish(location.connection_string()).await
}

/// Builds the pool and opens its first connection, so a database that cannot be opened fails here. An
/// in-memory database gets exactly one connection that is never recycled, so every caller sees the same data.
pub(crate) async fn build(location: &Location, options: &StoreOptions) -> Result<Pool, PoolError> {
    let mut config = ManagerConfig::<Connection>::default();
    config.custom_setup = Box::new(establish);
    // A SQLite connection is a file handle in this process: nothing between it and the database can break it,
    // so checking it out costs no `SELECT 1` (a round trip through the blocking pool per query otherwise).
    config.recycling_method = RecyclingMethod::Fast;
    let manager =
        AsyncDieselConnectionManager::new_with_config(location.connection_string(), config);
    let builder = bb8::Pool::builder()
        .connection_timeout(options.connection_timeout)
        .min_idle(Some(1));
    let builder = match location {
        Location::Memory => builder.max_size(1).idle_timeout(None).max_lifetime(None),
        Location::File(_) => builder.max_size(options.pool_size.max(1)),
    };
    builder.build(manager).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        assert_eq!(Location::parse("sqlite::memory:"), Location::Memory);
        assert_eq!(Location::parse(":memory:"), Location::Memory);
        assert_eq!(
            Location::parse("sqlite://data/n.db"),
            Location::File("data/n.db".to_owned())
        );
        assert_eq!(
            Location::parse("sqlite:///var/lib/n.db"),
            Location::File("/var/lib/n.db".to_owned())
        );
        assert_eq!(
            Location::parse("/tmp/n.db"),
            Location::File("/tmp/n.db".to_owned())
        );
    }
}
