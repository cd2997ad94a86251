//! The public HTTP listener: a bounded number of connections, a header-read timeout and a request timeout, the
//! peer address on every request, and a graceful drain on shutdown.
//!
//! `axum::serve` has none of these limits, so the server runs its own accept loop over hyper-util's connection
//! builder.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;
use tower_http::timeout::TimeoutLayer;

/// How long to wait before accepting again after an accept error such as too many open files.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_secs(1);

/// The limits of the public HTTP listener.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub struct ConnectionLimits {
    /// How long a client has to send a request's headers, counted from when the server starts reading them.
    /// The same clock runs while a keep-alive connection waits for its next request, so it is also the idle
    /// timeout. A client that runs out of time is disconnected without a response.
    pub header_read_timeout: Duration,
    /// How long a request may take, from its headers until its response starts (reading the body included).
    /// A request that runs out of time is answered `503 Service Unavailable`.
    pub request_timeout: Duration,
    /// How many connections may be open at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    /// 10 seconds to send headers, 30 seconds per request, 1024 connections.
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then stops accepting and waits for
/// the open connections to finish their requests.
///
/// Each request carries the peer's address as the extension [`ConnectInfo<SocketAddr>`].
/// Only HTTP/1.1 is served: the header-read timeout is an HTTP/1 mechanism, and hyper-util's HTTP/2 detection
/// waits for the connection preface without one.
/// Accept errors are logged and retried; a connection's errors are logged at debug level and end only it.
pub async fn serve_limited(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    // A request that takes too long is most likely stuck on the server's side (the store, the password-hash
    // queue), since OAuth requests are small: 503 tells the client to retry later, where 408 would blame it.
    let app = app.layer(TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        limits.request_timeout,
    ));
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    // The bound is taken before accepting, as HAProxy's `maxconn` and Go's `netutil.LimitListener` do: when
    // it is reached, new connections wait in the kernel's listen backlog and are served as soon as a slot
    // frees, instead of being accepted only to be reset. A full backlog then pushes back on the clients (and
    // on a load balancer, which sees this replica as slow) without costing the server anything.
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener, &permits) => accepted,
        };
        let Some((permit, stream, peer)) = accepted else {
            break;
        };
        let service = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.map(Body::new)
            });
        let connection = builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(peer = %peer, error = %error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!(
        connections = graceful.count(),
        "stopped accepting; draining open connections"
    );
    graceful.shutdown().await;
}

/// Waits for a free connection slot, then for a connection. `None` only if the semaphore was closed, which
/// [`serve_limited`] never does.
async fn accept(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
) -> Option<(OwnedSemaphorePermit, TcpStream, SocketAddr)> {
    let permit = Arc::clone(permits).acquire_owned().await.ok()?;
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                if let Err(error) = stream.set_nodelay(true) {
                    tracing::debug!(peer = %peer, error = %error, "cannot set TCP_NODELAY");
                }
                return Some((permit, stream, peer));
            }
            // The peer gave up between the handshake and the accept: nothing to do.
            Err(error) if is_connection_error(&error) => {}
            // Most likely out of file descriptors: wait for some to be released instead of spinning.
            Err(error) => {
                tracing::warn!(error = %error, "accepting a connection failed");
                tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
            }
        }
    }
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
