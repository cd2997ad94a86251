//! The reference server's admin port: mutual TLS with certificates from the PKI the operator uses, the CLI's
//! remote administration, and no admin operation on the public HTTP port.

use std::time::Duration;

use nauthera_admin::pki::CertificateAuthority;
use nauthera_core::{Clock, SystemClock};
use nauthera_server::ServerConfig;
use nauthera_server::cli::{ClientAdd, ClientCommand, Command, KeysCommand};
use nauthera_server::remote::{RemoteArgs, administer};

use crate::harness::{CONFIG, post_form};

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
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_cli_registers_a_working_client_over_mutual_tls() {
    let pki = Pki::write("nauthera test CA");
    let data = tempfile::tempdir().unwrap();
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", http.local_addr().unwrap());
    let admin_port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
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
    // The admin listener starts right after the provider; wait for it.
    let mut listed = Err(());
    for _ in 0..50 {
        listed = administer(&endpoint, &args, Command::Keys(KeysCommand::List))
            .await
            .map_err(|_| ());
        if listed.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    listed.expect("the admin API answers a client with a valid certificate");

    let add = ClientAdd {
        client_id: "remote-service".into(),
        name: None,
        auth_method: "client_secret_post".into(),
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
