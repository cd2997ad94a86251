//! The rustls client configuration (aws-lc-rs) for TLS to PostgreSQL.

use std::path::Path;
use std::sync::Arc;

use nauthera_core::{StorageError, StorageErrorKind};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;

/// A client configuration that verifies the server's certificate chain and host name against the
/// certificates of `ca_file` (PEM) when given, the Mozilla roots of `webpki-roots` otherwise.
///
/// # Errors
/// [`StorageErrorKind::Other`] when the CA file cannot be read or holds no usable certificate.
pub(super) fn client_config(ca_file: Option<&Path>) -> Result<rustls::ClientConfig, StorageError> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let unreadable = |problem: String| {
                StorageError::new(
                    StorageErrorKind::Other,
                    format!("CA file {}: {problem}", path.display()),
                )
            };
            let certificates =
                CertificateDer::pem_file_iter(path).map_err(|e| unreadable(e.to_string()))?;
            for certificate in certificates {
                let certificate = certificate.map_err(|e| unreadable(e.to_string()))?;
                roots
                    .add(certificate)
                    .map_err(|e| unreadable(e.to_string()))?;
            }
            if roots.is_empty() {
                return Err(unreadable("no certificate in it".to_owned()));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StorageError::new(StorageErrorKind::Other, e))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
