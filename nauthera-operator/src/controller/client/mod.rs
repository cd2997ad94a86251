//! The `OAuth2Client` reconciler: credentials (referenced, or generated once), the admin API upsert, and a
//! finalizer that deletes the client from the server before the resource goes away.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams};
use kube::runtime::controller::Action;
use kube::runtime::finalizer::{Event, finalizer};
use kube::{Api, Resource as _};

use super::{Context, namespace_and_name, object_key};
use crate::Error;
use crate::admin::{AdminApi, ClientRegistration, ClientSecret, ServerRef};
use crate::crd::{
    ConditionStatus, ConditionType, FIELD_MANAGER, NautheraServer, OAuth2Client,
    OAuth2ClientStatus, set_condition,
};
use crate::error::is_not_found;

mod credentials;

use credentials::Credentials;

/// The finalizer that removes the client from the server on deletion.
pub const FINALIZER: &str = "nauthera.io/client-cleanup";
/// How often a client waiting for its Secret is looked at again.
pub const SECRET_RETRY: Duration = Duration::from_secs(30);
/// How often a registered client is upserted again (it restores a client changed out of band).
pub const RESYNC: Duration = Duration::from_secs(300);

/// Reconciles one `OAuth2Client`.
///
/// # Errors
/// Any [`Error`] from the Kubernetes API or the admin API; it is also written to the status as `Ready=False`.
pub async fn reconcile<A: AdminApi>(
    client: Arc<OAuth2Client>,
    context: Arc<Context<A>>,
) -> Result<Action, Error> {
    let (namespace, _) = namespace_and_name(client.as_ref())?;
    let api: Api<OAuth2Client> = Api::namespaced(context.client.clone(), &namespace);
    let result = finalizer(&api, FINALIZER, Arc::clone(&client), |event| async {
        match event {
            Event::Apply(client) => register(&client, &api, &context).await,
            Event::Cleanup(client) => cleanup(&client, &context).await,
        }
    })
    .await
    .map_err(|error| Error::Finalizer(Box::new(error)));
    match result {
        Ok(action) => {
            context.record_success(&object_key(client.as_ref()));
            Ok(action)
        }
        Err(error) => {
            if client.meta().deletion_timestamp.is_none() {
                let not_ready = (ConditionType::Ready, ConditionStatus::False);
                let status = with_condition(
                    &client,
                    &context,
                    not_ready,
                    error.reason(),
                    error.to_string(),
                );
                // Best effort: writing the status may be what fails.
                if let Err(status_error) = patch_status(&api, &client, &status).await {
                    tracing::debug!("cannot write the failure to the status: {status_error}");
                }
            }
            Err(error)
        }
    }
}

/// The client id of an `OAuth2Client`: `spec.clientId`, else `<namespace>-<name>`.
pub fn client_id(client: &OAuth2Client) -> String {
    client.spec.client_id.clone().unwrap_or_else(|| {
        format!(
            "{}-{}",
            client.metadata.namespace.as_deref().unwrap_or_default(),
            client.metadata.name.as_deref().unwrap_or_default()
        )
    })
}

/// What the server is asked to register for an `OAuth2Client`: its spec, its owner, and its secret.
pub fn registration(
    client: &OAuth2Client,
    client_secret: Option<ClientSecret>,
) -> ClientRegistration {
    let spec = &client.spec;
    ClientRegistration {
        client_id: client_id(client),
        client_name: spec
            .client_name
            .clone()
            .unwrap_or_else(|| client.metadata.name.clone().unwrap_or_default()),
        auth_method: spec.auth_method,
        redirect_uris: spec.redirect_uris.clone(),
        post_logout_redirect_uris: spec.post_logout_redirect_uris.clone(),
        grant_types: spec.grant_types.clone(),
        scopes: spec.scopes.clone(),
        owner: owner(client),
        client_secret,
    }
}

/// The owner recorded on the server: `OAuth2Client/<namespace>/<name>`.
pub fn owner(client: &OAuth2Client) -> String {
    format!(
        "OAuth2Client/{}/{}",
        client.metadata.namespace.as_deref().unwrap_or_default(),
        client.metadata.name.as_deref().unwrap_or_default()
    )
}

async fn register<A: AdminApi>(
    client: &OAuth2Client,
    api: &Api<OAuth2Client>,
    context: &Context<A>,
) -> Result<Action, Error> {
    let (namespace, _) = namespace_and_name(client)?;
    let secret_api: Api<Secret> = Api::namespaced(context.client.clone(), &namespace);
    let client_secret = match credentials::resolve(client, &secret_api).await? {
        Credentials::Public => None,
        Credentials::Secret(secret) => Some(secret),
        Credentials::Missing { reason, message } => {
            tracing::info!(client.name = ?client.metadata.name, reason, "waiting for the client's Secret");
            let not_ready = (ConditionType::Ready, ConditionStatus::False);
            let status = with_condition(client, context, not_ready, reason, message);
            patch_status(api, client, &status).await?;
            return Ok(Action::requeue(SECRET_RETRY));
        }
    };
    let registration = registration(client, client_secret);
    let server = ServerRef::new(namespace, client.spec.server_ref.clone());
    let outcome = context.admin.upsert_client(&server, registration).await?;
    let message = if outcome.drifted {
        tracing::warn!(client.id = %client_id(client), "the client on the server had drifted; restored");
        "registered; the client on the server had been changed out of band and was restored"
            .to_owned()
    } else {
        "registered on the server".to_owned()
    };
    let ready = (ConditionType::Ready, ConditionStatus::True);
    let mut status = with_condition(client, context, ready, "Synced", message);
    status.client_id = Some(client_id(client));
    patch_status(api, client, &status).await?;
    Ok(Action::requeue(RESYNC))
}

async fn cleanup<A: AdminApi>(
    client: &OAuth2Client,
    context: &Context<A>,
) -> Result<Action, Error> {
    let (namespace, _) = namespace_and_name(client)?;
    let servers: Api<NautheraServer> = Api::namespaced(context.client.clone(), &namespace);
    let server_name = &client.spec.server_ref;
    match servers.get(server_name).await {
        // Without its server there is nothing to remove the client from.
        Err(error) if is_not_found(&error) => return Ok(Action::await_change()),
        Err(error) => return Err(error.into()),
        Ok(server) if server.metadata.deletion_timestamp.is_some() => {
            return Ok(Action::await_change());
        }
        Ok(_) => {}
    }
    let server = ServerRef::new(namespace, server_name.clone());
    let existed = context
        .admin
        .delete_client(&server, &client_id(client), &owner(client))
        .await?;
    tracing::info!(client.id = %client_id(client), existed, "deleted the client from the server");
    Ok(Action::await_change())
}

fn with_condition<A>(
    client: &OAuth2Client,
    context: &Context<A>,
    condition: (ConditionType, ConditionStatus),
    reason: &str,
    message: String,
) -> OAuth2ClientStatus {
    let mut status = client.status.clone().unwrap_or_default();
    let generation = client.metadata.generation;
    set_condition(
        &mut status.conditions,
        condition,
        reason,
        message,
        generation,
        context.clock.now(),
    );
    status.observed_generation = generation;
    status
}

async fn patch_status(
    api: &Api<OAuth2Client>,
    client: &OAuth2Client,
    status: &OAuth2ClientStatus,
) -> Result<(), Error> {
    let name = client
        .metadata
        .name
        .as_deref()
        .ok_or(Error::MissingField("metadata.name"))?;
    let patch = serde_json::json!({ "status": status });
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_owned()),
        ..PatchParams::default()
    };
    api.patch_status(name, &params, &Patch::Merge(&patch))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
