//! A small PKI for the admin channel (feature `pki`): a CA, server certificates for DNS names and IP
//! addresses, client certificates with a common name, all as PEM, and [`needs_renewal`] to renew them before
//! they expire. Keys are ECDSA P-256, generated with aws-lc-rs.

use std::time::Duration;

use nauthera_core::UnixTime;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// How far back `notBefore` is set, to tolerate clock skew between the issuer and the verifier.
const BACKDATE: Duration = Duration::from_secs(5 * 60);

/// Why a certificate could not be issued or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// rcgen refused the parameters or a key, or failed to sign.
    #[error("certificate generation failed")]
    Generate(#[source] rcgen::Error),
    /// The validity period does not fit in a certificate.
    #[error("validity period out of range")]
    Validity,
    /// The PEM text is not an X.509 certificate.
    #[error("not a PEM X.509 certificate")]
    Parse,
    /// The CA key does not belong to the CA certificate.
    #[error("the CA key does not match the CA certificate")]
    KeyMismatch,
}

impl From<rcgen::Error> for PkiError {
    fn from(error: rcgen::Error) -> Self {
        Self::Generate(error)
    }
}

/// A certificate and its private key, PEM. `Debug` does not print the key.
#[non_exhaustive]
pub struct CertifiedKey {
    /// The certificate.
    pub cert_pem: String,
    /// The private key (PKCS#8).
    pub key_pem: Zeroizing<String>,
}

impl std::fmt::Debug for CertifiedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertifiedKey")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"[redacted]")
            .finish()
    }
}

/// A certificate authority that issues server and client certificates.
pub struct CertificateAuthority {
    issuer: Issuer<'static, KeyPair>,
    cert_pem: String,
    key_pem: Zeroizing<String>,
}

impl CertificateAuthority {
    /// A new self-signed CA named `common_name`, valid for `validity` from `now`.
    ///
    /// # Errors
    /// [`PkiError::Validity`] when the period does not fit; [`PkiError::Generate`] on generation failures.
    pub fn generate(
        common_name: &str,
        now: UnixTime,
        validity: Duration,
    ) -> Result<Self, PkiError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        // The CA signs leaf certificates only.
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut params, now, validity)?;
        let cert_pem = params.self_signed(&key)?.pem();
        let key_pem = Zeroizing::new(key.serialize_pem());
        Ok(Self {
            issuer: Issuer::new(params, key),
            cert_pem,
            key_pem,
        })
    }

    /// A CA loaded back from its certificate and key (for example from a Kubernetes Secret).
    ///
    /// # Errors
    /// [`PkiError::Parse`] or [`PkiError::Generate`] when either does not parse; [`PkiError::KeyMismatch`]
    /// when the key is not the certificate's.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, PkiError> {
        let key = KeyPair::from_pem(key_pem)?;
        let (_, pem) =
            x509_parser::pem::parse_x509_pem(cert_pem.as_bytes()).map_err(|_| PkiError::Parse)?;
        let cert = pem.parse_x509().map_err(|_| PkiError::Parse)?;
        if cert.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
            return Err(PkiError::KeyMismatch);
        }
        Ok(Self {
            issuer: Issuer::from_ca_cert_pem(cert_pem, key)?,
            cert_pem: cert_pem.to_owned(),
            key_pem: Zeroizing::new(key_pem.to_owned()),
        })
    }

    /// The CA certificate, PEM: the trust anchor both sides configure.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA private key, PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// A server certificate for `names` (DNS names or IP addresses; the first is also the subject CN), valid
    /// for `validity` from `now`.
    ///
    /// # Errors
    /// [`PkiError::Validity`] when the period does not fit; [`PkiError::Generate`] for an invalid name or a
    /// generation failure.
    pub fn issue_server(
        &self,
        names: &[&str],
        now: UnixTime,
        validity: Duration,
    ) -> Result<CertifiedKey, PkiError> {
        let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let mut params = CertificateParams::new(names.clone())?;
        if let Some(first) = names.first() {
            params.distinguished_name.push(DnType::CommonName, first);
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.issue(params, now, validity)
    }

    /// A client certificate whose subject CN is `common_name` (the audit log's actor), valid for `validity`
    /// from `now`.
    ///
    /// # Errors
    /// [`PkiError::Validity`] when the period does not fit; [`PkiError::Generate`] on generation failures.
    pub fn issue_client(
        &self,
        common_name: &str,
        now: UnixTime,
        validity: Duration,
    ) -> Result<CertifiedKey, PkiError> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(params, now, validity)
    }

    fn issue(
        &self,
        mut params: CertificateParams,
        now: UnixTime,
        validity: Duration,
    ) -> Result<CertifiedKey, PkiError> {
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        set_validity(&mut params, now, validity)?;
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(CertifiedKey {
            cert_pem: cert.pem(),
            key_pem: Zeroizing::new(key.serialize_pem()),
        })
    }
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateAuthority")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"[redacted]")
            .finish()
    }
}

