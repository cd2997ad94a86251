//! The server secrets of [`KeyStore`](nauthera_core::storage::KeyStore) (written once for both backends): the
//! session keys and the like, by purpose, sealed at rest under the key-encryption key as private signing keys
//! are, with the secret's id as associated data.

use diesel::{
    ExpressionMethods as _, Insertable, QueryDsl as _, Queryable, Selectable, SelectableHelper as _,
};
use diesel_async::RunQueryDsl as _;
use nauthera_core::keys::StoredSecret;
use nauthera_core::{StorageError, UnixTime};

use super::{DieselStore, error};
use crate::key_encryption::{KeyEncryptionKey, protect_secret, unprotect_secret};
use crate::schema::secrets;

/// The PostgreSQL advisory lock (transaction-scoped) that serializes secret writes across replicas, as
/// `BEGIN IMMEDIATE` does on SQLite.
#[cfg(feature = "postgres")]
const SECRET_WRITES_LOCK: i64 = crate::postgres::locks::SECRET_WRITES;

#[derive(Queryable, Selectable)]
#[diesel(table_name = secrets)]
struct SecretRow {
    id: String,
    purpose: String,
    value: Vec<u8>,
    created_at: i64,
    retired_at: Option<i64>,
}

impl SecretRow {
    fn into_secret(
        self,
        encryption: Option<&KeyEncryptionKey>,
    ) -> Result<StoredSecret, StorageError> {
        let value = unprotect_secret(encryption, &self.id, self.value)?;
        Ok(StoredSecret::new(
            self.id,
            self.purpose,
            value,
            UnixTime(self.created_at),
            self.retired_at.map(UnixTime),
        ))
    }
}

/// A secret to insert, its value sealed when a key-encryption key is configured.
#[derive(Insertable)]
#[diesel(table_name = secrets)]
struct NewSecret<'a> {
    id: &'a str,
    purpose: &'a str,
    value: &'a [u8],
    created_at: i64,
    retired_at: Option<i64>,
}

impl<'a> NewSecret<'a> {
    fn of(secret: &'a StoredSecret, value: &'a [u8]) -> Self {
        Self {
            id: &secret.id,
            purpose: &secret.purpose,
            value,
            created_at: secret.created_at.0,
            retired_at: secret.retired_at.map(|t| t.0),
        }
    }
}

/// Every secret of `purpose`, oldest first.
pub(super) async fn list(
    store: &DieselStore,
    purpose: &str,
) -> Result<Vec<StoredSecret>, StorageError> {
    let rows: Vec<SecretRow> = with_connection!(store, |conn| {
        secrets::table
            .filter(secrets::purpose.eq(purpose))
            .select(SecretRow::as_select())
            .order((secrets::created_at.asc(), secrets::id.asc()))
            .load(conn)
            .await
    })
    .map_err(error::query)?;
    let encryption = store.key_encryption.as_ref();
    rows.into_iter()
        .map(|row| row.into_secret(encryption))
        .collect()
}

/// In one serialized transaction: retires the active secrets of the secret's purpose at `now`, stores it.
pub(super) async fn rotate(
    store: &DieselStore,
    secret: &StoredSecret,
    now: UnixTime,
) -> Result<(), StorageError> {
    let value = protect_secret(store.key_encryption.as_ref(), &secret.id, &secret.value)?;
    let new_secret = NewSecret::of(secret, &value);
    write_transaction!(store, lock = SECRET_WRITES_LOCK, |conn| {
        diesel::update(
            secrets::table
                .filter(secrets::purpose.eq(&secret.purpose))
                .filter(secrets::retired_at.is_null()),
        )
        .set(secrets::retired_at.eq(Some(now.0)))
        .execute(conn)
        .await?;
        diesel::insert_into(secrets::table)
            .values(new_secret)
            .execute(conn)
            .await
    })
    .map_err(error::query)?;
    Ok(())
}

/// Stores `secret` unless an unretired secret of its purpose exists; replicas racing on first start are
/// serialized, so the first writer wins.
pub(super) async fn insert_if_none_active(
    store: &DieselStore,
    secret: &StoredSecret,
) -> Result<(), StorageError> {
    let value = protect_secret(store.key_encryption.as_ref(), &secret.id, &secret.value)?;
    let new_secret = NewSecret::of(secret, &value);
    write_transaction!(store, lock = SECRET_WRITES_LOCK, |conn| {
        let active: i64 = secrets::table
            .filter(secrets::purpose.eq(&secret.purpose))
            .filter(secrets::retired_at.is_null())
            .count()
            .get_result(conn)
            .await?;
        if active == 0 {
            diesel::insert_into(secrets::table)
                .values(new_secret)
                .execute(conn)
                .await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .map_err(error::query)
}
