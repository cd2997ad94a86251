//! The operator's view of the server's admin API: the [`AdminApi`] trait the reconcilers call, so tests can
//! substitute a fake, and [`GrpcAdmin`], the implementation over gRPC with mutual TLS.

use std::fmt;
use std::future::Future;

use crate::crd::{AuthMethod, GrantType};

mod grpc;

pub use grpc::GrpcAdmin;

/// The server a call goes to: a `NautheraServer` by namespace and name.
#[derive(Clone, Debug, Eq, Hash, PartialEq)]
#[non_exhaustive]
pub struct ServerRef {
    /// The namespace of the `NautheraServer`.
    pub namespace: String,
    /// The name of the `NautheraServer`.
    pub name: String,
}

impl ServerRef {
    /// Names a server.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

/// A client secret in clear text.
///
/// `Debug` prints `ClientSecret([redacted])`; there is no `Display` or `Serialize`.
#[derive(Clone)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a secret.
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    /// The secret itself.
    ///
    /// # Security
    /// Do not log it; it is sent to the server over mutual TLS and written to the credentials Secret only.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret([redacted])")
    }
}

/// A client as the operator registers it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientRegistration {
    /// The client id.
    pub client_id: String,
    /// The display name.
    pub client_name: String,
    /// The token endpoint authentication method.
    pub auth_method: AuthMethod,
    /// Redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// Grant types.
    pub grant_types: Vec<GrantType>,
    /// Scopes (empty: the server's default).
    pub scopes: Vec<String>,
    /// Who manages the client: `OAuth2Client/<namespace>/<name>`.
    pub owner: String,
    /// The secret of a confidential client.
    pub client_secret: Option<ClientSecret>,
}

/// What an upsert found.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
#[non_exhaustive]
pub struct UpsertOutcome {
    /// A client with this id existed.
    pub existed: bool,
    /// The stored client differed from the requested one (it was changed out of band).
    pub drifted: bool,
}

/// Why an admin call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// The client certificate Secret or the connection could not be set up.
    #[error("cannot connect to the admin API: {0}")]
    Connect(String),
    /// The client exists and is owned by someone else.
    #[error("the client is owned by someone else: {0}")]
    OwnerConflict(String),
    /// The server refused or failed the call.
    #[error("the admin API failed: {0}")]
    Rpc(String),
}

impl AdminError {
    /// The condition `reason` for this error.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Connect(_) => "AdminApiUnreachable",
            Self::OwnerConflict(_) => "OwnerConflict",
            Self::Rpc(_) => "AdminApiError",
        }
    }
}

/// The admin operations the reconcilers need.
pub trait AdminApi: Send + Sync + 'static {
    /// Creates or replaces a client on `server`.
    ///
    /// # Errors
    /// [`AdminError`] when the server cannot be reached, refuses the call, or the client is owned by someone else.
    fn upsert_client(
        &self,
        server: &ServerRef,
        client: ClientRegistration,
    ) -> impl Future<Output = Result<UpsertOutcome, AdminError>> + Send;

    /// Deletes a client from `server` on behalf of `owner`; returns whether it existed.
    ///
    /// # Errors
    /// [`AdminError`] when the server cannot be reached or refuses the call.
    fn delete_client(
        &self,
        server: &ServerRef,
        client_id: &str,
        owner: &str,
    ) -> impl Future<Output = Result<bool, AdminError>> + Send;

    /// Generates new signing keys on `server`; returns their key ids.
    ///
    /// # Errors
    /// [`AdminError`] when the server cannot be reached or refuses the call.
    fn rotate_keys(
        &self,
        server: &ServerRef,
    ) -> impl Future<Output = Result<Vec<String>, AdminError>> + Send;
}
