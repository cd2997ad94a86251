//! Connection and behaviour settings of [`RedisCache`](super::RedisCache).

use std::fmt;
use std::time::Duration;

use nauthera_core::{StorageError, StorageErrorKind};
use redis::{ConnectionAddr, ConnectionInfo, IntoConnectionInfo};

/// Settings of a [`RedisCache`](super::RedisCache): where Redis is and how the two tiers behave.
///
/// Build it with [`RedisCacheConfig::new`] and adjust the public fields. Credentials go in the URL
/// (`redis://user:password@host:6379/0`) or in [`username`](Self::username) and [`password`](Self::password),
/// which override the URL's; reading them from secret files is the server configuration's job. `rediss://`
/// connects over TLS (rustls, the platform's root certificates). `Debug` redacts every credential.
#[derive(Clone)]
#[non_exhaustive]
pub struct RedisCacheConfig {
    /// `redis://` or `rediss://` URL of the server; with [`sentinel`](Self::sentinel), only its credentials,
    /// database and scheme (TLS or not) are used, for the master that Sentinel names.
    pub url: String,
    /// User name for Redis ACLs, overriding the URL's.
    pub username: Option<String>,
    /// Password, overriding the URL's.
    pub password: Option<String>,
    /// Every key is stored as `<key_prefix>:<key>`, and invalidations go out on `<key_prefix>:invalidate`: one
    /// prefix per deployment lets several deployments share a Redis. Default `nauthera`.
    pub key_prefix: String,
    /// The most pooled connections (each one multiplexed). Default 16.
    pub pool_size: u32,
    /// The bound on one cache operation against Redis, waiting for a pooled connection included; past it the
    /// operation counts as a miss (or a no-op). Default 50 ms.
    pub operation_timeout: Duration,
    /// The bound on opening one connection (TCP, TLS, authentication, Sentinel lookup). Connections are
    /// opened in the background, so this never delays a request. Default 2 s.
    pub connect_timeout: Duration,
    /// The longest an entry stays in the in-process tier (L1): the staleness bound when an invalidation message
    /// is lost. Zero disables L1. Default 5 s.
    pub l1_ttl_cap: Duration,
    /// The most entries in the in-process tier. Default 10,000.
    pub l1_capacity: usize,
    /// How long an invalidated key refuses new values in Redis, so that a value read from the store before the
    /// write that invalidated it cannot be cached after it. Default 5 s.
    pub tombstone_ttl: Duration,
    /// Find the master through Redis Sentinel instead of connecting to [`url`](Self::url)'s host.
    pub sentinel: Option<SentinelConfig>,
}

impl RedisCacheConfig {
    /// Settings for the server at `url`, with the defaults for everything else.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            username: None,
            password: None,
            key_prefix: "nauthera".to_owned(),
            pool_size: 16,
            operation_timeout: Duration::from_millis(50),
            connect_timeout: Duration::from_secs(2),
            l1_ttl_cap: Duration::from_secs(5),
            l1_capacity: 10_000,
            tombstone_ttl: Duration::from_secs(5),
            sentinel: None,
        }
    }

    /// The connection settings for the data server (or, with Sentinel, for the master it names), checked.
    pub(crate) fn connection_info(&self) -> Result<ConnectionInfo, StorageError> {
        if self.key_prefix.is_empty() || self.key_prefix.chars().any(char::is_whitespace) {
            return Err(invalid(
                "the key prefix must be non-empty and contain no whitespace",
            ));
        }
        if self.pool_size == 0 {
            return Err(invalid("the pool size must be at least 1"));
        }
        if self.operation_timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(invalid("the Redis timeouts must be positive"));
        }
        let info = self
            .url
            .as_str()
            .into_connection_info()
            .map_err(|_| invalid("the Redis URL is not a valid redis:// or rediss:// URL"))?;
        if !matches!(
            info.addr(),
            ConnectionAddr::Tcp(..) | ConnectionAddr::TcpTls { .. }
        ) {
            return Err(invalid("the Redis URL must name a TCP server"));
        }
        let mut settings = info.redis_settings().clone();
        if let Some(username) = &self.username {
            settings = settings.set_username(username);
        }
        if let Some(password) = &self.password {
            settings = settings.set_password(password);
        }
        if let Some(sentinel) = &self.sentinel {
            sentinel.check()?;
        }
        Ok(info.set_redis_settings(settings))
    }

    /// Whether connections use TLS.
    pub(crate) fn uses_tls(&self) -> bool {
        self.url.starts_with("rediss://")
            || self.sentinel.as_ref().is_some_and(|sentinel| {
                sentinel
                    .nodes
                    .iter()
                    .any(|node| node.starts_with("rediss://"))
            })
    }
}

impl fmt::Debug for RedisCacheConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCacheConfig")
            .field("url", &redact_url(&self.url))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("key_prefix", &self.key_prefix)
            .field("pool_size", &self.pool_size)
            .field("operation_timeout", &self.operation_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("l1_ttl_cap", &self.l1_ttl_cap)
            .field("l1_capacity", &self.l1_capacity)
            .field("tombstone_ttl", &self.tombstone_ttl)
            .field("sentinel", &self.sentinel)
            .finish()
    }
}

