//! The state every handler shares.

use std::sync::Arc;

use nauthera_core::{Cache, Provider, Storage};

use crate::client_ip::TrustedProxy;
use crate::i18n::Localizer;

/// The provider and the settings the HTTP layer applies around it.
pub(crate) struct AppState<S, C> {
    pub(crate) provider: Arc<Provider<S, C>>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub(crate) trusted_proxies: Vec<TrustedProxy>,
    /// The pages' languages.
    pub(crate) localizer: Arc<Localizer>,
}

impl<S: Storage, C: Cache> AppState<S, C> {
    pub(crate) fn new(provider: Arc<Provider<S, C>>, trusted_proxies: Vec<TrustedProxy>) -> Self {
        let localizer = Arc::new(Localizer::new(&provider.config().ui_locales));
        Self {
            provider,
            trusted_proxies,
            localizer,
        }
    }

    /// The form action for a path below the issuer (the provider may be mounted under a prefix).
    pub(crate) fn action(&self, path: &str) -> String {
        format!("{}{path}", self.provider.config().path_prefix())
    }
}

/// Shared state as handlers receive it.
pub(crate) type Shared<S, C> = Arc<AppState<S, C>>;
