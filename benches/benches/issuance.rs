//! Per-core cost of token issuance against the cost of one signature.
//!
//! Measures, in one run: (a) raw ES256 and EdDSA signatures with the key type the server signs with, (b)
//! client_credentials issuance through the HTTP service in-process (axum router, no socket) on the embedded
//! SQLite store, for ES256 and EdDSA, and (c) the discovery and JWKS responses. It then prints the issuance
//! rate as a fraction of the raw signing rate (target: at least 50%).
//!
//! Run with `cargo bench -p nauthera-benches --bench issuance`.

#![allow(
    clippy::unwrap_used,
    missing_docs,
    reason = "a benchmark fails loudly on setup errors; criterion's macros generate undocumented items"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use criterion::{Criterion, criterion_group};
use http::Request;
use nauthera_benches::{call, client_credentials_request, router};
use nauthera_core::keys::{Algorithm, SigningKey, StoredKey};
use nauthera_core::{MemoryCache, SystemRandom, UnixTime};
use nauthera_storage::SqliteStore;

struct Fixture {
    router: Router,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn fixture(algorithm: Algorithm) -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let router = runtime.block_on(async {
        let store = SqliteStore::open(&url, 4).await.unwrap();
        router(store, MemoryCache::default(), algorithm).await
    });
    Fixture {
        router,
        runtime,
        _dir: dir,
    }
}

fn signing_key(algorithm: Algorithm) -> SigningKey {
    let stored = StoredKey::generate(algorithm, &SystemRandom::new(), UnixTime(0)).unwrap();
    SigningKey::from_stored(&stored).unwrap()
}

/// The JWS signing input of a typical access token, so raw signing signs what issuance signs.
const MESSAGE: &[u8] = b"eyJhbGciOiJFUzI1NiIsImtpZCI6ImVzMjU2LWFiY2RlZmdoaWprbG1ub3AiLCJ0eXAiOiJhdCtqd3QifQ.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjgwODAiLCJzdWIiOiJiZW5jaCIsImF1ZCI6Imh0dHA6Ly8xMjcuMC4wLjE6ODA4MCIsImV4cCI6MTcwMDAwMDYwMCwiaWF0IjoxNzAwMDAwMDAwLCJqdGkiOiJhYmNkZWZnaGlqa2xtbm9wcXJzdHUiLCJjbGllbnRfaWQiOiJiZW5jaCIsInNjb3BlIjoiYXBpOnJlYWQifQ";

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    for algorithm in [Algorithm::ES256, Algorithm::EdDSA] {
        let key = signing_key(algorithm);
        group.bench_function(algorithm.as_str(), |b| {
            b.iter(|| key.sign(black_box(MESSAGE)).unwrap())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("issue_client_credentials");
    for algorithm in [Algorithm::ES256, Algorithm::EdDSA] {
        let fixture = fixture(algorithm);
        group.bench_function(algorithm.as_str(), |b| {
            b.iter(|| {
                fixture
                    .runtime
                    .block_on(call(&fixture.router, client_credentials_request()))
            })
        });
    }
    group.finish();

    let fixture = fixture(Algorithm::ES256);
    let mut group = c.benchmark_group("documents");
    for path in ["/.well-known/openid-configuration", "/jwks"] {
        group.bench_function(path, |b| {
            b.iter(|| {
                let request = Request::get(path).body(Body::empty()).unwrap();
                fixture.runtime.block_on(call(&fixture.router, request))
            })
        });
    }
    group.finish();
}

/// Operations per second of a synchronous operation, run for about `duration`.
fn rate(duration: Duration, mut operation: impl FnMut()) -> f64 {
    for _ in 0..200 {
        operation();
    }
    let start = Instant::now();
    let mut count = 0_u64;
    while start.elapsed() < duration {
        for _ in 0..100 {
            operation();
        }
        count += 100;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// Requests per second of client_credentials issuance, sequential on one runtime thread.
fn issuance_rate(fixture: &Fixture, duration: Duration) -> f64 {
    fixture.runtime.block_on(async {
        for _ in 0..200 {
            call(&fixture.router, client_credentials_request()).await;
        }
        let start = Instant::now();
        let mut count = 0_u64;
        while start.elapsed() < duration {
            for _ in 0..100 {
                call(&fixture.router, client_credentials_request()).await;
            }
            count += 100;
        }
        count as f64 / start.elapsed().as_secs_f64()
    })
}

#[allow(clippy::print_stdout, reason = "the benchmark's report")]
fn ratio_report() {
    println!("\nclient_credentials issuance against raw signing, one core:");
    for algorithm in [Algorithm::ES256, Algorithm::EdDSA] {
        let key = signing_key(algorithm);
        let fixture = fixture(algorithm);
        let signing = rate(Duration::from_secs(2), || {
            key.sign(black_box(MESSAGE)).unwrap();
        });
        let issuance = issuance_rate(&fixture, Duration::from_secs(2));
        println!(
            "  {:<6} raw signing {:>9.0}/s   issuance {:>9.0}/s   issuance/signing {:>5.1}%",
            algorithm.as_str(),
            signing,
            issuance,
            100.0 * issuance / signing
        );
    }
}

criterion_group!(issuance, benches);

fn main() {
    issuance();
    Criterion::default().configure_from_args().final_summary();
    ratio_report();
}
