//! # nauthera-storage
//!
//! Storage backends for Nauthera: implementations of the `nauthera_core::storage` traits
//! ([`Storage`](nauthera_core::Storage) and the store traits it sums up), and a conformance suite that any
//! backend, ours or a third party's, can run.
//!
//! It does **not** contain protocol logic or HTTP: flows live in `nauthera-core`, which never names
//! a database type; this crate only stores and loads what the flows hand it. It does not purge expired rows on
//! its own either: call [`SqliteStore::purge_expired`] periodically.
//!
//! ## Layout
//! - [`SqliteStore`] (module `sqlite`): the embedded backend, bundled SQLite through diesel 2 and diesel-async
//!   with a bb8 pool. One file per concept: connection pool, migrations, error mapping, and one file per store
//!   trait.
//! - `schema`: the portable diesel `table!` schema (`BigInt`, `Text`, `Bool`, `Binary`; JSON as text) that a
//!   PostgreSQL backend reuses; migrations live in `migrations/sqlite/` and `migrations/postgres/` under the
//!   same names.
//! - [`AnyCache`]: the cache picked at run time (memory, Redis or none), and `RedisCache` (module `redis`,
//!   feature `redis`): the shared two-tier cache with pub/sub invalidation across replicas.
//! - [`testkit`]: the backend-agnostic conformance suite and the [`storage_conformance!`] macro.
//!
//! ## Features
//! - `embedded` (default): [`SqliteStore`]. SQLite is compiled in; no system library is needed.
//! - `redis`: `RedisCache`, `RedisCacheConfig` and `SentinelConfig` (Redis or Valkey, TLS, Sentinel).
//! - `testkit`: the [`testkit`] module and [`storage_conformance!`], for backends' test suites.
//!
//! ## Example
//! ```no_run
//! # #[cfg(feature = "embedded")]
//! # async fn open() -> Result<(), nauthera_core::StorageError> {
//! let store = nauthera_storage::SqliteStore::open("sqlite://nauthera.db", 8).await?;
//! # let _ = store;
//! # Ok(())
//! # }
//! ```

mod any_cache;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(feature = "embedded")]
mod schema;
#[cfg(feature = "embedded")]
mod sqlite;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use any_cache::AnyCache;
#[cfg(feature = "redis")]
pub use crate::redis::{RedisCache, RedisCacheConfig, SentinelConfig};
#[cfg(feature = "embedded")]
pub use sqlite::SqliteStore;
