//! [`CodeStore`] (written once for both backends): codes by digest, redeemed by one conditional `UPDATE`.

use diesel::{
    ExpressionMethods as _, Insertable, OptionalExtension as _, QueryDsl as _, Queryable,
    Selectable, SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::pkce::CodeChallenge;
use nauthera_core::secret::TokenDigest;
use nauthera_core::storage::{CodeRecord, CodeStore};
use nauthera_core::types::{ClientId, GrantId, RedirectUri, Scope, SessionId, Subject};
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error};
use crate::schema::authorization_codes;

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = authorization_codes)]
struct CodeRow {
    digest: String,
    grant_id: String,
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    subject: String,
    scope: String,
    nonce: Option<String>,
    sid: String,
    auth_time: i64,
    expires_at: i64,
    redeemed_at: Option<i64>,
}

impl CodeRow {
    fn from_record(code: &CodeRecord) -> Self {
        Self {
            digest: code.digest.as_str().to_owned(),
            grant_id: code.grant_id.as_str().to_owned(),
            client_id: code.client_id.as_str().to_owned(),
            redirect_uri: code.redirect_uri.as_str().to_owned(),
            code_challenge: code.code_challenge.as_str().to_owned(),
            subject: code.subject.as_str().to_owned(),
            scope: code.scope.to_string(),
            nonce: code.nonce.clone(),
            sid: code.sid.as_str().to_owned(),
            auth_time: code.auth_time.0,
            expires_at: code.expires_at.0,
            redeemed_at: code.redeemed_at.map(|t| t.0),
        }
    }

    fn into_record(self) -> Result<CodeRecord, StorageError> {
        Ok(CodeRecord {
            digest: TokenDigest::from_stored(self.digest),
            grant_id: GrantId::new(self.grant_id),
            client_id: ClientId::new(self.client_id),
            redirect_uri: RedirectUri::parse(&self.redirect_uri).map_err(error::corrupt)?,
            code_challenge: CodeChallenge::parse(Some(&self.code_challenge), Some("S256"))
                .map_err(error::corrupt)?,
            subject: Subject::new(self.subject),
            scope: Scope::parse(&self.scope).map_err(error::corrupt)?,
            nonce: self.nonce,
            sid: SessionId::new(self.sid),
            auth_time: UnixTime(self.auth_time),
            expires_at: UnixTime(self.expires_at),
            redeemed_at: self.redeemed_at.map(UnixTime),
        })
    }
}

impl CodeStore for DieselStore {
    async fn insert_code(&self, code: &CodeRecord) -> Result<(), StorageError> {
        with_connection!(self, |conn| {
            diesel::insert_into(authorization_codes::table)
                .values(CodeRow::from_record(code))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(())
    }

    async fn find_code(&self, digest: &TokenDigest) -> Result<Option<CodeRecord>, StorageError> {
        with_connection!(self, |conn| {
            authorization_codes::table
                .find(digest.as_str())
                .select(CodeRow::as_select())
                .first(conn)
                .await
        })
        .optional()
        .map_err(error::query)?
        .map(CodeRow::into_record)
        .transpose()
    }

    async fn redeem_code(&self, digest: &TokenDigest, now: UnixTime) -> Result<bool, StorageError> {
        let updated = with_connection!(self, |conn| {
            diesel::update(
                authorization_codes::table
                    .filter(authorization_codes::digest.eq(digest.as_str()))
                    .filter(authorization_codes::redeemed_at.is_null()),
            )
            .set(authorization_codes::redeemed_at.eq(Some(now.0)))
            .execute(conn)
            .await
        })
        .map_err(error::query)?;
        Ok(updated == 1)
    }
}
