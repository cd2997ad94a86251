//! The records of an organization's people beyond the user itself: groups, per-user preferences, consents, and
//! the pages that list them.

use serde::{Deserialize, Serialize};

use crate::time::UnixTime;
use crate::types::{ClientId, GroupId, Scope};

/// The most items one page of a list holds.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// One page of a list ordered by name: the items after `after` (exclusive), at most `limit` of them.
///
/// Keyset paging: a store answers from its index on the name, so the cost of a page does not grow with how far
/// into the list it is.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Page {
    /// The last name of the previous page; `None` for the first page.
    pub after: Option<String>,
    /// How many items at most (capped at [`MAX_PAGE_SIZE`]; 0 means the cap).
    pub limit: u32,
}

impl Page {
    /// The first page of `limit` items.
    pub fn first(limit: u32) -> Self {
        Self { after: None, limit }
    }

    /// The page of `limit` items after `after`.
    pub fn after(after: impl Into<String>, limit: u32) -> Self {
        Self {
            after: Some(after.into()),
            limit,
        }
    }

    /// The number of items to return: `limit`, within `1..=MAX_PAGE_SIZE`.
    pub fn size(&self) -> u32 {
        match self.limit {
            0 => MAX_PAGE_SIZE,
            limit => limit.min(MAX_PAGE_SIZE),
        }
    }
}

/// A named group of users. Its name appears in the `groups` claim.
///
/// A plain data record, deliberately not `#[non_exhaustive]`: backends in other crates build it from rows.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct Group {
    /// The stable identifier.
    pub group_id: GroupId,
    /// The unique name.
    pub name: String,
    /// What the group is for.
    pub description: Option<String>,
    /// When the group was created.
    pub created_at: UnixTime,
}

/// What a user has chosen for themselves.
#[derive(Clone, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Preferences {
    /// The language the pages speak to them in (a BCP 47 tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl Preferences {
    /// Preferences with this language.
    pub fn with_locale(mut self, locale: Option<String>) -> Self {
        self.locale = locale;
        self
    }
}

/// A user's remembered consent for one client.
///
/// A plain data record, deliberately not `#[non_exhaustive]`: backends in other crates build it from rows.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Consent {
    /// The client consented to.
    pub client_id: ClientId,
    /// The scope consented to.
    pub scope: Scope,
    /// When the consent was last given or widened.
    pub updated_at: UnixTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_capped() {
        assert_eq!(Page::first(0).size(), MAX_PAGE_SIZE);
        assert_eq!(Page::first(5).size(), 5);
        assert_eq!(Page::after("x", 5000).size(), MAX_PAGE_SIZE);
    }

    #[test]
    fn preferences_round_trip_as_json() {
        let preferences = Preferences::default().with_locale(Some("de".into()));
        let json = serde_json::to_string(&preferences).unwrap();
        assert_eq!(json, r#"{"locale":"de"}"#);
        assert_eq!(
            serde_json::from_str::<Preferences>(&json).unwrap(),
            preferences
        );
        assert_eq!(
            serde_json::from_str::<Preferences>("{}").unwrap(),
            Preferences::default()
        );
    }
}
