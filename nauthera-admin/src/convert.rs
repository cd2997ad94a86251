//! Mapping between the protocol's messages and core's types. What makes a valid client is core's
//! ([`ClientRegistration::validate`]); this module only reads the message into a registration (enums, and empty
//! strings as "unset", which is all proto3 can say) and the answers back into messages.

use nauthera_core::client::{Client, ClientAuthMethod, GrantType};
use nauthera_core::people::{Consent, Group, Page};
use nauthera_core::registration::{ClientRegistration, SecretProvision};
use nauthera_core::types::ClientId;
use nauthera_core::user::{User, UserUpdate};
use tonic::Status;

use crate::proto;

/// The client id a request names: present (whether such a client exists is the lookup's answer).
pub(crate) fn client_id(value: &str) -> Result<ClientId, Status> {
    if value.is_empty() {
        return Err(Status::invalid_argument("client_id is required"));
    }
    Ok(ClientId::new(value))
}

/// The username a request names: present (whether such a user exists is the lookup's answer).
pub(crate) fn username(value: &str) -> Result<&str, Status> {
    if value.is_empty() {
        return Err(Status::invalid_argument("username is required"));
    }
    Ok(value)
}

/// The group name a request names: present (whether such a group exists, and whether a new name is valid, is
/// core's answer).
pub(crate) fn group_name(value: &str) -> Result<&str, Status> {
    if value.is_empty() {
        return Err(Status::invalid_argument("name is required"));
    }
    Ok(value)
}

/// The page a request asks for: an empty `after` is the first page.
pub(crate) fn page(after: String, limit: u32) -> Page {
    Page {
        after: non_empty(&after),
        limit,
    }
}

/// The `next_after` of a page of `items` named by `name`: the last name when the page is full (there may be
/// more), empty when it is the last page.
pub(crate) fn next_after<T>(items: &[T], page: &Page, name: impl Fn(&T) -> &str) -> String {
    items
        .last()
        .filter(|_| items.len() == page.size() as usize)
        .map(|item| name(item).to_owned())
        .unwrap_or_default()
}

/// The profile change a `SetUser` request describes. Which attribute names are allowed is core's rule.
///
/// # Errors
/// `INVALID_ARGUMENT` when `set_attributes` is neither empty nor a JSON object.
pub(crate) fn user_update(request: proto::SetUserRequest) -> Result<UserUpdate, Status> {
    let mut update = UserUpdate::default();
    update.name = request.name;
    update.email = request.email;
    update.email_verified = request.email_verified;
    if !request.set_attributes.is_empty() {
        update.set_attributes = serde_json::from_str(&request.set_attributes).map_err(|error| {
            Status::invalid_argument(format!("set_attributes: not a JSON object: {error}"))
        })?;
    }
    update.remove_attributes = request.remove_attributes;
    Ok(update)
}

/// An owner as stored: `None` for an empty string.
pub(crate) fn owner(value: &str) -> Option<String> {
    non_empty(value)
}

