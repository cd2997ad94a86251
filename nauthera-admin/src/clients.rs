//! The client operations: upsert with ownership and drift, delete, get and list.

use nauthera_core::client::Client;
use nauthera_core::secret::ClientSecret;
use nauthera_core::{Cache, Provider, Storage};
use tonic::Status;

use crate::convert::{client_from_proto, client_id, client_to_proto, owner};
use crate::proto;
use crate::service::failure;

/// Creates or replaces a client; `caller` is the audit log's actor.
pub(crate) async fn upsert<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::UpsertClientRequest,
    caller: &str,
) -> Result<proto::UpsertClientResponse, Status> {
    let client = request
        .client
        .ok_or_else(|| Status::invalid_argument("client is required"))?;
    let mut client = client_from_proto(client)?;
    let stored = provider
        .storage()
        .find_client(&client.client_id)
        .await
        .map_err(|error| failure("upsert_client", error.into()))?;
    if let Some(stored) = &stored {
        check_owner(stored, client.owner.as_deref(), request.force)?;
    }
    let drifted = stored
        .as_ref()
        .is_some_and(|stored| without_secret(stored) != without_secret(&client));
    let secret = request.client_secret;
    let stored_hash = stored.as_ref().and_then(|s| s.secret_hash.clone());
    let written = if client.is_public() {
        if !secret.is_empty() {
            return Err(Status::invalid_argument(
                "a public client (auth_method none) must not have a client_secret",
            ));
        }
        provider.upsert_client(&client).await
    } else if !secret.is_empty() {
        provider
            .register_confidential_client(client.clone(), Some(ClientSecret::new(secret)))
            .await
            .map(drop)
    } else if let Some(hash) = stored_hash {
        client.secret_hash = Some(hash);
        provider.upsert_client(&client).await
    } else {
        return Err(Status::invalid_argument(
            "a confidential client needs a client_secret (none is stored yet)",
        ));
    };
    written.map_err(|error| failure("upsert_client", error))?;
    let existed = stored.is_some();
    tracing::info!(
        target: "nauthera::audit",
        client_id = %client.client_id,
        owner = client.owner.as_deref().unwrap_or(""),
        actor = caller,
        existed,
        drifted,
        force = request.force,
        "client upserted"
    );
    Ok(proto::UpsertClientResponse { existed, drifted })
}

/// Removes a client, unless someone else owns it and `force` is not set.
pub(crate) async fn delete<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::DeleteClientRequest,
    caller: &str,
) -> Result<proto::DeleteClientResponse, Status> {
    let id = client_id(&request.client_id)?;
    let stored = provider
        .storage()
        .find_client(&id)
        .await
        .map_err(|error| failure("delete_client", error.into()))?;
    let Some(stored) = stored else {
        return Ok(proto::DeleteClientResponse { existed: false });
    };
    check_owner(&stored, owner(&request.owner).as_deref(), request.force)?;
    let existed = provider
        .delete_client(&id)
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
    match provider.storage().find_client(&id).await {
        Ok(Some(client)) => Ok(client_to_proto(&client)),
        Ok(None) => Err(Status::not_found(format!("client {id} not found"))),
        Err(error) => Err(failure("get_client", error.into())),
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

/// Refuses to touch a client whose recorded owner is someone other than `requester`, unless `force` is set.
fn check_owner(stored: &Client, requester: Option<&str>, force: bool) -> Result<(), Status> {
    match stored.owner.as_deref() {
        Some(current) if !current.is_empty() && Some(current) != requester && !force => {
            Err(Status::failed_precondition(format!(
                "client {} is owned by {current}; set force to override",
                stored.client_id
            )))
        }
        _ => Ok(()),
    }
}

fn without_secret(client: &Client) -> Client {
    let mut client = client.clone();
    client.secret_hash = None;
    client
}
