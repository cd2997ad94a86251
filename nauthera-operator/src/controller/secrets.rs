//! Secrets the operator generates once and never overwrites: database and cache passwords, the key-encryption
//! key, client credentials.

use std::collections::BTreeMap;

use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use kube::api::PostParams;

use crate::Error;
use crate::error::{is_conflict, is_not_found};

/// `len` random bytes.
///
/// # Errors
/// [`Error::Invalid`] if the system random source fails.
pub(crate) fn random_bytes(len: usize) -> Result<Vec<u8>, Error> {
    let mut bytes = vec![0_u8; len];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::Invalid {
            what: "random source",
            detail: "the system random source failed".to_owned(),
        })?;
    Ok(bytes)
}

/// 256 random bits, base64url without padding: passwords and client secrets.
pub(crate) fn random_token() -> Result<String, Error> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes(32)?))
}

/// Secret data from string values.
pub(crate) fn string_data<const N: usize>(
    entries: [(&str, String); N],
) -> BTreeMap<String, ByteString> {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_owned(), ByteString(value.into_bytes())))
        .collect()
}

/// Returns the Secret `name`, creating it from `generate()` if it does not exist.
///
/// An existing Secret is never overwritten, so generated credentials stay stable; `generate` (which makes the
/// random values) is only called when the Secret is missing.
///
/// # Errors
/// [`Error::Kube`] when the API fails; the error of `generate`.
pub(crate) async fn ensure_generated(
    api: &Api<Secret>,
    name: &str,
    generate: impl FnOnce() -> Result<Secret, Error>,
) -> Result<Secret, Error> {
    match api.get(name).await {
        Ok(existing) => return Ok(existing),
        Err(error) if is_not_found(&error) => {}
        Err(error) => return Err(error.into()),
    }
    match api.create(&PostParams::default(), &generate()?).await {
        Ok(created) => Ok(created),
        // Someone else created it meanwhile: theirs wins.
        Err(error) if is_conflict(&error) => Ok(api.get(name).await?),
        Err(error) => Err(error.into()),
    }
}

/// The UTF-8 value of `key` in a Secret.
pub(crate) fn secret_value(secret: &Secret, key: &str) -> Option<String> {
    secret
        .data
        .as_ref()
        .and_then(|data| data.get(key))
        .and_then(|value| String::from_utf8(value.0.clone()).ok())
}
