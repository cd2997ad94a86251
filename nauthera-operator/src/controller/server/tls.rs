//! The admin port's mutual-TLS material in three Secrets: the CA (never mounted), the server certificate
//! (mounted into the server pods) and the operator's client certificate. Each is renewed before it expires.

use std::collections::BTreeMap;

use aws_lc_rs::digest;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::ObjectMeta;

use super::config::hex;
use crate::Error;
use crate::controller::apply;
use crate::controller::names::{CA_FINGERPRINT, NOT_AFTER, ServerNames};
use crate::controller::secrets::{secret_value, string_data};
use crate::error::is_not_found;
use crate::pki::{CertifiedKey, Leaf, generate_ca, issue, needs_renewal};

/// Where the admin TLS Secrets go and who owns them.
#[derive(Debug)]
pub(crate) struct TlsTarget<'a> {
    pub(crate) api: &'a Api<Secret>,
    pub(crate) names: &'a ServerNames,
    pub(crate) owner: &'a OwnerReference,
    pub(crate) now: Timestamp,
}

/// Makes sure the CA, server and client certificates exist and are not about to expire; returns the expiry
/// of the server certificate.
///
/// # Errors
/// [`Error::Kube`] when the API fails, [`Error::Certificate`] when generation fails.
pub(crate) async fn ensure_admin_tls(target: &TlsTarget<'_>) -> Result<Timestamp, Error> {
    let names = target.names;
    let ca_name = names.admin_ca();
    let existing_ca = read(target.api, &ca_name).await?.and_then(|secret| {
        let ca = parse(&secret, "ca.crt", "ca.key")?;
        (!needs_renewal(ca.not_after, target.now)).then_some(ca)
    });
    let (ca, ca_renewed) = match existing_ca {
        Some(ca) => (ca, false),
        None => {
            let ca = generate_ca(&names.ca_common_name(), target.now)?;
            let data = string_data([
                ("ca.crt", ca.cert_pem.clone()),
                ("ca.key", ca.key_pem.clone()),
            ]);
            apply(
                target.api,
                &secret(target, ca_name, "Opaque", &ca, None, data),
            )
            .await?;
            (ca, true)
        }
    };
    let fingerprint = fingerprint(&ca.cert_pem);
    let server = Leaf::Server(names.service_dns_names());
    let client = Leaf::Client("nauthera-operator".to_owned());
    let server_not_after = ensure_leaf(
        target,
        (&ca, &fingerprint, ca_renewed),
        names.admin_tls(),
        &server,
    )
    .await?;
    ensure_leaf(
        target,
        (&ca, &fingerprint, ca_renewed),
        names.admin_client(),
        &client,
    )
    .await?;
    Ok(server_not_after)
}

async fn ensure_leaf(
    target: &TlsTarget<'_>,
    (ca, fingerprint, ca_renewed): (&CertifiedKey, &str, bool),
    name: String,
    leaf: &Leaf,
) -> Result<Timestamp, Error> {
    if !ca_renewed {
        let current = read(target.api, &name).await?.and_then(|secret| {
            let signed_by_ca = annotation(&secret, CA_FINGERPRINT).as_deref() == Some(fingerprint);
            let cert = parse(&secret, "tls.crt", "tls.key")?;
            (signed_by_ca && !needs_renewal(cert.not_after, target.now)).then_some(cert)
        });
        if let Some(cert) = current {
            return Ok(cert.not_after);
        }
    }
    let cert = issue(ca, &target.names.ca_common_name(), leaf, target.now)?;
    let data = string_data([
        ("tls.crt", cert.cert_pem.clone()),
        ("tls.key", cert.key_pem.clone()),
        ("ca.crt", ca.cert_pem.clone()),
    ]);
    let object = secret(
        target,
        name,
        "kubernetes.io/tls",
        &cert,
        Some(fingerprint),
        data,
    );
    apply(target.api, &object).await?;
    Ok(cert.not_after)
}

fn secret(
    target: &TlsTarget<'_>,
    name: String,
    type_: &str,
    cert: &CertifiedKey,
    ca_fingerprint: Option<&str>,
    data: BTreeMap<String, k8s_openapi::ByteString>,
) -> Secret {
    let mut annotations = BTreeMap::from([(NOT_AFTER.to_owned(), cert.not_after.to_string())]);
    if let Some(fingerprint) = ca_fingerprint {
        annotations.insert(CA_FINGERPRINT.to_owned(), fingerprint.to_owned());
    }
    Secret {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(target.names.namespace.clone()),
            labels: Some(target.names.labels("admin-tls")),
            annotations: Some(annotations),
            owner_references: Some(vec![target.owner.clone()]),
            ..ObjectMeta::default()
        },
        type_: Some(type_.to_owned()),
        data: Some(data),
        ..Secret::default()
    }
}

async fn read(api: &Api<Secret>, name: &str) -> Result<Option<Secret>, Error> {
    match api.get(name).await {
        Ok(secret) => Ok(Some(secret)),
        Err(error) if is_not_found(&error) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// A stored certificate and key; `None` when a part is missing or malformed (it is then generated anew).
fn parse(secret: &Secret, cert_key: &str, key_key: &str) -> Option<CertifiedKey> {
    Some(CertifiedKey {
        cert_pem: secret_value(secret, cert_key)?,
        key_pem: secret_value(secret, key_key)?,
        not_after: annotation(secret, NOT_AFTER)?.parse().ok()?,
    })
}

fn annotation(secret: &Secret, key: &str) -> Option<String> {
    secret.metadata.annotations.as_ref()?.get(key).cloned()
}

fn fingerprint(cert_pem: &str) -> String {
    hex(digest::digest(&digest::SHA256, cert_pem.as_bytes()).as_ref())
}
