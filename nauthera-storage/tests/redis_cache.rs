//! `RedisCache` against real Redis (`REDIS_URL`, default `redis://127.0.0.1:6379`; scripts/test.sh starts it).
//! Each test uses its own random key prefix. Tests fail, never skip, when Redis is unreachable.
//!
//! The outage tests run private `redis-server` processes on free ports, so stopping or pausing them disturbs
//! no other test.
#![cfg(feature = "redis")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures outside #[test] functions"
)]

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher as _;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nauthera_core::Cache as _;
use nauthera_storage::{AnyCache, RedisCache, RedisCacheConfig};

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

fn unique_prefix() -> String {
    let random = RandomState::new().hash_one(Instant::now());
    format!("nauthera-test-{random:016x}")
}

/// A raw connection, asserting that Redis runs (a missing Redis fails the test instead of skipping it).
async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    let client = redis::Client::open(url).unwrap();
    let mut conn = tokio::time::timeout(
        Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .unwrap_or_else(|_| panic!("Redis at {url} did not answer: start it (scripts/test.sh does)"))
    .unwrap_or_else(|e| {
        panic!("Redis at {url} is unreachable ({e}): start it (scripts/test.sh does)")
    });
    let pong: String = redis::cmd("PING").query_async(&mut conn).await.unwrap();
    assert_eq!(pong, "PONG");
    conn
}

fn config(url: &str, prefix: &str) -> RedisCacheConfig {
    let mut config = RedisCacheConfig::new(url);
    config.key_prefix = prefix.to_owned();
    // Generous for loaded CI machines; the dead-port test checks the default.
    config.operation_timeout = Duration::from_millis(500);
    config
}

