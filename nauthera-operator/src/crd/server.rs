//! `NautheraServer`: one deployment of the Nauthera server.

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The desired state of a Nauthera server deployment.
#[allow(
    clippy::duplicated_attributes,
    reason = "each printcolumn(...) names its own type_"
)]
#[derive(Clone, CustomResource, Debug, Deserialize, JsonSchema, Serialize)]
#[kube(
    group = "nauthera.io",
    version = "v1alpha1",
    kind = "NautheraServer",
    namespaced,
    status = "NautheraServerStatus",
    shortname = "nas",
    category = "nauthera",
    doc = "A Nauthera OAuth 2.0 / OpenID Connect server deployed and upgraded by the operator.",
    printcolumn(name = "Issuer", type_ = "string", json_path = ".spec.issuerUrl"),
    printcolumn(name = "Version", type_ = "string", json_path = ".spec.version"),
    printcolumn(name = "Replicas", type_ = "integer", json_path = ".spec.replicas"),
    printcolumn(
        name = "Ready Replicas",
        type_ = "integer",
        json_path = ".status.readyReplicas"
    ),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NautheraServerSpec {
    /// How many server pods to run (default 2).
    #[serde(default = "default_replicas")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// The container image without its tag (default `ghcr.io/nauthera/nauthera-server`).
    #[serde(default = "default_image")]
    pub image: String,
    /// The image tag: the server version. Changing it upgrades the server with a rolling update.
    pub version: String,
    /// The public issuer URL (`https://login.example.com`).
    pub issuer_url: String,
    /// Where the server keeps its data.
    pub database: DatabaseSpec,
    /// The shared cache; without it each replica caches in memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redis: Option<RedisSpec>,
    /// An Ingress for the public HTTP port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<IngressSpec>,
    /// Compute resources of each server container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// The signing-key policy.
    #[serde(default)]
    pub signing_keys: SigningKeysSpec,
}

fn default_replicas() -> i32 {
    2
}

fn default_image() -> String {
    "ghcr.io/nauthera/nauthera-server".to_owned()
}

/// The server's database: exactly one of `secretRef` or `managed`.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum DatabaseSpec {
    /// An external PostgreSQL: a key of a Secret holds its URL.
    SecretRef(SecretKeyRef),
    /// A PostgreSQL StatefulSet run by the operator in the same namespace.
    Managed(ManagedPostgres),
}

/// The shared cache: exactly one of `secretRef` or `managed`.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RedisSpec {
    /// An external Redis or Valkey: a key of a Secret holds its URL.
    SecretRef(SecretKeyRef),
    /// A Redis StatefulSet run by the operator in the same namespace.
    Managed(ManagedRedis),
}

/// A key of a Secret in the resource's namespace.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SecretKeyRef {
    /// The Secret's name.
    pub name: String,
    /// The key within the Secret.
    pub key: String,
}

/// A PostgreSQL run by the operator.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ManagedPostgres {
    /// The size of the data volume (default `10Gi`).
    #[serde(default = "default_storage_size")]
    pub storage_size: String,
    /// The PostgreSQL major version, the tag of the `postgres` image (default `16`).
    #[serde(default = "default_postgres_version")]
    pub version: String,
}

fn default_storage_size() -> String {
    "10Gi".to_owned()
}

fn default_postgres_version() -> String {
    "16".to_owned()
}

/// A Redis run by the operator.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ManagedRedis {
    /// The Redis major version, the tag of the `redis` image (default `7`).
    #[serde(default = "default_redis_version")]
    pub version: String,
}

fn default_redis_version() -> String {
    "7".to_owned()
}

/// An Ingress in front of the public HTTP port.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IngressSpec {
    /// The host name, usually the issuer URL's host.
    pub host: String,
    /// The IngressClass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// A `kubernetes.io/tls` Secret with the certificate for `host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_secret_name: Option<String>,
}

/// The signing-key policy.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SigningKeysSpec {
    /// The algorithm of new signing keys (default `ES256`).
    #[serde(default)]
    pub algorithm: SigningAlgorithm,
    /// Rotate the signing keys through the admin API after this many days (default 90; 0 turns rotation off).
    #[serde(default = "default_rotation_period_days")]
    pub rotation_period_days: u32,
}

impl Default for SigningKeysSpec {
    fn default() -> Self {
        Self {
            algorithm: SigningAlgorithm::default(),
            rotation_period_days: default_rotation_period_days(),
        }
    }
}

fn default_rotation_period_days() -> u32 {
    90
}

/// A JWS signing algorithm.
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, JsonSchema, PartialEq, Serialize)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// ECDSA P-256 with SHA-256.
    #[default]
    ES256,
    /// Ed25519.
    EdDSA,
    /// RSASSA-PKCS1-v1_5 with SHA-256, for clients that verify nothing else.
    RS256,
}

impl SigningAlgorithm {
    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
            Self::RS256 => "RS256",
        }
    }
}

/// The observed state of a Nauthera server deployment.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NautheraServerStatus {
    /// `Ready`, `Progressing` and `Degraded`, with reasons.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// The issuer URL the server publishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_url: Option<String>,
    /// Server pods that pass their readiness probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    /// When the signing keys were last rotated by the operator (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys_rotated_at: Option<String>,
}
