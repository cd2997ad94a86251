//! The checks of account lifecycle: account status, deleting a user with what is theirs, and revoking every
//! refresh token of a user.

use std::sync::Arc;

use nauthera_core::Storage;
use nauthera_core::people::Page;
use nauthera_core::storage::RefreshTokenRecord;
use nauthera_core::types::{ClientId, Scope, Subject};

use super::fixtures::{NOW, later, refresh, user};

/// A refresh token of `subject`.
fn refresh_of(secret: &str, grant: &str, subject: &Subject) -> RefreshTokenRecord {
    let mut token = refresh(secret, grant);
    token.subject = subject.clone();
    token
}

/// Users: the account status (`disabled`, `sessions_not_before`) round-trips, and upsert replaces it.
pub async fn user_status<S: Storage>(store: Arc<S>) {
    let mut alice = user("s-1", "alice");
    alice.disabled = true;
    alice.sessions_not_before = Some(later(5));
    store.upsert_user(&alice).await.unwrap();
    assert_eq!(
        store.find_user(&alice.subject).await.unwrap().as_ref(),
        Some(&alice),
        "disabled and sessions_not_before round-trip"
    );
    assert_eq!(
        store.find_user_by_username("alice").await.unwrap().as_ref(),
        Some(&alice)
    );
    assert_eq!(
        store.list_users(&Page::default()).await.unwrap(),
        vec![alice.clone()]
    );

    let mut enabled = alice.clone();
    enabled.disabled = false;
    enabled.sessions_not_before = None;
    store.upsert_user(&enabled).await.unwrap();
    assert_eq!(
        store.find_user(&alice.subject).await.unwrap(),
        Some(enabled.clone()),
        "upsert replaces the account status, back to enabled"
    );

    let mut later_sessions = enabled;
    later_sessions.sessions_not_before = Some(later(60));
    store.upsert_user(&later_sessions).await.unwrap();
    assert_eq!(
        store.find_user(&alice.subject).await.unwrap(),
        Some(later_sessions),
        "upsert sets sessions_not_before on an enabled user"
    );
}

/// Users: deleting a user deletes their consents and refresh tokens, and nobody else's.
pub async fn user_delete<S: Storage>(store: Arc<S>) {
    let alice = user("s-1", "alice");
    let bob = user("s-2", "bob");
    store.upsert_user(&alice).await.unwrap();
    store.upsert_user(&bob).await.unwrap();
    let (first_client, second_client) = (ClientId::new("client-1"), ClientId::new("client-2"));
    let scope = Scope::parse("openid profile").unwrap();
    for (subject, client_id) in [
        (&alice.subject, &first_client),
        (&alice.subject, &second_client),
        (&bob.subject, &first_client),
    ] {
        store
            .upsert_consent(subject, client_id, &scope, NOW)
            .await
            .unwrap();
    }
    let alices = refresh_of("nrt_alice_1", "family-alice", &alice.subject);
    let successor = refresh_of("nrt_alice_2", "family-alice", &alice.subject);
    let other_family = refresh_of("nrt_alice_3", "family-alice-2", &alice.subject);
    let bobs = refresh_of("nrt_bob", "family-bob", &bob.subject);
    for token in [&alices, &other_family, &bobs] {
        store.insert_refresh_token(token).await.unwrap();
    }
    assert!(
        store
            .rotate_refresh_token(&alices.digest, &successor, later(1))
            .await
            .unwrap()
    );

    assert!(
        store.delete_user(&alice.subject).await.unwrap(),
        "deleting an existing user reports it existed"
    );
    assert_eq!(store.find_user(&alice.subject).await.unwrap(), None);
    assert_eq!(store.find_user_by_username("alice").await.unwrap(), None);
    assert_eq!(
        store.list_users(&Page::default()).await.unwrap(),
        vec![bob.clone()]
    );
    for client_id in [&first_client, &second_client] {
        assert_eq!(
            store.find_consent(&alice.subject, client_id).await.unwrap(),
            None,
            "the user's consents go with the user"
        );
    }
    for token in [&alices, &successor, &other_family] {
        assert_eq!(
            store.find_refresh_token(&token.digest).await.unwrap(),
            None,
            "the user's refresh tokens go with the user, rotated or not, in every family"
        );
    }
    assert_eq!(
        store.find_user(&bob.subject).await.unwrap(),
        Some(bob.clone())
    );
    assert_eq!(
        store
            .find_consent(&bob.subject, &first_client)
            .await
            .unwrap(),
        Some(scope),
        "another user's consent stays"
    );
    assert_eq!(
        store.find_refresh_token(&bobs.digest).await.unwrap(),
        Some(bobs),
        "another user's refresh token stays"
    );

    assert!(
        !store.delete_user(&alice.subject).await.unwrap(),
        "deleting twice reports the second as absent"
    );
    assert!(
        !store
            .delete_user(&Subject::new("no-such-user"))
            .await
            .unwrap()
    );
    let successor_account = user("s-3", "alice");
    store.upsert_user(&successor_account).await.unwrap();
    assert_eq!(
        store.find_user_by_username("alice").await.unwrap(),
        Some(successor_account),
        "a deleted user's username is free again"
    );
}

/// Refresh tokens: revoking a subject's tokens revokes every one of them, in every family, and no one else's.
pub async fn refresh_subject_revocation<S: Storage>(store: Arc<S>) {
    let (alice, bob) = (Subject::new("s-1"), Subject::new("s-2"));
    let first = refresh_of("nrt_s1", "family-a", &alice);
    let second = refresh_of("nrt_s2", "family-a", &alice);
    let other_family = refresh_of("nrt_s3", "family-b", &alice);
    let bobs = refresh_of("nrt_s4", "family-c", &bob);
    for token in [&first, &other_family, &bobs] {
        store.insert_refresh_token(token).await.unwrap();
    }
    assert!(
        store
            .rotate_refresh_token(&first.digest, &second, later(1))
            .await
            .unwrap()
    );

    store.revoke_refresh_tokens_of(&alice).await.unwrap();
    for token in [&first, &second, &other_family] {
        let found = store
            .find_refresh_token(&token.digest)
            .await
            .unwrap()
            .unwrap();
        assert!(found.revoked, "every token of the subject is revoked");
        assert_eq!(
            found.family_expires_at, token.family_expires_at,
            "revocation changes nothing else"
        );
    }
    let third = refresh_of("nrt_s5", "family-a", &alice);
    assert!(
        !store
            .rotate_refresh_token(&second.digest, &third, later(2))
            .await
            .unwrap(),
        "a revoked token cannot rotate"
    );
    assert_eq!(store.find_refresh_token(&third.digest).await.unwrap(), None);
    assert_eq!(
        store.find_refresh_token(&bobs.digest).await.unwrap(),
        Some(bobs),
        "another subject's tokens are untouched"
    );
    store
        .revoke_refresh_tokens_of(&Subject::new("no-such-user"))
        .await
        .unwrap();
}
