//! # nauthera-core
//!
//! The OAuth 2.0 and OpenID Connect provider engine of Nauthera: the flows of the authorization, token,
//! userinfo, introspection, revocation and end-session endpoints, the domain types they speak, signing keys,
//! browser sessions, and the storage and cache traits a backend implements.
//!
//! It does **not** do I/O: no HTTP server, no database driver, no async runtime. Flows take the current time
//! and randomness from injected [`Clock`] and [`Random`] implementations and reach data only through the
//! [`storage`] and [`cache`] traits. `nauthera-http` exposes the flows as tower services;
//! `nauthera-storage` implements the traits.
//!
//! ## Layout
//! - [`Provider`] (in [`provider`]) holds configuration, store, cache and keys; each endpoint's flow is a
//!   method on it, in [`flows`].
//! - [`storage`] and [`cache`]: the extension points.
//! - [`types`], [`secret`], [`pkce`], [`client`], [`user`], [`keys`], [`session`]: the vocabulary.
//!
//! ## Security defaults (RFC 9700)
//! PKCE with S256 for every client, exact redirect URI matching, single-use 60-second codes stored hashed,
//! refresh token rotation with reuse detection, RFC 9207 `iss` in authorization responses, RFC 9068 JWT
//! access tokens with revocation, ES256 signatures by default.

pub mod cache;
mod cached;
pub mod client;
pub mod config;
pub mod discovery;
pub mod error;
pub mod factor;
pub mod flows;
pub mod keys;
pub mod locale;
pub mod messages;
pub mod password;
pub mod people;
pub mod pkce;
pub mod provider;
pub mod random;
pub mod registration;
pub mod secret;
pub mod session;
pub mod sign_in;
pub mod storage;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod throttle;
pub mod time;
pub mod types;
pub mod user;

pub use cache::{Cache, MemoryCache, NoCache};
pub use config::ProviderConfig;
pub use error::{Error, ErrorCode, StorageError, StorageErrorKind};
pub use provider::{KeySource, Provider, ProviderBuilder};
pub use random::{Random, SystemRandom};
pub use storage::Storage;
pub use time::{Clock, SystemClock, UnixTime};
