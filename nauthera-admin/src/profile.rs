//! A user's profile: shown with the names of their groups, and changed (name, email, attributes) through core's
//! profile flow (`nauthera_core::flows::profile`), which decides which attribute names are allowed.

use nauthera_core::{Cache, Provider, Storage};
use tonic::Status;

use crate::convert::{user_to_proto, user_update, username};
use crate::proto;
use crate::service::people_failure;

/// One user with the names of their groups, or `NOT_FOUND`.
pub(crate) async fn get<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::GetUserRequest,
) -> Result<proto::GetUserResponse, Status> {
    let name = username(&request.username)?;
    let user = provider
        .find_user_by_username(name)
        .await
        .map_err(|error| people_failure("get_user", error))?
        .ok_or_else(|| Status::not_found(format!("no user {name}")))?;
    let groups = provider
        .groups_of_user(name)
        .await
        .map_err(|error| people_failure("get_user", error))?;
    Ok(proto::GetUserResponse {
        user: Some(user_to_proto(&user)),
        groups: groups.into_iter().map(|group| group.name).collect(),
    })
}

/// Applies a profile change, or `NOT_FOUND`; `INVALID_ARGUMENT` for attributes that are not a JSON object or
/// a name core refuses.
pub(crate) async fn set<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::SetUserRequest,
    caller: &str,
) -> Result<proto::User, Status> {
    let name = username(&request.username)?.to_owned();
    let update = user_update(request)?;
    let user = provider
        .update_user(&name, update)
        .await
        .map_err(|error| people_failure("set_user", error))?;
    tracing::info!(target: "nauthera::audit", username = name, sub = %user.subject, actor = caller, "profile updated");
    Ok(user_to_proto(&user))
}
