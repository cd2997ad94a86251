//! [`KeyStore`] (written once for both backends): signing keys here, server secrets in `secrets`.

use diesel::{
    ExpressionMethods as _, Insertable, QueryDsl as _, Queryable, Selectable, SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::keys::{Algorithm, StoredKey, StoredSecret};
use nauthera_core::storage::KeyStore;
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error, secrets};
use crate::key_encryption::{KeyEncryptionKey, protect, unprotect};
use crate::schema::signing_keys;

#[derive(Queryable, Selectable)]
#[diesel(table_name = signing_keys)]
struct KeyRow {
    kid: String,
    algorithm: String,
    private_der: Vec<u8>,
    created_at: i64,
    retired_at: Option<i64>,
}

impl KeyRow {
    fn into_key(self, encryption: Option<&KeyEncryptionKey>) -> Result<StoredKey, StorageError> {
        let algorithm = Algorithm::parse(&self.algorithm)
            .ok_or_else(|| error::corrupt(format!("unknown algorithm {:?}", self.algorithm)))?;
        let private_der = unprotect(encryption, &self.kid, self.private_der)?;
        Ok(StoredKey::new(
            self.kid,
            algorithm,
            private_der,
            UnixTime(self.created_at),
            self.retired_at.map(UnixTime),
        ))
    }
}

/// A key to insert, its private part sealed when a key-encryption key is configured.
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
    fn of(key: &'a StoredKey, private_der: &'a [u8]) -> Self {
        Self {
            kid: &key.kid,
            algorithm: key.algorithm.as_str(),
            private_der,
            created_at: key.created_at.0,
            retired_at: key.retired_at.map(|t| t.0),
        }
    }
}

/// The PostgreSQL advisory lock (transaction-scoped) that serializes key writes across replicas, as
/// `BEGIN IMMEDIATE` does on SQLite.
#[cfg(feature = "postgres")]
const KEY_WRITES_LOCK: i64 = crate::postgres::locks::KEY_WRITES;

impl KeyStore for DieselStore {
    async fn list_keys(&self) -> Result<Vec<StoredKey>, StorageError> {
        let rows: Vec<KeyRow> = with_connection!(self, |conn| {
            signing_keys::table
                .select(KeyRow::as_select())
                .order((signing_keys::created_at.asc(), signing_keys::kid.asc()))
                .load(conn)
                .await
        })
        .map_err(error::query)?;
        let encryption = self.key_encryption.as_ref();
        rows.into_iter()
            .map(|row| row.into_key(encryption))
            .collect()
    }

    async fn rotate_key(&self, key: &StoredKey, now: UnixTime) -> Result<(), StorageError> {
        let private_der = protect(self.key_encryption.as_ref(), &key.kid, &key.private_der)?;
        let new_key = NewKey::of(key, &private_der);
        write_transaction!(self, lock = KEY_WRITES_LOCK, |conn| {
            diesel::update(
                signing_keys::table
                    .filter(signing_keys::algorithm.eq(key.algorithm.as_str()))
                    .filter(signing_keys::retired_at.is_null()),
            )
            .set(signing_keys::retired_at.eq(Some(now.0)))
            .execute(conn)
            .await?;
            diesel::insert_into(signing_keys::table)
                .values(new_key)
                .execute(conn)
                .await
        })
        .map_err(error::query)?;
        Ok(())
    }

    async fn insert_key_if_none_active(
        &self,
        algorithm: Algorithm,
        key: &StoredKey,
    ) -> Result<(), StorageError> {
        let private_der = protect(self.key_encryption.as_ref(), &key.kid, &key.private_der)?;
        let new_key = NewKey::of(key, &private_der);
        write_transaction!(self, lock = KEY_WRITES_LOCK, |conn| {
            let active: i64 = signing_keys::table
                .filter(signing_keys::algorithm.eq(algorithm.as_str()))
                .filter(signing_keys::retired_at.is_null())
                .count()
                .get_result(conn)
                .await?;
            if active == 0 {
                diesel::insert_into(signing_keys::table)
                    .values(new_key)
                    .execute(conn)
                    .await?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .map_err(error::query)
    }

    async fn list_secrets(&self, purpose: &str) -> Result<Vec<StoredSecret>, StorageError> {
        secrets::list(self, purpose).await
    }

    async fn rotate_secret(
        &self,
        secret: &StoredSecret,
        now: UnixTime,
    ) -> Result<(), StorageError> {
        secrets::rotate(self, secret, now).await
    }

    async fn insert_secret_if_none_active(
        &self,
        secret: &StoredSecret,
    ) -> Result<(), StorageError> {
        secrets::insert_if_none_active(self, secret).await
    }
}
