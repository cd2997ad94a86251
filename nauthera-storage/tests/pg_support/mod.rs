//! A fresh PostgreSQL schema per test, so runs never see each other's data.
//!
//! The server comes from `DATABASE_URL` (scripts/test.sh exports it), defaulting to the local test database.
//! There is no skipping: when PostgreSQL is unreachable these tests fail.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support shared by several test crates"
)]

use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use tokio_postgres::NoTls;

/// Where PostgreSQL is when `DATABASE_URL` is unset.
pub(crate) const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The server's URL.
pub(crate) fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned())
}

/// Appends a query parameter to a URL.
pub(crate) fn with_param(url: &str, param: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{param}")
}

/// A plain session on the server, its connection driven by a task of the current runtime.
pub(crate) async fn client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap_or_else(|e| {
        panic!("PostgreSQL must be reachable at DATABASE_URL ({url}); scripts/test.sh starts it: {e}")
    });
    tokio::spawn(connection);
    client
}

/// A schema `nauthera_test_<random>` created for one test and dropped (best effort) with this guard.
#[derive(Debug)]
pub(crate) struct TestSchema {
    base_url: String,
    name: String,
}

impl TestSchema {
    /// Creates a fresh, empty schema.
    pub(crate) async fn create() -> Self {
        let mut suffix = [0_u8; 8];
        SystemRandom::new().fill(&mut suffix).unwrap();
        let name = format!(
            "nauthera_test_{}",
            suffix
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let base_url = database_url();
        client(&base_url)
            .await
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .unwrap();
        Self { base_url, name }
    }

    /// The schema's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// A URL whose sessions use only this schema.
    pub(crate) fn url(&self) -> String {
        with_param(
            &self.base_url,
            &format!("options=-c%20search_path%3D{}", self.name),
        )
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot block on itself: use a runtime of our own.
        let url = self.base_url.clone();
        let statement = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&url, NoTls).await.ok()?;
                tokio::spawn(connection);
                client.batch_execute(&statement).await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop test schema {}", self.name);
        }
    }
}
