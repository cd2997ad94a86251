//! The admin API against a real server over loopback with real mutual-TLS certificates: the admin client
//! manages clients that the same provider's HTTP token endpoint then accepts or refuses, and the provider's
//! users; callers without a certificate, or with one from another CA, are refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking, as assert! does"
)]

mod common;

use nauthera_admin::AdminClient;
use nauthera_admin::pki::CertificateAuthority;
use nauthera_admin::proto::{self, AuthMethod, GrantType};
use nauthera_admin::tonic::transport::{self, Certificate, Channel, ClientTlsConfig};
use nauthera_admin::tonic::{Code, Request};
use nauthera_core::secret::Password;
use nauthera_core::user::UserClaims;

use common::{DAY, Harness, now};

fn service_client(id: &str, owner: &str) -> proto::Client {
    proto::Client {
        client_id: id.to_owned(),
        client_name: "Billing service".to_owned(),
        auth_method: AuthMethod::ClientSecretBasic.into(),
        grant_types: vec![GrantType::ClientCredentials.into()],
        scope: "api:read".to_owned(),
        owner: owner.to_owned(),
        ..Default::default()
    }
}

fn upsert(client: proto::Client, secret: &str, force: bool) -> Request<proto::UpsertClientRequest> {
    Request::new(proto::UpsertClientRequest {
        client: Some(client),
        client_secret: secret.to_owned(),
        force,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upserted_client_gets_tokens_until_it_is_deleted() {
    let harness = Harness::start().await;
    let mut admin = harness.admin().await;
    let owner = "OAuth2Client/shop/billing";

    let created = admin
        .upsert_client(upsert(
            service_client("billing", owner),
            "billing-secret",
            false,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(!created.existed && !created.drifted);

    let (status, body) = harness.token("billing", "billing-secret").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    let (status, _) = harness.token("billing", "wrong-secret").await;
    assert_eq!(status, 401);

    // Read back without the secret; an unchanged upsert without a secret keeps it and reports no drift.
    let stored = admin
        .get_client(proto::GetClientRequest {
            client_id: "billing".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(stored.has_secret);
    assert_eq!(stored.owner, owner);
    let again = admin
        .upsert_client(upsert(service_client("billing", owner), "", false))
        .await
        .unwrap()
        .into_inner();
    assert!(again.existed && !again.drifted);
    assert_eq!(harness.token("billing", "billing-secret").await.0, 200);

    let deleted = admin
        .delete_client(proto::DeleteClientRequest {
            client_id: "billing".into(),
            owner: owner.into(),
            force: false,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(deleted.existed);
    let (status, body) = harness.token("billing", "billing-secret").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");

    let missing = admin
        .get_client(proto::GetClientRequest {
            client_id: "billing".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_owner_is_refused_unless_forced_and_drift_is_reported() {
    let harness = Harness::start().await;
    let mut admin = harness.admin().await;
    admin
        .upsert_client(upsert(service_client("shared", "A"), "secret-a", false))
        .await
        .unwrap();

    let refused = admin
        .upsert_client(upsert(service_client("shared", "B"), "secret-b", false))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert!(
        refused.message().contains("owned by A"),
        "{}",
        refused.message()
    );
    let refused = admin
        .delete_client(proto::DeleteClientRequest {
            client_id: "shared".into(),
            owner: String::new(),
            force: false,
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(harness.token("shared", "secret-a").await.0, 200);

    let mut changed = service_client("shared", "B");
    changed.scope = "api:read api:write".into();
    let forced = admin
        .upsert_client(upsert(changed, "", true))
        .await
        .unwrap()
        .into_inner();
    assert!(forced.existed && forced.drifted);
    let listed = admin
        .list_clients(proto::ListClientsRequest {})
        .await
        .unwrap()
        .into_inner();
    let shared = listed
        .clients
        .iter()
        .find(|c| c.client_id == "shared")
        .unwrap();
    assert_eq!(shared.owner, "B");
    assert_eq!(shared.scope, "api:read api:write");
    assert_eq!(
        harness.token("shared", "secret-a").await.0,
        200,
        "secret kept"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_clients_are_refused_with_a_clear_message() {
    let harness = Harness::start().await;
    let mut admin = harness.admin().await;
    let mut bad_uri = service_client("bad", "");
    bad_uri.redirect_uris = vec!["not a uri".into()];
    let no_secret = service_client("nosecret", "");
    let mut public_with_secret = service_client("public", "");
    public_with_secret.auth_method = AuthMethod::None.into();
    public_with_secret.grant_types = vec![GrantType::AuthorizationCode.into()];
    public_with_secret.redirect_uris = vec!["https://rp.example/cb".into()];
    let mut public_machine = service_client("public-m2m", "");
    public_machine.auth_method = AuthMethod::None.into();
    for (client, secret, expected) in [
        (bad_uri, "s", "redirect_uris: [0]"),
        (no_secret, "", "needs a client_secret"),
        (public_with_secret, "s", "client_secret: a public client"),
        (public_machine, "", "grant_types: a public client"),
    ] {
        let status = admin
            .upsert_client(upsert(client, secret, false))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(status.message().contains(expected), "{}", status.message());
    }
}

/// The handshake fails: with TLS 1.3 the client may finish its side before the server checks the client
/// certificate, so the refusal can surface on the first call instead. Either way it is a transport failure
/// (the code varies with timing: unknown, unavailable or cancelled), never a response from the service.
async fn assert_refused(connected: Result<AdminClient<Channel>, impl std::fmt::Debug>) {
    let Ok(mut admin) = connected else { return };
    for _ in 0..2 {
        let status = admin
            .status(proto::StatusRequest {})
            .await
            .expect_err("a caller without a valid client certificate must be refused");
        let transport = std::error::Error::source(&status)
            .is_some_and(|source| source.is::<transport::Error>());
        assert!(transport, "not a transport failure: {status:?}");
    }
}

/// The same server answers a caller with a certificate from its CA (the refusal was about the certificate).
async fn assert_served(harness: &Harness) {
    let mut admin = harness.admin().await;
    admin.status(proto::StatusRequest {}).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_without_a_certificate_is_refused() {
    let harness = Harness::start().await;
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(harness.ca.cert_pem()))
        .domain_name("localhost");
    let connected = Channel::from_shared(harness.admin_url.clone())
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .map(AdminClient::new);
    assert_refused(connected).await;
    assert_served(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caller_with_a_certificate_from_another_ca_is_refused() {
    let harness = Harness::start().await;
    let other = CertificateAuthority::generate("someone-else", now(), DAY).unwrap();
    let cert = other.issue_client("operator", now(), DAY).unwrap();
    assert_refused(harness.admin_with(&cert).await).await;
    assert_served(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn status_reports_version_issuer_and_health() {
    let harness = Harness::start().await;
    let status = harness
        .admin()
        .await
        .status(proto::StatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(status.issuer, format!("http://{}", harness.http_addr));
    assert_eq!(status.storage, "ok");
    assert_eq!(status.cache, "none");
}

#[tokio::test(flavor = "multi_thread")]
async fn rotated_keys_are_listed() {
    let harness = Harness::start().await;
    let mut admin = harness.admin().await;
    let before = admin
        .list_keys(proto::ListKeysRequest {})
        .await
        .unwrap()
        .into_inner()
        .keys;
    assert!(!before.is_empty());
    let rotated = admin
        .rotate_keys(proto::RotateKeysRequest {})
        .await
        .unwrap()
        .into_inner()
        .new_kids;
    // The session secret is rotated too; its id comes first and is not a published signing key.
    let (session, rotated) = rotated.split_first().unwrap();
    assert!(session.starts_with("session-"), "{session}");
    assert!(!rotated.is_empty());
    let after = admin
        .list_keys(proto::ListKeysRequest {})
        .await
        .unwrap()
        .into_inner()
        .keys;
    for kid in rotated {
        assert!(after.iter().any(|key| &key.kid == kid), "{kid} published");
        assert!(before.iter().all(|key| &key.kid != kid));
    }
    for key in &before {
        assert!(
            after.iter().any(|k| k.kid == key.kid),
            "old key stays published"
        );
    }
}

/// The users of the provider as the admin API lists them, as (username, disabled).
async fn listed_users(admin: &mut AdminClient<Channel>) -> Vec<(String, bool)> {
    admin
        .list_users(proto::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner()
        .users
        .into_iter()
        .map(|user| (user.username, user.disabled))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn users_are_listed_disabled_enabled_and_deleted() {
    let harness = Harness::start().await;
    let mut claims = UserClaims::default();
    claims.name = Some("Dana Example".to_owned());
    claims.email = Some("dana@example.com".to_owned());
    let dana = harness
        .provider
        .upsert_user("dana", &Password::new("dana-password"), claims)
        .await
        .unwrap();
    harness
        .provider
        .upsert_user(
            "erin",
            &Password::new("erin-password"),
            UserClaims::default(),
        )
        .await
        .unwrap();
    let mut admin = harness.admin().await;

    let listed = admin
        .list_users(proto::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner()
        .users;
    assert_eq!(
        listed[0],
        proto::User {
            username: "dana".into(),
            subject: dana.subject.as_str().into(),
            disabled: false,
            name: "Dana Example".into(),
            email: "dana@example.com".into(),
            email_verified: false,
            attributes: String::new(),
        }
    );
    assert_eq!(listed[1].username, "erin");

    let disabled = admin
        .disable_user(proto::DisableUserRequest {
            username: "dana".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(disabled.disabled);
    assert_eq!(
        listed_users(&mut admin).await,
        [("dana".to_owned(), true), ("erin".to_owned(), false)]
    );
    let stored = harness
        .provider
        .find_user_by_username("dana")
        .await
        .unwrap();
    assert!(stored.is_some_and(|user| user.disabled && user.sessions_not_before.is_some()));

    let enabled = admin
        .enable_user(proto::EnableUserRequest {
            username: "dana".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!enabled.disabled);
    assert_eq!(
        listed_users(&mut admin).await,
        [("dana".to_owned(), false), ("erin".to_owned(), false)]
    );

    admin
        .delete_user(proto::DeleteUserRequest {
            username: "dana".into(),
        })
        .await
        .unwrap();
    assert_eq!(listed_users(&mut admin).await, [("erin".to_owned(), false)]);
    assert!(
        harness
            .provider
            .find_user_by_username("dana")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_user_is_not_found_and_a_missing_username_is_invalid() {
    let harness = Harness::start().await;
    let mut admin = harness.admin().await;
    let username = || "nobody".to_owned();
    let refused = [
        admin
            .disable_user(proto::DisableUserRequest {
                username: username(),
            })
            .await
            .unwrap_err(),
        admin
            .enable_user(proto::EnableUserRequest {
                username: username(),
            })
            .await
            .unwrap_err(),
        admin
            .delete_user(proto::DeleteUserRequest {
                username: username(),
            })
            .await
            .unwrap_err(),
    ];
    for status in refused {
        assert_eq!(status.code(), Code::NotFound);
        assert!(status.message().contains("nobody"), "{}", status.message());
    }
    let missing = admin
        .disable_user(proto::DisableUserRequest {
            username: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::InvalidArgument);
    assert!(listed_users(&mut admin).await.is_empty());
}
