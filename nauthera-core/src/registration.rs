//! What makes a valid client, written once: the configuration file, the CLI and the admin API describe a client
//! as a [`ClientRegistration`] of raw values, and [`ClientRegistration::validate`] turns it into a
//! [`Client`] or says which field is wrong.
//!
//! The rules: a client id without control characters or surrounding spaces; a public client (`auth_method =
//! none`) has no secret and a confidential one has one; a public client may not use the client credentials
//! grant; at least one grant type; the authorization code grant needs at least one redirect URI; redirect URIs
//! are absolute, without fragments, compared exactly ([`RedirectUri::parse`]); the scope parses.

use crate::client::{Client, ClientAuthMethod, GrantType};
use crate::keys::Algorithm;
use crate::types::{ClientId, RedirectUri, Scope};

/// The scope a client may request when its registration names none.
pub const DEFAULT_CLIENT_SCOPE: &str = "openid profile email offline_access";

/// A client as an administrator describes it, before validation.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ClientRegistration {
    /// The client id.
    pub client_id: String,
    /// The display name (default: the client id).
    pub client_name: Option<String>,
    /// How the client authenticates (default: `client_secret_basic` with a secret, `none` without).
    pub auth_method: Option<ClientAuthMethod>,
    /// Redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// Grant types (default: authorization code and refresh token).
    pub grant_types: Option<Vec<GrantType>>,
    /// The scope the client may request (default [`DEFAULT_CLIENT_SCOPE`]).
    pub scope: Option<String>,
    /// First-party clients skip the consent page.
    pub first_party: bool,
    /// Issue refresh tokens without `offline_access`.
    pub always_issue_refresh_token: bool,
    /// `id_token_signed_response_alg` (`ES256`, `EdDSA`, `RS256`), or none for the server default.
    pub id_token_signed_response_alg: Option<String>,
    /// Who manages the client.
    pub owner: Option<String>,
}

/// Whether the registration comes with a secret.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum SecretProvision {
    /// A secret is given with the registration.
    Given,
    /// A secret will be generated (or kept) for a confidential client.
    Generated,
    /// No secret: the client must be public.
    Absent,
}

/// A registration that breaks a rule: which field, and why.
#[derive(Clone, Debug, Eq, PartialEq, thiserror::Error)]
#[error("{field}: {reason}")]
#[non_exhaustive]
pub struct RegistrationError {
    /// The field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl RegistrationError {
    fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl ClientRegistration {
    /// A registration of `client_id` with every other field at its default.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            ..Self::default()
        }
    }

    /// Checks every rule and builds the client (without a secret hash: the caller sets or keeps it).
    ///
    /// # Errors
    /// [`RegistrationError`] naming the first field that breaks a rule.
    pub fn validate(self, secret: SecretProvision) -> Result<Client, RegistrationError> {
        let id = &self.client_id;
        if id.is_empty() {
            return Err(RegistrationError::new("client_id", "is required"));
        }
        if id.trim() != id || id.chars().any(char::is_control) {
            return Err(RegistrationError::new(
                "client_id",
                "must not contain control characters or surrounding spaces",
            ));
        }
        let method = self.auth_method.unwrap_or(match secret {
            SecretProvision::Absent => ClientAuthMethod::None,
            SecretProvision::Given | SecretProvision::Generated => {
                ClientAuthMethod::ClientSecretBasic
            }
        });
        match (method, secret) {
            (ClientAuthMethod::None, SecretProvision::Given) => {
                return Err(RegistrationError::new(
                    "client_secret",
                    "a public client (auth_method none) has no secret",
                ));
            }
            (method, SecretProvision::Absent) if method != ClientAuthMethod::None => {
                return Err(RegistrationError::new(
                    "client_secret",
                    "a confidential client needs a secret",
                ));
            }
            _ => {}
        }
        let grant_types = self
            .grant_types
            .unwrap_or_else(|| vec![GrantType::AuthorizationCode, GrantType::RefreshToken]);
        if grant_types.is_empty() {
            return Err(RegistrationError::new("grant_types", "name at least one"));
        }
        if method == ClientAuthMethod::None && grant_types.contains(&GrantType::ClientCredentials) {
            return Err(RegistrationError::new(
                "grant_types",
                "a public client cannot use client_credentials",
            ));
        }
        let redirect_uris = parse_uris("redirect_uris", &self.redirect_uris)?;
        if grant_types.contains(&GrantType::AuthorizationCode) && redirect_uris.is_empty() {
            return Err(RegistrationError::new(
                "redirect_uris",
                "the authorization_code grant needs at least one",
            ));
        }
        let mut client = Client::new(
            ClientId::new(id.clone()),
            self.client_name.unwrap_or_else(|| id.clone()),
            method,
        );
        client.redirect_uris = redirect_uris;
        client.post_logout_redirect_uris =
            parse_uris("post_logout_redirect_uris", &self.post_logout_redirect_uris)?;
        client.grant_types = grant_types;
        client.scope = Scope::parse(self.scope.as_deref().unwrap_or(DEFAULT_CLIENT_SCOPE))
            .map_err(|error| RegistrationError::new("scope", error.description()))?;
        client.first_party = self.first_party;
        client.always_issue_refresh_token = self.always_issue_refresh_token;
        client.id_token_signed_response_alg = self
            .id_token_signed_response_alg
            .filter(|alg| !alg.is_empty())
            .map(|alg| {
                Algorithm::parse(&alg).ok_or_else(|| {
                    RegistrationError::new(
                        "id_token_signed_response_alg",
                        "must be ES256, EdDSA or RS256",
                    )
                })
            })
            .transpose()?;
        client.owner = self.owner.filter(|owner| !owner.is_empty());
        Ok(client)
    }
}

