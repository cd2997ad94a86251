//! The admin port's mutual-TLS material in three Secrets: the CA (never mounted), the server certificate
//! (mounted into the server pods) and the operator's client certificate. Each is renewed before it expires.

use std::collections::BTreeMap;

use aws_lc_rs::digest;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::ObjectMeta;
use nauthera_admin::pki::{CertificateAuthority, needs_renewal, not_after};
use nauthera_core::UnixTime;

use super::config::hex;
use super::owned;
use crate::Error;
use crate::controller::apply;
use crate::controller::names::{CA_FINGERPRINT, NOT_AFTER, ServerNames};
use crate::controller::secrets::{secret_value, string_data};
use crate::error::is_not_found;
use crate::pki::{
    CA_VALIDITY_DAYS, LEAF_VALIDITY_DAYS, RENEWAL_MARGIN_DAYS, days, timestamp, unix_time,
};

/// The client certificate's common name: the actor the server's audit log records for the operator.
const CLIENT_COMMON_NAME: &str = "nauthera-operator";

/// Where the admin TLS Secrets go and who owns them.
#[derive(Debug)]
pub(crate) struct TlsTarget<'a> {
    pub(crate) api: &'a Api<Secret>,
    pub(crate) names: &'a ServerNames,
    pub(crate) owner: &'a OwnerReference,
    pub(crate) now: Timestamp,
}

/// What a leaf certificate is for.
enum Leaf<'a> {
    /// A server certificate for these DNS names.
    Server(&'a [&'a str]),
    /// A client certificate with this common name.
    Client(&'a str),
}

/// Makes sure the CA, server and client certificates exist and are not about to expire; returns the expiry
/// of the server certificate.
///
/// # Errors
/// [`Error::Kube`] when the API fails, [`Error::Certificate`] when generation fails.
pub(crate) async fn ensure_admin_tls(target: &TlsTarget<'_>) -> Result<UnixTime, Error> {
    let names = target.names;
    let now = unix_time(target.now);
    let ca_name = names.admin_ca();
    let existing_ca = read(target.api, &ca_name).await?.and_then(|secret| {
        let cert = secret_value(&secret, "ca.crt")?;
        let key = secret_value(&secret, "ca.key")?;
        let ca = CertificateAuthority::from_pem(&cert, &key).ok()?;
        valid(ca.cert_pem(), now).map(|_| ca)
    });
    let (ca, ca_renewed) = match existing_ca {
        Some(ca) => (ca, false),
        None => {
            let ca = CertificateAuthority::generate(
                &names.ca_common_name(),
                now,
                days(CA_VALIDITY_DAYS),
            )?;
            let expiry = not_after(ca.cert_pem())?;
            let object = ca_secret(names, ca.cert_pem(), ca.key_pem(), expiry);
            apply(target.api, &owned(object, target.owner)).await?;
            (ca, true)
        }
    };
    let fingerprint = fingerprint(ca.cert_pem());
    let dns_names = names.service_dns_names();
    let dns_names: Vec<&str> = dns_names.iter().map(String::as_str).collect();
    let server_not_after = ensure_leaf(
        target,
        (&ca, &fingerprint, ca_renewed),
        names.admin_tls(),
        &Leaf::Server(&dns_names),
    )
    .await?;
    ensure_leaf(
        target,
        (&ca, &fingerprint, ca_renewed),
        names.admin_client(),
        &Leaf::Client(CLIENT_COMMON_NAME),
    )
    .await?;
    Ok(server_not_after)
}

async fn ensure_leaf(
    target: &TlsTarget<'_>,
    (ca, fingerprint, ca_renewed): (&CertificateAuthority, &str, bool),
    name: String,
    leaf: &Leaf<'_>,
) -> Result<UnixTime, Error> {
    let now = unix_time(target.now);
    if !ca_renewed {
        let current = read(target.api, &name).await?.and_then(|secret| {
            let signed_by_ca = annotation(&secret, CA_FINGERPRINT).as_deref() == Some(fingerprint);
            // The key is not read back, but a Secret without one is incomplete and is issued anew.
            secret_value(&secret, "tls.key")?;
            let expiry = valid(&secret_value(&secret, "tls.crt")?, now)?;
            signed_by_ca.then_some(expiry)
        });
        if let Some(expiry) = current {
            return Ok(expiry);
        }
    }
    let validity = days(LEAF_VALIDITY_DAYS);
    let cert = match leaf {
        Leaf::Server(dns_names) => ca.issue_server(dns_names, now, validity)?,
        Leaf::Client(common_name) => ca.issue_client(common_name, now, validity)?,
    };
    let expiry = not_after(&cert.cert_pem)?;
    let material = LeafMaterial {
        cert_pem: &cert.cert_pem,
        key_pem: &cert.key_pem,
        ca_pem: ca.cert_pem(),
        ca_fingerprint: fingerprint,
        not_after: expiry,
    };
    let object = leaf_secret(target.names, name, &material);
    apply(target.api, &owned(object, target.owner)).await?;
    Ok(expiry)
}

