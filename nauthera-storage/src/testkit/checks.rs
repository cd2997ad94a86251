//! The checks. Each takes a fresh store and panics, naming the property, when the store breaks it.

use std::sync::Arc;

use nauthera_core::keys::Algorithm;
use nauthera_core::people::Page;
use nauthera_core::secret::TokenDigest;
use nauthera_core::storage::RevocationKey;
use nauthera_core::types::{ClientId, GrantId, Scope, SessionId, Subject};
use nauthera_core::{Storage, StorageErrorKind};

use super::fixtures::{NOW, client, code, key, later, refresh, same_key, user};

/// How many tasks race in the concurrency checks.
pub(super) const RACERS: usize = 8;

/// Waits for every task, in order.
pub(super) async fn join_all<T: Send + 'static>(
    handles: Vec<tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("racing task panicked"));
    }
    out
}

/// Clients: upsert inserts and replaces, find, list ordered by id, delete reports whether it existed.
pub async fn client_crud<S: Storage>(store: Arc<S>) {
    let missing = ClientId::new("client-1");
    assert_eq!(store.find_client(&missing).await.unwrap(), None);
    assert!(store.list_clients().await.unwrap().is_empty());

    let second = client("client-2", "Second");
    let first = client("client-1", "First");
    store.upsert_client(&second).await.unwrap();
    store.upsert_client(&first).await.unwrap();
    assert_eq!(
        store.find_client(&first.client_id).await.unwrap().as_ref(),
        Some(&first),
        "a client round-trips every field"
    );
    assert_eq!(
        store.list_clients().await.unwrap(),
        vec![first.clone(), second.clone()],
        "list_clients is ordered by id"
    );

    let mut renamed = first.clone();
    renamed.client_name = "First, renamed".to_owned();
    renamed.redirect_uris.clear();
    renamed.secret_hash = None;
    store.upsert_client(&renamed).await.unwrap();
    assert_eq!(
        store.find_client(&first.client_id).await.unwrap(),
        Some(renamed.clone()),
        "upsert replaces"
    );
    assert_eq!(store.list_clients().await.unwrap().len(), 2);

    assert!(store.delete_client(&first.client_id).await.unwrap());
    assert!(
        !store.delete_client(&first.client_id).await.unwrap(),
        "deleting twice reports the second as absent"
    );
    assert_eq!(store.find_client(&first.client_id).await.unwrap(), None);
    assert_eq!(store.list_clients().await.unwrap(), vec![second]);
}

/// Users: upsert keyed by subject, find by subject and username, list ordered by username, unique usernames.
pub async fn user_crud<S: Storage>(store: Arc<S>) {
    assert_eq!(store.find_user(&Subject::new("s-1")).await.unwrap(), None);
    assert_eq!(store.find_user_by_username("alice").await.unwrap(), None);

    let bob = user("s-2", "bob");
    let alice = user("s-1", "alice");
    store.upsert_user(&bob).await.unwrap();
    store.upsert_user(&alice).await.unwrap();
    assert_eq!(
        store.find_user(&alice.subject).await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        store.find_user_by_username("bob").await.unwrap(),
        Some(bob.clone())
    );
    assert_eq!(
        store.list_users(&Page::default()).await.unwrap(),
        vec![alice.clone(), bob.clone()],
        "list_users is ordered by username"
    );

    let mut renamed = alice.clone();
    renamed.username = "zoe".to_owned();
    renamed.claims.email = None;
    store.upsert_user(&renamed).await.unwrap();
    assert_eq!(
        store.find_user_by_username("alice").await.unwrap(),
        None,
        "upsert by subject replaces the username"
    );
    assert_eq!(
        store.find_user_by_username("zoe").await.unwrap(),
        Some(renamed.clone())
    );
    assert_eq!(
        store.list_users(&Page::default()).await.unwrap(),
        vec![bob.clone(), renamed]
    );

    let impostor = user("s-3", "bob");
    let error = store
        .upsert_user(&impostor)
        .await
        .expect_err("a second user with the same username is rejected");
    assert_eq!(error.kind(), StorageErrorKind::Conflict);
    assert_eq!(store.find_user_by_username("bob").await.unwrap(), Some(bob));
}

