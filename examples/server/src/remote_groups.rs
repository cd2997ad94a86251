//! `group` over the admin API: each subcommand is one call (lists page through as many as they need) and
//! prints the same lines as on the store.

use nauthera_admin::AdminClient;
use nauthera_admin::proto::{
    AddGroupMemberRequest, CreateGroupRequest, DeleteGroupRequest, GetGroupRequest,
    ListGroupsRequest, RemoveGroupMemberRequest,
};
use nauthera_admin::tonic::transport::Channel;

use crate::app::ServerError;
use crate::people_cli::{
    GroupCommand, group_created_line, group_deleted_line, group_line, member_added_line,
    member_line, member_removed_line,
};
use crate::remote::{every_page, refused};

/// Runs a `group` subcommand over the admin API.
#[allow(clippy::print_stdout, reason = "command-line output")]
pub(crate) async fn administer_groups(
    admin: &AdminClient<Channel>,
    command: GroupCommand,
) -> Result<(), ServerError> {
    let mut admin = admin.clone();
    match command {
        GroupCommand::Add { name, description } => {
            let request = CreateGroupRequest {
                name: name.clone(),
                description: description.unwrap_or_default(),
            };
            admin.create_group(request).await.map_err(refused)?;
            println!("{}", group_created_line(&name));
        }
        GroupCommand::List => {
            let pages = every_page(
                |after| {
                    let mut admin = admin.clone();
                    async move {
                        admin
                            .list_groups(ListGroupsRequest { after, limit: 0 })
                            .await
                    }
                },
                |page| &page.next_after,
            )
            .await?;
            for group in pages.iter().flat_map(|page| &page.groups) {
                println!("{}", group_line(&group.name, &group.description));
            }
        }
        GroupCommand::Show { name } => show(&admin, &name).await?,
        GroupCommand::Delete { name } => {
            let request = DeleteGroupRequest { name: name.clone() };
            admin.delete_group(request).await.map_err(refused)?;
            println!("{}", group_deleted_line(&name));
        }
        GroupCommand::AddMember { name, username } => {
            let request = AddGroupMemberRequest {
                group: name.clone(),
                username: username.clone(),
            };
            let added = admin
                .add_group_member(request)
                .await
                .map_err(refused)?
                .into_inner()
                .added;
            println!("{}", member_added_line(&username, &name, added));
        }
        GroupCommand::RemoveMember { name, username } => {
            let request = RemoveGroupMemberRequest {
                group: name.clone(),
                username: username.clone(),
            };
            let removed = admin
                .remove_group_member(request)
                .await
                .map_err(refused)?
                .into_inner()
                .removed;
            println!("{}", member_removed_line(&username, &name, removed));
        }
    }
    Ok(())
}

/// `group show`: the group line, then every member, page by page.
#[allow(clippy::print_stdout, reason = "command-line output")]
async fn show(admin: &AdminClient<Channel>, name: &str) -> Result<(), ServerError> {
    let pages = every_page(
        |after| {
            let mut admin = admin.clone();
            let request = GetGroupRequest {
                name: name.to_owned(),
                after,
                limit: 0,
            };
            async move { admin.get_group(request).await }
        },
        |page| &page.next_after,
    )
    .await?;
    let group = pages
        .first()
        .and_then(|page| page.group.clone())
        .unwrap_or_default();
    println!("{}", group_line(&group.name, &group.description));
    for member in pages.iter().flat_map(|page| &page.members) {
        println!("{}", member_line(&member.username));
    }
    Ok(())
}