/// Where Redis Sentinel runs and which master it watches.
#[derive(Clone)]
#[non_exhaustive]
pub struct SentinelConfig {
    /// The master's name in Sentinel's configuration.
    pub master_name: String,
    /// The Sentinel nodes, as `redis://host:26379` URLs (`rediss://` for TLS, credentials for Sentinel
    /// itself in the URL) or plain `host:port`.
    pub nodes: Vec<String>,
}

impl SentinelConfig {
    /// Sentinel at `nodes`, watching the master named `master_name`.
    pub fn new(master_name: impl Into<String>, nodes: Vec<String>) -> Self {
        Self {
            master_name: master_name.into(),
            nodes,
        }
    }

    /// The Sentinel nodes' connection settings, checked.
    pub(crate) fn node_infos(&self) -> Result<Vec<ConnectionInfo>, StorageError> {
        self.check()?;
        self.nodes
            .iter()
            .map(|node| {
                let url = if node.contains("://") {
                    node.clone()
                } else {
                    format!("redis://{node}")
                };
                url.as_str().into_connection_info().map_err(|_| {
                    invalid("a Sentinel node is not a valid host:port or redis:// URL")
                })
            })
            .collect()
    }

    fn check(&self) -> Result<(), StorageError> {
        if self.master_name.is_empty() {
            return Err(invalid("the Sentinel master name must not be empty"));
        }
        if self.nodes.is_empty() {
            return Err(invalid("Sentinel needs at least one node"));
        }
        Ok(())
    }
}

impl fmt::Debug for SentinelConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nodes: Vec<String> = self.nodes.iter().map(|node| redact_url(node)).collect();
        f.debug_struct("SentinelConfig")
            .field("master_name", &self.master_name)
            .field("nodes", &nodes)
            .finish()
    }
}

/// The URL with any user information replaced by `***`.
fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((_, host)) if scheme.is_empty() => format!("***@{host}{path}"),
        Some((_, host)) => format!("{scheme}://***@{host}{path}"),
        None => url.to_owned(),
    }
}

fn invalid(message: &'static str) -> StorageError {
    StorageError::new(StorageErrorKind::Other, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let config = RedisCacheConfig::new("redis://127.0.0.1:6379");
        assert_eq!(config.key_prefix, "nauthera");
        assert_eq!(config.pool_size, 16);
        assert_eq!(config.operation_timeout, Duration::from_millis(50));
        assert_eq!(config.l1_ttl_cap, Duration::from_secs(5));
        assert!(config.connection_info().is_ok());
        assert!(!config.uses_tls());
    }

    #[test]
    fn credentials_from_fields_override_the_url_and_never_show_in_debug() {
        let mut config = RedisCacheConfig::new("rediss://alice:url-secret@cache.example:6380/2");
        config.password = Some("field-secret".to_owned());
        let info = config.connection_info().unwrap();
        assert!(
            matches!(info.addr(), ConnectionAddr::TcpTls { host, port: 6380, .. } if host == "cache.example")
        );
        assert_eq!(info.redis_settings().username(), Some("alice"));
        assert_eq!(info.redis_settings().password(), Some("field-secret"));
        assert_eq!(info.redis_settings().db(), 2);
        assert!(config.uses_tls());
        let debug = format!("{config:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(
            debug.contains("rediss://***@cache.example:6380/2"),
            "{debug}"
        );
    }

    #[test]
    fn rejects_bad_settings() {
        assert!(RedisCacheConfig::new("http://x").connection_info().is_err());
        let mut config = RedisCacheConfig::new("redis://x");
        config.key_prefix = String::new();
        assert!(config.connection_info().is_err());
        let mut config = RedisCacheConfig::new("redis://x");
        config.pool_size = 0;
        assert!(config.connection_info().is_err());
    }

    #[test]
    fn sentinel_nodes_parse_as_urls_or_host_port() {
        let sentinel = SentinelConfig::new(
            "mymaster",
            vec![
                "10.0.0.1:26379".to_owned(),
                "redis://:pw@10.0.0.2:26380".to_owned(),
            ],
        );
        let infos = sentinel.node_infos().unwrap();
        assert!(matches!(infos[0].addr(), ConnectionAddr::Tcp(host, 26379) if host == "10.0.0.1"));
        assert_eq!(infos[1].redis_settings().password(), Some("pw"));
        assert!(!format!("{sentinel:?}").contains("pw"));

        let mut config = RedisCacheConfig::new("redis://:master-pw@ignored:6379");
        config.sentinel = Some(sentinel);
        assert!(config.connection_info().is_ok());
        config.sentinel = Some(SentinelConfig::new("mymaster", Vec::new()));
        assert!(config.connection_info().is_err());
        config.sentinel = Some(SentinelConfig::new("", vec!["h:1".to_owned()]));
        assert!(config.connection_info().is_err());
    }
}
