//! The server's configuration file, rendered into a ConfigMap.

use std::collections::BTreeMap;

use aws_lc_rs::digest;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::ObjectMeta;
use serde::Serialize;

use crate::Error;
use crate::controller::names::{ADMIN_PORT, HTTP_PORT, ServerNames};
use crate::crd::NautheraServerSpec;

/// The key of the configuration file in the ConfigMap.
pub(crate) const CONFIG_KEY: &str = "nauthera.toml";
/// Where the ConfigMap is mounted.
pub(crate) const CONFIG_DIR: &str = "/etc/nauthera/config";
/// Where the admin TLS Secret is mounted.
pub(crate) const ADMIN_TLS_DIR: &str = "/etc/nauthera/admin-tls";
/// Where the key-encryption key Secret is mounted.
pub(crate) const KEY_ENCRYPTION_DIR: &str = "/etc/nauthera/key-encryption";

#[derive(Serialize)]
struct FileConfig<'a> {
    version: u32,
    issuer: &'a str,
    listen: String,
    storage: Storage,
    keys: Keys<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache: Option<Cache>,
    admin: Admin,
}

#[derive(Serialize)]
struct Storage {
    key_encryption_key_file: String,
    migrate_on_start: bool,
}

#[derive(Serialize)]
struct Keys<'a> {
    algorithm: &'a str,
}

#[derive(Serialize)]
struct Cache {
    key_prefix: String,
}

#[derive(Serialize)]
struct Admin {
    listen: String,
    cert_file: String,
    key_file: String,
    ca_file: String,
}

/// Renders the configuration file of a server.
///
/// The database and cache URLs are not in the file: they come from Secrets through the environment
/// (`NAUTHERA_STORAGE_URL`, `NAUTHERA_CACHE_URL`).
pub(crate) fn render(names: &ServerNames, spec: &NautheraServerSpec) -> Result<String, Error> {
    let config = FileConfig {
        version: 1,
        issuer: &spec.issuer_url,
        listen: format!("0.0.0.0:{HTTP_PORT}"),
        storage: Storage {
            key_encryption_key_file: format!("{KEY_ENCRYPTION_DIR}/key"),
            // The init container runs the migrations before a new version serves.
            migrate_on_start: false,
        },
        keys: Keys {
            algorithm: spec.signing_keys.algorithm.as_str(),
        },
        cache: spec.redis.as_ref().map(|_| Cache {
            key_prefix: format!("nauthera:{}:{}", names.namespace, names.name),
        }),
        admin: Admin {
            listen: format!("0.0.0.0:{ADMIN_PORT}"),
            cert_file: format!("{ADMIN_TLS_DIR}/tls.crt"),
            key_file: format!("{ADMIN_TLS_DIR}/tls.key"),
            ca_file: format!("{ADMIN_TLS_DIR}/ca.crt"),
        },
    };
    toml::to_string(&config).map_err(|error| Error::Invalid {
        what: "server configuration",
        detail: error.to_string(),
    })
}

/// The ConfigMap holding the rendered configuration.
pub(crate) fn config_map(names: &ServerNames, rendered: String) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(names.config_map()),
            namespace: Some(names.namespace.clone()),
            labels: Some(names.labels("server")),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([(CONFIG_KEY.to_owned(), rendered)])),
        ..ConfigMap::default()
    }
}

/// The hexadecimal SHA-256 of a ConfigMap's data, for the pod template annotation.
pub(crate) fn checksum(config_map: &ConfigMap) -> String {
    let mut context = digest::Context::new(&digest::SHA256);
    for (key, value) in config_map.data.iter().flatten() {
        context.update(key.as_bytes());
        context.update(&[0]);
        context.update(value.as_bytes());
        context.update(&[0]);
    }
    hex(context.finish().as_ref())
}

/// Lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            // Writing to a String cannot fail.
            let _ = write!(out, "{byte:02x}");
            out
        })
}
