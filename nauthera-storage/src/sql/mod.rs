//! [`DieselStore`]: every `nauthera_core::storage` trait, written once in diesel's query DSL over the portable
//! schema, for SQLite and PostgreSQL alike.
//!
//! diesel-async has no asynchronous `MultiConnection`, so the store holds an enum of pools (`backend`) and the
//! macros below check a connection out and expand the same query expression once per backend: each query is
//! written once and type-checked against both. Only what the databases genuinely do differently lives in the
//! backend modules: connecting, migrating, how a write transaction serializes, and the purge lock.

/// Runs `$body` with `$conn` bound to `&mut` a pooled connection of the store's backend; evaluates to the
/// body's value. The body is expanded once per compiled backend.
macro_rules! with_connection {
    ($store:expr, |$conn:ident| $body:expr) => {
        match $store.connection().await? {
            #[cfg(feature = "embedded")]
            $crate::sql::backend::Connection::Sqlite(mut pooled) => {
                let $conn = &mut *pooled;
                $body
            }
            #[cfg(feature = "postgres")]
            $crate::sql::backend::Connection::Postgres(mut pooled) => {
                let $conn = &mut *pooled;
                $body
            }
        }
    };
}

/// Runs `$body` in a write transaction that serializes against other writers of the same data, committing
/// when it returns `Ok`: `BEGIN IMMEDIATE` on SQLite (one writer per database); on PostgreSQL a transaction
/// that first takes the transaction-scoped advisory lock `$lock` when one is given (row locks of conditional
/// `UPDATE`s already decide races without one). Evaluates to `Result<_, diesel::result::Error>`.
macro_rules! write_transaction {
    ($store:expr, $(lock = $lock:expr,)? |$conn:ident| $body:block) => {
        match $store.connection().await? {
            #[cfg(feature = "embedded")]
            $crate::sql::backend::Connection::Sqlite(mut pooled) => {
                pooled
                    .immediate_transaction(async move |$conn| $body)
                    .await
            }
            #[cfg(feature = "postgres")]
            $crate::sql::backend::Connection::Postgres(mut pooled) => {
                use diesel_async::AsyncConnection as _;
                pooled
                    .transaction(async move |$conn| {
                        $($crate::postgres::locks::lock_transaction($conn, $lock).await?;)?
                        $body
                    })
                    .await
            }
        }
    };
}

pub(crate) mod backend;
mod clients;
mod codes;
mod consents;
pub(crate) mod error;
mod groups;
mod keys;
mod migrate;
mod preferences;
mod purge;
mod purge_store;
mod refresh_tokens;
mod revocations;
mod secrets;
mod users;

pub use migrate::migrate;

use nauthera_core::StorageError;

use crate::key_encryption::KeyEncryptionKey;
use crate::options::StoreOptions;
use backend::{Backend, Connection, Pool};

/// The SQL store: implements every `nauthera_core::storage` trait on the embedded SQLite database (feature
/// `embedded`) or on PostgreSQL (feature `postgres`), chosen by the URL when it opens.
///
/// Cloning is cheap and shares the pool. Calls must run inside a multi-thread tokio runtime (SQLite statements
/// run on tokio's blocking pool). Writes that decide races are single conditional statements (`redeem_code`)
/// or serialized transactions (`rotate_refresh_token`, `rotate_key`, `insert_key_if_none_active`,
/// `rotate_secret`, `insert_secret_if_none_active`), so they stay atomic across processes and replicas sharing
/// the database. Expired rows are not purged on their own: call [`DieselStore::purge_expired`] periodically.
#[derive(Clone)]
pub struct DieselStore {
    pool: Pool,
    key_encryption: Option<KeyEncryptionKey>,
}

impl DieselStore {
    /// Opens the database at `url` with [`StoreOptions::default`] and `pool_size` connections, applying pending
    /// migrations. See [`DieselStore::open_with`] for the accepted URLs.
    ///
    /// # Errors
    /// As [`DieselStore::open_with`].
    pub async fn open(url: &str, pool_size: u32) -> Result<Self, StorageError> {
        Self::open_with(url, &StoreOptions::default().with_pool_size(pool_size)).await
    }

    /// Opens the database at `url`, the backend chosen by its scheme, and applies pending migrations unless
    /// [`StoreOptions::run_migrations`] is off.
    ///
    /// - `postgres://…` or `postgresql://…` (feature `postgres`): a libpq-style URL. `sslmode` (`disable`,
    ///   `allow`, `prefer`, `require`, `verify-ca`, `verify-full`) and `sslrootcert` are honoured as
    ///   [`Tls`](crate::Tls) describes; `options=-c%20search_path%3Dschema` selects a schema. Migrations run under
    ///   a PostgreSQL advisory lock, so replicas starting together apply them once.
    /// - `sqlite://path`, `sqlite:path`, a plain path, or `sqlite::memory:` for a private in-memory database
    ///   (feature `embedded`). An in-memory database always uses a single connection, so all callers see the
    ///   same data; its data is lost if that connection breaks.
    ///
    /// # Errors
    /// [`StorageErrorKind::Unavailable`](nauthera_core::StorageErrorKind::Unavailable) when the database
    /// cannot be reached or opened within [`StoreOptions::connection_timeout`] (TLS failures included);
    /// [`StorageErrorKind::Other`](nauthera_core::StorageErrorKind::Other) for a malformed URL, a backend not
    /// compiled in, an unreadable CA file, or a failed migration.
    pub async fn open_with(url: &str, options: &StoreOptions) -> Result<Self, StorageError> {
        let pool = match Backend::of(url)? {
            #[cfg(feature = "embedded")]
            Backend::Sqlite => Pool::Sqlite(crate::sqlite::open(url, options).await?),
            #[cfg(feature = "postgres")]
            Backend::Postgres => Pool::Postgres(crate::postgres::open(url, options).await?),
        };
        Ok(Self {
            pool,
            key_encryption: options.key_encryption.clone(),
        })
    }

    /// Whether this store runs on PostgreSQL (`true`) or SQLite (`false`).
    pub fn is_postgres(&self) -> bool {
        self.pool.is_postgres()
    }

    async fn connection(&self) -> Result<Connection<'_>, StorageError> {
        self.pool.get().await
    }
}

impl std::fmt::Debug for DieselStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (backend, connections, idle_connections) = self.pool.describe();
        f.debug_struct("DieselStore")
            .field("backend", &backend)
            .field("connections", &connections)
            .field("idle_connections", &idle_connections)
            .field("key_encryption", &self.key_encryption.is_some())
            .finish()
    }
}
