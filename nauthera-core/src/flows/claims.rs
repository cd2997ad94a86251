//! The claims about a user that a grant releases, written once for the ID token, the userinfo response and the
//! access token.
//!
//! The ID token and userinfo carry:
//!
//! - the standard claims the scope releases (OpenID Connect Core §5.4);
//! - with the `groups` scope, `groups`: the names of the user's groups;
//! - with `openid`, the client's mapped claims ([`Client::claim_mapping`]: a claim per user attribute, absent
//!   when the user has no such attribute) and static claims ([`Client::static_claims`]).
//!
//! Mapped and static claims need no scope of their own: like a mapper on a client in Keycloak, they are the
//! administrator's decision for that one client, so a relying party cannot ask for more than it was given and
//! another client never sees them. Their names are never reserved ones
//! ([`crate::user::validate_claim_name`], checked at registration and again on release), so they never replace
//! a claim the provider sets. A mapped claim is as trustworthy as whoever may set the attribute: today only administrators do
//! ([`Provider::update_user`]); a self-service page that let users edit an attribute would make the claims mapped
//! from it user-asserted.
//!
//! The access token carries `groups` only when the client has [`Client::access_token_groups`] and the grant
//! has the `groups` scope; it carries no mapped or static claims.

use serde_json::{Map, Value};

use crate::cache::Cache;
use crate::client::Client;
use crate::error::Error;
use crate::provider::Provider;
use crate::storage::Storage;
use crate::types::{OPENID, Scope, Subject};
use crate::user::{RESERVED_CLAIMS, User};

/// The scope that releases the `groups` claim: the names of the user's groups, as an array of strings.
pub const GROUPS_SCOPE: &str = "groups";

impl<S: Storage, C: Cache> Provider<S, C> {
    /// The claims about `user` that `scope` releases to `client` for the ID token and userinfo, without `sub`.
    /// `client` is `None` when the token's client no longer exists: then only the scope's claims are released.
    ///
    /// # Errors
    /// Storage failures (reading the user's groups).
    pub(crate) async fn released_claims(
        &self,
        user: &User,
        scope: &Scope,
        client: Option<&Client>,
    ) -> Result<Map<String, Value>, Error> {
        let mut claims = user.claims_for(scope);
        if scope.contains(GROUPS_SCOPE) {
            let names = self.group_names(&user.subject).await?;
            claims.insert(
                GROUPS_SCOPE.to_owned(),
                Value::Array(names.into_iter().map(Value::String).collect()),
            );
        }
        if let Some(client) = client
            && scope.contains(OPENID)
        {
            claims.extend(client_claims(client, user));
        }
        Ok(claims)
    }

    /// The `groups` claim of an access token: the names of the user's groups when `client` puts them in access
    /// tokens and `scope` has `groups`, `None` otherwise.
    ///
    /// # Errors
    /// Storage failures (reading the user's groups).
    pub(crate) async fn access_token_groups(
        &self,
        client: &Client,
        subject: &Subject,
        scope: &Scope,
    ) -> Result<Option<Vec<String>>, Error> {
        if !(client.access_token_groups && scope.contains(GROUPS_SCOPE)) {
            return Ok(None);
        }
        Ok(Some(self.group_names(subject).await?))
    }

    /// The names of the user's groups, ordered by name.
    async fn group_names(&self, subject: &Subject) -> Result<Vec<String>, Error> {
        let groups = self.storage.groups_of(subject).await?;
        Ok(groups.into_iter().map(|group| group.name).collect())
    }
}

/// The client's static claims and the claims it maps from `user`'s attributes, leaving out null values
/// (OpenID Connect Core §5.3.2) and reserved names (registration refuses them; a client built in code
/// without [`crate::registration`] is held to the same rule here).
fn client_claims<'a>(
    client: &'a Client,
    user: &'a User,
) -> impl Iterator<Item = (String, Value)> + 'a {
    let mapped = client
        .claim_mapping
        .iter()
        .filter_map(|(claim, attribute)| Some((claim, user.claims.attributes.get(attribute)?)));
    client
        .static_claims
        .iter()
        .chain(mapped)
        .filter(|(claim, value)| !value.is_null() && !RESERVED_CLAIMS.contains(&claim.as_str()))
        .map(|(claim, value)| (claim.clone(), value.clone()))
}
