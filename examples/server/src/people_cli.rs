//! `group` and the people parts of `user` (`set`, `consents`, `revoke-consent`) against the configured store:
//! each parses its arguments, calls one core flow and prints the outcome. The lines they print are written once
//! here, for the store and for the admin API (`remote`, `remote_groups`).

use std::future::Future;
use std::path::PathBuf;

use clap::Subcommand;
use nauthera_core::Error;
use nauthera_core::people::Page;
use nauthera_core::types::ClientId;
use nauthera_core::user::UserUpdate;

use crate::app::{ServerError, ServerProvider};
use crate::config::ConfigError;

/// `group` subcommands.
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group.
    Add {
        /// The group's unique name (what the `groups` claim carries).
        name: String,
        /// What the group is for.
        #[arg(long)]
        description: Option<String>,
    },
    /// List groups by name.
    List,
    /// Show a group and its members.
    Show {
        /// The group's name.
        name: String,
    },
    /// Delete a group and its memberships.
    Delete {
        /// The group's name.
        name: String,
    },
    /// Make a user a member of a group.
    AddMember {
        /// The group's name.
        name: String,
        /// The user's login name.
        username: String,
    },
    /// End a user's membership in a group.
    RemoveMember {
        /// The group's name.
        name: String,
        /// The user's login name.
        username: String,
    },
}

/// `user set`'s arguments: what changes in a user's profile.
#[derive(Debug, clap::Args)]
pub struct UserSet {
    /// The login name.
    pub username: String,
    /// Full name (an empty value removes it).
    #[arg(long)]
    pub name: Option<String>,
    /// Email address (an empty value removes it); a changed address is recorded as not verified unless
    /// `--email-verified` is given.
    #[arg(long)]
    pub email: Option<String>,
    /// Record the email address as verified.
    #[arg(long)]
    pub email_verified: bool,
    /// Set an attribute, `NAME=JSON` (a value that is not JSON is taken as a string); repeatable.
    #[arg(long = "attribute", value_name = "NAME=VALUE")]
    pub attributes: Vec<String>,
    /// Remove an attribute; repeatable.
    #[arg(long = "remove-attribute", value_name = "NAME")]
    pub remove_attributes: Vec<String>,
    /// A JSON file of attributes to set (an object).
    #[arg(long)]
    pub attributes_file: Option<PathBuf>,
}

impl UserSet {
    /// The change core applies.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for an attribute that is not `NAME=VALUE`, or an unreadable attributes file.
    pub fn update(&self) -> Result<UserUpdate, ConfigError> {
        let mut update = UserUpdate::default();
        update.name = self.name.clone();
        update.email = self.email.clone();
        update.email_verified = self.email_verified;
        if let Some(path) = &self.attributes_file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
                .map_err(|error| {
                    ConfigError::Invalid(format!("{}: not a JSON object: {error}", path.display()))
                })?;
            update.set_attributes.extend(object);
        }
        for pair in &self.attributes {
            let (name, value) = pair.split_once('=').ok_or_else(|| {
                ConfigError::Invalid(format!("--attribute {pair}: expected NAME=VALUE"))
            })?;
            let value = serde_json::from_str(value)
                .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
            update.set_attributes.insert(name.to_owned(), value);
        }
        update.remove_attributes.clone_from(&self.remove_attributes);
        Ok(update)
    }
}

/// Runs a `group` subcommand against the provider's store.
#[allow(clippy::print_stdout, reason = "command-line output")]
pub(crate) async fn administer_groups(
    provider: &ServerProvider,
    command: GroupCommand,
) -> Result<(), ServerError> {
    match command {
        GroupCommand::Add { name, description } => {
            provider
                .create_group(&name, description)
                .await
                .map_err(refused)?;
            println!("{}", group_created_line(&name));
        }
        GroupCommand::List => {
            let groups = every_page(
                |page| async move { Ok(provider.list_groups(&page).await?) },
                |group| group.name.clone(),
            )
            .await?;
            for group in groups {
                println!(
                    "{}",
                    group_line(&group.name, group.description.as_deref().unwrap_or(""))
                );
            }
        }
        GroupCommand::Show { name } => {
            let group = provider
                .find_group(&name)
                .await?
                .ok_or_else(|| ServerError::Refused(format!("no group {name}")))?;
            println!(
                "{}",
                group_line(&group.name, group.description.as_deref().unwrap_or(""))
            );
            let name = &name;
            let members = every_page(
                |page| async move {
                    provider
                        .list_group_members(name, &page)
                        .await
                        .map_err(refused)
                },
                |member| member.username.clone(),
            )
            .await?;
            for member in members {
                println!("{}", member_line(&member.username));
            }
        }
        GroupCommand::Delete { name } => {
            if !provider.delete_group(&name).await? {
                return Err(ServerError::Refused(format!("no group {name}")));
            }
            println!("{}", group_deleted_line(&name));
        }
        GroupCommand::AddMember { name, username } => {
            let added = provider
                .add_group_member(&name, &username)
                .await
                .map_err(refused)?;
            println!("{}", member_added_line(&username, &name, added));
        }
        GroupCommand::RemoveMember { name, username } => {
            let removed = provider
                .remove_group_member(&name, &username)
                .await
                .map_err(refused)?;
            println!("{}", member_removed_line(&username, &name, removed));
        }
    }
    Ok(())
}

