//! A user's remembered consents: listed, and revoked with the client's tokens through core's consent flow
//! (`nauthera_core::flows::consents`).

use nauthera_core::{Cache, Provider, Storage};
use tonic::Status;

use crate::convert::{client_id, consent_to_proto, username};
use crate::proto;
use crate::service::people_failure;

/// The consents of a user, ordered by client id, or `NOT_FOUND`.
pub(crate) async fn list<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::ListConsentsRequest,
) -> Result<proto::ListConsentsResponse, Status> {
    let name = username(&request.username)?;
    let consents = provider
        .consents_of_user(name)
        .await
        .map_err(|error| people_failure("list_consents", error))?;
    Ok(proto::ListConsentsResponse {
        consents: consents.iter().map(consent_to_proto).collect(),
    })
}

/// Revokes a user's consent for a client with the client's tokens for them; `NOT_FOUND` for an unknown user or
/// a consent that does not exist.
pub(crate) async fn revoke<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::RevokeConsentRequest,
    caller: &str,
) -> Result<proto::RevokeConsentResponse, Status> {
    let name = username(&request.username)?;
    let client = client_id(&request.client_id)?;
    let revoked = provider
        .revoke_consent_of_user(name, &client)
        .await
        .map_err(|error| people_failure("revoke_consent", error))?;
    if !revoked {
        return Err(Status::not_found(format!(
            "{name} has no consent for {client}"
        )));
    }
    tracing::info!(target: "nauthera::audit", username = name, client_id = %client, actor = caller, "consent revoked");
    Ok(proto::RevokeConsentResponse {})
}
