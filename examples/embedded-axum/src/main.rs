//! Embeds the Nauthera provider in an existing axum application, under `/auth`, next to the application's own
//! routes. The issuer URL ends with the mount prefix, so every endpoint the discovery document names resolves.
//!
//! Run with `cargo run -p embedded-axum`, then open
//! <http://127.0.0.1:8090/auth/.well-known/openid-configuration>.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use nauthera_core::client::GrantType;
use nauthera_core::flows::admin::{ClientSecretChange, Ownership};
use nauthera_core::registration::{ClientRegistration, SecretProvision};
use nauthera_core::secret::{ClientSecret, Password};
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

    // The client rules are core's: `validate` refuses what the configuration file and the CLI would refuse.
    let mut registration = ClientRegistration::new("my-app");
    registration.client_name = Some("My application".into());
    registration.redirect_uris = vec!["http://127.0.0.1:8090/callback".into()];
    registration.grant_types = Some(vec![
        GrantType::AuthorizationCode,
        GrantType::ClientCredentials,
    ]);
    registration.scope = Some("openid profile email".into());
    registration.first_party = true;
    provider
        .apply_client(
            registration.validate(SecretProvision::Given)?,
            ClientSecretChange::Set(ClientSecret::new("my-app-secret")),
            Ownership::Override,
        )
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
