//! Opening connections: straight to the configured server, or to the master Sentinel names at that moment
//! (resolved on every new connection, so a failover is followed on the next reconnect), and the bb8 manager
//! that pools them.
//!
//! The pool's manager is ours rather than bb8-redis's `RedisConnectionManager`, which checks every checkout
//! with a `PING` (a second round trip per cache operation), never reports a connection broken, and cannot
//! follow Sentinel. Ours marks a connection broken when a command on it fails or times out, so bb8 drops it and
//! opens a new one in the background, and checks out without a round trip.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use nauthera_core::{StorageError, StorageErrorKind};
use redis::aio::{MultiplexedConnection, PubSub};
use redis::sentinel::{Sentinel, SentinelNodeConnectionInfo};
use redis::{
    AsyncConnectionConfig, Client, ConnectionAddr, ErrorKind, RedisError, RedisResult, TlsMode,
};
use tokio::sync::Mutex;

use super::config::RedisCacheConfig;

/// How connections find the server.
pub(crate) enum Connector {
    /// A fixed server.
    Direct(Client),
    /// The current master of a Sentinel-watched group.
    Sentinel {
        /// The Sentinel client (it caches its connections to the Sentinel nodes, hence the lock).
        sentinel: Box<Mutex<Sentinel>>,
        /// The master's name.
        master_name: String,
        /// Credentials, database and TLS for the master.
        node: SentinelNodeConnectionInfo,
    },
}

impl Connector {
    /// The connector for `config`.
    pub(crate) fn new(config: &RedisCacheConfig) -> Result<Self, StorageError> {
        let info = config.connection_info()?;
        let Some(sentinel) = &config.sentinel else {
            return Client::open(info).map(Self::Direct).map_err(unavailable);
        };
        let mut node = SentinelNodeConnectionInfo::default()
            .set_redis_connection_info(info.redis_settings().clone());
        if matches!(info.addr(), ConnectionAddr::TcpTls { .. }) {
            node = node.set_tls_mode(TlsMode::Secure);
        }
        let client = Sentinel::build(sentinel.node_infos()?).map_err(unavailable)?;
        Ok(Self::Sentinel {
            sentinel: Box::new(Mutex::new(client)),
            master_name: sentinel.master_name.clone(),
            node,
        })
    }

    /// A client for the server to talk to now.
    async fn client(&self) -> RedisResult<Client> {
        match self {
            Self::Direct(client) => Ok(client.clone()),
            Self::Sentinel {
                sentinel,
                master_name,
                node,
            } => {
                sentinel
                    .lock()
                    .await
                    .async_master_for(master_name, Some(node))
                    .await
            }
        }
    }

    /// A dedicated publish/subscribe connection, opened within `timeout`.
    pub(crate) async fn pubsub(&self, timeout: Duration) -> RedisResult<PubSub> {
        within(timeout, async {
            self.client().await?.get_async_pubsub().await
        })
        .await
    }
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Direct(_) => f.write_str("Connector::Direct"),
            Self::Sentinel { master_name, .. } => f
                .debug_struct("Connector::Sentinel")
                .field("master_name", master_name)
                .finish_non_exhaustive(),
        }
    }
}

/// A pooled connection and whether a failure on it means it should be dropped.
#[derive(Debug)]
pub(crate) struct Conn {
    /// The multiplexed connection.
    pub(crate) inner: MultiplexedConnection,
    /// Set after a failed or timed-out command; bb8 then drops the connection.
    pub(crate) broken: bool,
}

/// The bb8 manager of [`Conn`]s.
#[derive(Debug)]
pub(crate) struct Manager {
    connector: Arc<Connector>,
    connect_timeout: Duration,
}

impl Manager {
    /// A manager opening connections through `connector`, each within `connect_timeout`.
    pub(crate) fn new(connector: Arc<Connector>, connect_timeout: Duration) -> Self {
        Self {
            connector,
            connect_timeout,
        }
    }
}

impl bb8::ManageConnection for Manager {
    type Connection = Conn;
    type Error = RedisError;

    async fn connect(&self) -> Result<Conn, RedisError> {
        let config =
            AsyncConnectionConfig::new().set_connection_timeout(Some(self.connect_timeout));
        let inner = within(self.connect_timeout, async {
            self.connector
                .client()
                .await?
                .get_multiplexed_async_connection_with_config(&config)
                .await
        })
        .await?;
        Ok(Conn {
            inner,
            broken: false,
        })
    }

    async fn is_valid(&self, conn: &mut Conn) -> Result<(), RedisError> {
        redis::cmd("PING").query_async(&mut conn.inner).await
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.broken
    }
}

/// Runs `future` for at most `timeout`, a timeout being an I/O error.
async fn within<T>(
    timeout: Duration,
    future: impl Future<Output = RedisResult<T>>,
) -> RedisResult<T> {
    tokio::time::timeout(timeout, future)
        .await
        .unwrap_or_else(|_| Err(RedisError::from((ErrorKind::Io, "timed out"))))
}

fn unavailable(error: RedisError) -> StorageError {
    StorageError::new(StorageErrorKind::Unavailable, error)
}
