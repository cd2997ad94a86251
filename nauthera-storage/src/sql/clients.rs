//! [`ClientStore`] (written once for both backends): the client as JSON, keyed by id.

use diesel::upsert::excluded;
use diesel::{ExpressionMethods as _, OptionalExtension as _, QueryDsl as _};
use diesel_async::RunQueryDsl as _;
use nauthera_core::StorageError;
use nauthera_core::client::Client;
use nauthera_core::storage::ClientStore;
use nauthera_core::types::ClientId;

use super::{DieselStore, error};
use crate::schema::clients;

fn decode(data: &str) -> Result<Client, StorageError> {
    serde_json::from_str(data).map_err(error::corrupt)
}

impl ClientStore for DieselStore {
    async fn find_client(&self, client_id: &ClientId) -> Result<Option<Client>, StorageError> {
        let data: Option<String> = with_connection!(self, |conn| {
            clients::table
                .find(client_id.as_str())
                .select(clients::data)
                .first(conn)
                .await
        })
        .optional()
        .map_err(error::query)?;
        data.as_deref().map(decode).transpose()
    }

    async fn upsert_client(&self, client: &Client) -> Result<(), StorageError> {
        let data = serde_json::to_string(client).map_err(error::encode)?;
        with_connection!(self, |conn| {
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
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(())
    }

    async fn delete_client(&self, client_id: &ClientId) -> Result<bool, StorageError> {
        let deleted = with_connection!(self, |conn| {
            diesel::delete(clients::table.find(client_id.as_str()))
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(deleted > 0)
    }

    async fn list_clients(&self) -> Result<Vec<Client>, StorageError> {
        let rows: Vec<String> = with_connection!(self, |conn| {
            clients::table
                .select(clients::data)
                .order(clients::client_id.asc())
                .load(conn)
                .await
        })
        .map_err(error::query)?;
        rows.iter().map(|data| decode(data)).collect()
    }
}
