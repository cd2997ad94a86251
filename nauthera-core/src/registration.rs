//! What makes a valid client, written once: the configuration file, the CLI and the admin API describe a client
//! as a [`ClientRegistration`] of raw values, and [`ClientRegistration::validate`] turns it into a
//! [`Client`] or says which field is wrong.
//!
//! The rules: a client id without control characters or surrounding spaces; a public client (`auth_method =
//! none`) has no secret and a confidential one has one; a public client may not use the client credentials
//! grant; at least one grant type; the authorization code grant needs at least one redirect URI; redirect URIs
//! are absolute, without fragments, compared exactly ([`RedirectUri::parse`]); the scope parses; mapped and
//! static claims have names [`validate_claim_name`] accepts, each named once, map to attribute names
//! [`validate_attribute_name`] accepts, have no null values, and need `openid` in the client's scope;
//! `access_token_groups` needs `groups` in it.

use std::collections::BTreeMap;

use crate::client::{Client, ClientAuthMethod, GrantType};
use crate::flows::claims::GROUPS_SCOPE;
use crate::keys::Algorithm;
use crate::types::{ClientId, OPENID, RedirectUri, Scope};
use crate::user::{validate_attribute_name, validate_claim_name};

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
    /// Claims taken from user attributes: claim name to attribute name ([`Client::claim_mapping`]).
    pub claim_mapping: BTreeMap<String, String>,
    /// Claims with fixed values ([`Client::static_claims`]).
    pub static_claims: BTreeMap<String, serde_json::Value>,
    /// Put `groups` in access tokens when the grant has the `groups` scope ([`Client::access_token_groups`]).
    pub access_token_groups: bool,
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
        check_claims(&self.claim_mapping, &self.static_claims, &client.scope)?;
        if self.access_token_groups && !client.scope.contains(GROUPS_SCOPE) {
            return Err(RegistrationError::new(
                "access_token_groups",
                "the client's scope must include groups",
            ));
        }
        client.claim_mapping = self.claim_mapping;
        client.static_claims = self.static_claims;
        client.access_token_groups = self.access_token_groups;
        Ok(client)
    }
}

/// The rules of mapped and static claims (see the module documentation).
fn check_claims(
    mapping: &BTreeMap<String, String>,
    fixed: &BTreeMap<String, serde_json::Value>,
    scope: &Scope,
) -> Result<(), RegistrationError> {
    for (claim, attribute) in mapping {
        validate_claim_name(claim)
            .and_then(|()| validate_attribute_name(attribute))
            .map_err(|error| RegistrationError::new("claim_mapping", error.description()))?;
    }
    for (claim, value) in fixed {
        validate_claim_name(claim)
            .map_err(|error| RegistrationError::new("static_claims", error.description()))?;
        if value.is_null() {
            return Err(RegistrationError::new(
                "static_claims",
                format!("claim {claim}: null is not a value; leave the claim out"),
            ));
        }
        if mapping.contains_key(claim) {
            return Err(RegistrationError::new(
                "static_claims",
                format!("claim {claim} is also in claim_mapping"),
            ));
        }
    }
    let releases_claims = !mapping.is_empty() || !fixed.is_empty();
    if releases_claims && !scope.contains(OPENID) {
        let field = if mapping.is_empty() {
            "static_claims"
        } else {
            "claim_mapping"
        };
        return Err(RegistrationError::new(
            field,
            "released only with openid, which the client's scope lacks",
        ));
    }
    Ok(())
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
    fn claim_rules() {
        use SecretProvision::Given;
        let claims = |mapping: &[(&str, &str)], fixed: &[(&str, serde_json::Value)]| {
            let mut registration = web();
            for (claim, attribute) in mapping {
                registration
                    .claim_mapping
                    .insert((*claim).to_owned(), (*attribute).to_owned());
            }
            for (claim, value) in fixed {
                registration
                    .static_claims
                    .insert((*claim).to_owned(), value.clone());
            }
            registration
        };
        let tenant = || ("tenant", serde_json::json!("acme"));
        check(claims(&[("department", "department")], &[]), Given, None);
        check(
            claims(&[("https://example.com/team", "team")], &[tenant()]),
            Given,
            None,
        );
        check(
            claims(&[("sub", "department")], &[]),
            Given,
            Some("claim_mapping"),
        );
        check(
            claims(&[("groups", "team")], &[]),
            Given,
            Some("claim_mapping"),
        );
        check(
            claims(&[("a b", "team")], &[]),
            Given,
            Some("claim_mapping"),
        );
        check(
            claims(&[("team", "not an attribute")], &[]),
            Given,
            Some("claim_mapping"),
        );
        check(
            claims(&[("team", "email")], &[]),
            Given,
            Some("claim_mapping"),
        );
        check(
            claims(&[], &[("email", serde_json::json!("x"))]),
            Given,
            Some("static_claims"),
        );
        check(
            claims(&[], &[("tenant", serde_json::Value::Null)]),
            Given,
            Some("static_claims"),
        );
        check(
            claims(&[("tenant", "tenant")], &[tenant()]),
            Given,
            Some("static_claims"),
        );
        let mut without_openid = claims(&[], &[tenant()]);
        without_openid.scope = Some("profile".into());
        check(without_openid, Given, Some("static_claims"));
        let mut groups = web();
        groups.access_token_groups = true;
        check(groups.clone(), Given, Some("access_token_groups"));
        groups.scope = Some("openid groups".into());
        check(groups, Given, None);
    }

    #[test]
    fn claim_errors_name_the_field_and_the_claim() {
        let mut registration = web();
        registration
            .claim_mapping
            .insert("sub".into(), "department".into());
        let error = registration.validate(SecretProvision::Given).unwrap_err();
        assert_eq!(
            error.to_string(),
            "claim_mapping: claim sub: the name of a claim the provider sets itself"
        );
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
        assert!(client.claim_mapping.is_empty() && client.static_claims.is_empty());
        assert!(!client.access_token_groups);
        let public = web().validate(SecretProvision::Absent).unwrap();
        assert!(public.is_public());
    }
}