/// Codes: insert, find, and redeem exactly once.
pub async fn code_single_use<S: Storage>(store: Arc<S>) {
    let record = code("nac_one", "grant-1");
    assert_eq!(store.find_code(&record.digest).await.unwrap(), None);
    assert!(
        !store.redeem_code(&record.digest, NOW).await.unwrap(),
        "an unknown code cannot be redeemed"
    );
    store.insert_code(&record).await.unwrap();
    assert_eq!(
        store.find_code(&record.digest).await.unwrap().as_ref(),
        Some(&record)
    );

    let mut without_nonce = code("nac_two", "grant-2");
    without_nonce.nonce = None;
    store.insert_code(&without_nonce).await.unwrap();
    assert_eq!(
        store.find_code(&without_nonce.digest).await.unwrap(),
        Some(without_nonce)
    );

    assert!(store.redeem_code(&record.digest, later(5)).await.unwrap());
    assert!(
        !store.redeem_code(&record.digest, later(6)).await.unwrap(),
        "a code is redeemed once"
    );
    let redeemed = store.find_code(&record.digest).await.unwrap().unwrap();
    assert_eq!(
        redeemed.redeemed_at,
        Some(later(5)),
        "find_code still returns a redeemed code, with its redemption time"
    );
    assert!(
        store.insert_code(&record).await.is_err(),
        "a digest is stored once"
    );
}

/// Codes: of concurrent redemptions, exactly one succeeds.
pub async fn code_concurrent_redeem<S: Storage>(store: Arc<S>) {
    let record = code("nac_race", "grant-race");
    store.insert_code(&record).await.unwrap();
    let handles = (0..RACERS)
        .map(|_| {
            let store = Arc::clone(&store);
            let digest = record.digest.clone();
            tokio::spawn(async move { store.redeem_code(&digest, NOW).await.unwrap() })
        })
        .collect();
    let winners = join_all(handles)
        .await
        .into_iter()
        .filter(|won| *won)
        .count();
    assert_eq!(winners, 1, "exactly one concurrent redemption succeeds");
}

/// Refresh tokens: insert, find, rotate once.
pub async fn refresh_rotation<S: Storage>(store: Arc<S>) {
    let first = refresh("nrt_1", "family");
    assert_eq!(store.find_refresh_token(&first.digest).await.unwrap(), None);
    store.insert_refresh_token(&first).await.unwrap();
    assert_eq!(
        store
            .find_refresh_token(&first.digest)
            .await
            .unwrap()
            .as_ref(),
        Some(&first)
    );

    let mut second = refresh("nrt_2", "family");
    second.issued_at = later(10);
    assert!(
        store
            .rotate_refresh_token(&first.digest, &second, later(10))
            .await
            .unwrap()
    );
    let rotated = store
        .find_refresh_token(&first.digest)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rotated.rotated_at,
        Some(later(10)),
        "the old token is marked rotated"
    );
    assert!(!rotated.revoked);
    assert_eq!(
        store
            .find_refresh_token(&second.digest)
            .await
            .unwrap()
            .as_ref(),
        Some(&second),
        "the successor is stored"
    );

    let third = refresh("nrt_3", "family");
    assert!(
        !store
            .rotate_refresh_token(&first.digest, &third, later(20))
            .await
            .unwrap(),
        "a rotated token cannot rotate again"
    );
    assert_eq!(
        store.find_refresh_token(&third.digest).await.unwrap(),
        None,
        "a failed rotation writes nothing"
    );
    assert_eq!(
        store
            .find_refresh_token(&first.digest)
            .await
            .unwrap()
            .unwrap()
            .rotated_at,
        Some(later(10)),
        "a failed rotation keeps the first rotation time"
    );
    assert!(
        !store
            .rotate_refresh_token(&TokenDigest::of("nrt_unknown"), &third, later(20))
            .await
            .unwrap(),
        "an unknown token cannot rotate"
    );
    assert_eq!(store.find_refresh_token(&third.digest).await.unwrap(), None);
    assert!(
        store
            .rotate_refresh_token(&second.digest, &third, later(20))
            .await
            .unwrap()
    );
}

