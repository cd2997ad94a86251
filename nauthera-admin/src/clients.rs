//! The client operations: upsert with ownership and drift, delete, get and list. The rules (what makes a valid
//! client, whose client may be replaced, what happens to the secret) are core's; this module reads the request,
//! calls the flow and writes the audit line.

use nauthera_core::flows::admin::{ClientSecretChange, Ownership};
use nauthera_core::registration::SecretProvision;
use nauthera_core::secret::ClientSecret;
use nauthera_core::{Cache, Provider, Storage};
use tonic::Status;

use crate::convert::{client_from_proto, client_id, client_to_proto, owner};
use crate::proto;
use crate::service::failure;

/// Creates or replaces a client; `caller` is the audit log's actor. An empty secret keeps the stored one.
pub(crate) async fn upsert<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::UpsertClientRequest,
    caller: &str,
) -> Result<proto::UpsertClientResponse, Status> {
    let client = request
        .client
        .ok_or_else(|| Status::invalid_argument("client is required"))?;
    let (provision, secret) = if request.client_secret.is_empty() {
        (SecretProvision::Generated, ClientSecretChange::Keep)
    } else {
        (
            SecretProvision::Given,
            ClientSecretChange::Set(ClientSecret::new(request.client_secret)),
        )
    };
    let client = client_from_proto(client, provision)?;
    let client_id = client.client_id.clone();
    let client_owner = client.owner.clone();
    let applied = provider
        .apply_client(client, secret, ownership(request.force))
        .await
        .map_err(|error| failure("upsert_client", error))?;
    tracing::info!(
        target: "nauthera::audit",
        client_id = %client_id,
        owner = client_owner.as_deref().unwrap_or(""),
        actor = caller,
        existed = applied.existed,
        drifted = applied.drifted,
        force = request.force,
        "client upserted"
    );
    Ok(proto::UpsertClientResponse {
        existed: applied.existed,
        drifted: applied.drifted,
    })
}

/// Removes a client, unless someone else owns it and `force` is not set.
pub(crate) async fn delete<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::DeleteClientRequest,
    caller: &str,
) -> Result<proto::DeleteClientResponse, Status> {
    let id = client_id(&request.client_id)?;
    let existed = provider
        .delete_owned_client(
            &id,
            owner(&request.owner).as_deref(),
            ownership(request.force),
        )
        .await
        .map_err(|error| failure("delete_client", error))?;
    tracing::info!(
        target: "nauthera::audit",
        client_id = %id,
        actor = caller,
        existed,
        force = request.force,
        "client deleted"
    );
    Ok(proto::DeleteClientResponse { existed })
}

/// One client, or `NOT_FOUND`.
pub(crate) async fn get<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::GetClientRequest,
) -> Result<proto::Client, Status> {
    let id = client_id(&request.client_id)?;
    match provider.find_client(&id).await {
        Ok(Some(client)) => Ok(client_to_proto(&client)),
        Ok(None) => Err(Status::not_found(format!("client {id} not found"))),
        Err(error) => Err(failure("get_client", error)),
    }
}

/// Every client.
pub(crate) async fn list<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
) -> Result<proto::ListClientsResponse, Status> {
    let clients = provider
        .list_clients()
        .await
        .map_err(|error| failure("list_clients", error))?;
    Ok(proto::ListClientsResponse {
        clients: clients.iter().map(client_to_proto).collect(),
    })
}

/// The request's `force` flag as core's ownership decision.
fn ownership(force: bool) -> Ownership {
    if force {
        Ownership::Override
    } else {
        Ownership::Respect
    }
}
