//! Mutual TLS: the server requires a client certificate issued by the configured CA, and the client presents
//! one. rustls with aws-lc-rs on both sides.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use nauthera_core::{Cache, Provider, Storage};
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity, Server, ServerTlsConfig};
use zeroize::Zeroizing;

use crate::error::AdminError;
use crate::proto::admin_client::AdminClient;
use crate::service::AdminService;

/// How long a TLS handshake may take before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client waits for the connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The mutual-TLS material of one side: the CA that issued the peer's certificates, and this side's
/// certificate chain and private key, all PEM.
///
/// On the server, `ca_pem` is the CA client certificates must chain to; on a client, it is the CA the server
/// certificate must chain to. `Debug` does not print the key.
#[non_exhaustive]
pub struct AdminTls {
    ca_pem: Vec<u8>,
    cert_pem: Vec<u8>,
    key_pem: Zeroizing<Vec<u8>>,
}

impl AdminTls {
    /// The material from PEM bytes (parsed when serving or connecting).
    pub fn from_pem(
        ca_pem: impl Into<Vec<u8>>,
        cert_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            ca_pem: ca_pem.into(),
            cert_pem: cert_pem.into(),
            key_pem: Zeroizing::new(key_pem.into()),
        }
    }

    /// The material from PEM files.
    ///
    /// # Errors
    /// [`AdminError::ReadFile`] when a file cannot be read.
    pub fn from_files(
        ca_path: impl AsRef<Path>,
        cert_path: impl AsRef<Path>,
        key_path: impl AsRef<Path>,
    ) -> Result<Self, AdminError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| AdminError::ReadFile {
                path: path.to_owned(),
                source,
            })
        };
        Ok(Self::from_pem(
            read(ca_path.as_ref())?,
            read(cert_path.as_ref())?,
            read(key_path.as_ref())?,
        ))
    }

    /// The CA certificate(s), PEM.
    pub fn ca_pem(&self) -> &[u8] {
        &self.ca_pem
    }

    /// This side's certificate chain, PEM.
    pub fn cert_pem(&self) -> &[u8] {
        &self.cert_pem
    }

    fn identity(&self) -> Identity {
        Identity::from_pem(&self.cert_pem, &*self.key_pem)
    }

    fn ca(&self) -> Certificate {
        Certificate::from_pem(&self.ca_pem)
    }
}

impl std::fmt::Debug for AdminTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminTls")
            .field("ca_pem_bytes", &self.ca_pem.len())
            .field("cert_pem_bytes", &self.cert_pem.len())
            .field("key_pem", &"[redacted]")
            .finish()
    }
}

/// Makes aws-lc-rs the process's rustls provider unless one is installed already.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another thread installing a provider is fine: one is installed either way.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    }
}

/// Serves the admin API for `provider` on `listener` until `shutdown` completes.
///
/// Client certificates are required and verified against `tls`'s CA: a client with no certificate, or one
/// from another CA, fails the handshake. Serve it on its own port, never on the public HTTP port.
///
/// # Errors
/// [`AdminError::Tls`] when the certificate, key or CA is refused; [`AdminError::Transport`] when serving
/// fails.
pub async fn serve<S: Storage, C: Cache>(
    provider: Arc<Provider<S, C>>,
    listener: TcpListener,
    tls: AdminTls,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), AdminError> {
    install_crypto_provider();
    let config = ServerTlsConfig::new()
        .identity(tls.identity())
        .client_ca_root(tls.ca())
        .timeout(HANDSHAKE_TIMEOUT);
    let mut server = Server::builder()
        .tls_config(config)
        .map_err(AdminError::Tls)?;
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, "admin API serving (mutual TLS)");
    }
    server
        .add_service(AdminService::new(provider).into_server())
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
        .await
        .map_err(AdminError::Transport)
}

/// Connects to the admin API at `endpoint_url` (`https://host:port`) with a client certificate, verifying
/// the server certificate against `tls`'s CA for the name `domain`.
///
/// # Errors
/// [`AdminError::InvalidEndpoint`] for a malformed URL, [`AdminError::Tls`] for refused material,
/// [`AdminError::Transport`] when the connection fails.
pub async fn connect(
    endpoint_url: &str,
    tls: AdminTls,
    domain: &str,
) -> Result<AdminClient<Channel>, AdminError> {
    install_crypto_provider();
    let config = ClientTlsConfig::new()
        .ca_certificate(tls.ca())
        .identity(tls.identity())
        .domain_name(domain);
    let channel = Channel::from_shared(endpoint_url.to_owned())
        .map_err(AdminError::InvalidEndpoint)?
        .tls_config(config)
        .map_err(AdminError::Tls)?
        .connect_timeout(CONNECT_TIMEOUT)
        .connect()
        .await
        .map_err(AdminError::Transport)?;
    Ok(AdminClient::new(channel))
}
