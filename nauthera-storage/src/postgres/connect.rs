//! Establishing connections (plain or rustls) within the timeout, and the pool that does so.

use std::sync::Arc;

use diesel::{ConnectionError, ConnectionResult};
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use tokio_postgres::NoTls;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::Pool;
use super::settings::Settings;
use crate::options::StoreOptions;

/// Opens one connection as `settings` say, within their timeout.
///
/// # Errors
/// [`ConnectionError::BadConnection`] naming the cause when the server cannot be reached, refuses the
/// credentials, TLS fails, or the attempt times out.
pub(super) async fn establish(settings: &Settings) -> ConnectionResult<AsyncPgConnection> {
    let attempt = async {
        match settings.tls() {
            None => {
                let (client, connection) =
                    settings.config().connect(NoTls).await.map_err(refused)?;
                AsyncPgConnection::try_from_client_and_connection(client, connection).await
            }
            Some(tls) => {
                let tls = MakeRustlsConnect::new(rustls::ClientConfig::clone(tls));
                let (client, connection) = settings.config().connect(tls).await.map_err(refused)?;
                AsyncPgConnection::try_from_client_and_connection(client, connection).await
            }
        }
    };
    tokio::time::timeout(settings.timeout(), attempt)
        .await
        .unwrap_or_else(|_| {
            Err(ConnectionError::BadConnection(format!(
                "timed out after {:?} connecting to PostgreSQL",
                settings.timeout()
            )))
        })
}

fn refused(error: tokio_postgres::Error) -> ConnectionError {
    let mut message = format!("cannot connect to PostgreSQL: {error}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    ConnectionError::BadConnection(message)
}

/// A pool that opens up to `options.pool_size` connections with [`establish`], lazily.
///
/// Checked-out connections are only tested for a broken socket (no `SELECT 1` round trip per checkout); a
/// query on a connection the server dropped fails once as unavailable and the pool replaces it.
pub(super) fn pool(settings: Arc<Settings>, options: &StoreOptions) -> Pool {
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |_url| {
        let settings = Arc::clone(&settings);
        Box::pin(async move { establish(&settings).await })
    });
    // The URL is unused: `custom_setup` connects with the parsed settings.
    let manager = AsyncDieselConnectionManager::new_with_config("postgres://", config);
    bb8::Pool::builder()
        .max_size(options.pool_size.max(1))
        .connection_timeout(options.connection_timeout)
        .build_unchecked(manager)
}
