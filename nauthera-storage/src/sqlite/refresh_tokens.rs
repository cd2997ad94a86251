//! [`RefreshTokenStore`] for SQLite: rotation is one `BEGIN IMMEDIATE` transaction.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable,
    Selectable, SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::secret::TokenDigest;
use nauthera_core::storage::{RefreshTokenRecord, RefreshTokenStore};
use nauthera_core::types::{ClientId, GrantId, Scope, SessionId, Subject};
use nauthera_core::{StorageError, UnixTime};

use super::{SqliteStore, error};
use crate::schema::refresh_tokens;

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::sqlite::Sqlite))]
struct RefreshTokenRow {
    digest: String,
    grant_id: String,
    client_id: String,
    subject: String,
    scope: String,
    sid: String,
    auth_time: i64,
    issued_at: i64,
    expires_at: i64,
    rotated_at: Option<i64>,
    revoked: bool,
}

impl RefreshTokenRow {
    fn from_record(token: &RefreshTokenRecord) -> Self {
        Self {
            digest: token.digest.as_str().to_owned(),
            grant_id: token.grant_id.as_str().to_owned(),
            client_id: token.client_id.as_str().to_owned(),
            subject: token.subject.as_str().to_owned(),
            scope: token.scope.to_string(),
            sid: token.sid.as_str().to_owned(),
            auth_time: token.auth_time.0,
            issued_at: token.issued_at.0,
            expires_at: token.expires_at.0,
            rotated_at: token.rotated_at.map(|t| t.0),
            revoked: token.revoked,
        }
    }

    fn into_record(self) -> Result<RefreshTokenRecord, StorageError> {
        Ok(RefreshTokenRecord {
            digest: TokenDigest::from_stored(self.digest),
            grant_id: GrantId::new(self.grant_id),
            client_id: ClientId::new(self.client_id),
            subject: Subject::new(self.subject),
            scope: Scope::parse(&self.scope).map_err(error::corrupt)?,
            sid: SessionId::new(self.sid),
            auth_time: UnixTime(self.auth_time),
            issued_at: UnixTime(self.issued_at),
            expires_at: UnixTime(self.expires_at),
            rotated_at: self.rotated_at.map(UnixTime),
            revoked: self.revoked,
        })
    }
}

impl RefreshTokenStore for SqliteStore {
    async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> Result<(), StorageError> {
        diesel::insert_into(refresh_tokens::table)
            .values(RefreshTokenRow::from_record(token))
            .execute(&mut *self.connection().await?)
            .await
            .map_err(error::query)?;
        Ok(())
    }

    async fn find_refresh_token(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<RefreshTokenRecord>, StorageError> {
        refresh_tokens::table
            .find(digest.as_str())
            .select(RefreshTokenRow::as_select())
            .first(&mut *self.connection().await?)
            .await
            .optional()
            .map_err(error::query)?
            .map(RefreshTokenRow::into_record)
            .transpose()
    }

    async fn rotate_refresh_token(
        &self,
        current: &TokenDigest,
        successor: &RefreshTokenRecord,
        now: UnixTime,
    ) -> Result<bool, StorageError> {
        let current = current.as_str().to_owned();
        let successor = RefreshTokenRow::from_record(successor);
        let mut connection = self.connection().await?;
        connection
            .immediate_transaction(async move |connection| {
                let rotated = diesel::update(
                    refresh_tokens::table
                        .filter(refresh_tokens::digest.eq(&current))
                        .filter(refresh_tokens::rotated_at.is_null())
                        .filter(refresh_tokens::revoked.eq(false)),
                )
                .set(refresh_tokens::rotated_at.eq(Some(now.0)))
                .execute(connection)
                .await?;
                if rotated != 1 {
                    return Ok(false);
                }
                diesel::insert_into(refresh_tokens::table)
                    .values(successor)
                    .execute(connection)
                    .await?;
                Ok(true)
            })
            .await
            .map_err(error::query)
    }

    async fn revoke_refresh_family(&self, grant_id: &GrantId) -> Result<(), StorageError> {
        diesel::update(
            refresh_tokens::table.filter(refresh_tokens::grant_id.eq(grant_id.as_str())),
        )
        .set(refresh_tokens::revoked.eq(true))
        .execute(&mut *self.connection().await?)
        .await
        .map_err(error::query)?;
        Ok(())
    }
}
