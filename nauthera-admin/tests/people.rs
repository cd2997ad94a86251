//! The people operations of the admin API (profiles, groups, memberships, consents) against a real server over
//! mutual TLS, on SQLite and on PostgreSQL: what each call changes in the provider, and the status of each
//! refusal.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking, as assert! does"
)]

mod common;

use nauthera_admin::AdminClient;
use nauthera_admin::proto;
use nauthera_admin::tonic::transport::Channel;
use nauthera_admin::tonic::{Code, Response, Status};
use nauthera_core::flows::authorize::{
    AuthorizationParams, AuthorizeContext, AuthorizeOutcome, ConsentDecision,
};
use nauthera_core::flows::interaction::SubmittedForm;
use nauthera_core::secret::Password;
use nauthera_core::sign_in::{SignInOutcome, SignInRequest};
use nauthera_core::user::UserClaims;

use common::Harness;

/// Runs each scenario once on SQLite and once on a fresh PostgreSQL schema.
macro_rules! on_sqlite_and_postgres {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread")]
            async fn on_sqlite() {
                super::$scenario(super::Harness::start().await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn on_postgres() {
                super::$scenario(super::Harness::start_on_postgres().await).await;
            }
        }
    )*};
}

on_sqlite_and_postgres!(
    profiles_are_shown_with_groups_and_changed,
    profile_refusals_have_their_status,
    groups_are_created_and_paged,
    groups_are_shown_and_deleted,
    members_are_added_paged_and_removed,
    consents_are_listed_and_revoked,
);

/// Creates the users `names` on the provider (the admin API does not carry passwords).
async fn create_users(harness: &Harness, names: &[&str]) {
    for name in names {
        harness
            .provider
            .upsert_user(
                name,
                &Password::new(format!("{name}-password")),
                UserClaims::default(),
            )
            .await
            .unwrap();
    }
}

/// The refusal of a call, checked to carry `code` and a message containing `message`.
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(
    result: Result<Response<T>, Status>,
    code: Code,
    message: &str,
) {
    let status = result.expect_err("the call must be refused");
    assert_eq!(status.code(), code, "{status:?}");
    assert!(status.message().contains(message), "{status:?}");
}

async fn get_user(admin: &mut AdminClient<Channel>, username: &str) -> proto::GetUserResponse {
    admin
        .get_user(proto::GetUserRequest {
            username: username.into(),
        })
        .await
        .unwrap()
        .into_inner()
}

fn set_user(username: &str) -> proto::SetUserRequest {
    proto::SetUserRequest {
        username: username.into(),
        ..Default::default()
    }
}

