//! The Secrets generated once for a server, as pure functions of their values: the key-encryption key and the
//! credentials of the managed PostgreSQL and Redis. The reconciler fills in random values (only when a Secret
//! does not exist yet); `manifests` renders them for the sample server with placeholders.

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::api::ObjectMeta;

use super::managed;
use crate::controller::names::ServerNames;
use crate::controller::secrets::string_data;

/// The key-encryption key Secret holding `key` (32 random bytes).
pub(crate) fn key_encryption_secret(names: &ServerNames, key: Vec<u8>) -> Secret {
    let mut secret = opaque(names, names.key_encryption(), "server");
    secret.data = Some([("key".to_owned(), ByteString(key))].into());
    secret
}

/// The managed PostgreSQL's credentials for `password`: user name, password and connection URL.
pub(crate) fn postgres_secret(names: &ServerNames, password: &str) -> Secret {
    let host = format!("{}.{}.svc", names.postgres(), names.namespace);
    let database = managed::POSTGRES_DATABASE;
    let port = managed::POSTGRES_PORT;
    let url = format!("postgres://{database}:{password}@{host}:{port}/{database}");
    let mut secret = opaque(names, names.postgres(), "postgres");
    secret.data = Some(string_data([
        ("username", database.to_owned()),
        ("password", password.to_owned()),
        ("url", url),
    ]));
    secret
}

/// The managed Redis's credentials for `password`: password and connection URL.
pub(crate) fn redis_secret(names: &ServerNames, password: &str) -> Secret {
    let host = format!("{}.{}.svc", names.redis(), names.namespace);
    let url = format!("redis://:{password}@{host}:{}/0", managed::REDIS_PORT);
    let mut secret = opaque(names, names.redis(), "redis");
    secret.data = Some(string_data([
        ("password", password.to_owned()),
        ("url", url),
    ]));
    secret
}

fn opaque(names: &ServerNames, name: String, component: &str) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(names.namespace.clone()),
            labels: Some(names.labels(component)),
            ..ObjectMeta::default()
        },
        type_: Some("Opaque".to_owned()),
        ..Secret::default()
    }
}
