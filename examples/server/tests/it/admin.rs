//! The reference server's admin port: mutual TLS with certificates from the PKI the operator uses, the CLI's
//! remote administration of clients, users, groups, profiles and consents, and no admin operation on the public
//! HTTP port.

use std::sync::Arc;
use std::time::Duration;

use nauthera_admin::pki::CertificateAuthority;
use nauthera_core::{Clock, SystemClock};
use nauthera_server::ServerConfig;
use nauthera_server::cli::{ClientAdd, ClientCommand, Command, KeysCommand, UserCommand};
use nauthera_server::config::AdminSection;
use nauthera_server::people_cli::{GroupCommand, UserSet};
use nauthera_server::remote::{RemoteArgs, administer};
use openidconnect::OAuth2TokenResponse;

use crate::cli::{session_lives, signs_in};
use crate::harness::{Browser, CONFIG, TestServer, post_form};
use crate::rp::{Rp, code_of, sign_in};

const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    /// Writes a CA, a server certificate for 127.0.0.1 and a client certificate into a temporary directory.
    fn write(ca_name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemClock.now();
        let ca = CertificateAuthority::generate(ca_name, now, YEAR).unwrap();
        let server = ca
            .issue_server(&["127.0.0.1", "localhost"], now, YEAR)
            .unwrap();
        let client = ca.issue_client("nauthera-operator", now, YEAR).unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("ca.pem", ca.cert_pem());
        write("server.pem", &server.cert_pem);
        write("server.key", &server.key_pem);
        write("client.pem", &client.cert_pem);
        write("client.key", &client.key_pem);
        Self { dir }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn remote(&self, endpoint: &str, client_from: &Pki) -> RemoteArgs {
        RemoteArgs {
            admin_endpoint: Some(endpoint.to_owned()),
            admin_ca: Some(self.path("ca.pem")),
            admin_cert: Some(client_from.path("client.pem")),
            admin_key: Some(client_from.path("client.key")),
            admin_domain: Some("localhost".to_owned()),
        }
    }

    /// The `[admin]` section of a server that listens on `port` with this PKI's server certificate.
    fn admin_section(&self, port: u16) -> AdminSection {
        AdminSection {
            listen: format!("127.0.0.1:{port}"),
            ca_file: self.path("ca.pem"),
            cert_file: self.path("server.pem"),
            key_file: self.path("server.key"),
        }
    }
}

/// A loopback port that was free a moment ago.
fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

/// The admin API of a test server on a loopback port, with the PKI's certificates, and the CLI's arguments to
/// reach it.
struct AdminPort {
    endpoint: String,
    args: RemoteArgs,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<Result<(), nauthera_server::ServerError>>,
}

impl AdminPort {
    /// Serves `server`'s provider over the admin API and waits until it answers.
    async fn start(server: &TestServer, pki: &Pki) -> Self {
        let port = free_port();
        let section = pki.admin_section(port);
        let provider = Arc::clone(&server.provider);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(async move {
            nauthera_server::admin::serve_admin(provider, &section, async {
                let _ = stopped.await;
            })
            .await
        });
        let endpoint = format!("https://127.0.0.1:{port}");
        let args = pki.remote(&endpoint, pki);
        wait_for_admin(&endpoint, &args).await;
        Self {
            endpoint,
            args,
            stop,
            served,
        }
    }

    /// Runs a CLI command over the admin API.
    async fn run(&self, command: Command) -> Result<(), nauthera_server::ServerError> {
        administer(&self.endpoint, &self.args, command).await
    }

    /// Stops serving, and checks that the admin API stopped cleanly.
    async fn stop(self) {
        let _ = self.stop.send(());
        self.served.await.unwrap().unwrap();
    }
}