/// The expiry of a stored certificate that is not due for renewal; `None` when it is due, or is not a
/// certificate (it is then generated anew).
fn valid(cert_pem: &str, now: UnixTime) -> Option<UnixTime> {
    let due = needs_renewal(cert_pem, now, days(RENEWAL_MARGIN_DAYS)).ok()?;
    if due { None } else { not_after(cert_pem).ok() }
}

/// The CA Secret (never mounted): the certificate and its key, which expire at `not_after`.
pub(crate) fn ca_secret(
    names: &ServerNames,
    cert_pem: &str,
    key_pem: &str,
    not_after: UnixTime,
) -> Secret {
    let data = string_data([
        ("ca.crt", cert_pem.to_owned()),
        ("ca.key", key_pem.to_owned()),
    ]);
    secret(names, names.admin_ca(), "Opaque", not_after, None, data)
}

/// What a leaf certificate's Secret holds.
#[derive(Debug)]
pub(crate) struct LeafMaterial<'a> {
    pub(crate) cert_pem: &'a str,
    pub(crate) key_pem: &'a str,
    /// The certificate of the CA that signed it.
    pub(crate) ca_pem: &'a str,
    /// The CA certificate's SHA-256, which tells whether the leaf is signed by the current CA.
    pub(crate) ca_fingerprint: &'a str,
    pub(crate) not_after: UnixTime,
}

/// The Secret `name` of a leaf certificate: the server's ([`ServerNames::admin_tls`]) or the operator
/// client's ([`ServerNames::admin_client`]).
pub(crate) fn leaf_secret(
    names: &ServerNames,
    name: String,
    material: &LeafMaterial<'_>,
) -> Secret {
    let data = string_data([
        ("tls.crt", material.cert_pem.to_owned()),
        ("tls.key", material.key_pem.to_owned()),
        ("ca.crt", material.ca_pem.to_owned()),
    ]);
    secret(
        names,
        name,
        "kubernetes.io/tls",
        material.not_after,
        Some(material.ca_fingerprint),
        data,
    )
}

