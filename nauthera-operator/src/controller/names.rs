//! Names and labels of the objects the operator makes for a `NautheraServer`.

use std::collections::BTreeMap;

/// The port of the public HTTP listener.
pub(crate) const HTTP_PORT: i32 = 8080;
/// The port of the admin gRPC listener (mutual TLS).
pub(crate) const ADMIN_PORT: i32 = 8443;
/// The annotation holding the SHA-256 of the rendered configuration.
pub(crate) const CONFIG_CHECKSUM: &str = "nauthera.io/config-checksum";
/// The annotation holding the expiry of the admin server certificate (Unix seconds), so a renewal rolls the pods.
pub(crate) const ADMIN_TLS_NOT_AFTER: &str = "nauthera.io/admin-tls-not-after";
/// The annotation holding the expiry of a generated certificate (RFC 3339).
pub(crate) const NOT_AFTER: &str = "nauthera.io/not-after";
/// The annotation holding the SHA-256 of the CA certificate that signed a leaf certificate.
pub(crate) const CA_FINGERPRINT: &str = "nauthera.io/ca-fingerprint";

/// The names of everything the operator makes for one server.
#[derive(Clone, Debug)]
pub(crate) struct ServerNames {
    /// The server's name: also the Deployment, Service, Ingress and PodDisruptionBudget.
    pub(crate) name: String,
    /// The server's namespace.
    pub(crate) namespace: String,
}

impl ServerNames {
    pub(crate) fn new(namespace: &str, name: &str) -> Self {
        Self {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
        }
    }

    pub(crate) fn config_map(&self) -> String {
        format!("{}-config", self.name)
    }

    pub(crate) fn admin_ca(&self) -> String {
        format!("{}-admin-ca", self.name)
    }

    pub(crate) fn admin_tls(&self) -> String {
        format!("{}-admin-tls", self.name)
    }

    pub(crate) fn admin_client(&self) -> String {
        format!("{}-admin-client", self.name)
    }

    pub(crate) fn key_encryption(&self) -> String {
        format!("{}-key-encryption", self.name)
    }

    pub(crate) fn postgres(&self) -> String {
        format!("{}-postgres", self.name)
    }

    pub(crate) fn redis(&self) -> String {
        format!("{}-redis", self.name)
    }

    /// The common name of the server's CA.
    pub(crate) fn ca_common_name(&self) -> String {
        format!("Nauthera admin CA {}/{}", self.namespace, self.name)
    }

    /// The DNS names of the server's Service, for its certificate.
    pub(crate) fn service_dns_names(&self) -> Vec<String> {
        let (name, namespace) = (&self.name, &self.namespace);
        vec![
            format!("{name}.{namespace}.svc"),
            format!("{name}.{namespace}.svc.cluster.local"),
            format!("{name}.{namespace}"),
            name.clone(),
        ]
    }

    /// The admin endpoint, for the operator.
    pub(crate) fn admin_endpoint(&self) -> String {
        format!("https://{}.{}.svc:{ADMIN_PORT}", self.name, self.namespace)
    }

    /// The labels of every object of the server; `component` tells the parts apart.
    pub(crate) fn labels(&self, component: &str) -> BTreeMap<String, String> {
        let mut labels = self.selector(component);
        labels.insert(
            "app.kubernetes.io/managed-by".to_owned(),
            "nauthera-operator".to_owned(),
        );
        labels
    }

    /// The labels that select the pods of `component`.
    pub(crate) fn selector(&self, component: &str) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("app.kubernetes.io/name".to_owned(), "nauthera".to_owned()),
            ("app.kubernetes.io/instance".to_owned(), self.name.clone()),
            (
                "app.kubernetes.io/component".to_owned(),
                component.to_owned(),
            ),
        ])
    }
}
