//! The sample resources of `deploy/examples/`, also the fixtures of the reconciler tests.

use kube::api::ObjectMeta;

use crate::crd::{
    AuthMethod, DatabaseSpec, GrantType, IngressSpec, ManagedPostgres, NautheraServer,
    NautheraServerSpec, OAuth2Client, OAuth2ClientSpec, RedisSpec, SigningAlgorithm,
    SigningKeysSpec,
};

/// The namespace of the samples.
pub const SAMPLE_NAMESPACE: &str = "nauthera";

/// A server with a managed PostgreSQL and Redis, an Ingress, and the default two replicas.
pub fn server() -> NautheraServer {
    NautheraServer {
        metadata: ObjectMeta {
            name: Some("nauthera".to_owned()),
            namespace: Some(SAMPLE_NAMESPACE.to_owned()),
            ..ObjectMeta::default()
        },
        spec: NautheraServerSpec {
            replicas: 2,
            image: "ghcr.io/nauthera/nauthera-server".to_owned(),
            version: "0.1.0".to_owned(),
            issuer_url: "https://login.example.com".to_owned(),
            database: DatabaseSpec::Managed(ManagedPostgres {
                storage_size: "10Gi".to_owned(),
                version: "16".to_owned(),
            }),
            redis: Some(RedisSpec::Managed(crate::crd::ManagedRedis {
                version: "7".to_owned(),
            })),
            ingress: Some(IngressSpec {
                host: "login.example.com".to_owned(),
                class_name: Some("nginx".to_owned()),
                tls_secret_name: Some("login-example-com-tls".to_owned()),
            }),
            resources: None,
            signing_keys: SigningKeysSpec {
                algorithm: SigningAlgorithm::ES256,
                rotation_period_days: 90,
            },
        },
        status: None,
    }
}

/// A confidential web application client whose secret the operator generates.
pub fn client() -> OAuth2Client {
    OAuth2Client {
        metadata: ObjectMeta {
            name: Some("web-app".to_owned()),
            namespace: Some(SAMPLE_NAMESPACE.to_owned()),
            ..ObjectMeta::default()
        },
        spec: OAuth2ClientSpec {
            server_ref: "nauthera".to_owned(),
            client_id: None,
            client_name: Some("Web application".to_owned()),
            redirect_uris: vec!["https://app.example.com/callback".to_owned()],
            post_logout_redirect_uris: vec!["https://app.example.com/".to_owned()],
            grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
            scopes: ["openid", "profile", "email", "offline_access"]
                .map(str::to_owned)
                .to_vec(),
            auth_method: AuthMethod::ClientSecretBasic,
            secret_ref: None,
        },
        status: None,
    }
}
