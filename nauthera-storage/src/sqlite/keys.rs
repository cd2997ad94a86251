//! [`KeyStore`] for SQLite: signing keys and server secrets.

use diesel::{
    ExpressionMethods as _, Insertable, QueryDsl as _, Queryable, Selectable, SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::keys::{Algorithm, StoredKey};
use nauthera_core::storage::KeyStore;
use nauthera_core::{StorageError, UnixTime};

use super::{SqliteStore, error};
use crate::schema::{server_secrets, signing_keys};

#[derive(Queryable, Selectable)]
#[diesel(table_name = signing_keys, check_for_backend(diesel::sqlite::Sqlite))]
struct KeyRow {
    kid: String,
    algorithm: String,
    private_der: Vec<u8>,
    created_at: i64,
    retired_at: Option<i64>,
}

impl KeyRow {
    fn into_key(self) -> Result<StoredKey, StorageError> {
        let algorithm = Algorithm::parse(&self.algorithm)
            .ok_or_else(|| error::corrupt(format!("unknown algorithm {:?}", self.algorithm)))?;
        Ok(StoredKey::new(
            self.kid,
            algorithm,
            self.private_der,
            UnixTime(self.created_at),
            self.retired_at.map(UnixTime),
        ))
    }
}

/// A key to insert, borrowing the key material instead of copying it.
#[derive(Insertable)]
#[diesel(table_name = signing_keys)]
struct NewKey<'a> {
    kid: &'a str,
    algorithm: &'static str,
    private_der: &'a [u8],
    created_at: i64,
    retired_at: Option<i64>,
}

impl<'a> NewKey<'a> {
    fn of(key: &'a StoredKey) -> Self {
        Self {
            kid: &key.kid,
            algorithm: key.algorithm.as_str(),
            private_der: &key.private_der,
            created_at: key.created_at.0,
            retired_at: key.retired_at.map(|t| t.0),
        }
    }
}

impl KeyStore for SqliteStore {
    async fn list_keys(&self) -> Result<Vec<StoredKey>, StorageError> {
        signing_keys::table
            .select(KeyRow::as_select())
            .order((signing_keys::created_at.asc(), signing_keys::kid.asc()))
            .load(&mut *self.connection().await?)
            .await
            .map_err(error::query)?
            .into_iter()
            .map(KeyRow::into_key)
            .collect()
    }

    async fn rotate_key(&self, key: &StoredKey, now: UnixTime) -> Result<(), StorageError> {
        let mut connection = self.connection().await?;
        connection
            .immediate_transaction(async |connection| {
                diesel::update(
                    signing_keys::table
                        .filter(signing_keys::algorithm.eq(key.algorithm.as_str()))
                        .filter(signing_keys::retired_at.is_null()),
                )
                .set(signing_keys::retired_at.eq(Some(now.0)))
                .execute(connection)
                .await?;
                diesel::insert_into(signing_keys::table)
                    .values(NewKey::of(key))
                    .execute(connection)
                    .await
            })
            .await
            .map_err(error::query)?;
        Ok(())
    }

    async fn insert_key_if_none_active(
        &self,
        algorithm: Algorithm,
        key: &StoredKey,
    ) -> Result<(), StorageError> {
        let mut connection = self.connection().await?;
        connection
            .immediate_transaction(async |connection| {
                let active: i64 = signing_keys::table
                    .filter(signing_keys::algorithm.eq(algorithm.as_str()))
                    .filter(signing_keys::retired_at.is_null())
                    .count()
                    .get_result(connection)
                    .await?;
                if active == 0 {
                    diesel::insert_into(signing_keys::table)
                        .values(NewKey::of(key))
                        .execute(connection)
                        .await?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .await
            .map_err(error::query)
    }

    async fn insert_secret_if_absent(
        &self,
        name: &str,
        value: &[u8],
    ) -> Result<Vec<u8>, StorageError> {
        let mut connection = self.connection().await?;
        diesel::insert_into(server_secrets::table)
            .values((
                server_secrets::name.eq(name),
                server_secrets::value.eq(value),
            ))
            .on_conflict_do_nothing()
            .execute(&mut *connection)
            .await
            .map_err(error::query)?;
        server_secrets::table
            .find(name)
            .select(server_secrets::value)
            .first(&mut *connection)
            .await
            .map_err(error::query)
    }
}
