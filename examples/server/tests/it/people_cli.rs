//! The `group` and people `user` subcommands on SQLite and on PostgreSQL, checked through the provider.

use nauthera_core::people::Page;
use nauthera_server::ServerConfig;
use nauthera_server::cli::{Command, UserCommand, administer};
use nauthera_server::people_cli::{GroupCommand, UserSet};

use crate::harness::CONFIG;
use crate::postgres::Schema;

fn config_on(storage: &str) -> ServerConfig {
    let text = CONFIG
        .replace("ISSUER", "http://127.0.0.1:8080")
        .replace("STORAGE", storage)
        .replace("ALGORITHM", "ES256");
    ServerConfig::parse(&text).unwrap()
}

fn group(command: GroupCommand) -> Command {
    Command::Group(command)
}

/// `user add` and `user set` on a new user `carol`, and attributes on the configured user `alice`.
async fn set_profiles(config: &ServerConfig) {
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("carol-password");
    std::fs::write(&password, "carol-password\n").unwrap();
    administer(
        config,
        Command::User(UserCommand::Add {
            username: "carol".into(),
            password_file: Some(password),
            name: None,
            email: None,
        }),
    )
    .await
    .unwrap();
    administer(
        config,
        Command::User(UserCommand::Set(UserSet {
            username: "carol".into(),
            name: Some("Carol C.".into()),
            email: Some("carol@example.com".into()),
            email_verified: false,
            attributes: vec![],
            remove_attributes: vec![],
            attributes_file: None,
        })),
    )
    .await
    .unwrap();
    administer(
        config,
        Command::User(UserCommand::Set(UserSet {
            username: "alice".into(),
            name: None,
            email: None,
            email_verified: false,
            attributes: vec!["department=\"R&D\"".into(), "level=3".into()],
            remove_attributes: vec![],
            attributes_file: None,
        })),
    )
    .await
    .unwrap();
}

/// `group add`, `add-member` and `remove-member`: staff holds alice, admins holds alice; refusals have messages.
async fn create_groups(config: &ServerConfig) {
    for name in ["staff", "admins"] {
        administer(
            config,
            group(GroupCommand::Add {
                name: name.into(),
                description: Some(format!("the {name}")),
            }),
        )
        .await
        .unwrap();
    }
    let duplicate = administer(
        config,
        group(GroupCommand::Add {
            name: "staff".into(),
            description: None,
        }),
    )
    .await;
    assert!(
        duplicate.unwrap_err().to_string().contains("exists"),
        "a taken name is refused with a message"
    );
    for (name, username) in [("staff", "alice"), ("staff", "bob"), ("admins", "alice")] {
        administer(
            config,
            group(GroupCommand::AddMember {
                name: name.into(),
                username: username.into(),
            }),
        )
        .await
        .unwrap();
    }
    let missing = administer(
        config,
        group(GroupCommand::AddMember {
            name: "staff".into(),
            username: "nobody".into(),
        }),
    )
    .await;
    assert_eq!(missing.unwrap_err().to_string(), "no user nobody");
    administer(
        config,
        group(GroupCommand::RemoveMember {
            name: "staff".into(),
            username: "bob".into(),
        }),
    )
    .await
    .unwrap();
}

/// Runs the group and profile commands against the store `storage` names, and checks what they wrote.
async fn group_commands_change_the_store(storage: &str) {
    let config = config_on(storage);
    create_groups(&config).await;
    set_profiles(&config).await;
    for command in [
        group(GroupCommand::List),
        group(GroupCommand::Show {
            name: "staff".into(),
        }),
        Command::User(UserCommand::Show {
            username: "alice".into(),
        }),
        Command::User(UserCommand::Consents {
            username: "alice".into(),
        }),
    ] {
        administer(&config, command).await.unwrap();
    }

    let provider = nauthera_server::provider(&config).await.unwrap();
    let groups: Vec<String> = provider
        .groups_of_user("alice")
        .await
        .unwrap()
        .into_iter()
        .map(|group| group.name)
        .collect();
    assert_eq!(groups, ["admins", "staff"]);
    let staff = provider
        .list_group_members("staff", &Page::default())
        .await
        .unwrap();
    assert_eq!(staff.len(), 1, "bob left staff");
    let carol = provider
        .find_user_by_username("carol")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(carol.claims.name.as_deref(), Some("Carol C."));
    assert_eq!(carol.claims.email.as_deref(), Some("carol@example.com"));
    assert!(!carol.claims.email_verified);
    let alice = provider
        .find_user_by_username("alice")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        alice.claims.attributes["department"], "R&D",
        "attributes outlive the start that applies the configured users"
    );
    assert_eq!(alice.claims.attributes["level"], 3);
    drop(provider);

    administer(
        &config,
        group(GroupCommand::Delete {
            name: "staff".into(),
        }),
    )
    .await
    .unwrap();
    let provider = nauthera_server::provider(&config).await.unwrap();
    let groups = provider.groups_of_user("alice").await.unwrap();
    assert_eq!(groups.len(), 1, "deleting a group ends its memberships");
}

#[tokio::test(flavor = "multi_thread")]
async fn group_commands_work_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let storage = format!("sqlite://{}", dir.path().join("people.db").display());
    group_commands_change_the_store(&storage).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn group_commands_work_on_postgres() {
    let schema = Schema::create().await;
    group_commands_change_the_store(&schema.url).await;
}
