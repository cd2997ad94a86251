//! A fresh PostgreSQL schema per test (from `DATABASE_URL`, which scripts/test.sh exports), so runs never see
//! each other's data. When PostgreSQL is unreachable the tests fail; they never skip.

use nauthera_core::{Random, SystemRandom};

/// A schema created for one test and dropped, best effort, when the guard drops.
pub struct Schema {
    base_url: String,
    name: String,
}

fn database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

async fn client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL must be reachable at {url} (scripts/test.sh starts it): {e}")
        });
    tokio::spawn(connection);
    client
}

impl Schema {
    /// Creates an empty schema `nauthera_admin_<random>`.
    pub async fn create() -> Self {
        let mut bytes = [0_u8; 8];
        SystemRandom::new().fill(&mut bytes).unwrap();
        let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("nauthera_admin_{suffix}");
        let base_url = database_url();
        client(&base_url)
            .await
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .unwrap();
        Self { base_url, name }
    }

    /// A URL whose sessions see only this schema.
    pub fn url(&self) -> String {
        let separator = if self.base_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}options=-c%20search_path%3D{}",
            self.base_url, self.name
        )
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (base_url, name) = (self.base_url.clone(), self.name.clone());
        // Best effort, on a thread of its own: the test's runtime may be shutting down.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok((client, connection)) =
                    tokio_postgres::connect(&base_url, tokio_postgres::NoTls).await
                {
                    tokio::spawn(connection);
                    let _ = client
                        .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .await;
                }
            });
        })
        .join();
    }
}
