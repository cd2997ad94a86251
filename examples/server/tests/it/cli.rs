//! The administration subcommands, run against a configured store and checked through the provider.

use nauthera_server::ServerConfig;
use nauthera_server::cli::{
    ClientAdd, ClientCommand, Command, KeysCommand, UserCommand, administer,
};

use crate::harness::CONFIG;

fn config(dir: &tempfile::TempDir) -> ServerConfig {
    let text = CONFIG
        .replace("ISSUER", "http://127.0.0.1:8080")
        .replace(
            "STORAGE",
            &format!("sqlite://{}", dir.path().join("admin.db").display()),
        )
        .replace("ALGORITHM", "ES256");
    ServerConfig::parse(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn user_client_and_key_subcommands_change_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);
    let password = dir.path().join("password");
    std::fs::write(&password, "carol-password\n").unwrap();
    administer(
        &config,
        Command::User(UserCommand::Add {
            username: "carol".into(),
            password_file: Some(password),
            name: Some("Carol".into()),
            email: Some("carol@example.com".into()),
        }),
    )
    .await
    .unwrap();
    administer(
        &config,
        Command::Client(ClientCommand::Add(ClientAdd {
            client_id: "cli-app".into(),
            name: None,
            auth_method: "none".into(),
            redirect_uris: vec!["http://127.0.0.1:9999/cb".into()],
            post_logout_redirect_uris: vec![],
            grant_types: vec![],
            scope: "openid".into(),
            first_party: false,
        })),
    )
    .await
    .unwrap();
    let provider = nauthera_server::provider(&config).await.unwrap();
    let users = provider.list_users().await.unwrap();
    let carol = users
        .iter()
        .find(|user| user.username == "carol")
        .expect("carol was added");
    assert!(
        carol
            .password_hash
            .verify(&nauthera_core::secret::Password::new("carol-password"))
    );
    assert_eq!(carol.claims.email.as_deref(), Some("carol@example.com"));
    let clients = provider.list_clients().await.unwrap();
    assert!(
        clients
            .iter()
            .any(|client| client.client_id.as_str() == "cli-app" && client.is_public())
    );

    let before: Vec<String> = provider
        .keys()
        .jwks()
        .keys
        .iter()
        .map(|jwk| jwk.kid.clone())
        .collect();
    administer(&config, Command::Keys(KeysCommand::Rotate))
        .await
        .unwrap();
    provider.reload_keys().await.unwrap();
    let after: Vec<String> = provider
        .keys()
        .jwks()
        .keys
        .iter()
        .map(|jwk| jwk.kid.clone())
        .collect();
    assert_eq!(
        after.len(),
        before.len() * 2,
        "new keys are added, the old ones stay published"
    );
    assert!(before.iter().all(|kid| after.contains(kid)));
    let signer = provider.keys().default_signer().unwrap().kid().to_owned();
    assert!(!before.contains(&signer), "the new key signs");
}
