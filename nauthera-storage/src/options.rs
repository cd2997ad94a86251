//! [`StoreOptions`]: how [`DieselStore`](crate::DieselStore) connects, pools and protects keys and secrets.

use std::path::PathBuf;
use std::time::Duration;

use crate::key_encryption::KeyEncryptionKey;

/// Options of [`DieselStore::open_with`](crate::DieselStore::open_with) and [`migrate`](crate::migrate).
///
/// Start from [`StoreOptions::default`] and change fields or chain the `with_*` methods.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StoreOptions {
    /// The most connections the pool opens (at least 1; an in-memory SQLite database always uses 1).
    /// Default 8.
    pub pool_size: u32,
    /// How long opening a connection, or waiting for a free one, may take before the operation fails as
    /// unavailable. Default 5 seconds.
    pub connection_timeout: Duration,
    /// TLS to PostgreSQL; ignored by SQLite. Default [`Tls::FromUrl`].
    pub tls: Tls,
    /// Encrypts private signing keys and server secrets at rest when set (AES-256-GCM); what was written
    /// encrypted cannot be read without it. Default none.
    pub key_encryption: Option<KeyEncryptionKey>,
    /// Whether opening applies pending migrations. Turn it off when a separate `migrate` step owns the schema.
    /// Default on.
    pub run_migrations: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            pool_size: 8,
            connection_timeout: Duration::from_secs(5),
            tls: Tls::FromUrl,
            key_encryption: None,
            run_migrations: true,
        }
    }
}

impl StoreOptions {
    /// Sets [`StoreOptions::pool_size`].
    #[must_use]
    pub fn with_pool_size(mut self, pool_size: u32) -> Self {
        self.pool_size = pool_size;
        self
    }

    /// Sets [`StoreOptions::connection_timeout`].
    #[must_use]
    pub fn with_connection_timeout(mut self, timeout: Duration) -> Self {
        self.connection_timeout = timeout;
        self
    }

    /// Sets [`StoreOptions::tls`].
    #[must_use]
    pub fn with_tls(mut self, tls: Tls) -> Self {
        self.tls = tls;
        self
    }

    /// Sets [`StoreOptions::key_encryption`].
    #[must_use]
    pub fn with_key_encryption(mut self, key: KeyEncryptionKey) -> Self {
        self.key_encryption = Some(key);
        self
    }

    /// Sets [`StoreOptions::run_migrations`].
    #[must_use]
    pub fn with_run_migrations(mut self, run: bool) -> Self {
        self.run_migrations = run;
        self
    }
}

/// TLS to PostgreSQL, through rustls (aws-lc-rs). The server certificate is always verified against the roots
/// and the host name (libpq's `verify-full`); roots are the CA file when one is given, the Mozilla roots of
/// `webpki-roots` otherwise.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
#[non_exhaustive]
pub enum Tls {
    /// Decide from the URL: `sslmode=disable` is [`Tls::Disable`]; `require`, `verify-ca` and `verify-full` are
    /// [`Tls::Require`] (with `sslrootcert` as the CA file); `prefer` and `allow` use TLS when the server offers
    /// it. Without `sslmode`, a loopback host or Unix socket connects in plain text and any other host requires
    /// TLS.
    #[default]
    FromUrl,
    /// Plain text, whatever the URL says.
    Disable,
    /// TLS required, whatever the URL says; connecting fails if the server does not offer it.
    Require {
        /// PEM file of the certificate authorities to trust instead of the Mozilla roots (managed services
        /// often publish theirs).
        ca_file: Option<PathBuf>,
    },
}
