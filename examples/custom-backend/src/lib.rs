//! # custom-backend
//!
//! How to extend Nauthera with a storage backend: implement every trait of [`nauthera_core::storage`], prove
//! with one line of `nauthera_storage::storage_conformance!(...)` that it behaves like the built-in backends
//! (`tests/conformance.rs`), and serve the provider on it (`src/main.rs`).
//!
//! The backend here is [`MemoryStore`], core's in-memory store (`nauthera_core::testing`, feature `testing`),
//! whose source in `nauthera-core/src/testing/memory_store.rs` is the template to start from: one mutex over
//! plain maps. It does **not** persist anything or share state between processes.

pub use nauthera_core::testing::MemoryStore;
