//! # nauthera-operator
//!
//! The Kubernetes operator of Nauthera: it deploys and upgrades the server from `NautheraServer` resources and
//! registers `OAuth2Client` resources as clients through the server's admin API over mutual TLS.
//!
//! It does **not** serve OAuth 2.0 itself, talk to the database, or depend on the HTTP or storage crates: the
//! server keeps its clients in its own store, and the operator only speaks the admin protocol.
//!
//! ## Layout
//! - [`crd`]: the custom resources, from which `deploy/crds/` is generated.
//! - [`controller`]: the two reconcilers, their [`controller::Context`] and error policy.
//! - [`admin`]: the [`admin::AdminApi`] the client reconciler calls.
//! - [`pki`]: the lifetimes and renewal margin of the admin port's certificates (made by `nauthera_admin::pki`).
//! - [`leader`]: Lease-based leader election, so only one replica reconciles.
//! - [`rbac`]: least-privilege rules for both install models.
//! - [`manifests`]: everything under `deploy/`, rendered from code (`nauthera-operator manifests deploy/`).
//!
//! The operator guide is `docs/kubernetes.md`.

pub mod admin;
pub mod clock;
pub mod controller;
pub mod crd;
mod error;
pub mod leader;
pub mod manifests;
pub mod pki;
pub mod rbac;

pub use error::Error;

#[cfg(test)]
mod fixtures;
