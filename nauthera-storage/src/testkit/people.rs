//! The checks of an organization's people: groups and memberships, preferences, paged user lists, and listing
//! and revoking consents.

use std::sync::Arc;

use nauthera_core::people::{Group, Page, Preferences};
use nauthera_core::storage::RefreshTokenRecord;
use nauthera_core::types::{ClientId, GrantId, GroupId, Scope, Subject};
use nauthera_core::{Storage, StorageErrorKind};

use super::fixtures::{NOW, later, refresh, user};

fn group(id: &str, name: &str) -> Group {
    Group {
        group_id: GroupId::new(id),
        name: name.to_owned(),
        description: Some(format!("the {name}")),
        created_at: NOW,
    }
}

fn names(groups: &[Group]) -> Vec<&str> {
    groups.iter().map(|group| group.name.as_str()).collect()
}

/// Creates the groups `admins` and `staff`, checking that names are unique and lists page by name.
async fn named_groups<S: Storage>(store: &S) -> (Group, Group) {
    let (admins, staff) = (group("g-1", "admins"), group("g-2", "staff"));
    assert!(store.insert_group(&staff).await.unwrap());
    assert!(store.insert_group(&admins).await.unwrap());
    assert!(
        !store.insert_group(&group("g-3", "admins")).await.unwrap(),
        "a second group with a taken name is refused"
    );
    assert_eq!(
        store.find_group("admins").await.unwrap(),
        Some(admins.clone())
    );
    assert_eq!(store.find_group("nobody").await.unwrap(), None);
    assert_eq!(
        names(&store.list_groups(&Page::default()).await.unwrap()),
        ["admins", "staff"]
    );
    assert_eq!(
        names(&store.list_groups(&Page::first(1)).await.unwrap()),
        ["admins"]
    );
    assert_eq!(
        names(&store.list_groups(&Page::after("admins", 10)).await.unwrap()),
        ["staff"],
        "the next page starts after the last name"
    );
    (admins, staff)
}

/// Groups: names are unique, lists page by name, memberships are pairs of existing groups and users, and
/// deleting a group deletes its memberships.
pub async fn group_memberships<S: Storage>(store: Arc<S>) {
    let (alice, bob) = (user("s-1", "alice"), user("s-2", "bob"));
    store.upsert_user(&alice).await.unwrap();
    store.upsert_user(&bob).await.unwrap();
    let (admins, staff) = named_groups(&*store).await;

    for (group, member) in [(&admins, &alice), (&staff, &alice), (&staff, &bob)] {
        assert!(
            store
                .add_member(&group.group_id, &member.subject, NOW)
                .await
                .unwrap()
        );
    }
    assert!(
        !store
            .add_member(&staff.group_id, &bob.subject, later(1))
            .await
            .unwrap(),
        "adding a member twice reports they already were"
    );
    for (group_id, subject) in [
        (GroupId::new("g-missing"), alice.subject.clone()),
        (staff.group_id.clone(), Subject::new("s-missing")),
    ] {
        let error = store
            .add_member(&group_id, &subject, NOW)
            .await
            .unwrap_err();
        assert_eq!(
            error.kind(),
            StorageErrorKind::NotFound,
            "a membership of a missing group or user is refused as not found"
        );
    }
    assert_eq!(
        names(&store.groups_of(&alice.subject).await.unwrap()),
        ["admins", "staff"]
    );
    let members = store
        .list_members(&staff.group_id, &Page::default())
        .await
        .unwrap();
    assert_eq!(members, vec![alice.clone(), bob.clone()]);
    let second = store
        .list_members(&staff.group_id, &Page::after("alice", 1))
        .await
        .unwrap();
    assert_eq!(second, vec![bob.clone()], "members page by username");

    assert!(
        store
            .remove_member(&staff.group_id, &alice.subject)
            .await
            .unwrap()
    );
    assert!(
        !store
            .remove_member(&staff.group_id, &alice.subject)
            .await
            .unwrap()
    );
    assert_eq!(
        names(&store.groups_of(&alice.subject).await.unwrap()),
        ["admins"]
    );

    assert!(store.delete_group(&staff.group_id).await.unwrap());
    assert!(!store.delete_group(&staff.group_id).await.unwrap());
    assert_eq!(store.groups_of(&bob.subject).await.unwrap(), vec![]);
    assert!(
        store.insert_group(&group("g-4", "staff")).await.unwrap(),
        "a deleted group's name is free again"
    );
    assert_eq!(
        store
            .list_members(&GroupId::new("g-4"), &Page::default())
            .await
            .unwrap(),
        vec![],
        "a deleted group's memberships went with it"
    );
}

/// Users, groups and preferences: deleting a user deletes their memberships and preferences.
pub async fn user_delete_people<S: Storage>(store: Arc<S>) {
    let (alice, bob) = (user("s-1", "alice"), user("s-2", "bob"));
    store.upsert_user(&alice).await.unwrap();
    store.upsert_user(&bob).await.unwrap();
    let admins = group("g-1", "admins");
    store.insert_group(&admins).await.unwrap();
    let german = Preferences::default().with_locale(Some("de".to_owned()));
    for member in [&alice, &bob] {
        store
            .add_member(&admins.group_id, &member.subject, NOW)
            .await
            .unwrap();
        store
            .upsert_preferences(&member.subject, &german, NOW)
            .await
            .unwrap();
    }
    assert!(store.delete_user(&alice.subject).await.unwrap());
    assert_eq!(
        store
            .list_members(&admins.group_id, &Page::default())
            .await
            .unwrap(),
        vec![bob.clone()],
        "the user's memberships go with the user"
    );
    assert_eq!(store.find_preferences(&alice.subject).await.unwrap(), None);
    assert_eq!(
        store.find_preferences(&bob.subject).await.unwrap(),
        Some(german),
        "nobody else's preferences go"
    );
    store.upsert_user(&alice).await.unwrap();
    assert_eq!(
        store.groups_of(&alice.subject).await.unwrap(),
        vec![],
        "a user created again under the same subject starts without groups"
    );
}