fn parse_uris(
    field: &'static str,
    values: &[String],
) -> Result<Vec<RedirectUri>, RegistrationError> {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            RedirectUri::parse(value).map_err(|error| {
                RegistrationError::new(
                    field,
                    format!("[{index}] {value:?}: {}", error.description()),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web() -> ClientRegistration {
        let mut registration = ClientRegistration::new("web");
        registration.redirect_uris = vec!["https://rp.example/cb".into()];
        registration
    }

    /// One case per rule: the registration, the secret provision, and the field expected to be refused (or
    /// `None` when it is valid).
    fn check(registration: ClientRegistration, secret: SecretProvision, expect: Option<&str>) {
        let result = registration.validate(secret);
        assert_eq!(
            result.as_ref().err().map(|error| error.field),
            expect,
            "{result:?}"
        );
    }

    #[test]
    fn the_rules() {
        use SecretProvision::{Absent, Generated, Given};
        check(web(), Given, None);
        check(web(), Generated, None);
        check(web(), Absent, None);
        check(ClientRegistration::new(""), Given, Some("client_id"));
        check(ClientRegistration::new(" web"), Given, Some("client_id"));
        check(ClientRegistration::new("we\nb"), Given, Some("client_id"));
        let public = |mut registration: ClientRegistration| {
            registration.auth_method = Some(ClientAuthMethod::None);
            registration
        };
        check(public(web()), Given, Some("client_secret"));
        check(public(web()), Generated, None);
        let basic = |mut registration: ClientRegistration| {
            registration.auth_method = Some(ClientAuthMethod::ClientSecretPost);
            registration
        };
        check(basic(web()), Absent, Some("client_secret"));
        let grants = |grants: Vec<GrantType>| {
            let mut registration = web();
            registration.grant_types = Some(grants);
            registration
        };
        check(grants(vec![]), Given, Some("grant_types"));
        check(
            public(grants(vec![GrantType::ClientCredentials])),
            Absent,
            Some("grant_types"),
        );
        let mut machine = ClientRegistration::new("m2m");
        machine.grant_types = Some(vec![GrantType::ClientCredentials]);
        check(machine.clone(), Given, None);
        machine.grant_types = Some(vec![GrantType::AuthorizationCode]);
        check(machine, Given, Some("redirect_uris"));
        let mut fragment = web();
        fragment.redirect_uris = vec!["https://rp.example/cb#x".into()];
        check(fragment, Given, Some("redirect_uris"));
        let mut logout = web();
        logout.post_logout_redirect_uris = vec!["relative".into()];
        check(logout, Given, Some("post_logout_redirect_uris"));
        let mut scope = web();
        scope.scope = Some("bad\"scope".into());
        check(scope, Given, Some("scope"));
        let mut alg = web();
        alg.id_token_signed_response_alg = Some("HS256".into());
        check(alg, Given, Some("id_token_signed_response_alg"));
    }

    #[test]
    fn defaults() {
        let client = web().validate(SecretProvision::Given).unwrap();
        assert_eq!(client.auth_method, ClientAuthMethod::ClientSecretBasic);
        assert_eq!(client.client_name, "web");
        assert_eq!(
            client.grant_types,
            [GrantType::AuthorizationCode, GrantType::RefreshToken]
        );
        assert_eq!(
            client.scope.to_string(),
            "email offline_access openid profile"
        );
        let public = web().validate(SecretProvision::Absent).unwrap();
        assert!(public.is_public());
    }
}
