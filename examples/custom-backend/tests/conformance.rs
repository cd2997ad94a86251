//! The in-memory backend passes the storage conformance kit, like the built-in backends.

nauthera_storage::storage_conformance!(async { custom_backend::MemoryStore::new() });
