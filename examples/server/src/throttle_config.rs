//! `[throttle]` and `[password_hashing]`: limits on guessing and on the password-hashing pool.

use std::time::Duration;

use nauthera_core::ProviderConfig;
use nauthera_core::password::PasswordHashingConfig;
use nauthera_core::throttle::{ThrottleConfig, ThrottleLimits};
use nauthera_http::TrustedProxy;
use serde::Deserialize;

use crate::config::ConfigError;

/// `[throttle]`: failed sign-ins and client authentications, and where client addresses come from.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleSection {
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` gives the client address; by default
    /// none, and the socket peer is the client.
    pub trusted_proxies: Vec<String>,
    /// Failed sign-ins per username (default: 5 free, then 1 s doubling to 900 s, remembered 3600 s).
    pub account: Option<LimitsTable>,
    /// Failed sign-ins per client address (default: 20 free, then 1 s doubling to 900 s).
    pub address: Option<LimitsTable>,
    /// Failed client authentications per `client_id` (default: 10 free, then 1 s doubling to 300 s).
    pub client: Option<LimitsTable>,
    /// Failed client authentications per client address (default: 20 free, then 1 s doubling to 300 s).
    pub client_address: Option<LimitsTable>,
}

/// One kind of key's limits; unset values keep the default.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsTable {
    /// Failures allowed before the back-off starts.
    pub free_failures: Option<u32>,
    /// The first block, in seconds; it doubles with every further failure.
    pub base_delay_secs: Option<u64>,
    /// The longest block, in seconds.
    pub max_delay_secs: Option<u64>,
    /// How long failures are remembered after the last one, in seconds.
    pub window_secs: Option<u64>,
}

impl LimitsTable {
    /// Refuses values that would switch throttling off without saying so.
    fn validate(&self, name: &str) -> Result<(), ConfigError> {
        let invalid = |reason: &str| ConfigError::Invalid(format!("throttle.{name}: {reason}"));
        if self.base_delay_secs == Some(0) {
            return Err(invalid("base_delay_secs must be at least 1"));
        }
        if self.window_secs == Some(0) {
            return Err(invalid("window_secs must be at least 1"));
        }
        if self.max_delay_secs == Some(0) {
            return Err(invalid("max_delay_secs must be at least 1"));
        }
        Ok(())
    }

    fn apply(&self, limits: &mut ThrottleLimits) {
        let seconds = |value: Option<u64>, target: &mut Duration| {
            if let Some(value) = value {
                *target = Duration::from_secs(value);
            }
        };
        if let Some(free) = self.free_failures {
            limits.free_failures = free;
        }
        seconds(self.base_delay_secs, &mut limits.base_delay);
        seconds(self.max_delay_secs, &mut limits.max_delay);
        seconds(self.window_secs, &mut limits.window);
    }
}

/// `[password_hashing]`: the bounded argon2id pool.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordHashingSection {
    /// How many hashes run at once, each with its own 19 MiB buffer (default: the number of CPUs).
    pub workers: Option<usize>,
    /// How long a sign-in may wait for a free worker before it is answered `503` with `Retry-After`, in
    /// milliseconds (default 2000).
    pub max_wait_ms: Option<u64>,
}

impl ThrottleSection {
    /// Applies the limits to the provider's configuration.
    pub fn apply(&self, config: &mut ThrottleConfig) {
        let tables = [
            (&self.account, &mut config.account),
            (&self.address, &mut config.address),
            (&self.client, &mut config.client),
            (&self.client_address, &mut config.client_address),
        ];
        for (table, limits) in tables {
            if let Some(table) = table {
                table.apply(limits);
            }
        }
    }

    /// Checks every table and the trusted proxies.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the key that would switch throttling off, or a bad proxy entry.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let tables = [
            ("account", &self.account),
            ("address", &self.address),
            ("client", &self.client),
            ("client_address", &self.client_address),
        ];
        for (name, table) in tables {
            if let Some(table) = table {
                table.validate(name)?;
            }
        }
        self.trusted_proxies().map(drop)
    }

    /// The trusted proxies.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for an entry that is not an address or CIDR block.
    pub fn trusted_proxies(&self) -> Result<Vec<TrustedProxy>, ConfigError> {
        self.trusted_proxies
            .iter()
            .map(|entry| {
                entry.parse().map_err(|error| {
                    ConfigError::Invalid(format!("throttle.trusted_proxies: {error}"))
                })
            })
            .collect()
    }
}

impl PasswordHashingSection {
    /// Refuses a pool that could never hash.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for zero workers or a zero wait.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.workers == Some(0) {
            return Err(ConfigError::Invalid(
                "password_hashing.workers must be at least 1".to_owned(),
            ));
        }
        if self.max_wait_ms == Some(0) {
            return Err(ConfigError::Invalid(
                "password_hashing.max_wait_ms must be at least 1".to_owned(),
            ));
        }
        Ok(())
    }

    /// Applies the pool settings to the provider's configuration.
    pub fn apply(&self, config: &mut PasswordHashingConfig) {
        if let Some(workers) = self.workers {
            config.workers = workers.max(1);
        }
        if let Some(millis) = self.max_wait_ms {
            config.max_wait = Duration::from_millis(millis);
        }
    }
}

/// Applies both sections to `config`.
pub(crate) fn apply(
    throttle: &ThrottleSection,
    hashing: &PasswordHashingSection,
    config: &mut ProviderConfig,
) {
    throttle.apply(&mut config.throttle);
    hashing.apply(&mut config.password_hashing);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_override_only_what_they_name() {
        let section: ThrottleSection = toml::from_str(
            "trusted_proxies = [\"10.0.0.0/8\"]\n[account]\nfree_failures = 3\nmax_delay_secs = 60\n",
        )
        .unwrap();
        let mut config = ThrottleConfig::default();
        section.apply(&mut config);
        assert_eq!(config.account.free_failures, 3);
        assert_eq!(config.account.max_delay, Duration::from_secs(60));
        assert_eq!(
            config.account.base_delay,
            ThrottleConfig::default().account.base_delay
        );
        assert_eq!(config.address, ThrottleConfig::default().address);
        assert_eq!(section.trusted_proxies().unwrap().len(), 1);
        let bad = ThrottleSection {
            trusted_proxies: vec!["proxy.example".into()],
            ..ThrottleSection::default()
        };
        assert!(bad.trusted_proxies().is_err());
        assert!(bad.validate().is_err());
        let off: ThrottleSection = toml::from_str("[client]\nbase_delay_secs = 0\n").unwrap();
        assert!(off.validate().is_err());
        let hashing: PasswordHashingSection = toml::from_str("max_wait_ms = 0\n").unwrap();
        assert!(hashing.validate().is_err());
    }
}
