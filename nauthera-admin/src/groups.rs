//! The group operations: create, list, show with a page of members, delete, and add or remove a member, each a
//! call to core's group flows (`nauthera_core::flows::groups`), which hold the rules on names and memberships.

use nauthera_core::{Cache, Provider, Storage};
use tonic::Status;

use crate::convert::{group_name, group_to_proto, next_after, page, user_to_proto, username};
use crate::proto;
use crate::service::people_failure;

/// Creates a group, or `ALREADY_EXISTS` when the name is taken.
pub(crate) async fn create<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::CreateGroupRequest,
    caller: &str,
) -> Result<proto::Group, Status> {
    let name = group_name(&request.name)?;
    let description = (!request.description.is_empty()).then_some(request.description);
    let group = provider
        .create_group(name, description)
        .await
        .map_err(|error| people_failure("create_group", error))?;
    tracing::info!(target: "nauthera::audit", group = name, actor = caller, "group created");
    Ok(group_to_proto(&group))
}

/// One page of the groups, ordered by name, with where the next page starts.
pub(crate) async fn list<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::ListGroupsRequest,
) -> Result<proto::ListGroupsResponse, Status> {
    let page = page(request.after, request.limit);
    let groups = provider
        .list_groups(&page)
        .await
        .map_err(|error| people_failure("list_groups", error))?;
    Ok(proto::ListGroupsResponse {
        next_after: next_after(&groups, &page, |group| &group.name),
        groups: groups.iter().map(group_to_proto).collect(),
    })
}

/// One group with one page of its members, or `NOT_FOUND`.
pub(crate) async fn get<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::GetGroupRequest,
) -> Result<proto::GetGroupResponse, Status> {
    let name = group_name(&request.name)?;
    let group = provider
        .find_group(name)
        .await
        .map_err(|error| people_failure("get_group", error))?
        .ok_or_else(|| Status::not_found(format!("no group {name}")))?;
    let page = page(request.after, request.limit);
    let members = provider
        .list_group_members(name, &page)
        .await
        .map_err(|error| people_failure("get_group", error))?;
    Ok(proto::GetGroupResponse {
        group: Some(group_to_proto(&group)),
        next_after: next_after(&members, &page, |member| &member.username),
        members: members.iter().map(user_to_proto).collect(),
    })
}

/// Deletes a group and its memberships, or `NOT_FOUND`.
pub(crate) async fn delete<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::DeleteGroupRequest,
    caller: &str,
) -> Result<proto::DeleteGroupResponse, Status> {
    let name = group_name(&request.name)?;
    let existed = provider
        .delete_group(name)
        .await
        .map_err(|error| people_failure("delete_group", error))?;
    if !existed {
        return Err(Status::not_found(format!("no group {name}")));
    }
    tracing::info!(target: "nauthera::audit", group = name, actor = caller, "group deleted");
    Ok(proto::DeleteGroupResponse {})
}

/// Makes a user a member of a group (`added` is false when they already were), or `NOT_FOUND`.
pub(crate) async fn add_member<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::AddGroupMemberRequest,
    caller: &str,
) -> Result<proto::AddGroupMemberResponse, Status> {
    let (name, username) = (group_name(&request.group)?, username(&request.username)?);
    let added = provider
        .add_group_member(name, username)
        .await
        .map_err(|error| people_failure("add_group_member", error))?;
    tracing::info!(target: "nauthera::audit", group = name, username, added, actor = caller, "group member added");
    Ok(proto::AddGroupMemberResponse { added })
}

/// Ends a user's membership in a group (`removed` is false when there was none), or `NOT_FOUND`.
pub(crate) async fn remove_member<S: Storage, C: Cache>(
    provider: &Provider<S, C>,
    request: proto::RemoveGroupMemberRequest,
    caller: &str,
) -> Result<proto::RemoveGroupMemberResponse, Status> {
    let (name, username) = (group_name(&request.group)?, username(&request.username)?);
    let removed = provider
        .remove_group_member(name, username)
        .await
        .map_err(|error| people_failure("remove_group_member", error))?;
    tracing::info!(target: "nauthera::audit", group = name, username, removed, actor = caller, "group member removed");
    Ok(proto::RemoveGroupMemberResponse { removed })
}