/// Waits until `cache` receives other replicas' invalidations (subscribing clears L1).
async fn subscribed(cache: &RedisCache) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cache.is_subscribed() {
        assert!(Instant::now() < deadline, "the cache did not subscribe");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Polls `cache.get(key)` until it returns `expected`, for at most `limit`; returns how long it took.
async fn wait_for(
    cache: &RedisCache,
    key: &str,
    expected: Option<&[u8]>,
    limit: Duration,
) -> Duration {
    let start = Instant::now();
    loop {
        if cache.get(key).await.as_deref() == expected {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{key}: not {expected:?} within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_get_invalidate_under_the_prefix() {
    let url = redis_url();
    let mut conn = raw(&url).await;
    let prefix = unique_prefix();
    let cache = RedisCache::connect(config(&url, &prefix)).await.unwrap();
    assert!(nauthera_core::Cache::is_shared(&cache));

    assert_eq!(cache.get("client:a").await, None);
    cache
        .put("client:a", b"value-a", Duration::from_secs(60))
        .await;
    assert_eq!(
        cache.get("client:a").await.as_deref(),
        Some(&b"value-a"[..])
    );

    let stored: Option<Vec<u8>> = redis::cmd("GET")
        .arg(format!("{prefix}:client:a"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        stored.as_deref(),
        Some(&b"vvalue-a"[..]),
        "stored under the prefix, tagged"
    );
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}:client:a"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(ttl > 55_000 && ttl <= 60_000, "SET with PX: {ttl}");

    // A second instance (empty L1) reads it from Redis.
    let other = RedisCache::connect(config(&url, &prefix)).await.unwrap();
    assert_eq!(
        other.get("client:a").await.as_deref(),
        Some(&b"value-a"[..])
    );

    cache.invalidate("client:a").await;
    assert_eq!(cache.get("client:a").await, None);

    // The tombstone refuses a value read from the store before the invalidating write.
    cache
        .put("client:a", b"stale", Duration::from_secs(60))
        .await;
    assert_eq!(cache.get("client:a").await, None);
    assert!(!cache.is_degraded());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_expire_with_their_ttl() {
    let url = redis_url();
    let _conn = raw(&url).await;
    let prefix = unique_prefix();
    let cache = RedisCache::connect(config(&url, &prefix)).await.unwrap();

    cache.put("short", b"1", Duration::from_millis(300)).await;
    assert_eq!(cache.get("short").await.as_deref(), Some(&b"1"[..]));
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(cache.get("short").await, None);

    // An L1 filled from Redis keeps the entry no longer than it had left there.
    cache
        .put("longer", b"2", Duration::from_millis(1_500))
        .await;
    let reader = RedisCache::connect(config(&url, &prefix)).await.unwrap();
    assert_eq!(reader.get("longer").await.as_deref(), Some(&b"2"[..]));
    tokio::time::sleep(Duration::from_millis(1_700)).await;
    assert_eq!(reader.get("longer").await, None);
    assert_eq!(cache.get("longer").await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_are_shared_by_replicas_and_expire() {
    let url = redis_url();
    let mut conn = raw(&url).await;
    let prefix = unique_prefix();
    let a = RedisCache::connect(config(&url, &prefix)).await.unwrap();
    let b = RedisCache::connect(config(&url, &prefix)).await.unwrap();
    let window = Duration::from_millis(800);

    assert_eq!(a.increment("throttle:u", window).await, Some(1));
    assert_eq!(b.increment("throttle:u", window).await, Some(2));
    assert_eq!(a.increment("throttle:u", window).await, Some(3));
    assert_eq!(
        b.increment("throttle:other", window).await,
        Some(1),
        "counters are per key"
    );
    let stored: Option<String> = redis::cmd("GET")
        .arg(format!("{prefix}:throttle:u"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        stored.as_deref(),
        Some("3"),
        "counted in Redis under the prefix"
    );
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}:throttle:u"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        ttl > 0 && ttl <= 800,
        "the TTL restarts with each increment: {ttl}"
    );

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let exists: i64 = redis::cmd("EXISTS")
        .arg(format!("{prefix}:throttle:u"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(exists, 0, "the counter expired after its TTL");
    assert_eq!(
        b.increment("throttle:u", window).await,
        Some(1),
        "an expired counter starts again"
    );

    // Invalidating a counter forgets it (its tombstone is replaced), without an error that would degrade.
    a.invalidate("throttle:u").await;
    assert_eq!(b.increment("throttle:u", window).await, Some(1));
    a.put("cached", b"value", Duration::from_secs(60)).await;
    assert_eq!(a.increment("cached", window).await, Some(1));
    assert!(!a.is_degraded() && !b.is_degraded());
    assert_eq!(
        a.get("throttle:u").await,
        None,
        "a counter is not a cached value"
    );

    let through_any = AnyCache::from(a);
    assert_eq!(through_any.increment("throttle:u", window).await, Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_without_redis_are_none_and_fast() {
    let mut config = RedisCacheConfig::new("redis://127.0.0.1:1");
    config.key_prefix = unique_prefix();
    let cache = RedisCache::connect(config).await.unwrap();
    let start = Instant::now();
    assert_eq!(cache.increment("n", Duration::from_secs(60)).await, None);
    assert_eq!(cache.increment("n", Duration::from_secs(60)).await, None);
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidation_reaches_another_replicas_l1_through_pub_sub() {
    let url = redis_url();
    let mut conn = raw(&url).await;
    let prefix = unique_prefix();
    let mut slow_l1 = config(&url, &prefix);
    // Only pub/sub can explain a miss well under this cap.
    slow_l1.l1_ttl_cap = Duration::from_secs(30);
    let a = RedisCache::connect(slow_l1.clone()).await.unwrap();
    let b = RedisCache::connect(slow_l1).await.unwrap();
    subscribed(&a).await;
    subscribed(&b).await;

    // B caches the value (its own announcement does not drop it from its L1).
    b.put("revoked:t1", b"0", Duration::from_secs(300)).await;
    // Delete behind the caches' back: B still answers, so the value sits in its L1.
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}:revoked:t1"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(b.get("revoked:t1").await.as_deref(), Some(&b"0"[..]));

    a.invalidate("revoked:t1").await;
    let took = wait_for(&b, "revoked:t1", None, Duration::from_secs(1)).await;
    assert!(took < Duration::from_secs(1), "took {took:?}");

    // A put publishes too: B drops its older copy and reads the new value.
    b.put("client:c", b"v1", Duration::from_secs(300)).await;
    assert_eq!(b.get("client:c").await.as_deref(), Some(&b"v1"[..]));
    a.put("client:c", b"v2", Duration::from_secs(300)).await;
    wait_for(&b, "client:c", Some(b"v2"), Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_redis_is_a_fast_miss_and_l1_keeps_serving() {
    let mut config = RedisCacheConfig::new("redis://127.0.0.1:1");
    config.key_prefix = unique_prefix();
    let cache = RedisCache::connect(config)
        .await
        .expect("starts without Redis");

    for round in 0..5 {
        let start = Instant::now();
        assert_eq!(cache.get(&format!("k{round}")).await, None);
        cache.invalidate(&format!("k{round}")).await;
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "round {round}: {:?}",
            start.elapsed()
        );
    }
    assert!(cache.is_degraded());

    let start = Instant::now();
    cache.put("local", b"1", Duration::from_secs(60)).await;
    assert!(start.elapsed() < Duration::from_millis(500));
    assert_eq!(
        cache.get("local").await.as_deref(),
        Some(&b"1"[..]),
        "L1 serves"
    );

    let any = AnyCache::from(cache);
    assert_eq!(any.get("missing").await, None);
}

/// A private `redis-server` on a free port, killed on drop.
struct Server {
    port: u16,
    child: Option<Child>,
}

impl Server {
    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    async fn start(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed (apt-get install -y redis-server)");
        let server = Self {
            port,
            child: Some(child),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while redis::Client::open(server.url())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "redis-server on {port} did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovers_by_itself_when_redis_returns() {
    let port = Server::free_port();
    let mut server = Server::start(port).await;
    let cache = RedisCache::connect(config(&server.url(), &unique_prefix()))
        .await
        .unwrap();
    subscribed(&cache).await;
    cache.put("before", b"1", Duration::from_secs(60)).await;
    assert!(!cache.is_degraded());

    server.stop();
    let start = Instant::now();
    assert_eq!(cache.get("not-in-l1").await, None);
    assert!(start.elapsed() < Duration::from_millis(600));
    assert!(cache.is_degraded());
    assert_eq!(
        cache.get("before").await.as_deref(),
        Some(&b"1"[..]),
        "L1 serves during the outage"
    );

    let server = Server::start(port).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while cache.is_degraded() {
        assert!(Instant::now() < deadline, "did not recover within 5 s");
        cache.get("probe").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cache.put("after", b"2", Duration::from_secs(60)).await;
    let mut conn = raw(&server.url()).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*after")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "written to Redis again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidations_lost_while_redis_was_unreachable_are_replayed() {
    let server = Server::start(Server::free_port()).await;
    let prefix = unique_prefix();
    let mut settings = config(&server.url(), &prefix);
    settings.operation_timeout = Duration::from_millis(100);
    let cache = RedisCache::connect(settings).await.unwrap();
    subscribed(&cache).await;
    cache.put("user:u", b"old", Duration::from_secs(300)).await;
    let mut conn = raw(&server.url()).await;

    // Redis stops answering (but keeps its data): the invalidation times out.
    let _: () = redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(1_000)
        .arg("ALL")
        .query_async(&mut conn)
        .await
        .unwrap();
    cache.invalidate("user:u").await;
    assert!(cache.is_degraded());

    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        cache.get("probe").await;
        let stored: Option<Vec<u8>> = redis::cmd("GET")
            .arg(format!("{prefix}:user:u"))
            .query_async(&mut conn)
            .await
            .unwrap();
        if stored.as_deref() == Some(&b"t"[..]) {
            break;
        }
        assert!(Instant::now() < deadline, "not replayed: {stored:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(cache.get("user:u").await, None);
}
