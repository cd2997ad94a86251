//! [`AdminApi`] over the `nauthera-admin` gRPC client with mutual TLS.

use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use nauthera_admin::proto::{self, DeleteClientRequest, RotateKeysRequest, UpsertClientRequest};
use nauthera_admin::tonic::transport::Channel;
use nauthera_admin::tonic::{Code, Status};
use nauthera_admin::{AdminClient, AdminTls};

use super::{AdminApi, AdminError, ClientRegistration, ServerRef, UpsertOutcome};
use crate::controller::names::ServerNames;
use crate::controller::secrets::secret_value;
use crate::crd::{AuthMethod, GrantType};

/// The admin API of each server at its Service's admin port, authenticated with the operator's client
/// certificate from the server's `<name>-admin-client` Secret; or one fixed endpoint with given certificates
/// ([`GrpcAdmin::direct`]).
///
/// Each call connects anew, so a renewed certificate is picked up without a restart.
#[derive(Clone)]
pub struct GrpcAdmin {
    target: Target,
}

#[derive(Clone)]
enum Target {
    /// Resolve each server's Service and certificates through the Kubernetes API.
    Cluster(kube::Client),
    /// One endpoint, whatever the server reference says.
    Direct {
        endpoint: String,
        domain: String,
        ca_pem: String,
        cert_pem: String,
        key_pem: zeroize::Zeroizing<String>,
    },
}

impl std::fmt::Debug for GrpcAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcAdmin").finish_non_exhaustive()
    }
}

impl GrpcAdmin {
    /// Reads client certificates through `client`.
    pub fn new(client: kube::Client) -> Self {
        Self {
            target: Target::Cluster(client),
        }
    }

    /// Talks to one admin endpoint (for example from outside the cluster) with the given CA, client
    /// certificate and key (PEM), verifying the server certificate for `domain`.
    pub fn direct(
        endpoint: impl Into<String>,
        domain: impl Into<String>,
        ca_pem: impl Into<String>,
        cert_pem: impl Into<String>,
        key_pem: impl Into<String>,
    ) -> Self {
        Self {
            target: Target::Direct {
                endpoint: endpoint.into(),
                domain: domain.into(),
                ca_pem: ca_pem.into(),
                cert_pem: cert_pem.into(),
                key_pem: zeroize::Zeroizing::new(key_pem.into()),
            },
        }
    }

    async fn connect(&self, server: &ServerRef) -> Result<AdminClient<Channel>, AdminError> {
        let client = match &self.target {
            Target::Cluster(client) => client,
            Target::Direct {
                endpoint,
                domain,
                ca_pem,
                cert_pem,
                key_pem,
            } => {
                let tls =
                    AdminTls::from_pem(ca_pem.as_bytes(), cert_pem.as_bytes(), key_pem.as_bytes());
                return nauthera_admin::connect(endpoint, tls, domain)
                    .await
                    .map_err(|error| AdminError::Connect(error.to_string()));
            }
        };
        let names = ServerNames::new(&server.namespace, &server.name);
        let secrets: Api<Secret> = Api::namespaced(client.clone(), &server.namespace);
        let secret = secrets.get(&names.admin_client()).await.map_err(|error| {
            AdminError::Connect(format!("cannot read {}: {error}", names.admin_client()))
        })?;
        let value = |key: &str| {
            secret_value(&secret, key).ok_or_else(|| {
                AdminError::Connect(format!("{} has no {key}", names.admin_client()))
            })
        };
        let tls = AdminTls::from_pem(value("ca.crt")?, value("tls.crt")?, value("tls.key")?);
        let domain = names
            .service_dns_names()
            .into_iter()
            .next()
            .unwrap_or_default();
        nauthera_admin::connect(&names.admin_endpoint(), tls, &domain)
            .await
            .map_err(|error| AdminError::Connect(error.to_string()))
    }
}

