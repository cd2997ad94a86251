//! [`PreferenceStore`] (written once for both backends): one JSON row per user, deleted with the user (ON DELETE
//! CASCADE).

use diesel::upsert::excluded;
use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use nauthera_core::people::Preferences;
use nauthera_core::storage::PreferenceStore;
use nauthera_core::types::Subject;
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error};
use crate::schema::user_preferences;

impl PreferenceStore for DieselStore {
    async fn find_preferences(
        &self,
        subject: &Subject,
    ) -> Result<Option<Preferences>, StorageError> {
        let json: Option<String> = with_connection!(self, |conn| {
            user_preferences::table
                .find(subject.as_str())
                .select(user_preferences::preferences)
                .first(conn)
                .await
        })
        .optional()
        .map_err(error::query)?;
        json.map(|json| serde_json::from_str(&json).map_err(error::corrupt))
            .transpose()
    }

    async fn upsert_preferences(
        &self,
        subject: &Subject,
        preferences: &Preferences,
        now: UnixTime,
    ) -> Result<(), StorageError> {
        // A missing user violates the foreign key: `StorageErrorKind::NotFound`.
        let json = serde_json::to_string(preferences).map_err(error::encode)?;
        with_connection!(self, |conn| {
            diesel::insert_into(user_preferences::table)
                .values((
                    user_preferences::subject.eq(subject.as_str()),
                    user_preferences::preferences.eq(&json),
                    user_preferences::updated_at.eq(now.0),
                ))
                .on_conflict(user_preferences::subject)
                .do_update()
                .set((
                    user_preferences::preferences.eq(excluded(user_preferences::preferences)),
                    user_preferences::updated_at.eq(excluded(user_preferences::updated_at)),
                ))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(())
    }
}