fn secret(
    names: &ServerNames,
    name: String,
    type_: &str,
    not_after: UnixTime,
    ca_fingerprint: Option<&str>,
    data: BTreeMap<String, k8s_openapi::ByteString>,
) -> Secret {
    let mut annotations =
        BTreeMap::from([(NOT_AFTER.to_owned(), timestamp(not_after).to_string())]);
    if let Some(fingerprint) = ca_fingerprint {
        annotations.insert(CA_FINGERPRINT.to_owned(), fingerprint.to_owned());
    }
    Secret {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(names.namespace.clone()),
            labels: Some(names.labels("admin-tls")),
            annotations: Some(annotations),
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

fn annotation(secret: &Secret, key: &str) -> Option<String> {
    secret.metadata.annotations.as_ref()?.get(key).cloned()
}

fn fingerprint(cert_pem: &str) -> String {
    hex(digest::digest(&digest::SHA256, cert_pem.as_bytes()).as_ref())
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use http::Method;
    use serde_json::Value;
    use tokio::task::JoinHandle;

    use super::*;
    use crate::fixtures::{ApiServerVerifier, Reply, context, timeout_after_1s, within_1s};
    use crate::pki::after_days;

    const CA: &str = "/api/v1/namespaces/nauthera/secrets/nauthera-admin-ca";
    const TLS: &str = "/api/v1/namespaces/nauthera/secrets/nauthera-admin-tls";
    const CLIENT: &str = "/api/v1/namespaces/nauthera/secrets/nauthera-admin-client";

    /// Answers `steps` in order; returns the verifier and the objects written by the PATCHes.
    fn script(
        mut verifier: ApiServerVerifier,
        steps: Vec<(Method, &'static str, Reply)>,
    ) -> JoinHandle<(ApiServerVerifier, Vec<Value>)> {
        tokio::spawn(async move {
            let mut written = Vec::new();
            for (method, path, reply) in steps {
                let patch = method == Method::PATCH;
                let recorded = verifier.expect(method, path, reply).await;
                if patch {
                    written.push(recorded.body);
                }
            }
            (verifier, written)
        })
    }

    fn owner() -> OwnerReference {
        OwnerReference {
            api_version: "nauthera.io/v1alpha1".to_owned(),
            kind: "NautheraServer".to_owned(),
            name: "nauthera".to_owned(),
            uid: "uid-1".to_owned(),
            ..OwnerReference::default()
        }
    }

    fn cert_pem(secret: &Value) -> String {
        let pem = STANDARD
            .decode(secret["data"]["tls.crt"].as_str().unwrap())
            .unwrap();
        String::from_utf8(pem).unwrap()
    }

    #[tokio::test]
    async fn stored_certificates_are_kept_until_the_renewal_margin_then_leaves_are_reissued() {
        let (context, verifier) = context();
        let api: Api<Secret> = Api::namespaced(context.client.clone(), "nauthera");
        let names = ServerNames::new("nauthera", "nauthera");
        let owner = owner();
        let at = |now| TlsTarget {
            api: &api,
            names: &names,
            owner: &owner,
            now,
        };
        let fixed_now = crate::fixtures::now();

        // Nothing is stored: the CA and both leaves are generated.
        let steps = vec![
            (Method::GET, CA, Reply::Status(404)),
            (Method::PATCH, CA, Reply::Echo),
            (Method::PATCH, TLS, Reply::Echo),
            (Method::PATCH, CLIENT, Reply::Echo),
        ];
        let running = script(verifier, steps);
        let first = within_1s(ensure_admin_tls(&at(fixed_now))).await.unwrap();
        let (verifier, stored) = timeout_after_1s(running).await;
        let [ca, tls, client]: [Value; 3] = stored.try_into().unwrap();
        assert_eq!(first, unix_time("2027-11-30T12:00:00Z".parse().unwrap()));
        let annotations = &client["metadata"]["annotations"];
        assert_eq!(annotations[NOT_AFTER], "2027-11-30T12:00:00Z");
        let fingerprint = &tls["metadata"]["annotations"][CA_FINGERPRINT];
        assert_eq!(&annotations[CA_FINGERPRINT], fingerprint);
        assert_eq!(not_after(&cert_pem(&client)).unwrap(), first);

        // A day later everything is still valid: read back, nothing written.
        let steps = vec![
            (Method::GET, CA, Reply::Object(ca.clone())),
            (Method::GET, TLS, Reply::Object(tls.clone())),
            (Method::GET, CLIENT, Reply::Object(client.clone())),
        ];
        let running = script(verifier, steps);
        let kept = within_1s(ensure_admin_tls(&at(after_days(fixed_now, 1))))
            .await
            .unwrap();
        let (verifier, written) = timeout_after_1s(running).await;
        assert_eq!((kept, written.len()), (first, 0));

        // Within 30 days of the leaves' expiry: the CA is kept, both leaves are issued anew.
        let steps = vec![
            (Method::GET, CA, Reply::Object(ca)),
            (Method::GET, TLS, Reply::Object(tls.clone())),
            (Method::PATCH, TLS, Reply::Echo),
            (Method::GET, CLIENT, Reply::Object(client)),
            (Method::PATCH, CLIENT, Reply::Echo),
        ];
        let running = script(verifier, steps);
        let renewal = after_days(fixed_now, 336);
        let renewed = within_1s(ensure_admin_tls(&at(renewal))).await.unwrap();
        let (_, written) = timeout_after_1s(running).await;
        assert_eq!(renewed, unix_time(after_days(renewal, 365)));
        assert_ne!(cert_pem(&written[0]), cert_pem(&tls));
        assert_eq!(
            &written[1]["metadata"]["annotations"][CA_FINGERPRINT], fingerprint,
            "the kept CA signs the new leaves"
        );
    }
}
