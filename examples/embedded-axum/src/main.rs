//! Embeds the Nauthera provider in an existing axum application, under `/auth`, next to the application's own
//! routes. The issuer URL ends with the mount prefix, so every endpoint the discovery document names resolves.
//!
//! Run with `cargo run -p embedded-axum`, then open
//! <http://127.0.0.1:8090/auth/.well-known/openid-configuration>.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use nauthera_core::client::{Client, ClientAuthMethod, GrantType};
use nauthera_core::secret::{ClientSecret, Password};
use nauthera_core::types::{ClientId, RedirectUri, Scope};
use nauthera_core::user::UserClaims;
use nauthera_core::{Provider, ProviderConfig};
use nauthera_http::HttpOptions;
use nauthera_storage::SqliteStore;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = ProviderConfig::new("http://127.0.0.1:8090/auth")?;
    let store = SqliteStore::open("sqlite::memory:", 1).await?;
    let provider = Provider::builder(config, store).build().await?;

    let mut client = Client::new(
        ClientId::new("my-app"),
        "My application",
        ClientAuthMethod::ClientSecretBasic,
    );
    client.redirect_uris = vec![RedirectUri::parse("http://127.0.0.1:8090/callback")?];
    client.grant_types = vec![GrantType::AuthorizationCode, GrantType::ClientCredentials];
    client.scope = Scope::parse("openid profile email")?;
    client.first_party = true;
    provider
        .register_confidential_client(client, Some(ClientSecret::new("my-app-secret")))
        .await?;
    provider
        .upsert_user(
            "demo",
            &Password::new("demo-password"),
            UserClaims::default(),
        )
        .await?;

    let app = Router::new()
        .route("/", get(|| async { "the application's own home page" }))
        .nest(
            "/auth",
            nauthera_http::router(Arc::new(provider), HttpOptions::default()),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8090").await?;
    tracing::info!("listening on http://127.0.0.1:8090 (provider under /auth)");
    axum::serve(listener, app).await?;
    Ok(())
}
