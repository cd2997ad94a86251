//! Per-core rates of client_credentials, refresh, introspection and userinfo through the HTTP service
//! in-process, on SQLite, on PostgreSQL, and on PostgreSQL with Redis, next to the raw ES256 signing rate.
//!
//! PostgreSQL and Redis come from `DATABASE_URL` and `REDIS_URL` (defaults: the local test database and
//! redis://127.0.0.1:6379); each run uses a fresh schema and key prefix.
//!
//! Run with `cargo bench -p nauthera-benches --bench storage`.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    missing_docs,
    reason = "a benchmark fails loudly on setup errors and prints its report"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::Router;
use nauthera_benches::{
    call, client_credentials_request, introspect, refresh, router, user_tokens, userinfo,
};
use nauthera_core::keys::{Algorithm, SigningKey, StoredKey};
use nauthera_core::{MemoryCache, SystemRandom, UnixTime};
use nauthera_storage::{AnyCache, DieselStore, RedisCache, RedisCacheConfig};

const MEASURE: Duration = Duration::from_secs(2);

/// Runs `operation` repeatedly for about [`MEASURE`] and returns operations per second.
async fn rate<F: AsyncFnMut()>(mut operation: F) -> f64 {
    for _ in 0..100 {
        operation().await;
    }
    let start = Instant::now();
    let mut count = 0_u64;
    while start.elapsed() < MEASURE {
        for _ in 0..50 {
            operation().await;
        }
        count += 50;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

struct Rates {
    client_credentials: f64,
    refresh: f64,
    introspection: f64,
    userinfo: f64,
}

async fn measure(router: &Router) -> Rates {
    let client_credentials = rate(async || {
        call(router, client_credentials_request()).await;
    })
    .await;
    let tokens = user_tokens(router).await;
    let mut refresh_token = tokens.refresh_token.clone();
    let refresh = rate(async || {
        refresh_token = refresh(router, &refresh_token).await;
    })
    .await;
    let introspection = rate(async || introspect(router, &tokens.access_token).await).await;
    let userinfo = rate(async || userinfo(router, &tokens.access_token).await).await;
    Rates {
        client_credentials,
        refresh,
        introspection,
        userinfo,
    }
}

fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

fn random_suffix() -> String {
    let mut bytes = [0_u8; 6];
    nauthera_core::Random::fill(&SystemRandom::new(), &mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh schema on the benchmark database; returns its URL.
async fn postgres_schema(name: &str) -> String {
    let base = database_url();
    let (client, connection) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE SCHEMA {name}"))
        .await
        .unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{name}")
}

async fn drop_schema(name: &str) {
    let (client, connection) = tokio_postgres::connect(&database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
        .await
        .unwrap();
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let key = SigningKey::from_stored(
        &StoredKey::generate(Algorithm::ES256, &SystemRandom::new(), UnixTime(0)).unwrap(),
    )
    .unwrap();
    let message = [b'x'; 400];
    let signing = runtime.block_on(rate(async || {
        key.sign(black_box(&message)).unwrap();
    }));
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("nauthera_bench_{}", random_suffix());
    let results = runtime.block_on(async {
        let mut results = Vec::new();
        let sqlite = DieselStore::open(
            &format!("sqlite://{}", dir.path().join("bench.db").display()),
            4,
        )
        .await
        .unwrap();
        let router_sqlite = router(
            sqlite,
            AnyCache::Memory(MemoryCache::default()),
            Algorithm::ES256,
        )
        .await;
        results.push(("SQLite", measure(&router_sqlite).await));

        let url = postgres_schema(&schema).await;
        let postgres = DieselStore::open(&url, 8).await.unwrap();
        let router_postgres = router(
            postgres.clone(),
            AnyCache::Memory(MemoryCache::default()),
            Algorithm::ES256,
        )
        .await;
        results.push(("PostgreSQL", measure(&router_postgres).await));

        let mut config = RedisCacheConfig::new(redis_url());
        config.key_prefix = format!("nauthera-bench-{}", random_suffix());
        let redis = RedisCache::connect(config).await.unwrap();
        let router_redis = router(postgres, AnyCache::Redis(redis), Algorithm::ES256).await;
        // Registering the client and user invalidated their keys; the cache refuses to refill an invalidated key
        // for its tombstone time (5 s). Measure the steady state after it.
        tokio::time::sleep(Duration::from_secs(6)).await;
        results.push(("PostgreSQL + Redis", measure(&router_redis).await));
        drop_schema(&schema).await;
        results
    });
    println!(
        "\nper core (one runtime thread), requests per second through the HTTP service in-process:"
    );
    println!("raw ES256 signing: {signing:.0}/s\n");
    println!(
        "{:<20} {:>18} {:>10} {:>14} {:>10}",
        "store", "client_credentials", "refresh", "introspection", "userinfo"
    );
    for (name, rates) in &results {
        println!(
            "{:<20} {:>11.0} ({:>3.0}%) {:>10.0} {:>14.0} {:>10.0}",
            name,
            rates.client_credentials,
            100.0 * rates.client_credentials / signing,
            rates.refresh,
            rates.introspection,
            rates.userinfo
        );
    }
    if let (Some((_, postgres)), Some((_, redis))) = (results.get(1), results.get(2)) {
        println!(
            "\nwith Redis against without, on PostgreSQL: introspection {:.1}x, userinfo {:.1}x",
            redis.introspection / postgres.introspection,
            redis.userinfo / postgres.userinfo
        );
    }
}
