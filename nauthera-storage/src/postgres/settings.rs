//! Connection settings from a PostgreSQL URL and [`StoreOptions`]: the driver's configuration, the TLS
//! decision (libpq's `sslmode` and `sslrootcert`, which the driver does not fully understand, are taken out of
//! the URL first) and the timeout.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use nauthera_core::{StorageError, StorageErrorKind};
use tokio_postgres::config::{Host, SslMode};

use crate::options::{StoreOptions, Tls};

/// How to connect.
#[derive(Debug)]
pub(super) struct Settings {
    config: tokio_postgres::Config,
    tls: Option<Arc<rustls::ClientConfig>>,
    timeout: Duration,
}

/// Whether to use TLS, decided from the options and the URL.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
enum Mode {
    Disable,
    Prefer,
    Require,
}

impl Settings {
    /// Parses `url` and decides TLS as [`Tls`] documents.
    ///
    /// # Errors
    /// [`StorageErrorKind::Other`] for a malformed URL, an unknown `sslmode`, or an unusable CA file.
    pub(super) fn parse(url: &str, options: &StoreOptions) -> Result<Self, StorageError> {
        let parts = UrlParts::split(url);
        // The driver's parse errors never repeat the URL, so no password reaches a log.
        let mut config: tokio_postgres::Config = parts.url.parse().map_err(|e| {
            StorageError::new(
                StorageErrorKind::Other,
                format!("invalid PostgreSQL URL: {e}"),
            )
        })?;
        let (mode, ca_file) = match &options.tls {
            Tls::Disable => (Mode::Disable, None),
            Tls::Require { ca_file } => (Mode::Require, ca_file.clone().or(parts.root_cert)),
            Tls::FromUrl => (
                mode_from_url(parts.ssl_mode.as_deref(), &config)?,
                parts.root_cert,
            ),
        };
        config.ssl_mode(match mode {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require => SslMode::Require,
        });
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(options.connection_timeout);
        }
        let tls = match mode {
            Mode::Disable => None,
            Mode::Prefer | Mode::Require => {
                Some(Arc::new(super::tls::client_config(ca_file.as_deref())?))
            }
        };
        Ok(Self {
            config,
            tls,
            timeout: options.connection_timeout,
        })
    }

    /// The driver's configuration (TLS mode included).
    pub(super) fn config(&self) -> &tokio_postgres::Config {
        &self.config
    }

    /// The rustls configuration, `None` for plain text.
    pub(super) fn tls(&self) -> Option<&rustls::ClientConfig> {
        self.tls.as_deref()
    }

    /// How long establishing a connection may take.
    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }
}

fn mode_from_url(
    ssl_mode: Option<&str>,
    config: &tokio_postgres::Config,
) -> Result<Mode, StorageError> {
    match ssl_mode {
        Some("disable") => Ok(Mode::Disable),
        Some("allow" | "prefer") => Ok(Mode::Prefer),
        Some("require" | "verify-ca" | "verify-full") => Ok(Mode::Require),
        Some(other) => Err(StorageError::new(
            StorageErrorKind::Other,
            format!("invalid sslmode {other:?} in the PostgreSQL URL"),
        )),
        None if is_local(config) => Ok(Mode::Disable),
        None => Ok(Mode::Require),
    }
}

/// Whether every host is a Unix socket or a loopback address (no host at all means the local socket).
fn is_local(config: &tokio_postgres::Config) -> bool {
    config.get_hosts().iter().all(|host| match host {
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Host::Unix(_) => true,
    }) && config
        .get_hostaddrs()
        .iter()
        .all(std::net::IpAddr::is_loopback)
}

/// A URL with libpq's TLS parameters taken out.
#[derive(Debug, Default, Eq, PartialEq)]
struct UrlParts {
    url: String,
    ssl_mode: Option<String>,
    root_cert: Option<PathBuf>,
}

impl UrlParts {
    fn split(url: &str) -> Self {
        let Some((base, query)) = url.split_once('?') else {
            return Self {
                url: url.to_owned(),
                ..Self::default()
            };
        };
        let mut parts = Self::default();
        let mut kept = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("sslmode", value)) => parts.ssl_mode = Some(percent_decode(value)),
                Some(("sslrootcert", value)) => {
                    parts.root_cert = Some(PathBuf::from(percent_decode(value)));
                }
                _ => kept.push(pair),
            }
        }
        parts.url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        parts
    }
}

/// Decodes `%XX` escapes; anything malformed is kept as written.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(value) => {
                decoded.push(value);
                index += 3;
            }
            None => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