async fn profiles_are_shown_with_groups_and_changed(harness: Harness) {
    create_users(&harness, &["dana"]).await;
    let mut admin = harness.admin().await;
    let shown = get_user(&mut admin, "dana").await;
    let user = shown.user.unwrap();
    assert_eq!(
        (
            user.username.as_str(),
            user.name.as_str(),
            user.attributes.as_str()
        ),
        ("dana", "", "")
    );
    assert!(shown.groups.is_empty());

    let changed = admin
        .set_user(proto::SetUserRequest {
            name: Some("Dana Example".into()),
            email: Some("dana@example.com".into()),
            set_attributes: r#"{"department":"R&D","level":3}"#.into(),
            ..set_user("dana")
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(changed.name, "Dana Example");
    assert_eq!(changed.email, "dana@example.com");
    assert!(!changed.email_verified, "a changed address is not verified");
    assert_eq!(changed.attributes, r#"{"department":"R&D","level":3}"#);
    assert_eq!(changed.subject, user.subject);

    // Unset fields stay; the address is verified; an attribute is removed.
    let changed = admin
        .set_user(proto::SetUserRequest {
            email_verified: true,
            remove_attributes: vec!["level".into()],
            ..set_user("dana")
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (changed.name.as_str(), changed.email_verified),
        ("Dana Example", true)
    );
    assert_eq!(changed.attributes, r#"{"department":"R&D"}"#);
    let stored = harness
        .provider
        .find_user_by_username("dana")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.claims.name.as_deref(), Some("Dana Example"));
    assert_eq!(stored.claims.attributes["department"], "R&D");

    // An empty name removes it; the groups are listed by name.
    admin
        .set_user(proto::SetUserRequest {
            name: Some(String::new()),
            ..set_user("dana")
        })
        .await
        .unwrap();
    for group in ["staff", "admins"] {
        harness.provider.create_group(group, None).await.unwrap();
        harness
            .provider
            .add_group_member(group, "dana")
            .await
            .unwrap();
    }
    let shown = get_user(&mut admin, "dana").await;
    assert_eq!(shown.user.unwrap().name, "");
    assert_eq!(shown.groups, ["admins", "staff"]);
}

async fn profile_refusals_have_their_status(harness: Harness) {
    create_users(&harness, &["dana"]).await;
    let mut admin = harness.admin().await;
    let get = |username: &str| proto::GetUserRequest {
        username: username.into(),
    };
    assert_refused(
        admin.get_user(get("nobody")).await,
        Code::NotFound,
        "no user nobody",
    );
    assert_refused(
        admin.get_user(get("")).await,
        Code::InvalidArgument,
        "username",
    );
    assert_refused(
        admin.set_user(set_user("nobody")).await,
        Code::NotFound,
        "no user nobody",
    );
    assert_refused(
        admin.set_user(set_user("")).await,
        Code::InvalidArgument,
        "username",
    );
    for (attributes, message) in [("not json", "set_attributes"), ("[1]", "set_attributes")] {
        let request = proto::SetUserRequest {
            set_attributes: attributes.into(),
            ..set_user("dana")
        };
        assert_refused(
            admin.set_user(request).await,
            Code::InvalidArgument,
            message,
        );
    }
    // Core's rule on attribute names: a claim the provider sets itself is refused, to set or to remove.
    let shadowing = proto::SetUserRequest {
        set_attributes: r#"{"sub":"someone-else"}"#.into(),
        ..set_user("dana")
    };
    assert_refused(
        admin.set_user(shadowing).await,
        Code::InvalidArgument,
        "attribute sub",
    );
    let removing = proto::SetUserRequest {
        remove_attributes: vec!["a b".into()],
        ..set_user("dana")
    };
    assert_refused(
        admin.set_user(removing).await,
        Code::InvalidArgument,
        "attribute",
    );
    let stored = harness
        .provider
        .find_user_by_username("dana")
        .await
        .unwrap()
        .unwrap();
    assert!(stored.claims.attributes.is_empty(), "nothing was changed");
}

fn create_group(name: &str, description: &str) -> proto::CreateGroupRequest {
    proto::CreateGroupRequest {
        name: name.into(),
        description: description.into(),
    }
}

/// One page of the groups' names, and the page's `next_after`.
async fn group_page(
    admin: &mut AdminClient<Channel>,
    after: &str,
    limit: u32,
) -> (Vec<String>, String) {
    let page = admin
        .list_groups(proto::ListGroupsRequest {
            after: after.into(),
            limit,
        })
        .await
        .unwrap()
        .into_inner();
    let names = page.groups.into_iter().map(|group| group.name).collect();
    (names, page.next_after)
}

async fn groups_are_created_and_paged(harness: Harness) {
    let mut admin = harness.admin().await;
    let staff = admin
        .create_group(create_group("staff", "Everyone on the payroll"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(staff.name, "staff");
    assert_eq!(staff.description, "Everyone on the payroll");
    assert!(staff.created_at > 0);
    let admins = admin
        .create_group(create_group("admins", ""))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(admins.description, "");
    assert!(
        harness
            .provider
            .find_group("admins")
            .await
            .unwrap()
            .is_some_and(|group| group.description.is_none())
    );

    assert_refused(
        admin.create_group(create_group("staff", "again")).await,
        Code::AlreadyExists,
        "staff",
    );
    assert_refused(
        admin.create_group(create_group(" staff", "")).await,
        Code::InvalidArgument,
        "surrounding spaces",
    );
    assert_refused(
        admin.create_group(create_group("", "")).await,
        Code::InvalidArgument,
        "name",
    );

    // Paged by name: a full page names where the next starts, the last page does not.
    assert_eq!(
        group_page(&mut admin, "", 0).await,
        (vec!["admins".to_owned(), "staff".to_owned()], String::new())
    );
    assert_eq!(
        group_page(&mut admin, "", 1).await,
        (vec!["admins".to_owned()], "admins".to_owned())
    );
    assert_eq!(
        group_page(&mut admin, "admins", 1).await,
        (vec!["staff".to_owned()], "staff".to_owned())
    );
    assert_eq!(
        group_page(&mut admin, "staff", 1).await,
        (vec![], String::new())
    );
}

async fn groups_are_shown_and_deleted(harness: Harness) {
    let mut admin = harness.admin().await;
    let mut created = Vec::new();
    for name in ["admins", "staff"] {
        let group = admin.create_group(create_group(name, "")).await.unwrap();
        created.push(group.into_inner());
    }
    let shown = admin
        .get_group(proto::GetGroupRequest {
            name: "staff".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.group.as_ref(), created.last());
    assert!(shown.members.is_empty() && shown.next_after.is_empty());

    let delete = |name: &str| proto::DeleteGroupRequest { name: name.into() };
    admin.delete_group(delete("staff")).await.unwrap();
    assert!(
        harness
            .provider
            .find_group("staff")
            .await
            .unwrap()
            .is_none()
    );
    assert_refused(
        admin.delete_group(delete("staff")).await,
        Code::NotFound,
        "no group staff",
    );
    assert_refused(
        admin
            .get_group(proto::GetGroupRequest {
                name: "staff".into(),
                ..Default::default()
            })
            .await,
        Code::NotFound,
        "no group staff",
    );
    assert_refused(
        admin.delete_group(delete("")).await,
        Code::InvalidArgument,
        "name",
    );
    assert_eq!(
        group_page(&mut admin, "", 0).await,
        (vec!["admins".to_owned()], String::new())
    );
}

fn add_member(group: &str, username: &str) -> proto::AddGroupMemberRequest {
    proto::AddGroupMemberRequest {
        group: group.into(),
        username: username.into(),
    }
}

fn remove_member(group: &str, username: &str) -> proto::RemoveGroupMemberRequest {
    proto::RemoveGroupMemberRequest {
        group: group.into(),
        username: username.into(),
    }
}

/// One page of a group's members' usernames, and the page's `next_after`.
async fn member_page(
    admin: &mut AdminClient<Channel>,
    after: &str,
    limit: u32,
) -> (Vec<String>, String) {
    let page = admin
        .get_group(proto::GetGroupRequest {
            name: "staff".into(),
            after: after.into(),
            limit,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.group.unwrap().name, "staff");
    let names = page.members.into_iter().map(|user| user.username).collect();
    (names, page.next_after)
}

async fn members_are_added_paged_and_removed(harness: Harness) {
    create_users(&harness, &["alice", "bob", "carol"]).await;
    let mut admin = harness.admin().await;
    admin.create_group(create_group("staff", "")).await.unwrap();
    for username in ["carol", "alice", "bob"] {
        let added = admin.add_group_member(add_member("staff", username)).await;
        assert!(added.unwrap().into_inner().added);
    }
    let again = admin.add_group_member(add_member("staff", "alice")).await;
    assert!(!again.unwrap().into_inner().added, "already a member");

    assert_eq!(
        member_page(&mut admin, "", 2).await,
        (vec!["alice".to_owned(), "bob".to_owned()], "bob".to_owned())
    );
    assert_eq!(
        member_page(&mut admin, "bob", 2).await,
        (vec!["carol".to_owned()], String::new())
    );
    assert_eq!(get_user(&mut admin, "alice").await.groups, ["staff"]);

    let removed = admin
        .remove_group_member(remove_member("staff", "bob"))
        .await;
    assert!(removed.unwrap().into_inner().removed);
    let again = admin
        .remove_group_member(remove_member("staff", "bob"))
        .await;
    assert!(!again.unwrap().into_inner().removed, "no longer a member");
    assert!(get_user(&mut admin, "bob").await.groups.is_empty());
    assert_eq!(
        member_page(&mut admin, "", 0).await,
        (vec!["alice".to_owned(), "carol".to_owned()], String::new())
    );

    for (group, username, code, message) in [
        ("nope", "alice", Code::NotFound, "no group nope"),
        ("staff", "nobody", Code::NotFound, "no user nobody"),
        ("", "alice", Code::InvalidArgument, "name"),
        ("staff", "", Code::InvalidArgument, "username"),
    ] {
        assert_refused(
            admin.add_group_member(add_member(group, username)).await,
            code,
            message,
        );
        assert_refused(
            admin
                .remove_group_member(remove_member(group, username))
                .await,
            code,
            message,
        );
    }

    // Deleting the group ends its memberships.
    admin
        .delete_group(proto::DeleteGroupRequest {
            name: "staff".into(),
        })
        .await
        .unwrap();
    assert!(get_user(&mut admin, "alice").await.groups.is_empty());
}

const REDIRECT_URI: &str = "https://rp.example/cb";
/// RFC 7636 Appendix B.
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// Registers the public client `client_id` (not first party, so consent is asked and remembered).
async fn register_web_client(admin: &mut AdminClient<Channel>, client_id: &str) {
    let client = proto::Client {
        client_id: client_id.into(),
        auth_method: proto::AuthMethod::None.into(),
        grant_types: vec![proto::GrantType::AuthorizationCode.into()],
        redirect_uris: vec![REDIRECT_URI.into()],
        scope: "openid profile".into(),
        ..Default::default()
    };
    admin
        .upsert_client(proto::UpsertClientRequest {
            client: Some(client),
            ..Default::default()
        })
        .await
        .unwrap();
}

/// `username` signs in to `client_id` and consents to `openid profile`, through the provider's flows (the same
/// calls the login and consent pages make).
async fn consent(harness: &Harness, username: &str, client_id: &str) {
    let provider = &harness.provider;
    let mut params = AuthorizationParams::default();
    params.response_type = Some("code".into());
    params.client_id = Some(client_id.into());
    params.redirect_uri = Some(REDIRECT_URI.into());
    params.scope = Some("openid profile".into());
    params.code_challenge = Some(CHALLENGE.into());
    params.code_challenge_method = Some("S256".into());
    let outcome = provider
        .authorize(&params, AuthorizeContext::default())
        .await
        .unwrap();
    let AuthorizeOutcome::Login(prompt) = outcome else {
        panic!("expected the login page, got {outcome:?}");
    };
    let csrf = provider.session_keys().csrf_token("login", "browser");
    let form = SubmittedForm::new(
        "login",
        Some("browser"),
        Some(&csrf),
        Some(&prompt.interaction),
    );
    let password = Password::new(format!("{username}-password"));
    let signed_in = provider
        .sign_in(SignInRequest::new(form, username, password, None))
        .await
        .unwrap();
    let SignInOutcome::SignedIn { session, next, .. } = signed_in else {
        panic!("sign-in failed: {signed_in:?}");
    };
    assert!(matches!(next, AuthorizeOutcome::Consent(_)), "{next:?}");
    let context = AuthorizeContext {
        session: Some(session),
        authenticated_now: true,
        consent: Some(ConsentDecision::Allow),
    };
    let outcome = provider.authorize(&params, context).await.unwrap();
    assert!(
        matches!(outcome, AuthorizeOutcome::Redirect(_)),
        "{outcome:?}"
    );
}

async fn consents_are_listed_and_revoked(harness: Harness) {
    create_users(&harness, &["dana", "erin"]).await;
    let mut admin = harness.admin().await;
    for client_id in ["notes", "calendar"] {
        register_web_client(&mut admin, client_id).await;
        consent(&harness, "dana", client_id).await;
    }
    let list = |username: &str| proto::ListConsentsRequest {
        username: username.into(),
    };
    let consents = admin
        .list_consents(list("dana"))
        .await
        .unwrap()
        .into_inner()
        .consents;
    let listed: Vec<(&str, &str)> = consents
        .iter()
        .map(|consent| (consent.client_id.as_str(), consent.scope.as_str()))
        .collect();
    assert_eq!(
        listed,
        [("calendar", "openid profile"), ("notes", "openid profile")]
    );
    assert!(consents.iter().all(|consent| consent.updated_at > 0));
    let erin = admin.list_consents(list("erin")).await.unwrap();
    assert!(erin.into_inner().consents.is_empty());

    let revoke = |username: &str, client_id: &str| proto::RevokeConsentRequest {
        username: username.into(),
        client_id: client_id.into(),
    };
    admin.revoke_consent(revoke("dana", "notes")).await.unwrap();
    let remaining = harness.provider.consents_of_user("dana").await.unwrap();
    let remaining: Vec<&str> = remaining
        .iter()
        .map(|consent| consent.client_id.as_str())
        .collect();
    assert_eq!(remaining, ["calendar"]);

    assert_refused(
        admin.revoke_consent(revoke("dana", "notes")).await,
        Code::NotFound,
        "dana has no consent for notes",
    );
    assert_refused(
        admin.revoke_consent(revoke("nobody", "notes")).await,
        Code::NotFound,
        "no user nobody",
    );
    assert_refused(
        admin.revoke_consent(revoke("dana", "")).await,
        Code::InvalidArgument,
        "client_id",
    );
    assert_refused(
        admin.list_consents(list("nobody")).await,
        Code::NotFound,
        "no user nobody",
    );
    assert_refused(
        admin.list_consents(list("")).await,
        Code::InvalidArgument,
        "username",
    );
}
