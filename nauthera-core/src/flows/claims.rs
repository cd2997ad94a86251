//! The claims about a user that a grant releases, written once for the ID token and the userinfo response:
//! the standard claims its scope releases (OpenID Connect Core §5.4) and, with the `groups` scope, the names of
//! the user's groups.

use serde_json::{Map, Value};

use crate::cache::Cache;
use crate::error::Error;
use crate::provider::Provider;
use crate::storage::Storage;
use crate::types::Scope;
use crate::user::User;

/// The scope that releases the `groups` claim: the names of the user's groups, as an array of strings.
pub const GROUPS_SCOPE: &str = "groups";

impl<S: Storage, C: Cache> Provider<S, C> {
    /// The claims about `user` that `scope` releases, without `sub`.
    ///
    /// # Errors
    /// Storage failures (reading the user's groups).
    pub(crate) async fn released_claims(
        &self,
        user: &User,
        scope: &Scope,
    ) -> Result<Map<String, Value>, Error> {
        let mut claims = user.claims_for(scope);
        if scope.contains(GROUPS_SCOPE) {
            let groups = self.storage.groups_of(&user.subject).await?;
            let names = groups.into_iter().map(|group| Value::String(group.name));
            claims.insert(GROUPS_SCOPE.to_owned(), Value::Array(names.collect()));
        }
        Ok(claims)
    }
}