/// Refresh tokens: of concurrent rotations of one token, exactly one succeeds and stores its successor.
pub async fn refresh_concurrent_rotation<S: Storage>(store: Arc<S>) {
    let first = refresh("nrt_race", "family-race");
    store.insert_refresh_token(&first).await.unwrap();
    let successors: Vec<_> = (0..RACERS)
        .map(|i| refresh(&format!("nrt_race_{i}"), "family-race"))
        .collect();
    let handles = successors
        .iter()
        .cloned()
        .map(|successor| {
            let store = Arc::clone(&store);
            let current = first.digest.clone();
            tokio::spawn(async move {
                store
                    .rotate_refresh_token(&current, &successor, later(1))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let outcomes = join_all(handles).await;
    assert_eq!(
        outcomes.iter().filter(|won| **won).count(),
        1,
        "exactly one concurrent rotation succeeds"
    );
    let mut stored = Vec::new();
    for (successor, won) in successors.iter().zip(&outcomes) {
        let found = store.find_refresh_token(&successor.digest).await.unwrap();
        assert_eq!(
            found.is_some(),
            *won,
            "only the winner's successor is stored"
        );
        if found.is_some() {
            stored.push(successor.digest.clone());
        }
    }
    assert_eq!(stored.len(), 1, "exactly one successor is stored");
}

/// Refresh tokens: revoking a family revokes every token in it and stops rotation; other families are intact.
pub async fn refresh_family_revocation<S: Storage>(store: Arc<S>) {
    let first = refresh("nrt_f1", "family-a");
    let second = refresh("nrt_f2", "family-a");
    let other = refresh("nrt_other", "family-b");
    store.insert_refresh_token(&first).await.unwrap();
    store.insert_refresh_token(&other).await.unwrap();
    assert!(
        store
            .rotate_refresh_token(&first.digest, &second, later(1))
            .await
            .unwrap()
    );

    let family = GrantId::new("family-a");
    store.revoke_refresh_family(&family).await.unwrap();
    for digest in [&first.digest, &second.digest] {
        let token = store.find_refresh_token(digest).await.unwrap().unwrap();
        assert!(token.revoked, "every token of the family is revoked");
    }
    let third = refresh("nrt_f3", "family-a");
    assert!(
        !store
            .rotate_refresh_token(&second.digest, &third, later(2))
            .await
            .unwrap(),
        "a revoked token cannot rotate"
    );
    assert_eq!(
        store.find_refresh_token(&third.digest).await.unwrap(),
        None,
        "a refused rotation writes nothing"
    );
    assert_eq!(
        store
            .find_refresh_token(&second.digest)
            .await
            .unwrap()
            .unwrap()
            .rotated_at,
        None,
        "a refused rotation does not mark the token rotated"
    );
    store.revoke_refresh_family(&family).await.unwrap();
    assert!(
        store
            .find_refresh_token(&second.digest)
            .await
            .unwrap()
            .unwrap()
            .revoked,
        "the family stays revoked"
    );
    assert!(
        !store
            .find_refresh_token(&other.digest)
            .await
            .unwrap()
            .unwrap()
            .revoked,
        "other families are untouched"
    );
    store
        .revoke_refresh_family(&GrantId::new("no-such-family"))
        .await
        .unwrap();
}

/// Revocations: `is_revoked` is true when any of the keys was revoked, and kinds do not collide.
pub async fn revocations<S: Storage>(store: Arc<S>) {
    let jti = RevocationKey::AccessToken("jti-1".to_owned());
    let grant = RevocationKey::Grant(GrantId::new("grant-1"));
    let session = RevocationKey::Session(SessionId::new("sid-1"));
    assert!(!store.is_revoked(&[]).await.unwrap());
    assert!(
        !store
            .is_revoked(&[jti.clone(), grant.clone(), session.clone()])
            .await
            .unwrap()
    );

    store.revoke(&jti, later(300)).await.unwrap();
    assert!(store.is_revoked(std::slice::from_ref(&jti)).await.unwrap());
    assert!(
        store
            .is_revoked(&[grant.clone(), session.clone(), jti.clone()])
            .await
            .unwrap(),
        "any revoked key counts"
    );
    assert!(
        !store
            .is_revoked(&[grant.clone(), session.clone()])
            .await
            .unwrap()
    );
    assert!(
        !store
            .is_revoked(&[RevocationKey::Grant(GrantId::new("jti-1"))])
            .await
            .unwrap(),
        "a grant id equal to a revoked jti is not revoked"
    );

    store.revoke(&jti, later(100)).await.unwrap();
    store.revoke(&jti, later(900)).await.unwrap();
    store.revoke(&session, later(60)).await.unwrap();
    assert!(store.is_revoked(&[session]).await.unwrap());
    assert!(store.is_revoked(&[jti]).await.unwrap());
    assert!(!store.is_revoked(&[grant]).await.unwrap());
}

/// Consents: find is empty until upsert; upsert replaces; consent is per subject and client.
pub async fn consent_upsert_find<S: Storage>(store: Arc<S>) {
    let subject = Subject::new("s-1");
    let client_id = ClientId::new("client-1");
    assert_eq!(
        store.find_consent(&subject, &client_id).await.unwrap(),
        None
    );

    let broad = Scope::parse("openid profile email").unwrap();
    store
        .upsert_consent(&subject, &client_id, &broad, NOW)
        .await
        .unwrap();
    assert_eq!(
        store.find_consent(&subject, &client_id).await.unwrap(),
        Some(broad)
    );

    let narrow = Scope::parse("openid").unwrap();
    store
        .upsert_consent(&subject, &client_id, &narrow, later(1))
        .await
        .unwrap();
    assert_eq!(
        store.find_consent(&subject, &client_id).await.unwrap(),
        Some(narrow),
        "upsert replaces the consented scope"
    );
    assert_eq!(
        store
            .find_consent(&subject, &ClientId::new("client-2"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .find_consent(&Subject::new("s-2"), &client_id)
            .await
            .unwrap(),
        None
    );
}

/// Keys: the first-start insert keeps one active key per algorithm; rotation retires the old key.
pub async fn key_lifecycle<S: Storage>(store: Arc<S>) {
    assert!(store.list_keys().await.unwrap().is_empty());

    let first = key(Algorithm::ES256, NOW);
    store
        .insert_key_if_none_active(Algorithm::ES256, &first)
        .await
        .unwrap();
    let ignored = key(Algorithm::ES256, later(1));
    store
        .insert_key_if_none_active(Algorithm::ES256, &ignored)
        .await
        .unwrap();
    let keys = store.list_keys().await.unwrap();
    assert_eq!(keys.len(), 1, "a second first-start insert is ignored");
    assert!(same_key(&keys[0], &first), "a key round-trips");

    let ed = key(Algorithm::EdDSA, later(2));
    store
        .insert_key_if_none_active(Algorithm::EdDSA, &ed)
        .await
        .unwrap();
    assert_eq!(
        store.list_keys().await.unwrap().len(),
        2,
        "another algorithm has its own active key"
    );

    let next = key(Algorithm::ES256, later(3));
    store.rotate_key(&next, later(3)).await.unwrap();
    let keys = store.list_keys().await.unwrap();
    assert_eq!(keys.len(), 3, "retired keys stay listed");
    let find = |kid: &str| keys.iter().find(|k| k.kid == kid).unwrap();
    assert_eq!(
        find(&first.kid).retired_at,
        Some(later(3)),
        "rotation retires the active key of the algorithm"
    );
    assert!(same_key(find(&next.kid), &next), "the new key is active");
    assert_eq!(
        find(&ed.kid).retired_at,
        None,
        "rotation leaves other algorithms alone"
    );
    let active_es256 = keys
        .iter()
        .filter(|k| k.algorithm == Algorithm::ES256 && k.retired_at.is_none())
        .count();
    assert_eq!(active_es256, 1);

    store
        .insert_key_if_none_active(Algorithm::ES256, &key(Algorithm::ES256, later(4)))
        .await
        .unwrap();
    assert_eq!(
        store.list_keys().await.unwrap().len(),
        3,
        "after rotation an active key still blocks the first-start insert"
    );
}

/// Keys: replicas racing to create the first key leave exactly one active key.
pub async fn key_first_start_race<S: Storage>(store: Arc<S>) {
    let handles = (0..RACERS)
        .map(|_| {
            let store = Arc::clone(&store);
            let candidate = key(Algorithm::ES256, NOW);
            tokio::spawn(async move {
                store
                    .insert_key_if_none_active(Algorithm::ES256, &candidate)
                    .await
                    .unwrap();
            })
        })
        .collect();
    join_all(handles).await;
    let keys = store.list_keys().await.unwrap();
    assert_eq!(
        keys.len(),
        1,
        "exactly one racing first-start key is stored"
    );
    assert_eq!(keys[0].retired_at, None);
}