/// Waits until the admin API answers a client with a valid certificate (it starts right after the provider,
/// which may take a while on a busy machine).
async fn wait_for_admin(endpoint: &str, args: &RemoteArgs) {
    let mut last = None;
    for _ in 0..150 {
        match administer(endpoint, args, Command::Keys(KeysCommand::List)).await {
            Ok(()) => return,
            Err(error) => last = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the admin API does not answer a client with a valid certificate: {last:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_cli_registers_a_working_client_over_mutual_tls() {
    let pki = Pki::write("nauthera test CA");
    let data = tempfile::tempdir().unwrap();
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", http.local_addr().unwrap());
    let admin_port = free_port();
    let mut text = CONFIG
        .replace("ISSUER", &issuer)
        .replace(
            "STORAGE",
            &format!("sqlite://{}", data.path().join("admin.db").display()),
        )
        .replace("ALGORITHM", "ES256");
    text.push_str(&format!(
        "\n[admin]\nlisten = \"127.0.0.1:{admin_port}\"\nca_file = \"{}\"\ncert_file = \"{}\"\nkey_file = \"{}\"\n",
        pki.path("ca.pem").display(),
        pki.path("server.pem").display(),
        pki.path("server.key").display()
    ));
    let config = ServerConfig::parse(&text).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(nauthera_server::run(config, http, async {
        let _ = stopped.await;
    }));
    let endpoint = format!("https://127.0.0.1:{admin_port}");
    let args = pki.remote(&endpoint, &pki);
    wait_for_admin(&endpoint, &args).await;

    let add = ClientAdd {
        client_id: "remote-service".into(),
        name: None,
        auth_method: Some("client_secret_post".into()),
        redirect_uris: vec![],
        post_logout_redirect_uris: vec![],
        grant_types: vec!["client_credentials".into()],
        scope: "api:read".into(),
        first_party: false,
    };
    administer(&endpoint, &args, Command::Client(ClientCommand::Add(add)))
        .await
        .unwrap();
    // The secret was printed once; the client exists and is refused with a wrong secret.
    let token_url = format!("{issuer}/token");
    let wrong = post_form(
        &token_url,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "remote-service"),
            ("client_secret", "x"),
        ],
        None,
    )
    .await;
    assert_eq!(wrong.json()["error"], "invalid_client");

    // A client certificate from another CA is refused.
    let stranger = Pki::write("another CA");
    let refused = administer(
        &endpoint,
        &pki.remote(&endpoint, &stranger),
        Command::Keys(KeysCommand::List),
    )
    .await;
    assert!(
        refused.is_err(),
        "a certificate from another CA must be refused"
    );

    // The public HTTP port does not serve the admin API.
    let on_http = post_form(
        &format!("{issuer}/nauthera.admin.v1.Admin/ListClients"),
        &[],
        None,
    )
    .await;
    assert_eq!(on_http.status, 404);

    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_cli_disables_enables_and_deletes_users() {
    let pki = Pki::write("nauthera test CA");
    let server = TestServer::start().await;
    let admin = AdminPort::start(&server, &pki).await;
    let user = |command: UserCommand| admin.run(Command::User(command));

    // Bob signs in and gets a refresh token.
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["offline_access"], None);
    let reply = sign_in(&mut browser, &server, &pending, ("bob", "bob-password")).await;
    let code = code_of(&reply, &pending, &server.issuer);
    let (tokens, _) = rp.exchange(&code, pending).await;
    let refresh_token = tokens.refresh_token().unwrap().secret().clone();
    user(UserCommand::List).await.unwrap();
    user(UserCommand::Show {
        username: "bob".into(),
    })
    .await
    .unwrap();

    // Disabled over the API: no sign-in, no session, no refresh.
    server.clock.advance(Duration::from_secs(1));
    user(UserCommand::Disable {
        username: "bob".into(),
    })
    .await
    .unwrap();
    assert!(!signs_in(&server, &rp, ("bob", "bob-password")).await);
    assert!(!session_lives(&mut browser, &rp).await);
    let refusal = rp.refresh_refusal(&refresh_token).await;
    assert!(refusal.contains("invalid_grant"), "{refusal}");
    assert!(
        server
            .provider
            .find_user_by_username("bob")
            .await
            .unwrap()
            .is_some_and(|bob| bob.disabled)
    );

    // Enabled again: a new sign-in works, the old session stays over.
    user(UserCommand::Enable {
        username: "bob".into(),
    })
    .await
    .unwrap();
    assert!(signs_in(&server, &rp, ("bob", "bob-password")).await);
    assert!(!session_lives(&mut browser, &rp).await);

    // Deleted: gone; the API says so for every account command.
    user(UserCommand::Delete {
        username: "bob".into(),
    })
    .await
    .unwrap();
    assert!(!signs_in(&server, &rp, ("bob", "bob-password")).await);
    for command in [
        UserCommand::Disable {
            username: "bob".into(),
        },
        UserCommand::Enable {
            username: "bob".into(),
        },
        UserCommand::Delete {
            username: "bob".into(),
        },
    ] {
        let error = user(command).await.unwrap_err();
        assert_eq!(error.to_string(), "user bob not found");
    }
    let error = user(UserCommand::Show {
        username: "bob".into(),
    })
    .await
    .unwrap_err();
    assert_eq!(error.to_string(), "no user bob");

    // Passwords are set on the store only.
    let error = user(UserCommand::Passwd {
        username: "alice".into(),
        password_file: None,
    })
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("the admin API does not carry"),
        "{error}"
    );

    admin.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_cli_manages_groups_and_members() {
    let pki = Pki::write("nauthera test CA");
    let server = TestServer::start().await;
    let admin = AdminPort::start(&server, &pki).await;
    let group = |command: GroupCommand| admin.run(Command::Group(command));
    let add_member = |name: &str, username: &str| GroupCommand::AddMember {
        name: name.into(),
        username: username.into(),
    };

    for name in ["staff", "admins"] {
        group(GroupCommand::Add {
            name: name.into(),
            description: Some(format!("the {name}")),
        })
        .await
        .unwrap();
    }
    let taken = group(GroupCommand::Add {
        name: "staff".into(),
        description: None,
    })
    .await;
    assert_eq!(taken.unwrap_err().to_string(), "the group staff exists");
    for (name, username) in [("staff", "alice"), ("staff", "bob"), ("admins", "alice")] {
        group(add_member(name, username)).await.unwrap();
    }
    group(add_member("staff", "alice")).await.unwrap();
    let unknown = group(add_member("staff", "nobody")).await;
    assert_eq!(unknown.unwrap_err().to_string(), "no user nobody");
    group(GroupCommand::RemoveMember {
        name: "staff".into(),
        username: "bob".into(),
    })
    .await
    .unwrap();
    group(GroupCommand::List).await.unwrap();
    group(GroupCommand::Show {
        name: "staff".into(),
    })
    .await
    .unwrap();
    let unknown = group(GroupCommand::Show {
        name: "nope".into(),
    })
    .await;
    assert_eq!(unknown.unwrap_err().to_string(), "no group nope");
    admin
        .run(Command::User(UserCommand::Show {
            username: "alice".into(),
        }))
        .await
        .unwrap();
    let groups = server.provider.groups_of_user("alice").await.unwrap();
    let names: Vec<&str> = groups.iter().map(|group| group.name.as_str()).collect();
    assert_eq!(names, ["admins", "staff"]);
    assert!(
        server
            .provider
            .groups_of_user("bob")
            .await
            .unwrap()
            .is_empty()
    );

    group(GroupCommand::Delete {
        name: "admins".into(),
    })
    .await
    .unwrap();
    let gone = group(GroupCommand::Delete {
        name: "admins".into(),
    })
    .await;
    assert_eq!(gone.unwrap_err().to_string(), "no group admins");
    let listed = server
        .provider
        .list_groups(&nauthera_core::people::Page::default())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].description.as_deref(), Some("the staff"));

    admin.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_cli_sets_profiles_and_revokes_consents() {
    let pki = Pki::write("nauthera test CA");
    let server = TestServer::start().await;
    let admin = AdminPort::start(&server, &pki).await;
    let user = |command: UserCommand| admin.run(Command::User(command));
    let set = |attributes: Vec<String>, remove_attributes: Vec<String>| {
        UserCommand::Set(UserSet {
            username: "bob".into(),
            name: Some("Bob B.".into()),
            email: None,
            email_verified: false,
            attributes,
            remove_attributes,
            attributes_file: None,
        })
    };

    user(set(
        vec!["department=\"R&D\"".into(), "level=3".into()],
        vec![],
    ))
    .await
    .unwrap();
    user(set(vec![], vec!["level".into()])).await.unwrap();
    let bob = server
        .provider
        .find_user_by_username("bob")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bob.claims.name.as_deref(), Some("Bob B."));
    assert_eq!(
        serde_json::to_value(&bob.claims.attributes).unwrap(),
        serde_json::json!({"department": "R&D"})
    );
    let refused = user(set(vec!["sub=someone".into()], vec![])).await;
    assert!(
        refused.unwrap_err().to_string().contains("attribute sub"),
        "a reserved claim name is refused with core's message"
    );

    // Bob consents to the web client and gets a refresh token; revoking the consent over the API ends it.
    let rp = Rp::web(&server).await;
    let mut browser = Browser::default();
    let pending = rp.authorize(&["offline_access"], None);
    let reply = sign_in(&mut browser, &server, &pending, ("bob", "bob-password")).await;
    let code = code_of(&reply, &pending, &server.issuer);
    let (tokens, _) = rp.exchange(&code, pending).await;
    let refresh_token = tokens.refresh_token().unwrap().secret().clone();
    user(UserCommand::Consents {
        username: "bob".into(),
    })
    .await
    .unwrap();
    let revoke = || UserCommand::RevokeConsent {
        username: "bob".into(),
        client_id: "web".into(),
    };
    user(revoke()).await.unwrap();
    assert!(
        server
            .provider
            .consents_of_user("bob")
            .await
            .unwrap()
            .is_empty()
    );
    let refusal = rp.refresh_refusal(&refresh_token).await;
    assert!(refusal.contains("invalid_grant"), "{refusal}");
    let again = user(revoke()).await;
    assert_eq!(again.unwrap_err().to_string(), "bob has no consent for web");
    let unknown = user(UserCommand::Consents {
        username: "nobody".into(),
    })
    .await;
    assert_eq!(unknown.unwrap_err().to_string(), "no user nobody");

    admin.stop().await;
}
