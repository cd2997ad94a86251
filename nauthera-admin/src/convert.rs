//! Mapping between the protocol's messages and core's client type, validating what comes in.

use nauthera_core::client::{Client, ClientAuthMethod, GrantType};
use nauthera_core::keys::Algorithm;
use nauthera_core::types::{ClientId, RedirectUri, Scope};
use tonic::Status;

use crate::proto;

/// The client id of a request: present and free of control characters and surrounding spaces.
pub(crate) fn client_id(value: &str) -> Result<ClientId, Status> {
    if value.is_empty() {
        return Err(Status::invalid_argument("client_id is required"));
    }
    if value.trim() != value || value.chars().any(char::is_control) {
        return Err(Status::invalid_argument(
            "client_id must not contain control characters or surrounding spaces",
        ));
    }
    Ok(ClientId::new(value))
}

/// An owner as stored: `None` for an empty string.
pub(crate) fn owner(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// A core client from a request's client, without a secret. `AUTH_METHOD_UNSPECIFIED` means
/// `client_secret_basic`, the registration default (RFC 7591 §2).
pub(crate) fn client_from_proto(client: proto::Client) -> Result<Client, Status> {
    let id = client_id(&client.client_id)?;
    let auth_method = match proto::AuthMethod::try_from(client.auth_method) {
        Ok(proto::AuthMethod::Unspecified | proto::AuthMethod::ClientSecretBasic) => {
            ClientAuthMethod::ClientSecretBasic
        }
        Ok(proto::AuthMethod::ClientSecretPost) => ClientAuthMethod::ClientSecretPost,
        Ok(proto::AuthMethod::None) => ClientAuthMethod::None,
        Err(_) => {
            return Err(Status::invalid_argument(
                "auth_method is not a known method",
            ));
        }
    };
    let mut core = Client::new(id, client.client_name, auth_method);
    core.redirect_uris = redirect_uris("redirect_uris", &client.redirect_uris)?;
    core.post_logout_redirect_uris = redirect_uris(
        "post_logout_redirect_uris",
        &client.post_logout_redirect_uris,
    )?;
    core.grant_types = client
        .grant_types
        .iter()
        .map(|value| grant_type(*value))
        .collect::<Result<_, _>>()?;
    core.scope = Scope::parse(&client.scope)
        .map_err(|error| Status::invalid_argument(format!("scope: {}", error.description())))?;
    core.first_party = client.first_party;
    core.always_issue_refresh_token = client.always_issue_refresh_token;
    core.id_token_signed_response_alg = match client.id_token_signed_response_alg.as_str() {
        "" => None,
        value => Some(Algorithm::parse(value).ok_or_else(|| {
            Status::invalid_argument(
                "id_token_signed_response_alg must be ES256, EdDSA, RS256 or empty",
            )
        })?),
    };
    core.owner = owner(&client.owner);
    Ok(core)
}

fn redirect_uris(field: &str, values: &[String]) -> Result<Vec<RedirectUri>, Status> {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            RedirectUri::parse(value).map_err(|error| {
                Status::invalid_argument(format!(
                    "{field}[{index}] {value:?}: {}",
                    error.description()
                ))
            })
        })
        .collect()
}

fn grant_type(value: i32) -> Result<GrantType, Status> {
    match proto::GrantType::try_from(value) {
        Ok(proto::GrantType::AuthorizationCode) => Ok(GrantType::AuthorizationCode),
        Ok(proto::GrantType::ClientCredentials) => Ok(GrantType::ClientCredentials),
        Ok(proto::GrantType::RefreshToken) => Ok(GrantType::RefreshToken),
        Ok(proto::GrantType::Unspecified) | Err(_) => Err(Status::invalid_argument(
            "grant_types holds an unspecified or unknown grant type",
        )),
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
        let core = client_from_proto(sample()).unwrap();
        assert_eq!(core.owner.as_deref(), Some("OAuth2Client/ns/svc"));
        assert_eq!(client_to_proto(&core), sample());
    }

    #[test]
    fn rejects_bad_input_with_a_clear_message() {
        type Mutation = fn(&mut proto::Client);
        let cases: [(Mutation, &str); 6] = [
            (|c| c.client_id.clear(), "client_id is required"),
            (
                |c| c.redirect_uris = vec!["/relative".into()],
                "redirect_uris[0]",
            ),
            (|c| c.redirect_uris.push("https://a/#f".into()), "fragment"),
            (|c| c.scope = "bad\"scope".into(), "scope:"),
            (|c| c.grant_types.push(0), "grant_types"),
            (|c| c.id_token_signed_response_alg = "HS256".into(), "ES256"),
        ];
        for (mutate, expected) in cases {
            let mut client = sample();
            mutate(&mut client);
            let status = client_from_proto(client).unwrap_err();
            assert_eq!(status.code(), tonic::Code::InvalidArgument);
            assert!(status.message().contains(expected), "{}", status.message());
        }
    }
}
