//! The admin gRPC API on its own port, with client certificates required.

use std::future::Future;
use std::sync::Arc;

use nauthera_admin::AdminTls;
use tokio::net::TcpListener;

use crate::app::{ServerError, ServerProvider};
use crate::config::{AdminSection, warn_if_world_readable};

/// Serves the admin API as `section` says until `shutdown` completes.
///
/// # Errors
/// [`ServerError::Admin`] when the certificates cannot be read or serving fails; [`ServerError::Io`] when the
/// address cannot be bound.
pub async fn serve_admin(
    provider: Arc<ServerProvider>,
    section: &AdminSection,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServerError> {
    warn_if_world_readable(&section.key_file);
    let tls = AdminTls::from_files(&section.ca_file, &section.cert_file, &section.key_file)?;
    let listener = TcpListener::bind(&section.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "serving the admin API (mutual TLS)");
    nauthera_admin::serve(provider, listener, tls, shutdown).await?;
    Ok(())
}
