//! The backend-agnostic conformance suite: the behaviour every [`Storage`] implementation must show, as
//! checks a backend's own test suite runs against fresh stores.
//!
//! The simplest use is the [`storage_conformance!`](crate::storage_conformance) macro in an integration test:
//! it generates one `#[test]` per check, each on a fresh store from the expression you give, running on a
//! multi-thread tokio runtime (the checks include truly concurrent calls):
//!
//! ```text
//! // tests/conformance.rs of a backend crate, built with nauthera-storage's `testkit` feature.
//! nauthera_storage::storage_conformance!(async { MyStore::connect("...").await.unwrap() });
//! ```
//!
//! The expression is evaluated once per check and yields either the store itself or a [`Guarded`] store that
//! keeps something alive (a temporary directory, a container) until the check ends. [`run_all`] runs every
//! check from one test instead, and each check is also a public async function taking `Arc<S>`.
//!
//! Failures panic with a message naming the broken property, like `assert!`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the test kit reports failures by panicking, as assert! does"
)]

mod accounts;
mod checks;
mod fixtures;
mod people;
mod secrets;

use std::any::Any;
use std::future::Future;
use std::sync::Arc;

use nauthera_core::Storage;

pub use accounts::{refresh_subject_revocation, user_delete, user_status};
pub use checks::{
    client_crud, code_concurrent_redeem, code_single_use, consent_upsert_find,
    key_first_start_race, key_lifecycle, refresh_concurrent_rotation, refresh_family_revocation,
    refresh_rotation, revocations, user_crud,
};
pub use people::{
    consent_revocation, group_memberships, preferences_round_trip, user_delete_people, users_paged,
};
pub use secrets::{secret_first_start_race, secret_lifecycle};

/// What a store factory yields: a store, possibly with something to keep alive while the check runs.
pub trait Fixture: Send + 'static {
    /// The store under test.
    type Store: Storage;
    /// Splits into the store and a guard dropped after the check (and after the store).
    fn into_parts(self) -> (Self::Store, Box<dyn Any + Send>);
}

impl<S: Storage> Fixture for S {
    type Store = S;
    fn into_parts(self) -> (S, Box<dyn Any + Send>) {
        (self, Box::new(()))
    }
}

/// A store with a guard that must outlive it, such as the temporary directory holding its database.
#[derive(Debug)]
pub struct Guarded<S, G> {
    /// The store under test.
    pub store: S,
    /// Dropped after the check, once the store is gone.
    pub guard: G,
}

impl<S, G> Guarded<S, G> {
    /// Pairs a store with its guard.
    pub fn new(store: S, guard: G) -> Self {
        Self { store, guard }
    }
}

impl<S: Storage, G: Send + 'static> Fixture for Guarded<S, G> {
    type Store = S;
    fn into_parts(self) -> (S, Box<dyn Any + Send>) {
        (self.store, Box::new(self.guard))
    }
}

/// Runs one check on a fresh fixture from `make`, on a new multi-thread tokio runtime. Used by
/// [`storage_conformance!`](crate::storage_conformance); call it from a plain `#[test]`.
///
/// # Panics
/// When the runtime cannot start or the check fails.
pub fn run<F, Fut, X, C, CFut>(make: F, check: C)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = X>,
    X: Fixture,
    C: FnOnce(Arc<X::Store>) -> CFut,
    CFut: Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a tokio runtime for the conformance check");
    runtime.block_on(async move {
        let (store, guard) = make().await.into_parts();
        check(Arc::new(store)).await;
        drop(guard);
    });
}

/// Runs every check, each on a fresh fixture from `make`, inside the caller's (multi-thread) runtime.
///
/// # Panics
/// When a check fails.
pub async fn run_all<F, Fut, X>(mut make: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = X>,
    X: Fixture,
{
    macro_rules! each {
        ($($check:ident),* $(,)?) => {
            $(
                let (store, guard) = make().await.into_parts();
                $check(Arc::new(store)).await;
                drop(guard);
            )*
        };
    }
    each!(
        client_crud,
        user_crud,
        user_status,
        user_delete,
        code_single_use,
        code_concurrent_redeem,
        refresh_rotation,
        refresh_concurrent_rotation,
        refresh_family_revocation,
        refresh_subject_revocation,
        revocations,
        consent_upsert_find,
        key_lifecycle,
        key_first_start_race,
        secret_lifecycle,
        secret_first_start_race,
        group_memberships,
        user_delete_people,
        preferences_round_trip,
        users_paged,
        consent_revocation,
    );
}

/// Generates one `#[test]` per conformance check, each running on a fresh fixture from the given expression
/// (a future yielding a [`Storage`] or a [`Guarded`](crate::testkit::Guarded) store).
///
/// ```text
/// nauthera_storage::storage_conformance!(async { MyStore::connect("...").await.unwrap() });
/// ```
#[macro_export]
macro_rules! storage_conformance {
    ($make:expr $(,)?) => {
        $crate::storage_conformance!(
            @checks ($make)
            client_crud,
            user_crud,
            user_status,
            user_delete,
            code_single_use,
            code_concurrent_redeem,
            refresh_rotation,
            refresh_concurrent_rotation,
            refresh_family_revocation,
            refresh_subject_revocation,
            revocations,
            consent_upsert_find,
            key_lifecycle,
            key_first_start_race,
            secret_lifecycle,
            secret_first_start_race,
            group_memberships,
            user_delete_people,
            preferences_round_trip,
            users_paged,
            consent_revocation,
        );
    };
    (@checks ($make:expr) $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                $crate::testkit::run(|| $make, $crate::testkit::$check);
            }
        )*
    };
}
