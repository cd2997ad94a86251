//! # nauthera-admin
//!
//! Nauthera's admin API: a gRPC service (tonic) for clients, users, groups, signing keys and status, served on
//! its own port over **mutual TLS** — a client certificate issued by the configured CA is required, so a caller
//! without one, or with one from another CA, is refused at the handshake. The Kubernetes operator and the
//! reference binary's CLI are its clients. The public HTTP port never exposes these operations.
//!
//! The protocol lives in `proto/nauthera/admin/v1/admin.proto`; the code is generated at build time with a
//! vendored `protoc` (no system `protoc`, nothing generated is committed).
//!
//! It is an adapter: each call reads the request, calls one of the provider's flows and writes the answer. What
//! makes a valid client is core's (`nauthera_core::registration`), who may replace whose client is core's
//! (`Provider::apply_client`), and the account lifecycle, profiles, groups and consents are core's
//! (`nauthera_core::flows::{accounts, profile, groups, consents}`); this crate never reaches the store around
//! them.
//!
//! ## Layout
//! - [`AdminService`]: the generated [`proto::admin_server::Admin`] trait over a
//!   [`Provider`](nauthera_core::Provider). Clients carry an owner (for example `OAuth2Client/<ns>/<name>`):
//!   writes to a client owned by someone else are refused with `FAILED_PRECONDITION` unless `force` is set,
//!   and an upsert reports whether the stored client had drifted from the request. Secrets are write-only.
//!   Users can be listed (never with their password hash), shown with their groups, disabled, enabled and
//!   deleted, and their profiles (name, email, attributes) changed; passwords are not set over the API.
//!   Groups can be created, listed, shown with their members and deleted, and members added and removed;
//!   a user's consents can be listed and revoked (with the client's tokens for them). Lists are paged by name.
//!   Writes are audit-logged (target `nauthera::audit`) with the caller's certificate CN.
//! - [`serve`] and [`connect`] with [`AdminTls`]: both ends of the mutual-TLS channel (rustls, aws-lc-rs).
//! - `pki` (feature `pki`): a CA, server and client certificates with rcgen, and `needs_renewal`.
//!
//! ## Errors
//! Invalid requests are `INVALID_ARGUMENT` with a message naming the field; an unknown client (on get), user,
//! group or consent is `NOT_FOUND`; a group name that is taken is `ALREADY_EXISTS`; ownership conflicts of
//! clients (core's `Error::Conflict`) and rotating file-based keys are `FAILED_PRECONDITION`; server failures
//! are `INTERNAL` with no details (logged once on the server).

mod clients;
mod consents;
mod convert;
mod error;
mod groups;
mod peer;
#[cfg(feature = "pki")]
pub mod pki;
mod profile;
pub mod proto;
mod service;
mod tls;
mod users;

pub use error::AdminError;
pub use proto::admin_client::AdminClient;
pub use proto::admin_server::AdminServer;
pub use service::AdminService;
pub use tls::{AdminTls, connect, serve};
pub use tonic;
