//! [`UserStore`] (written once for both backends): one row per subject, claims as JSON; deleting a user takes
//! their consents and refresh tokens with them.

use diesel::upsert::excluded;
use diesel::{
    ExpressionMethods as _, OptionalExtension as _, QueryDsl as _, Queryable, Selectable,
    SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::people::Page;
use nauthera_core::storage::UserStore;
use nauthera_core::types::Subject;
use nauthera_core::user::{PasswordHash, User};
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error};
use crate::schema::{consents, refresh_tokens, users};

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(super) struct UserRow {
    subject: String,
    username: String,
    password_hash: String,
    claims: String,
    disabled: bool,
    sessions_not_before: Option<i64>,
}

impl UserRow {
    pub(super) fn into_user(self) -> Result<User, StorageError> {
        let mut user = User::new(
            Subject::new(self.subject),
            self.username,
            PasswordHash::from_stored(self.password_hash),
        );
        user.claims = serde_json::from_str(&self.claims).map_err(error::corrupt)?;
        user.disabled = self.disabled;
        user.sessions_not_before = self.sessions_not_before.map(UnixTime);
        Ok(user)
    }
}

impl UserStore for DieselStore {
    async fn find_user(&self, subject: &Subject) -> Result<Option<User>, StorageError> {
        with_connection!(self, |conn| {
            users::table
                .find(subject.as_str())
                .select(UserRow::as_select())
                .first(conn)
                .await
        })
        .optional()
        .map_err(error::query)?
        .map(UserRow::into_user)
        .transpose()
    }

    async fn find_user_by_username(&self, username: &str) -> Result<Option<User>, StorageError> {
        with_connection!(self, |conn| {
            users::table
                .filter(users::username.eq(username))
                .select(UserRow::as_select())
                .first(conn)
                .await
        })
        .optional()
        .map_err(error::query)?
        .map(UserRow::into_user)
        .transpose()
    }

    async fn upsert_user(&self, user: &User) -> Result<(), StorageError> {
        let claims = serde_json::to_string(&user.claims).map_err(error::encode)?;
        with_connection!(self, |conn| {
            diesel::insert_into(users::table)
                .values((
                    users::subject.eq(user.subject.as_str()),
                    users::username.eq(&user.username),
                    users::password_hash.eq(user.password_hash.as_stored()),
                    users::claims.eq(&claims),
                    users::disabled.eq(user.disabled),
                    users::sessions_not_before.eq(user.sessions_not_before.map(|t| t.0)),
                ))
                .on_conflict(users::subject)
                .do_update()
                .set((
                    users::username.eq(excluded(users::username)),
                    users::password_hash.eq(excluded(users::password_hash)),
                    users::claims.eq(excluded(users::claims)),
                    users::disabled.eq(excluded(users::disabled)),
                    users::sessions_not_before.eq(excluded(users::sessions_not_before)),
                ))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(())
    }

    async fn delete_user(&self, subject: &Subject) -> Result<bool, StorageError> {
        let subject = subject.as_str();
        // Group memberships, preferences and second factors go with the row (ON DELETE CASCADE).
        let deleted = write_transaction!(self, |conn| {
            diesel::delete(consents::table.filter(consents::subject.eq(subject)))
                .execute(conn)
                .await?;
            diesel::delete(refresh_tokens::table.filter(refresh_tokens::subject.eq(subject)))
                .execute(conn)
                .await?;
            diesel::delete(users::table.find(subject))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(deleted > 0)
    }

    async fn list_users(&self, page: &Page) -> Result<Vec<User>, StorageError> {
        // Usernames are never empty, so "after the empty string" is the first page.
        let after = page.after.as_deref().unwrap_or("");
        with_connection!(self, |conn| {
            users::table
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
}