/// Every item of a list the store pages through: `fetch` reads one page, `name` is what the next starts after.
pub(crate) async fn every_page<T, F, Fut>(
    mut fetch: F,
    name: impl Fn(&T) -> String,
) -> Result<Vec<T>, ServerError>
where
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>, ServerError>>,
{
    let mut all = Vec::new();
    let mut page = Page::default();
    loop {
        let items = fetch(page.clone()).await?;
        let next = items
            .last()
            .filter(|_| items.len() == page.size() as usize)
            .map(&name);
        all.extend(items);
        match next {
            Some(after) => page = Page::after(after, 0),
            None => return Ok(all),
        }
    }
}

/// `user set`: applies the profile change and prints the user.
#[allow(clippy::print_stdout, reason = "command-line output")]
pub(crate) async fn set_user(provider: &ServerProvider, args: &UserSet) -> Result<(), ServerError> {
    let update = args.update()?;
    let user = provider
        .update_user(&args.username, update)
        .await
        .map_err(refused)?;
    let attributes = if user.claims.attributes.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&user.claims.attributes).unwrap_or_default()
    };
    let line = crate::cli::user_line(
        &user.username,
        user.subject.as_str(),
        user.disabled,
        user.claims.name.as_deref(),
        user.claims.email.as_deref(),
    );
    println!("{}", profile_lines(line, &attributes));
    Ok(())
}

/// `user consents`: one line per client the user has consented to.
#[allow(clippy::print_stdout, reason = "command-line output")]
pub(crate) async fn list_consents(
    provider: &ServerProvider,
    username: &str,
) -> Result<(), ServerError> {
    for consent in provider.consents_of_user(username).await.map_err(refused)? {
        println!(
            "{}",
            consent_line(consent.client_id.as_str(), &consent.scope.to_string())
        );
    }
    Ok(())
}

/// `user revoke-consent`: revokes the consent with the client's tokens for the user.
#[allow(clippy::print_stdout, reason = "command-line output")]
pub(crate) async fn revoke_consent(
    provider: &ServerProvider,
    username: &str,
    client_id: &str,
) -> Result<(), ServerError> {
    let client_id = ClientId::new(client_id);
    if !provider
        .revoke_consent_of_user(username, &client_id)
        .await
        .map_err(refused)?
    {
        return Err(ServerError::Refused(format!(
            "{username} has no consent for {client_id}"
        )));
    }
    println!("{}", consent_revoked_line(username, client_id.as_str()));
    Ok(())
}

/// The groups line of `user show` on the store.
pub(crate) async fn groups_line(
    provider: &ServerProvider,
    username: &str,
) -> Result<String, ServerError> {
    let groups = provider.groups_of_user(username).await.map_err(refused)?;
    Ok(groups_line_of(
        groups.iter().map(|group| group.name.as_str()),
    ))
}

/// `user show`'s groups line (local and remote): the names of the user's groups.
pub(crate) fn groups_line_of<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    format!(
        "groups\t{}",
        names.into_iter().collect::<Vec<_>>().join(" ")
    )
}

/// A user's profile as `user set` prints it (local and remote): the user line, then the attributes (a JSON
/// object) when there are any.
pub(crate) fn profile_lines(user_line: String, attributes: &str) -> String {
    if attributes.is_empty() {
        return user_line;
    }
    format!("{user_line}\nattributes\t{attributes}")
}

/// `group add`'s line (local and remote).
pub(crate) fn group_created_line(name: &str) -> String {
    format!("group {name} created")
}

/// `group delete`'s line (local and remote).
pub(crate) fn group_deleted_line(name: &str) -> String {
    format!("group {name} deleted")
}

/// A group as `group list` and `group show` print it (local and remote): the name and the description (empty
/// when there is none).
pub(crate) fn group_line(name: &str, description: &str) -> String {
    format!("{name}\t{description}")
}

/// A member as `group show` prints it (local and remote).
pub(crate) fn member_line(username: &str) -> String {
    format!("member\t{username}")
}

/// `group add-member`'s line (local and remote): whether `username` became a member or already was one.
pub(crate) fn member_added_line(username: &str, name: &str, added: bool) -> String {
    let state = if added { "is now" } else { "already was" };
    format!("{username} {state} a member of {name}")
}

/// `group remove-member`'s line (local and remote): whether `username` was a member.
pub(crate) fn member_removed_line(username: &str, name: &str, removed: bool) -> String {
    let state = if removed { "is no longer" } else { "was not" };
    format!("{username} {state} a member of {name}")
}

/// A consent as `user consents` prints it (local and remote).
pub(crate) fn consent_line(client_id: &str, scope: &str) -> String {
    format!("{client_id}\t{scope}")
}

/// `user revoke-consent`'s line (local and remote).
pub(crate) fn consent_revoked_line(username: &str, client_id: &str) -> String {
    format!("consent of {username} for {client_id} revoked with the client's tokens")
}

/// Refusals a person can act on (a missing group or user, a taken name, a bad value) as their message; other
/// failures as they are.
fn refused(error: Error) -> ServerError {
    match error {
        Error::NotFound(message) | Error::Conflict(message) => ServerError::Refused(message),
        Error::Protocol { description, .. } => ServerError::Refused(description.into_owned()),
        other => ServerError::Provider(other),
    }
}