impl AdminApi for GrpcAdmin {
    async fn upsert_client(
        &self,
        server: &ServerRef,
        client: ClientRegistration,
    ) -> Result<UpsertOutcome, AdminError> {
        let mut admin = self.connect(server).await?;
        let request = UpsertClientRequest {
            client_secret: client
                .client_secret
                .as_ref()
                .map(|secret| secret.expose_secret().to_owned())
                .unwrap_or_default(),
            client: Some(to_proto(client)),
            force: false,
        };
        let response = admin
            .upsert_client(request)
            .await
            .map_err(rpc_error)?
            .into_inner();
        Ok(UpsertOutcome {
            existed: response.existed,
            drifted: response.drifted,
        })
    }

    async fn delete_client(
        &self,
        server: &ServerRef,
        client_id: &str,
        owner: &str,
    ) -> Result<bool, AdminError> {
        let mut admin = self.connect(server).await?;
        let request = DeleteClientRequest {
            client_id: client_id.to_owned(),
            owner: owner.to_owned(),
            force: false,
        };
        match admin.delete_client(request).await {
            Ok(response) => Ok(response.into_inner().existed),
            Err(status) if status.code() == Code::NotFound => Ok(false),
            Err(status) => Err(rpc_error(status)),
        }
    }

    async fn rotate_keys(&self, server: &ServerRef) -> Result<Vec<String>, AdminError> {
        let mut admin = self.connect(server).await?;
        let response = admin
            .rotate_keys(RotateKeysRequest {})
            .await
            .map_err(rpc_error)?;
        Ok(response.into_inner().new_kids)
    }
}

fn to_proto(client: ClientRegistration) -> proto::Client {
    let auth_method = match client.auth_method {
        AuthMethod::ClientSecretBasic => proto::AuthMethod::ClientSecretBasic,
        AuthMethod::ClientSecretPost => proto::AuthMethod::ClientSecretPost,
        AuthMethod::None => proto::AuthMethod::None,
    };
    let grant_types = client
        .grant_types
        .iter()
        .map(|grant| match grant {
            GrantType::AuthorizationCode => proto::GrantType::AuthorizationCode,
            GrantType::ClientCredentials => proto::GrantType::ClientCredentials,
            GrantType::RefreshToken => proto::GrantType::RefreshToken,
        } as i32)
        .collect();
    proto::Client {
        client_id: client.client_id,
        client_name: client.client_name,
        auth_method: auth_method as i32,
        redirect_uris: client.redirect_uris,
        post_logout_redirect_uris: client.post_logout_redirect_uris,
        grant_types,
        scope: client.scopes.join(" "),
        owner: client.owner,
        has_secret: client.client_secret.is_some(),
        ..proto::Client::default()
    }
}

fn rpc_error(status: Status) -> AdminError {
    match status.code() {
        Code::FailedPrecondition => AdminError::OwnerConflict(status.message().to_owned()),
        Code::Unavailable => AdminError::Connect(status.message().to_owned()),
        _ => AdminError::Rpc(format!("{:?}: {}", status.code(), status.message())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_a_registration_to_the_protocol() {
        let registration = ClientRegistration {
            client_id: "ns-app".to_owned(),
            client_name: "App".to_owned(),
            auth_method: AuthMethod::ClientSecretPost,
            redirect_uris: vec!["https://app/cb".to_owned()],
            post_logout_redirect_uris: Vec::new(),
            grant_types: vec![GrantType::ClientCredentials],
            scopes: vec!["openid".to_owned(), "email".to_owned()],
            owner: "OAuth2Client/ns/app".to_owned(),
            client_secret: Some(super::super::ClientSecret::new("s".to_owned())),
        };
        let client = to_proto(registration);
        assert_eq!(
            client.auth_method,
            proto::AuthMethod::ClientSecretPost as i32
        );
        assert_eq!(
            client.grant_types,
            [proto::GrantType::ClientCredentials as i32]
        );
        assert_eq!(client.scope, "openid email");
        assert_eq!(client.owner, "OAuth2Client/ns/app");
        assert!(matches!(
            rpc_error(Status::failed_precondition("owned")),
            AdminError::OwnerConflict(_)
        ));
    }
}
