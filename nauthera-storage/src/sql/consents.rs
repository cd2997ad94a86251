//! [`ConsentStore`] (written once for both backends): one row per subject and client; revoking one revokes the
//! refresh tokens of that subject and client in the same transaction.

use diesel::upsert::excluded;
use diesel::{
    BoolExpressionMethods as _, ExpressionMethods as _, OptionalExtension as _, QueryDsl as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::people::Consent;
use nauthera_core::storage::ConsentStore;
use nauthera_core::types::{ClientId, GrantId, Scope, Subject};
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error};
use crate::schema::{consents, refresh_tokens};

impl ConsentStore for DieselStore {
    async fn find_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
    ) -> Result<Option<Scope>, StorageError> {
        let scope: Option<String> = with_connection!(self, |conn| {
            consents::table
                .find((subject.as_str(), client_id.as_str()))
                .select(consents::scope)
                .first(conn)
                .await
        })
        .optional()
        .map_err(error::query)?;
        scope
            .map(|scope| Scope::parse(&scope).map_err(error::corrupt))
            .transpose()
    }

    async fn upsert_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
        scope: &Scope,
        now: UnixTime,
    ) -> Result<(), StorageError> {
        with_connection!(self, |conn| {
            diesel::insert_into(consents::table)
                .values((
                    consents::subject.eq(subject.as_str()),
                    consents::client_id.eq(client_id.as_str()),
                    consents::scope.eq(scope.to_string()),
                    consents::updated_at.eq(now.0),
                ))
                .on_conflict((consents::subject, consents::client_id))
                .do_update()
                .set((
                    consents::scope.eq(excluded(consents::scope)),
                    consents::updated_at.eq(excluded(consents::updated_at)),
                ))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(())
    }

    async fn list_consents(&self, subject: &Subject) -> Result<Vec<Consent>, StorageError> {
        let rows: Vec<(String, String, i64)> = with_connection!(self, |conn| {
            consents::table
                .filter(consents::subject.eq(subject.as_str()))
                .select((consents::client_id, consents::scope, consents::updated_at))
                .order(consents::client_id.asc())
                .load(conn)
                .await
        })
        .map_err(error::query)?;
        rows.into_iter()
            .map(|(client_id, scope, updated_at)| {
                Ok(Consent {
                    client_id: ClientId::new(client_id),
                    scope: Scope::parse(&scope).map_err(error::corrupt)?,
                    updated_at: UnixTime(updated_at),
                })
            })
            .collect()
    }

    async fn revoke_consent(
        &self,
        subject: &Subject,
        client_id: &ClientId,
    ) -> Result<Option<Vec<GrantId>>, StorageError> {
        let (subject, client_id) = (subject.as_str(), client_id.as_str());
        let grants: Option<Vec<String>> = write_transaction!(self, |conn| {
            let deleted = diesel::delete(consents::table.find((subject, client_id)))
                .execute(conn)
                .await?;
            if deleted == 0 {
                return Ok(None);
            }
            let of_client = refresh_tokens::subject
                .eq(subject)
                .and(refresh_tokens::client_id.eq(client_id));
            let grants: Vec<String> = refresh_tokens::table
                .filter(of_client)
                .select(refresh_tokens::grant_id)
                .distinct()
                .load(conn)
                .await?;
            diesel::update(refresh_tokens::table.filter(of_client))
                .set(refresh_tokens::revoked.eq(true))
                .execute(conn)
                .await?;
            Ok(Some(grants))
        })
        .map_err(error::query)?;
        Ok(grants.map(|grants| grants.into_iter().map(GrantId::new).collect()))
    }
}
