//! # nauthera-storage
//!
//! Storage backends for Nauthera: implementations of the `nauthera_core::storage` traits
//! ([`Storage`](nauthera_core::Storage) and the store traits it sums up), and a conformance suite that any
//! backend, ours or a third party's, can run.
//!
//! It does **not** contain protocol logic or HTTP: flows live in `nauthera-core`, which never names
//! a database type; this crate only stores and loads what the flows hand it. It does not purge expired rows on
//! its own either: call [`DieselStore::purge_expired`] periodically.
//!
//! ## Layout
//! - [`DieselStore`] (module `sql`): every store trait written once in diesel's query DSL over the portable
//!   schema, dispatched over an enum of the two backends' pools. [`SqliteStore`] is the same type under the
//!   name the embedded backend has always had.
//! - module `sqlite`: the embedded backend's connections (bundled SQLite through diesel-async's
//!   `SyncConnectionWrapper`, bb8 pool, pragmas) and its migrations.
//! - module `postgres`: PostgreSQL connections (pure-Rust `AsyncPgConnection`, TLS through rustls), the pool,
//!   migrations under an advisory lock, and the advisory locks that serialize replicas.
//! - `schema`: the portable diesel `table!` schema (`BigInt`, `Text`, `Bool`, `Binary`; JSON as text);
//!   migrations live in `migrations/sqlite/` and `migrations/postgres/` under the same names.
//! - [`KeyEncryptionKey`]: private signing keys and server secrets encrypted at rest (AES-256-GCM).
//! - [`AnyCache`]: the cache picked at run time (memory, Redis or none), and `RedisCache` (module `redis`,
//!   feature `redis`): the shared two-tier cache with pub/sub invalidation across replicas.
//! - [`testkit`]: the backend-agnostic conformance suite and the [`storage_conformance!`] macro.
//!
//! ## Features
//! - `embedded` (default): SQLite. It is compiled in; no system library is needed.
//! - `postgres`: PostgreSQL, no libpq needed.
//! - `redis`: `RedisCache`, `RedisCacheConfig` and `SentinelConfig` (Redis or Valkey, TLS, Sentinel).
//! - `testkit`: the [`testkit`] module and [`storage_conformance!`], for backends' test suites.
//!
//! ## Example
//! ```no_run
//! # #[cfg(feature = "embedded")]
//! # async fn open() -> Result<(), nauthera_core::StorageError> {
//! use nauthera_storage::{DieselStore, StoreOptions};
//!
//! // `postgres://user@db.example/nauthera?sslmode=verify-full` opens PostgreSQL instead.
//! let options = StoreOptions::default().with_pool_size(16);
//! let store = DieselStore::open_with("sqlite://nauthera.db", &options).await?;
//! # let _ = store;
//! # Ok(())
//! # }
//! ```

mod any_cache;
#[cfg(any(feature = "embedded", feature = "postgres"))]
mod key_encryption;
#[cfg(any(feature = "embedded", feature = "postgres"))]
mod options;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(any(feature = "embedded", feature = "postgres"))]
mod schema;
#[cfg(any(feature = "embedded", feature = "postgres"))]
mod sql;
#[cfg(feature = "embedded")]
mod sqlite;
#[cfg(feature = "testkit")]
pub mod testkit;

#[cfg(feature = "redis")]
pub use crate::redis::{RedisCache, RedisCacheConfig, SentinelConfig};
pub use any_cache::AnyCache;

#[cfg(any(feature = "embedded", feature = "postgres"))]
pub use key_encryption::{KeyEncryptionKey, KeyFileError};
#[cfg(any(feature = "embedded", feature = "postgres"))]
pub use options::{StoreOptions, Tls};
#[cfg(any(feature = "embedded", feature = "postgres"))]
pub use sql::{DieselStore, migrate};

/// The embedded SQLite store: [`DieselStore`] opened on a `sqlite:` URL or a path, under the name it had before
/// the PostgreSQL backend arrived. `SqliteStore::open(url, pool_size)` keeps working.
#[cfg(feature = "embedded")]
pub type SqliteStore = DieselStore;