fn set_validity(
    params: &mut CertificateParams,
    now: UnixTime,
    validity: Duration,
) -> Result<(), PkiError> {
    let now = OffsetDateTime::from_unix_timestamp(now.seconds()).map_err(|_| PkiError::Validity)?;
    let backdate = time::Duration::try_from(BACKDATE).map_err(|_| PkiError::Validity)?;
    let validity = time::Duration::try_from(validity).map_err(|_| PkiError::Validity)?;
    params.not_before = now.checked_sub(backdate).ok_or(PkiError::Validity)?;
    params.not_after = now.checked_add(validity).ok_or(PkiError::Validity)?;
    Ok(())
}

/// The end of a PEM certificate's validity (`notAfter`).
///
/// # Errors
/// [`PkiError::Parse`] when the text is not a PEM certificate.
pub fn not_after(cert_pem: &str) -> Result<UnixTime, PkiError> {
    let (_, pem) =
        x509_parser::pem::parse_x509_pem(cert_pem.as_bytes()).map_err(|_| PkiError::Parse)?;
    let cert = pem.parse_x509().map_err(|_| PkiError::Parse)?;
    Ok(UnixTime(cert.validity().not_after.timestamp()))
}

/// Whether a PEM certificate expires within `margin` of `now` (or already has): time to issue a new one.
///
/// # Errors
/// As [`not_after`].
pub fn needs_renewal(cert_pem: &str, now: UnixTime, margin: Duration) -> Result<bool, PkiError> {
    Ok(now.plus(margin) >= not_after(cert_pem)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn renewal_is_due_within_the_margin() {
        let now = UnixTime(1_800_000_000);
        let ca = CertificateAuthority::generate("ca", now, DAY * 30).unwrap();
        let leaf = ca.issue_client("operator", now, DAY).unwrap();
        let expires = not_after(&leaf.cert_pem).unwrap();
        assert_eq!(expires, now.plus(DAY));
        assert!(!needs_renewal(&leaf.cert_pem, now, DAY / 3).unwrap());
        assert!(
            needs_renewal(
                &leaf.cert_pem,
                now.plus(DAY * 2 / 3 + Duration::from_secs(60)),
                DAY / 3
            )
            .unwrap()
        );
        assert!(needs_renewal(&leaf.cert_pem, now.plus(DAY * 2), Duration::ZERO).unwrap());
        assert!(matches!(
            needs_renewal("garbage", now, DAY),
            Err(PkiError::Parse)
        ));
    }

    #[test]
    fn a_reloaded_ca_issues_and_a_foreign_key_is_refused() {
        let now = UnixTime(1_800_000_000);
        let ca = CertificateAuthority::generate("ca", now, DAY).unwrap();
        let reloaded = CertificateAuthority::from_pem(ca.cert_pem(), ca.key_pem()).unwrap();
        let server = reloaded
            .issue_server(&["localhost", "10.0.0.1"], now, DAY)
            .unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(server.cert_pem.as_bytes()).unwrap();
        let cert = pem.parse_x509().unwrap();
        let ca_cert = x509_parser::pem::parse_x509_pem(ca.cert_pem().as_bytes())
            .unwrap()
            .1;
        assert_eq!(cert.issuer(), ca_cert.parse_x509().unwrap().subject());
        assert!(format!("{server:?}").contains("[redacted]"));
        assert!(!format!("{ca:?}").contains("PRIVATE KEY"));

        let other = CertificateAuthority::generate("other", now, DAY).unwrap();
        assert!(matches!(
            CertificateAuthority::from_pem(ca.cert_pem(), other.key_pem()),
            Err(PkiError::KeyMismatch)
        ));
    }
}
