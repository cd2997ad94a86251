//! The administration subcommands, run against a configured store and checked through the provider, and the
//! account subcommands checked by signing in to a server on the same store.

use std::time::Duration;

use nauthera_core::{Clock, SystemClock};
use nauthera_server::ServerConfig;
use nauthera_server::cli::{
    ClientAdd, ClientCommand, Command, KeysCommand, UserCommand, administer,
};

use crate::harness::{Browser, CONFIG, Setup, TestServer};
use crate::rp::{Rp, code_of, redirect_params, sign_in};

fn storage(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("admin.db").display())
}

fn config(dir: &tempfile::TempDir) -> ServerConfig {
    let text = CONFIG
        .replace("ISSUER", "http://127.0.0.1:8080")
        .replace("STORAGE", &storage(dir))
        .replace("ALGORITHM", "ES256");
    ServerConfig::parse(&text).unwrap()
}

/// Whether `user` signs in to the `web` client from a new browser: a code comes back, or the login page again.
pub(crate) async fn signs_in(server: &TestServer, rp: &Rp, user: (&str, &str)) -> bool {
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    let reply = sign_in(&mut browser, server, &pending, user).await;
    if reply.status.is_redirection() {
        code_of(&reply, &pending, &server.issuer);
        return true;
    }
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply.body.contains("name=\"password\""),
        "the login page again: {}",
        reply.body
    );
    false
}

/// Whether the browser's session still signs its user straight through (`prompt=none`).
pub(crate) async fn session_lives(browser: &mut Browser, rp: &Rp) -> bool {
    let pending = rp.authorize(&[], Some(openidconnect::core::CoreAuthPrompt::None));
    let params = redirect_params(&browser.get(pending.url.as_str()).await);
    match params.get("error").map(String::as_str) {
        None => true,
        Some("login_required") => false,
        Some(other) => panic!("unexpected error {other}"),
    }
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
            auth_method: Some("none".into()),
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
    let users = provider
        .list_users(&nauthera_core::people::Page::default())
        .await
        .unwrap();
    let carol = users
        .iter()
        .find(|user| user.username == "carol")
        .expect("carol was added");
    assert!(carol.password_hash.verify_in(
        &nauthera_core::secret::Password::new("carol-password"),
        &mut nauthera_core::password::Argon2Memory::new(),
    ));
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

/// The subcommands run on the wall clock; the test server's clock stands still at its start. Moves the server's
/// clock one second past the wall clock, so that sessions it starts come after what the subcommands ended.
fn catch_up(server: &TestServer) {
    let behind = SystemClock.now().seconds() - server.clock.now().seconds();
    server
        .clock
        .advance(Duration::from_secs(u64::try_from(behind + 1).unwrap_or(1)));
}

/// Waits until the wall clock is past the server's, so that what a subcommand ends comes after the sessions the
/// server started.
async fn wall_clock_passes(server: &TestServer) {
    while SystemClock.now() <= server.clock.now() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn user_subcommands_disable_enable_reset_and_delete_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);
    let server = TestServer::start_setup(Setup {
        storage: storage(&dir),
        ..Setup::default()
    })
    .await;
    let rp = Rp::web(&server).await;
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let user = |command: UserCommand| administer(&config, Command::User(command));

    user(UserCommand::Add {
        username: "carol".into(),
        password_file: Some(file("password", "carol-password\n")),
        name: Some("Carol".into()),
        email: None,
    })
    .await
    .unwrap();
    let mut browser = Browser::default();
    let pending = rp.authorize(&[], None);
    let reply = sign_in(&mut browser, &server, &pending, ("carol", "carol-password")).await;
    code_of(&reply, &pending, &server.issuer);
    assert!(session_lives(&mut browser, &rp).await);
    user(UserCommand::Show {
        username: "carol".into(),
    })
    .await
    .unwrap();

    // Disabled: no sign-in, and the session is over.
    wall_clock_passes(&server).await;
    user(UserCommand::Disable {
        username: "carol".into(),
    })
    .await
    .unwrap();
    assert!(!signs_in(&server, &rp, ("carol", "carol-password")).await);
    assert!(!session_lives(&mut browser, &rp).await);
    user(UserCommand::List).await.unwrap();

    // Enabled again: a new sign-in works, the old session stays over.
    user(UserCommand::Enable {
        username: "carol".into(),
    })
    .await
    .unwrap();
    catch_up(&server);
    assert!(signs_in(&server, &rp, ("carol", "carol-password")).await);
    assert!(!session_lives(&mut browser, &rp).await);

    // A new password: the old one no longer works, the new one does.
    user(UserCommand::Passwd {
        username: "carol".into(),
        password_file: Some(file("new-password", "carol-new-password\n")),
    })
    .await
    .unwrap();
    catch_up(&server);
    assert!(!signs_in(&server, &rp, ("carol", "carol-password")).await);
    assert!(signs_in(&server, &rp, ("carol", "carol-new-password")).await);

    // Deleted: gone, and every account subcommand says so.
    user(UserCommand::Delete {
        username: "carol".into(),
    })
    .await
    .unwrap();
    assert!(!signs_in(&server, &rp, ("carol", "carol-new-password")).await);
    let commands = [
        UserCommand::Show {
            username: "carol".into(),
        },
        UserCommand::Disable {
            username: "carol".into(),
        },
        UserCommand::Enable {
            username: "carol".into(),
        },
        UserCommand::Delete {
            username: "carol".into(),
        },
        UserCommand::Passwd {
            username: "carol".into(),
            password_file: Some(file("third-password", "x\n")),
        },
    ];
    for command in commands {
        let error = user(command).await.unwrap_err();
        assert_eq!(error.to_string(), "no user carol");
    }
    assert!(
        server
            .provider
            .find_user_by_username("carol")
            .await
            .unwrap()
            .is_none()
    );
}
