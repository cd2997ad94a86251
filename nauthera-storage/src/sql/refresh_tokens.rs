//! [`RefreshTokenStore`] (written once for both backends): rotation is one serialized write transaction.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable,
    Selectable, SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::secret::TokenDigest;
use nauthera_core::storage::{RefreshTokenRecord, RefreshTokenStore};
use nauthera_core::types::{ClientId, GrantId, Scope, SessionId, Subject};
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error};
use crate::schema::refresh_tokens;

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
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
    /// `NULL` only in rows written before the column existed: read as `expires_at`.
    family_expires_at: Option<i64>,
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
            family_expires_at: Some(token.family_expires_at.0),
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
            family_expires_at: UnixTime(self.family_expires_at.unwrap_or(self.expires_at)),
            rotated_at: self.rotated_at.map(UnixTime),
            revoked: self.revoked,
        })
    }
}

impl RefreshTokenStore for DieselStore {
    async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> Result<(), StorageError> {
        with_connection!(self, |conn| {
            diesel::insert_into(refresh_tokens::table)
                .values(RefreshTokenRow::from_record(token))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(())
    }

    async fn find_refresh_token(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<RefreshTokenRecord>, StorageError> {
        with_connection!(self, |conn| {
            refresh_tokens::table
                .find(digest.as_str())
                .select(RefreshTokenRow::as_select())
                .first(conn)
                .await
        })
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
        let current = current.as_str();
        let successor = RefreshTokenRow::from_record(successor);
        // The conditional UPDATE decides the race: on PostgreSQL a concurrent rotation waits for this row's
        // lock and then no longer matches `rotated_at IS NULL`.
        write_transaction!(self, |conn| {
            let rotated = diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::digest.eq(current))
                    .filter(refresh_tokens::rotated_at.is_null())
                    .filter(refresh_tokens::revoked.eq(false)),
            )
            .set(refresh_tokens::rotated_at.eq(Some(now.0)))
            .execute(conn)
            .await?;
            if rotated != 1 {
                return Ok(false);
            }
            diesel::insert_into(refresh_tokens::table)
                .values(successor)
                .execute(conn)
                .await?;
            Ok(true)
        })
        .map_err(error::query)
    }

    async fn revoke_refresh_family(&self, grant_id: &GrantId) -> Result<(), StorageError> {
        with_connection!(self, |conn| {
            diesel::update(
                refresh_tokens::table.filter(refresh_tokens::grant_id.eq(grant_id.as_str())),
            )
            .set(refresh_tokens::revoked.eq(true))
            .execute(conn)
            .await
        })
        .map_err(error::query)?;
        Ok(())
    }

    async fn revoke_refresh_tokens_of(&self, subject: &Subject) -> Result<(), StorageError> {
        with_connection!(self, |conn| {
            diesel::update(
                refresh_tokens::table.filter(refresh_tokens::subject.eq(subject.as_str())),
            )
            .set(refresh_tokens::revoked.eq(true))
            .execute(conn)
            .await
        })
        .map_err(error::query)?;
        Ok(())
    }
}
