//! Who is calling: the subject common name of the verified client certificate, for the audit log.

use tonic::Request;

/// The caller's certificate subject CN, or `"unknown"` when there is none or it does not parse.
pub(crate) fn caller<T>(request: &Request<T>) -> String {
    request
        .peer_certs()
        .and_then(|chain| chain.first().and_then(|cert| common_name(cert)))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let name = cert.subject().iter_common_name().next()?;
    name.as_str().ok().map(str::to_owned)
}

#[cfg(all(test, feature = "pki"))]
mod tests {
    use super::*;
    use crate::pki::CertificateAuthority;

    #[test]
    fn reads_the_subject_common_name() {
        let now = nauthera_core::UnixTime(1_800_000_000);
        let hour = std::time::Duration::from_secs(3600);
        let ca = CertificateAuthority::generate("ca", now, hour).unwrap();
        let leaf = ca.issue_client("nauthera-operator", now, hour).unwrap();
        let (_, pem) = x509_parser::pem::parse_x509_pem(leaf.cert_pem.as_bytes()).unwrap();
        assert_eq!(
            common_name(&pem.contents).as_deref(),
            Some("nauthera-operator")
        );
        assert_eq!(common_name(b"not der"), None);
    }
}
