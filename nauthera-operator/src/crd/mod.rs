//! The custom resource definitions, generated from these Rust types.
//!
//! Both kinds live in the API group [`GROUP`] at version [`VERSION`] and are namespaced.

mod client;
mod condition;
mod server;

pub use client::{
    AuthMethod, ClientSecretRef, GrantType, OAuth2Client, OAuth2ClientSpec, OAuth2ClientStatus,
};
pub use condition::{ConditionStatus, ConditionType, set_condition};
pub use server::{
    DatabaseSpec, IngressSpec, ManagedPostgres, ManagedRedis, NautheraServer, NautheraServerSpec,
    NautheraServerStatus, RedisSpec, SecretKeyRef, SigningAlgorithm, SigningKeysSpec,
};

/// The API group of the custom resources.
pub const GROUP: &str = "nauthera.io";

/// The API version of the custom resources.
pub const VERSION: &str = "v1alpha1";

/// The field manager of every server-side apply and status patch.
pub const FIELD_MANAGER: &str = "nauthera-operator";
