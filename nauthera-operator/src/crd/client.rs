//! `OAuth2Client`: one OAuth 2.0 client of a `NautheraServer`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The desired state of an OAuth 2.0 client registered on a Nauthera server.
#[allow(
    clippy::duplicated_attributes,
    reason = "each printcolumn(...) names its own type_"
)]
#[derive(Clone, CustomResource, Debug, Deserialize, JsonSchema, Serialize)]
#[kube(
    group = "nauthera.io",
    version = "v1alpha1",
    kind = "OAuth2Client",
    namespaced,
    status = "OAuth2ClientStatus",
    shortname = "oac",
    category = "nauthera",
    doc = "An OAuth 2.0 / OpenID Connect client, registered by the operator on a NautheraServer in the same namespace.",
    printcolumn(name = "Server", type_ = "string", json_path = ".spec.serverRef"),
    printcolumn(name = "Client ID", type_ = "string", json_path = ".status.clientId"),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Reason",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].reason"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OAuth2ClientSpec {
    /// The name of the `NautheraServer` in the same namespace.
    pub server_ref: String,
    /// The client id (default `<namespace>-<name>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The display name shown on the consent page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// Redirect URIs, compared exactly.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Post-logout redirect URIs.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// Allowed grant types (default `authorization_code` and `refresh_token`).
    #[serde(default = "default_grant_types")]
    pub grant_types: Vec<GrantType>,
    /// Allowed scopes (default: the server's default).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// How the client authenticates at the token endpoint (default `client_secret_basic`).
    #[serde(default)]
    pub auth_method: AuthMethod,
    /// A Secret with the key `client_secret`; without it the operator generates `<name>-credentials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<ClientSecretRef>,
}

fn default_grant_types() -> Vec<GrantType> {
    vec![GrantType::AuthorizationCode, GrantType::RefreshToken]
}

impl OAuth2ClientSpec {
    /// Whether the client authenticates with a secret.
    pub fn is_confidential(&self) -> bool {
        self.auth_method != AuthMethod::None
    }
}

/// An OAuth 2.0 grant type.
#[derive(Clone, Copy, Debug, Deserialize, Eq, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GrantType {
    /// `authorization_code`.
    AuthorizationCode,
    /// `client_credentials`.
    ClientCredentials,
    /// `refresh_token`.
    RefreshToken,
}

/// A token endpoint authentication method.
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuthMethod {
    /// HTTP Basic authentication with the client secret.
    #[default]
    ClientSecretBasic,
    /// The client secret in the form body.
    ClientSecretPost,
    /// A public client without a secret.
    None,
}

/// The Secret holding a client's credentials.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ClientSecretRef {
    /// The Secret's name, in the client's namespace; its key `client_secret` holds the secret.
    pub name: String,
}

/// The observed state of an OAuth 2.0 client.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OAuth2ClientStatus {
    /// `Ready`, with the reason when it is not.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// The client id registered on the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}
