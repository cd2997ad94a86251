//! [`ClientStore`] for SQLite: the client as JSON, keyed by id.

use diesel::upsert::excluded;
use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use nauthera_core::StorageError;
use nauthera_core::client::Client;
use nauthera_core::storage::ClientStore;
use nauthera_core::types::ClientId;

use super::{SqliteStore, error};
use crate::schema::clients;

fn decode(data: &str) -> Result<Client, StorageError> {
    serde_json::from_str(data).map_err(error::corrupt)
}

impl ClientStore for SqliteStore {
    async fn find_client(&self, client_id: &ClientId) -> Result<Option<Client>, StorageError> {
        let data: Option<String> = clients::table
            .find(client_id.as_str())
            .select(clients::data)
            .first(&mut *self.connection().await?)
            .await
            .optional()
            .map_err(error::query)?;
        data.as_deref().map(decode).transpose()
    }

    async fn upsert_client(&self, client: &Client) -> Result<(), StorageError> {
        let data = serde_json::to_string(client).map_err(error::encode)?;
        diesel::insert_into(clients::table)
            .values((
                clients::client_id.eq(client.client_id.as_str()),
                clients::client_name.eq(&client.client_name),
                clients::data.eq(&data),
            ))
            .on_conflict(clients::client_id)
            .do_update()
            .set((
                clients::client_name.eq(excluded(clients::client_name)),
                clients::data.eq(excluded(clients::data)),
            ))
            .execute(&mut *self.connection().await?)
            .await
            .map_err(error::query)?;
        Ok(())
    }

    async fn delete_client(&self, client_id: &ClientId) -> Result<bool, StorageError> {
        let deleted = diesel::delete(clients::table.find(client_id.as_str()))
            .execute(&mut *self.connection().await?)
            .await
            .map_err(error::query)?;
        Ok(deleted > 0)
    }

    async fn list_clients(&self) -> Result<Vec<Client>, StorageError> {
        let rows: Vec<String> = clients::table
            .select(clients::data)
            .order(clients::client_id.asc())
            .load(&mut *self.connection().await?)
            .await
            .map_err(error::query)?;
        rows.iter().map(|data| decode(data)).collect()
    }
}
