//! The provider's typed, validated configuration. Parsing files and the environment is the binary's job.

use std::time::Duration;

use url::Url;

use crate::error::Error;
use crate::keys::Algorithm;
use crate::password::PasswordHashingConfig;
use crate::throttle::ThrottleConfig;

/// Provider settings with secure defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ProviderConfig {
    /// The issuer identifier: an `https` URL, or `http` on a loopback host for development.
    pub issuer: Url,
    /// The default JWS algorithm for access and ID tokens.
    pub signing_algorithm: Algorithm,
    /// Access token lifetime (default 10 minutes).
    pub access_token_lifetime: Duration,
    /// ID token lifetime (default 10 minutes).
    pub id_token_lifetime: Duration,
    /// Refresh token lifetime (default 30 days); each rotation starts it anew, within the family's absolute
    /// lifetime.
    pub refresh_token_lifetime: Duration,
    /// The absolute lifetime of a refresh-token family, counted from the grant; rotation never extends it
    /// (default 90 days).
    pub refresh_token_absolute_lifetime: Duration,
    /// Authorization code lifetime (default and maximum 60 seconds).
    pub code_lifetime: Duration,
    /// Browser session lifetime (default 12 hours).
    pub session_lifetime: Duration,
    /// The `aud` of access tokens when the request names no resource (default: the issuer).
    pub access_token_audience: String,
    /// Limits on failed sign-ins and client authentications.
    pub throttle: ThrottleConfig,
    /// How password hashing is bounded.
    pub password_hashing: PasswordHashingConfig,
    /// The languages the pages speak (BCP 47 tags, advertised as `ui_locales_supported`); the first is the
    /// default. An adapter offers only languages it has messages for.
    pub ui_locales: Vec<String>,
}

impl ProviderConfig {
    /// A configuration for `issuer` with the defaults.
    ///
    /// # Errors
    /// `invalid_request` when the issuer is not `https` (or `http` on loopback), or has a query or fragment.
    pub fn new(issuer: &str) -> Result<Self, Error> {
        let trimmed = issuer.trim_end_matches('/');
        let issuer =
            Url::parse(trimmed).map_err(|_| Error::invalid_request("issuer is not a URL"))?;
        let loopback = matches!(issuer.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if issuer.scheme() != "https" && !(issuer.scheme() == "http" && loopback) {
            return Err(Error::invalid_request(
                "issuer must be https (http only on a loopback host)",
            ));
        }
        if issuer.query().is_some() || issuer.fragment().is_some() {
            return Err(Error::invalid_request(
                "issuer must not have a query or fragment",
            ));
        }
        Ok(Self {
            access_token_audience: trimmed.to_owned(),
            issuer,
            signing_algorithm: Algorithm::ES256,
            access_token_lifetime: Duration::from_secs(600),
            id_token_lifetime: Duration::from_secs(600),
            refresh_token_lifetime: Duration::from_secs(30 * 24 * 3600),
            refresh_token_absolute_lifetime: Duration::from_secs(90 * 24 * 3600),
            code_lifetime: Duration::from_secs(60),
            session_lifetime: Duration::from_secs(12 * 3600),
            throttle: ThrottleConfig::default(),
            password_hashing: PasswordHashingConfig::default(),
            ui_locales: vec!["en".to_owned(), "de".to_owned()],
        })
    }

    /// The default language of the pages: the first of [`ui_locales`](Self::ui_locales), else `en`.
    pub fn default_locale(&self) -> &str {
        self.ui_locales.first().map_or("en", String::as_str)
    }

    /// The issuer exactly as it appears in `iss` (no trailing slash).
    pub fn issuer_str(&self) -> &str {
        self.issuer.as_str().trim_end_matches('/')
    }

    /// Whether cookies must be `Secure`: always, except for plain-http loopback development.
    pub fn secure_cookies(&self) -> bool {
        self.issuer.scheme() == "https"
    }

    /// The URL of an endpoint below the issuer, e.g. `endpoint("/token")`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer_str())
    }

    /// The path prefix of the issuer (empty at the root), under which the endpoints are mounted.
    pub fn path_prefix(&self) -> &str {
        self.issuer.path().trim_end_matches('/')
    }

    /// The longest lifetime of a signed token, for how long retired keys stay published.
    pub fn longest_token_lifetime(&self) -> Duration {
        self.access_token_lifetime.max(self.id_token_lifetime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_rules() {
        assert!(ProviderConfig::new("https://id.example.com").is_ok());
        assert!(ProviderConfig::new("http://127.0.0.1:8080").is_ok());
        assert!(ProviderConfig::new("http://id.example.com").is_err());
        assert!(ProviderConfig::new("https://id.example.com/?a=b").is_err());
        let config = ProviderConfig::new("https://app.example.com/auth/").unwrap();
        assert_eq!(config.issuer_str(), "https://app.example.com/auth");
        assert_eq!(
            config.endpoint("/token"),
            "https://app.example.com/auth/token"
        );
        assert_eq!(config.path_prefix(), "/auth");
        assert!(config.secure_cookies());
    }
}
