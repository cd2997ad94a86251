//! The state every handler shares.

use std::sync::Arc;

use nauthera_core::{Cache, Provider, Storage};
use tokio::sync::Semaphore;

/// The provider and the limits the HTTP layer enforces around it.
pub(crate) struct AppState<S, C> {
    pub(crate) provider: Arc<Provider<S, C>>,
    /// Bounds concurrent argon2id verifications so a burst of logins cannot starve token requests.
    pub(crate) password_permits: Semaphore,
}

impl<S: Storage, C: Cache> AppState<S, C> {
    pub(crate) fn new(provider: Arc<Provider<S, C>>, concurrent_password_hashes: usize) -> Self {
        Self {
            provider,
            password_permits: Semaphore::new(concurrent_password_hashes.max(1)),
        }
    }

    /// The form action for a path below the issuer (the provider may be mounted under a prefix).
    pub(crate) fn action(&self, path: &str) -> String {
        format!("{}{path}", self.provider.config().path_prefix())
    }
}

/// Shared state as handlers receive it.
pub(crate) type Shared<S, C> = Arc<AppState<S, C>>;
