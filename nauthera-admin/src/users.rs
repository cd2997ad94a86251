//! The user operations: list, disable, enable and delete, each a call to core's account flows. Passwords are
//! not set over the API (the configuration file and the CLI on the store do that), and no answer carries a
//! password hash; profiles are in `profile`.

use nauthera_core::{Cache, Provider, Storage};
use tonic::Status;

use crate::convert::{next_after, page, user_to_proto, username};
use crate::proto;
use crate::service::failure;

/// One page of the users, ordered by username, with where the next page starts.
pub(crate) async fn list<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::ListUsersRequest,
) -> Result<proto::ListUsersResponse, Status> {
    let page = page(request.after, request.limit);
    let users = provider
        .list_users(&page)
        .await
        .map_err(|error| failure("list_users", error))?;
    Ok(proto::ListUsersResponse {
        next_after: next_after(&users, &page, |user| &user.username),
        users: users.iter().map(user_to_proto).collect(),
    })
}

/// Disables a user (their sessions end and their refresh tokens are revoked), or `NOT_FOUND`.
pub(crate) async fn disable<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::DisableUserRequest,
    caller: &str,
) -> Result<proto::User, Status> {
    let name = username(&request.username)?;
    let user = provider
        .disable_user(name)
        .await
        .map_err(|error| failure("disable_user", error))?
        .ok_or_else(|| not_found(name))?;
    tracing::info!(target: "nauthera::audit", username = name, sub = %user.subject, actor = caller, "user disabled");
    Ok(user_to_proto(&user))
}

/// Enables a user again, or `NOT_FOUND`.
pub(crate) async fn enable<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::EnableUserRequest,
    caller: &str,
) -> Result<proto::User, Status> {
    let name = username(&request.username)?;
    let user = provider
        .enable_user(name)
        .await
        .map_err(|error| failure("enable_user", error))?
        .ok_or_else(|| not_found(name))?;
    tracing::info!(target: "nauthera::audit", username = name, sub = %user.subject, actor = caller, "user enabled");
    Ok(user_to_proto(&user))
}

/// Deletes a user with their consents and refresh tokens, or `NOT_FOUND`.
pub(crate) async fn delete<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::DeleteUserRequest,
    caller: &str,
) -> Result<proto::DeleteUserResponse, Status> {
    let name = username(&request.username)?;
    let existed = provider
        .delete_user(name)
        .await
        .map_err(|error| failure("delete_user", error))?;
    if !existed {
        return Err(not_found(name));
    }
    tracing::info!(target: "nauthera::audit", username = name, actor = caller, "user deleted");
    Ok(proto::DeleteUserResponse {})
}

fn not_found(username: &str) -> Status {
    Status::not_found(format!("user {username} not found"))
}
