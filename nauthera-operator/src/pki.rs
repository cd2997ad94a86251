//! The mutual-TLS material of a server's admin port: a CA per `NautheraServer`, the server certificate and the
//! operator's client certificate, all ECDSA P-256, generated with rcgen.

use k8s_openapi::jiff::{SignedDuration, Timestamp, tz::TimeZone};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

use crate::Error;

/// How long the CA is valid.
pub const CA_VALIDITY_DAYS: i64 = 3650;
/// How long the server and client certificates are valid.
pub const LEAF_VALIDITY_DAYS: i64 = 365;
/// Certificates are renewed when they expire within this many days.
pub const RENEWAL_MARGIN_DAYS: i64 = 30;

/// A certificate with its private key, both PEM, and its expiry.
#[derive(Clone)]
#[non_exhaustive]
pub struct CertifiedKey {
    /// The certificate.
    pub cert_pem: String,
    /// The PKCS#8 private key.
    pub key_pem: String,
    /// The end of the validity period.
    pub not_after: Timestamp,
}

impl std::fmt::Debug for CertifiedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertifiedKey")
            .field("not_after", &self.not_after)
            .field("key_pem", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// What a leaf certificate is for.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Leaf {
    /// A client certificate with this common name.
    Client(String),
    /// A server certificate for these DNS names.
    Server(Vec<String>),
}

/// Whether a certificate expiring at `not_after` must be renewed at `now`.
pub fn needs_renewal(not_after: Timestamp, now: Timestamp) -> bool {
    not_after <= after_days(now, RENEWAL_MARGIN_DAYS)
}

/// Generates a self-signed CA named `common_name`.
///
/// # Errors
/// [`Error::Certificate`] when key generation or signing fails.
pub fn generate_ca(common_name: &str, now: Timestamp) -> Result<CertifiedKey, Error> {
    let key = KeyPair::generate()?;
    let (params, not_after) = ca_params(common_name, now)?;
    let cert = params.self_signed(&key)?;
    Ok(CertifiedKey {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        not_after,
    })
}

/// Issues a leaf certificate signed by the CA `ca` named `ca_common_name`.
///
/// # Errors
/// [`Error::Certificate`] when the CA key cannot be parsed, or key generation or signing fails.
pub fn issue(
    ca: &CertifiedKey,
    ca_common_name: &str,
    leaf: &Leaf,
    now: Timestamp,
) -> Result<CertifiedKey, Error> {
    let ca_key = KeyPair::from_pem(&ca.key_pem)?;
    // The issuer is rebuilt from the same deterministic parameters the CA was made with: its subject and
    // its key identifier (derived from the public key) match the stored CA certificate.
    let (ca_params, _) = ca_params(ca_common_name, now)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let (mut params, common_name, usage) = match leaf {
        Leaf::Server(names) => (
            CertificateParams::new(names.clone())?,
            names.first().cloned().unwrap_or_default(),
            ExtendedKeyUsagePurpose::ServerAuth,
        ),
        Leaf::Client(name) => (
            CertificateParams::new(Vec::new())?,
            name.clone(),
            ExtendedKeyUsagePurpose::ClientAuth,
        ),
    };
    params.distinguished_name = distinguished_name(&common_name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    let not_after = validity(&mut params, now, LEAF_VALIDITY_DAYS)?;
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &issuer)?;
    Ok(CertifiedKey {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        not_after,
    })
}

fn ca_params(common_name: &str, now: Timestamp) -> Result<(CertificateParams, Timestamp), Error> {
    let mut params = CertificateParams::new(Vec::new())?;
    params.distinguished_name = distinguished_name(common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let not_after = validity(&mut params, now, CA_VALIDITY_DAYS)?;
    Ok((params, not_after))
}

fn distinguished_name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::OrganizationName, "Nauthera operator");
    name.push(DnType::CommonName, common_name);
    name
}

/// Sets the validity to whole UTC days: from yesterday to `days` from today; returns the end.
fn validity(params: &mut CertificateParams, now: Timestamp, days: i64) -> Result<Timestamp, Error> {
    let start = after_days(now, -1).to_zoned(TimeZone::UTC).date();
    let end = after_days(now, days).to_zoned(TimeZone::UTC).date();
    // The dates come from jiff's calendar, so they are valid and `date_time_ymd` does not panic; jiff's years
    // are within -9999..=9999 and so within the range of the `time` crate.
    params.not_before = rcgen::date_time_ymd(
        i32::from(start.year()),
        start.month().unsigned_abs(),
        start.day().unsigned_abs(),
    );
    params.not_after = rcgen::date_time_ymd(
        i32::from(end.year()),
        end.month().unsigned_abs(),
        end.day().unsigned_abs(),
    );
    end.to_zoned(TimeZone::UTC)
        .map(|zoned| zoned.timestamp())
        .map_err(|error| Error::Invalid {
            what: "certificate validity",
            detail: error.to_string(),
        })
}

/// `now` plus `days` days, saturating at the ends of the supported range.
pub(crate) fn after_days(now: Timestamp, days: i64) -> Timestamp {
    let delta = SignedDuration::from_hours(days.saturating_mul(24));
    now.checked_add(delta).unwrap_or(if days < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-30T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn issues_server_and_client_certificates_from_a_stored_ca() {
        let ca = generate_ca("test CA", now()).unwrap();
        // The CA is used again later, as if read back from its Secret.
        let stored = CertifiedKey {
            cert_pem: ca.cert_pem.clone(),
            key_pem: ca.key_pem.clone(),
            not_after: ca.not_after,
        };
        let server = issue(
            &stored,
            "test CA",
            &Leaf::Server(vec!["srv.ns.svc".to_owned()]),
            now(),
        )
        .unwrap();
        let client = issue(
            &stored,
            "test CA",
            &Leaf::Client("nauthera-operator".to_owned()),
            now(),
        )
        .unwrap();
        assert!(server.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(client.key_pem.contains("PRIVATE KEY"));
        assert_eq!(server.not_after, "2027-11-30T00:00:00Z".parse().unwrap());
        assert_eq!(ca.not_after, "2036-11-27T00:00:00Z".parse().unwrap());
        assert!(!format!("{client:?}").contains("PRIVATE"));
    }

    #[test]
    fn renews_within_the_margin() {
        let expiry: Timestamp = "2027-01-15T00:00:00Z".parse().unwrap();
        assert!(!needs_renewal(expiry, now()));
        assert!(needs_renewal(
            expiry,
            "2026-12-20T00:00:00Z".parse().unwrap()
        ));
    }
}
