//! Serves the provider on the in-memory backend of this example.
//!
//! Run with `cargo run -p custom-backend`, then open
//! <http://127.0.0.1:8091/.well-known/openid-configuration>.

use std::sync::Arc;

use custom_backend::MemoryStore;
use nauthera_core::{Provider, ProviderConfig};
use nauthera_http::HttpOptions;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    let config = ProviderConfig::new("http://127.0.0.1:8091")?;
    let provider = Provider::builder(config, MemoryStore::new())
        .build()
        .await?;
    let app = nauthera_http::router(Arc::new(provider), HttpOptions::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8091").await?;
    tracing::info!("serving on http://127.0.0.1:8091 from a storage backend of its own");
    axum::serve(listener, app).await?;
    Ok(())
}
