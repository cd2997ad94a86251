//! A client's credentials: a referenced Secret (waited for, never invented), or one generated once.

use k8s_openapi::api::core::v1::Secret;
use kube::api::ObjectMeta;
use kube::{Api, Resource as _};

use crate::Error;
use crate::admin::ClientSecret;
use crate::controller::secrets::{ensure_generated, random_token, secret_value, string_data};
use crate::crd::OAuth2Client;
use crate::error::is_not_found;

/// The key holding the client secret, in a referenced or generated Secret.
pub(crate) const CLIENT_SECRET_KEY: &str = "client_secret";
/// The key holding the client id, in a generated Secret.
pub(crate) const CLIENT_ID_KEY: &str = "client_id";

/// What the client authenticates with.
#[derive(Debug)]
pub(crate) enum Credentials {
    /// The referenced Secret is not usable yet: a condition says why.
    Missing {
        reason: &'static str,
        message: String,
    },
    /// A public client: no secret.
    Public,
    /// The client secret.
    Secret(ClientSecret),
}

/// Finds or makes the client's secret.
pub(crate) async fn resolve(
    client: &OAuth2Client,
    secrets: &Api<Secret>,
) -> Result<Credentials, Error> {
    if !client.spec.is_confidential() {
        return Ok(Credentials::Public);
    }
    let secret = match &client.spec.secret_ref {
        Some(reference) => match secrets.get(&reference.name).await {
            Ok(secret) => secret,
            Err(error) if is_not_found(&error) => {
                return Ok(Credentials::Missing {
                    reason: "SecretNotFound",
                    message: format!("the Secret {} does not exist yet", reference.name),
                });
            }
            Err(error) => return Err(error.into()),
        },
        None => generate(client, secrets).await?,
    };
    let name = secret.metadata.name.clone().unwrap_or_default();
    Ok(match secret_value(&secret, CLIENT_SECRET_KEY) {
        Some(value) if !value.is_empty() => Credentials::Secret(ClientSecret::new(value)),
        _ => Credentials::Missing {
            reason: "SecretKeyMissing",
            message: format!("the Secret {name} has no key {CLIENT_SECRET_KEY}"),
        },
    })
}

/// The generated Secret `<name>-credentials`, owned by the client, made once.
async fn generate(client: &OAuth2Client, secrets: &Api<Secret>) -> Result<Secret, Error> {
    let name = client
        .metadata
        .name
        .as_deref()
        .ok_or(Error::MissingField("metadata.name"))?;
    let owner = client
        .controller_owner_ref(&())
        .ok_or(Error::MissingField("metadata.uid"))?;
    let secret_name = format!("{name}-credentials");
    let mut secret = Secret {
        metadata: ObjectMeta {
            name: Some(secret_name.clone()),
            namespace: client.metadata.namespace.clone(),
            labels: Some(
                [("app.kubernetes.io/managed-by", "nauthera-operator")]
                    .into_iter()
                    .map(|(key, value)| (key.to_owned(), value.to_owned()))
                    .collect(),
            ),
            owner_references: Some(vec![owner]),
            ..ObjectMeta::default()
        },
        type_: Some("Opaque".to_owned()),
        ..Secret::default()
    };
    let client_id = super::client_id(client);
    ensure_generated(secrets, &secret_name, || {
        secret.data = Some(string_data([
            (CLIENT_ID_KEY, client_id),
            (CLIENT_SECRET_KEY, random_token()?),
        ]));
        Ok(secret)
    })
    .await
}
