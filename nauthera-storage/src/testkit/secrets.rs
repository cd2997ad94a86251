//! The checks of server secrets: listing by purpose, the first-start insert, rotation, and the first-start race.

use std::sync::Arc;

use nauthera_core::keys::StoredSecret;
use nauthera_core::{Storage, SystemRandom};

use super::checks::{RACERS, join_all};
use super::fixtures::{NOW, later, same_secret, secret};

/// The secret with `id` among `secrets`.
fn find<'a>(secrets: &'a [StoredSecret], id: &str) -> &'a StoredSecret {
    secrets
        .iter()
        .find(|secret| secret.id == id)
        .unwrap_or_else(|| panic!("secret {id:?} is listed"))
}

/// Secrets: listed by purpose; the first-start insert keeps the first; rotation retires the active secret of its
/// purpose only; values round-trip whatever their first byte.
pub async fn secret_lifecycle<S: Storage>(store: Arc<S>) {
    assert!(store.list_secrets("session").await.unwrap().is_empty());

    let first = secret("session-1", "session", 0x01, NOW);
    store.insert_secret_if_none_active(&first).await.unwrap();
    let ignored = secret("session-2", "session", 0x30, later(1));
    store.insert_secret_if_none_active(&ignored).await.unwrap();
    let listed = store.list_secrets("session").await.unwrap();
    assert_eq!(listed.len(), 1, "a second first-start insert is ignored");
    assert!(same_secret(&listed[0], &first), "a secret round-trips");

    let other = secret("csrf-1", "csrf", 0x30, later(2));
    store.insert_secret_if_none_active(&other).await.unwrap();
    let listed = store.list_secrets("csrf").await.unwrap();
    assert_eq!(listed.len(), 1, "another purpose has its own active secret");
    assert!(same_secret(&listed[0], &other));
    assert_eq!(
        store.list_secrets("session").await.unwrap().len(),
        1,
        "secrets are listed by purpose"
    );

    let next = secret("session-3", "session", 0x00, later(3));
    store.rotate_secret(&next, later(3)).await.unwrap();
    let listed = store.list_secrets("session").await.unwrap();
    assert_eq!(listed.len(), 2, "retired secrets stay listed");
    assert_eq!(
        find(&listed, &first.id).retired_at,
        Some(later(3)),
        "rotation retires the active secret of the purpose"
    );
    assert!(
        same_secret(find(&listed, &next.id), &next),
        "the new secret is active"
    );
    assert!(
        same_secret(&store.list_secrets("csrf").await.unwrap()[0], &other),
        "rotation leaves other purposes alone"
    );

    store
        .insert_secret_if_none_active(&secret("session-4", "session", 0xff, later(4)))
        .await
        .unwrap();
    assert_eq!(
        store.list_secrets("session").await.unwrap().len(),
        2,
        "after rotation an active secret still blocks the first-start insert"
    );

    let last = secret("session-5", "session", 0xff, later(5));
    store.rotate_secret(&last, later(5)).await.unwrap();
    let listed = store.list_secrets("session").await.unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(
        find(&listed, &first.id).retired_at,
        Some(later(3)),
        "rotation keeps earlier retirement times"
    );
    assert_eq!(find(&listed, &next.id).retired_at, Some(later(5)));
    let active: Vec<_> = listed.iter().filter(|s| s.retired_at.is_none()).collect();
    assert_eq!(active.len(), 1, "exactly one active secret per purpose");
    assert!(same_secret(active[0], &last));
    assert!(store.list_secrets("unknown").await.unwrap().is_empty());
}

/// Secrets: replicas racing to create the first secret of a purpose leave exactly one, active.
pub async fn secret_first_start_race<S: Storage>(store: Arc<S>) {
    let handles = (0..RACERS)
        .map(|_| {
            let store = Arc::clone(&store);
            let candidate = StoredSecret::generate("session", &SystemRandom::new(), NOW).unwrap();
            tokio::spawn(async move {
                store
                    .insert_secret_if_none_active(&candidate)
                    .await
                    .unwrap();
            })
        })
        .collect();
    join_all(handles).await;
    let secrets = store.list_secrets("session").await.unwrap();
    assert_eq!(
        secrets.len(),
        1,
        "exactly one racing first-start secret is stored"
    );
    assert_eq!(secrets[0].retired_at, None);
}
