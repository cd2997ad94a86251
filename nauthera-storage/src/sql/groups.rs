//! [`GroupStore`] (written once for both backends): groups by id with unique names, memberships as pairs whose
//! foreign keys cascade when a group or a user is deleted.

use diesel::{
    ExpressionMethods as _, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::people::{Group, Page};
use nauthera_core::storage::GroupStore;
use nauthera_core::types::{GroupId, Subject};
use nauthera_core::user::User;
use nauthera_core::{StorageError, UnixTime};

use super::users::UserRow;
use super::{DieselStore, error};
use crate::schema::{group_members, groups, users};

#[derive(Queryable, Selectable)]
#[diesel(table_name = groups)]
struct GroupRow {
    group_id: String,
    name: String,
    description: Option<String>,
    created_at: i64,
}

impl From<GroupRow> for Group {
    fn from(row: GroupRow) -> Self {
        Self {
            group_id: GroupId::new(row.group_id),
            name: row.name,
            description: row.description,
            created_at: UnixTime(row.created_at),
        }
    }
}

impl GroupStore for DieselStore {
    async fn insert_group(&self, group: &Group) -> Result<bool, StorageError> {
        let inserted = with_connection!(self, |conn| {
            diesel::insert_into(groups::table)
                .values((
                    groups::group_id.eq(group.group_id.as_str()),
                    groups::name.eq(&group.name),
                    groups::description.eq(group.description.as_deref()),
                    groups::created_at.eq(group.created_at.0),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(inserted > 0)
    }

    async fn find_group(&self, name: &str) -> Result<Option<Group>, StorageError> {
        let row = with_connection!(self, |conn| {
            groups::table
                .filter(groups::name.eq(name))
                .select(GroupRow::as_select())
                .first(conn)
                .await
        })
        .optional()
        .map_err(error::query)?;
        Ok(row.map(Group::from))
    }

    async fn list_groups(&self, page: &Page) -> Result<Vec<Group>, StorageError> {
        // Group names are never empty, so "after the empty string" is the first page.
        let after = page.after.as_deref().unwrap_or("");
        let rows = with_connection!(self, |conn| {
            groups::table
                .filter(groups::name.gt(after))
                .select(GroupRow::as_select())
                .order(groups::name.asc())
                .limit(i64::from(page.size()))
                .load(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(rows.into_iter().map(Group::from).collect())
    }

    async fn delete_group(&self, group_id: &GroupId) -> Result<bool, StorageError> {
        // The memberships go with the row (ON DELETE CASCADE).
        let deleted = with_connection!(self, |conn| {
            diesel::delete(groups::table.find(group_id.as_str()))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(deleted > 0)
    }

    async fn add_member(
        &self,
        group_id: &GroupId,
        subject: &Subject,
        now: UnixTime,
    ) -> Result<bool, StorageError> {
        // A missing group or user violates a foreign key: `StorageErrorKind::NotFound`.
        let inserted = with_connection!(self, |conn| {
            diesel::insert_into(group_members::table)
                .values((
                    group_members::group_id.eq(group_id.as_str()),
                    group_members::subject.eq(subject.as_str()),
                    group_members::added_at.eq(now.0),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(inserted > 0)
    }

    async fn remove_member(
        &self,
        group_id: &GroupId,
        subject: &Subject,
    ) -> Result<bool, StorageError> {
        let deleted = with_connection!(self, |conn| {
            diesel::delete(group_members::table.find((group_id.as_str(), subject.as_str())))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(deleted > 0)
    }

    async fn list_members(
        &self,
        group_id: &GroupId,
        page: &Page,
    ) -> Result<Vec<User>, StorageError> {
        let after = page.after.as_deref().unwrap_or("");
        with_connection!(self, |conn| {
            group_members::table
                .inner_join(users::table)
                .filter(group_members::group_id.eq(group_id.as_str()))
                .filter(users::username.gt(after))
                .select(UserRow::as_select())
                .order(users::username.asc())
                .limit(i64::from(page.size()))
                .load(conn)
                .await
        })
        .map_err(error::query)?
        .into_iter()
        .map(UserRow::into_user)
        .collect()
    }

    async fn groups_of(&self, subject: &Subject) -> Result<Vec<Group>, StorageError> {
        let rows = with_connection!(self, |conn| {
            group_members::table
                .inner_join(groups::table)
                .filter(group_members::subject.eq(subject.as_str()))
                .select(GroupRow::as_select())
                .order(groups::name.asc())
                .load(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(rows.into_iter().map(Group::from).collect())
    }
}
