//! [`ConsentStore`] (written once for both backends): one row per subject and client.

use diesel::upsert::excluded;
use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use nauthera_core::storage::ConsentStore;
use nauthera_core::types::{ClientId, Scope, Subject};
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error};
use crate::schema::consents;

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
}
