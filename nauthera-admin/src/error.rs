//! The errors of serving and connecting.

/// Why the admin server could not start or stop cleanly, or a client could not connect.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// A certificate, key or CA file could not be read.
    #[error("reading {path}")]
    ReadFile {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The endpoint URL is not a valid URI.
    #[error("invalid admin endpoint URL")]
    InvalidEndpoint(#[source] tonic::codegen::http::uri::InvalidUri),
    /// The TLS configuration was refused (for example a malformed certificate or key).
    #[error("invalid TLS configuration")]
    Tls(#[source] tonic::transport::Error),
    /// The transport failed: the server stopped with an error, or the client could not connect.
    #[error("admin transport failed")]
    Transport(#[source] tonic::transport::Error),
}
