//! [`PurgeStore`]: the trait face of [`DieselStore::purge_expired`].

use nauthera_core::storage::PurgeStore;
use nauthera_core::{StorageError, UnixTime};

use super::DieselStore;

impl PurgeStore for DieselStore {
    async fn purge_expired(&self, now: UnixTime) -> Result<u64, StorageError> {
        DieselStore::purge_expired(self, now).await
    }
}
