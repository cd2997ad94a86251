//! Connection limits: a client that sends its headers slowly is dropped while others are served, a request
//! that takes too long is answered 503, and connections beyond the bound wait for a free slot.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::TestServer;

const DISCOVERY: &str = "/.well-known/openid-configuration";

/// A client sending its headers one byte a second is disconnected after the header-read timeout, without a
/// response, while other clients are served normally in the meantime.
#[tokio::test]
async fn slow_headers_are_dropped_while_others_are_served() {
    let server = TestServer::start_with_toml("[limits]\nheader_read_timeout_secs = 2\n").await;
    let slow = TcpStream::connect(server.addr).await.unwrap();
    let (mut reader, mut writer) = slow.into_split();
    let started = Instant::now();
    let dripping = tokio::spawn(async move {
        let request = format!("GET {DISCOVERY} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        for byte in request.bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        panic!("the server read the slow client's whole request");
    });

    let mut served = 0;
    while started.elapsed() < Duration::from_secs(3) {
        let reply = get(&server, DISCOVERY).await;
        assert_eq!(reply.status, http::StatusCode::OK, "{}", reply.body);
        served += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(served >= 5, "only {served} requests served");

    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut response))
        .await
        .expect("the slow client is still connected");
    let closed_after = started.elapsed();
    assert!(
        read.is_ok()
            || read.is_err_and(|error| error.kind() == std::io::ErrorKind::ConnectionReset),
    );
    assert!(
        response.is_empty(),
        "{}",
        String::from_utf8_lossy(&response)
    );
    assert!(
        closed_after >= Duration::from_millis(1900) && closed_after < Duration::from_secs(5),
        "closed after {closed_after:?}"
    );
    dripping.abort();
}

/// A request whose body never arrives is answered 503 after the request timeout.
#[tokio::test]
async fn a_request_that_takes_too_long_is_answered_503() {
    let server = TestServer::start_with_toml("[limits]\nrequest_timeout_secs = 1\n").await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=";
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut response = [0; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut response))
        .await
        .expect("no response to the stalled request")
        .unwrap();
    let status_line = String::from_utf8_lossy(&response[..read]);
    assert!(status_line.starts_with("HTTP/1.1 503"), "{status_line}");
    assert!(started.elapsed() >= Duration::from_millis(900));
}

/// With one connection allowed, a second client waits until the first one's connection is closed (here by the
/// header-read timeout, as it sends nothing), and is then served.
#[tokio::test]
async fn connections_beyond_the_bound_wait_for_a_free_slot() {
    let server = TestServer::start_with_toml(
        "[limits]\nmax_connections = 1\nheader_read_timeout_secs = 1\n",
    )
    .await;
    let idle = TcpStream::connect(server.addr).await.unwrap();
    // Let the server accept the idle connection before the second client arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let reply = get(&server, DISCOVERY).await;
    assert_eq!(reply.status, http::StatusCode::OK, "{}", reply.body);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(700) && waited < Duration::from_secs(4),
        "waited {waited:?}"
    );
    drop(idle);
}

/// A GET on a fresh connection.
async fn get(server: &TestServer, path: &str) -> crate::harness::Reply {
    crate::harness::Browser::default()
        .get(&server.url(path))
        .await
}