/// Preferences: round-trip, replace, and refuse a missing user.
pub async fn preferences_round_trip<S: Storage>(store: Arc<S>) {
    let alice = user("s-1", "alice");
    store.upsert_user(&alice).await.unwrap();
    assert_eq!(store.find_preferences(&alice.subject).await.unwrap(), None);
    let german = Preferences::default().with_locale(Some("de".to_owned()));
    store
        .upsert_preferences(&alice.subject, &german, NOW)
        .await
        .unwrap();
    assert_eq!(
        store.find_preferences(&alice.subject).await.unwrap(),
        Some(german)
    );
    let none = Preferences::default();
    store
        .upsert_preferences(&alice.subject, &none, later(1))
        .await
        .unwrap();
    assert_eq!(
        store.find_preferences(&alice.subject).await.unwrap(),
        Some(none),
        "upsert replaces the preferences"
    );
    let error = store
        .upsert_preferences(&Subject::new("s-missing"), &Preferences::default(), NOW)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), StorageErrorKind::NotFound);
}

/// Users: lists page by username, however many there are.
pub async fn users_paged<S: Storage>(store: Arc<S>) {
    for index in (0..25).rev() {
        store
            .upsert_user(&user(&format!("s-{index}"), &format!("user{index:02}")))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut page = Page::first(10);
    loop {
        let users = store.list_users(&page).await.unwrap();
        assert!(users.len() <= 10, "a page holds at most its limit");
        let Some(last) = users.last() else { break };
        page = Page::after(last.username.clone(), 10);
        seen.extend(users.into_iter().map(|user| user.username));
    }
    let expected: Vec<String> = (0..25).map(|index| format!("user{index:02}")).collect();
    assert_eq!(seen, expected, "pages follow one another in username order");
}

/// A refresh token of `subject` for `client`.
fn refresh_for(
    secret: &str,
    grant: &str,
    subject: &Subject,
    client: &ClientId,
) -> RefreshTokenRecord {
    let mut token = refresh(secret, grant);
    token.subject = subject.clone();
    token.client_id = client.clone();
    token
}

/// Consents: a user's consents list by client; revoking one deletes it and revokes that user's refresh tokens
/// of that client only, reporting their grants.
pub async fn consent_revocation<S: Storage>(store: Arc<S>) {
    let (alice, bob) = (user("s-1", "alice"), user("s-2", "bob"));
    store.upsert_user(&alice).await.unwrap();
    store.upsert_user(&bob).await.unwrap();
    let (first, second) = (ClientId::new("client-1"), ClientId::new("client-2"));
    let scope = Scope::parse("openid profile").unwrap();
    store
        .upsert_consent(&alice.subject, &second, &scope, later(2))
        .await
        .unwrap();
    store
        .upsert_consent(&alice.subject, &first, &scope, later(1))
        .await
        .unwrap();
    store
        .upsert_consent(&bob.subject, &first, &scope, NOW)
        .await
        .unwrap();
    let listed = store.list_consents(&alice.subject).await.unwrap();
    let clients: Vec<&str> = listed
        .iter()
        .map(|consent| consent.client_id.as_str())
        .collect();
    assert_eq!(
        clients,
        ["client-1", "client-2"],
        "consents list by client id"
    );
    assert_eq!(listed[0].scope, scope);
    assert_eq!(listed[0].updated_at, later(1));

    let tokens = [
        refresh_for("nrt_a1", "grant-a1", &alice.subject, &first),
        refresh_for("nrt_a2", "grant-a2", &alice.subject, &first),
        refresh_for("nrt_a3", "grant-a3", &alice.subject, &second),
        refresh_for("nrt_b1", "grant-b1", &bob.subject, &first),
    ];
    for token in &tokens {
        store.insert_refresh_token(token).await.unwrap();
    }
    let mut grants = store
        .revoke_consent(&alice.subject, &first)
        .await
        .unwrap()
        .expect("there was a consent");
    grants.sort();
    assert_eq!(
        grants,
        vec![GrantId::new("grant-a1"), GrantId::new("grant-a2")]
    );
    assert_eq!(
        store.find_consent(&alice.subject, &first).await.unwrap(),
        None
    );
    let revoked: Vec<bool> = revoked_flags(&*store, &tokens).await;
    assert_eq!(
        revoked,
        [true, true, false, false],
        "only the user's tokens of that client are revoked"
    );
    assert_eq!(
        store.revoke_consent(&alice.subject, &first).await.unwrap(),
        None,
        "no consent, nothing revoked"
    );
    assert_eq!(store.list_consents(&alice.subject).await.unwrap().len(), 1);
}

async fn revoked_flags<S: Storage>(store: &S, tokens: &[RefreshTokenRecord]) -> Vec<bool> {
    let mut revoked = Vec::new();
    for token in tokens {
        let stored = store
            .find_refresh_token(&token.digest)
            .await
            .unwrap()
            .unwrap();
        revoked.push(stored.revoked);
    }
    revoked
}