/// A core client from a request's client, validated by core's registration rules, without a secret.
/// `AUTH_METHOD_UNSPECIFIED` and empty fields take the registration defaults.
///
/// # Errors
/// `INVALID_ARGUMENT` naming the field: an unknown enum value here, any other rule from
/// [`ClientRegistration::validate`].
pub(crate) fn client_from_proto(
    client: proto::Client,
    secret: SecretProvision,
) -> Result<Client, Status> {
    let auth_method = match proto::AuthMethod::try_from(client.auth_method) {
        Ok(proto::AuthMethod::Unspecified) => None,
        Ok(proto::AuthMethod::ClientSecretBasic) => Some(ClientAuthMethod::ClientSecretBasic),
        Ok(proto::AuthMethod::ClientSecretPost) => Some(ClientAuthMethod::ClientSecretPost),
        Ok(proto::AuthMethod::None) => Some(ClientAuthMethod::None),
        Err(_) => {
            return Err(Status::invalid_argument(
                "auth_method: is not a known method",
            ));
        }
    };
    let grant_types = client
        .grant_types
        .iter()
        .map(|value| grant_type(*value))
        .collect::<Result<Vec<_>, _>>()?;
    let mut registration = ClientRegistration::new(client.client_id);
    registration.client_name = non_empty(&client.client_name);
    registration.auth_method = auth_method;
    registration.redirect_uris = client.redirect_uris;
    registration.post_logout_redirect_uris = client.post_logout_redirect_uris;
    registration.grant_types = (!grant_types.is_empty()).then_some(grant_types);
    registration.scope = non_empty(&client.scope);
    registration.first_party = client.first_party;
    registration.always_issue_refresh_token = client.always_issue_refresh_token;
    registration.id_token_signed_response_alg = non_empty(&client.id_token_signed_response_alg);
    registration.owner = owner(&client.owner);
    registration
        .validate(secret)
        .map_err(|error| Status::invalid_argument(error.to_string()))
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn grant_type(value: i32) -> Result<GrantType, Status> {
    match proto::GrantType::try_from(value) {
        Ok(proto::GrantType::AuthorizationCode) => Ok(GrantType::AuthorizationCode),
        Ok(proto::GrantType::ClientCredentials) => Ok(GrantType::ClientCredentials),
        Ok(proto::GrantType::RefreshToken) => Ok(GrantType::RefreshToken),
        Ok(proto::GrantType::Unspecified) | Err(_) => Err(Status::invalid_argument(
            "grant_types: holds an unspecified or unknown grant type",
        )),
    }
}

/// A user as returned: never the password hash.
pub(crate) fn user_to_proto(user: &User) -> proto::User {
    let attributes = if user.claims.attributes.is_empty() {
        String::new()
    } else {
        serde_json::Value::from_iter(user.claims.attributes.clone()).to_string()
    };
    proto::User {
        username: user.username.clone(),
        subject: user.subject.as_str().to_owned(),
        disabled: user.disabled,
        name: user.claims.name.clone().unwrap_or_default(),
        email: user.claims.email.clone().unwrap_or_default(),
        email_verified: user.claims.email_verified,
        attributes,
    }
}

/// A group as returned.
pub(crate) fn group_to_proto(group: &Group) -> proto::Group {
    proto::Group {
        name: group.name.clone(),
        description: group.description.clone().unwrap_or_default(),
        created_at: group.created_at.0,
    }
}

/// A consent as returned.
pub(crate) fn consent_to_proto(consent: &Consent) -> proto::Consent {
    proto::Consent {
        client_id: consent.client_id.as_str().to_owned(),
        scope: consent.scope.to_string(),
        updated_at: consent.updated_at.0,
    }
}

/// A client as returned: everything but the secret, which is only reported as present or not.
pub(crate) fn client_to_proto(client: &Client) -> proto::Client {
    let auth_method = match client.auth_method {
        ClientAuthMethod::ClientSecretBasic => proto::AuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretPost => proto::AuthMethod::ClientSecretPost,
        ClientAuthMethod::None => proto::AuthMethod::None,
        _ => proto::AuthMethod::Unspecified,
    };
    let grant_types = client
        .grant_types
        .iter()
        .map(|grant| match grant {
            GrantType::AuthorizationCode => proto::GrantType::AuthorizationCode,
            GrantType::ClientCredentials => proto::GrantType::ClientCredentials,
            GrantType::RefreshToken => proto::GrantType::RefreshToken,
            _ => proto::GrantType::Unspecified,
        })
        .map(i32::from)
        .collect();
    proto::Client {
        client_id: client.client_id.as_str().to_owned(),
        client_name: client.client_name.clone(),
        auth_method: auth_method.into(),
        redirect_uris: client
            .redirect_uris
            .iter()
            .map(ToString::to_string)
            .collect(),
        post_logout_redirect_uris: client
            .post_logout_redirect_uris
            .iter()
            .map(ToString::to_string)
            .collect(),
        grant_types,
        scope: client.scope.to_string(),
        first_party: client.first_party,
        always_issue_refresh_token: client.always_issue_refresh_token,
        id_token_signed_response_alg: client
            .id_token_signed_response_alg
            .map(|alg| alg.as_str().to_owned())
            .unwrap_or_default(),
        owner: client.owner.clone().unwrap_or_default(),
        has_secret: client.secret_hash.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> proto::Client {
        proto::Client {
            client_id: "svc".to_owned(),
            client_name: "Service".to_owned(),
            auth_method: proto::AuthMethod::ClientSecretPost.into(),
            redirect_uris: vec!["https://rp.example/cb".to_owned()],
            post_logout_redirect_uris: vec!["https://rp.example/bye".to_owned()],
            grant_types: vec![
                proto::GrantType::AuthorizationCode.into(),
                proto::GrantType::ClientCredentials.into(),
            ],
            scope: "api:read openid".to_owned(),
            first_party: true,
            always_issue_refresh_token: false,
            id_token_signed_response_alg: "RS256".to_owned(),
            owner: "OAuth2Client/ns/svc".to_owned(),
            has_secret: false,
        }
    }

    #[test]
    fn round_trips() {
        let core = client_from_proto(sample(), SecretProvision::Generated).unwrap();
        assert_eq!(core.owner.as_deref(), Some("OAuth2Client/ns/svc"));
        assert_eq!(client_to_proto(&core), sample());
    }

    #[test]
    fn unset_fields_take_the_registration_defaults() {
        let client = proto::Client {
            client_id: "web".to_owned(),
            redirect_uris: vec!["https://rp.example/cb".to_owned()],
            ..proto::Client::default()
        };
        let core = client_from_proto(client.clone(), SecretProvision::Generated).unwrap();
        assert_eq!(core.auth_method, ClientAuthMethod::ClientSecretBasic);
        assert_eq!(core.client_name, "web");
        assert_eq!(
            core.grant_types,
            [GrantType::AuthorizationCode, GrantType::RefreshToken]
        );
        assert!(core.scope.contains("openid"));
        assert_eq!(core.owner, None);
        let public = client_from_proto(client, SecretProvision::Absent).unwrap();
        assert!(public.is_public());
    }

    #[test]
    fn rejects_bad_input_with_a_clear_message() {
        type Mutation = fn(&mut proto::Client);
        let cases: [(Mutation, &str); 8] = [
            (|c| c.client_id.clear(), "client_id: is required"),
            (|c| c.auth_method = 99, "auth_method:"),
            (
                |c| c.redirect_uris = vec!["/relative".into()],
                "redirect_uris: [0]",
            ),
            (|c| c.redirect_uris.push("https://a/#f".into()), "fragment"),
            (|c| c.scope = "bad\"scope".into(), "scope:"),
            (|c| c.grant_types.push(0), "grant_types:"),
            (|c| c.id_token_signed_response_alg = "HS256".into(), "ES256"),
            (
                |c| c.auth_method = proto::AuthMethod::None.into(),
                "grant_types: a public client",
            ),
        ];
        for (mutate, expected) in cases {
            let mut client = sample();
            mutate(&mut client);
            let status = client_from_proto(client, SecretProvision::Generated).unwrap_err();
            assert_eq!(status.code(), tonic::Code::InvalidArgument);
            assert!(status.message().contains(expected), "{}", status.message());
        }
        let status = client_from_proto(sample(), SecretProvision::Absent).unwrap_err();
        assert!(
            status.message().starts_with("client_secret:"),
            "{}",
            status.message()
        );
    }
}
