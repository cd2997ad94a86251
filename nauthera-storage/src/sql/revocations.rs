//! [`RevocationStore`] (written once for both backends): one row per key, keeping the later expiry.

use diesel::upsert::excluded;
use diesel::{ExpressionMethods as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use nauthera_core::storage::{RevocationKey, RevocationStore};
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error};
use crate::schema::revocations;

impl RevocationStore for DieselStore {
    async fn revoke(&self, key: &RevocationKey, expires_at: UnixTime) -> Result<(), StorageError> {
        // `filter` on an upsert is the `WHERE` of `DO UPDATE`: keep the later expiry.
        use diesel::query_dsl::methods::FilterDsl as _;
        with_connection!(self, |conn| {
            diesel::insert_into(revocations::table)
                .values((
                    revocations::key.eq(key.storage_key()),
                    revocations::expires_at.eq(expires_at.0),
                ))
                .on_conflict(revocations::key)
                .do_update()
                .set(revocations::expires_at.eq(excluded(revocations::expires_at)))
                .filter(revocations::expires_at.lt(excluded(revocations::expires_at)))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(())
    }

    async fn is_revoked(&self, keys: &[RevocationKey]) -> Result<bool, StorageError> {
        if keys.is_empty() {
            return Ok(false);
        }
        let keys: Vec<String> = keys.iter().map(RevocationKey::storage_key).collect();
        let found: i64 = with_connection!(self, |conn| {
            revocations::table
                .filter(revocations::key.eq_any(keys))
                .count()
                .get_result(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(found > 0)
    }
}
