//! [`KeyEncryptionKey`]: private signing keys and server secrets encrypted at rest with AES-256-GCM.
//!
//! A sealed value is `VERSION || nonce (96 bits, random per value) || ciphertext || tag`, with the key id (or
//! the secret id) as associated data so a sealed value cannot be moved to another row.
//!
//! What is stored without a key-encryption key differs: PKCS#8 DER always starts with `0x30`, so a stored
//! signing key that starts with it is a key written before encryption was configured and is read as is
//! ([`protect`], [`unprotect`]). Server secrets are random bytes that may start with anything, so a secret
//! stored in plain text carries the marker byte `0x00` ([`protect_secret`], [`unprotect_secret`]).

use std::path::{Path, PathBuf};

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use base64::Engine as _;
use nauthera_core::{StorageError, StorageErrorKind};
use zeroize::Zeroizing;

/// The first byte of a sealed key: format version 1.
const SEALED_V1: u8 = 0x01;
/// The first byte of PKCS#8 DER (a SEQUENCE): a key stored in plain text.
const DER_SEQUENCE: u8 = 0x30;
/// The first byte of a server secret stored in plain text (no key-encryption key was configured).
const PLAIN_SECRET: u8 = 0x00;
/// What a signing key is called in errors.
const SIGNING_KEY: &str = "signing key";
/// What a server secret is called in errors.
const SECRET: &str = "server secret";
/// The key length of AES-256.
const KEY_LEN: usize = 32;

/// A 256-bit key that encrypts private signing keys and server secrets at rest (AES-256-GCM), read from a
/// secret file.
///
/// `Debug` never shows it and its bytes are zeroed on drop.
#[derive(Clone)]
pub struct KeyEncryptionKey {
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

/// Why a key-encryption key could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file could not be read.
    #[error("cannot read the key-encryption key file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The contents are not 32 raw bytes, 64 hexadecimal characters or the base64 of 32 bytes.
    #[error(
        "the key-encryption key must be 32 raw bytes, 64 hexadecimal characters or base64 of 32 bytes"
    )]
    Format,
}

impl KeyEncryptionKey {
    /// Wraps 32 key bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self {
            bytes: Zeroizing::new(bytes),
        }
    }

    /// Reads the key from a secret file holding 32 raw bytes, 64 hexadecimal characters, or the base64
    /// (standard or URL-safe, padded or not) of 32 bytes; surrounding whitespace is ignored in the text forms.
    /// `openssl rand -hex 32` makes one.
    ///
    /// # Errors
    /// [`KeyFileError::Read`] when the file cannot be read, [`KeyFileError::Format`] when it holds no key.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, KeyFileError> {
        let path = path.as_ref();
        let contents =
            Zeroizing::new(std::fs::read(path).map_err(|source| KeyFileError::Read {
                path: path.to_owned(),
                source,
            })?);
        Self::parse(&contents)
    }

    /// Parses the contents of a secret file, as [`KeyEncryptionKey::from_file`] describes.
    ///
    /// # Errors
    /// [`KeyFileError::Format`] when `contents` hold no key.
    pub fn parse(contents: &[u8]) -> Result<Self, KeyFileError> {
        if let Ok(raw) = <[u8; KEY_LEN]>::try_from(contents) {
            return Ok(Self::from_bytes(raw));
        }
        let text = contents.trim_ascii();
        if let Some(bytes) = decode_hex(text) {
            return Ok(Self::from_bytes(bytes));
        }
        let engines = [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        for engine in engines {
            if let Ok(decoded) = engine.decode(text).map(Zeroizing::new)
                && let Ok(bytes) = <[u8; KEY_LEN]>::try_from(decoded.as_slice())
            {
                return Ok(Self::from_bytes(bytes));
            }
        }
        Err(KeyFileError::Format)
    }

    fn aead(&self) -> Result<LessSafeKey, StorageError> {
        UnboundKey::new(&AES_256_GCM, self.bytes.as_slice())
            .map(LessSafeKey::new)
            .map_err(|_| StorageError::new(StorageErrorKind::Other, "AES-256-GCM is unavailable"))
    }

    /// Encrypts a private key or a secret for storage under its id `name` (the key id, the secret id).
    ///
    /// # Errors
    /// [`StorageErrorKind::Other`] when the system random generator or the cipher fails.
    pub(crate) fn seal(&self, name: &str, plaintext: &[u8]) -> Result<Vec<u8>, StorageError> {
        let mut nonce = [0_u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| StorageError::new(StorageErrorKind::Other, "no randomness for a nonce"))?;
        let mut in_out = Zeroizing::new(plaintext.to_vec());
        self.aead()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(name.as_bytes()),
                &mut *in_out,
            )
            .map_err(|_| StorageError::new(StorageErrorKind::Other, "cannot seal a value"))?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + in_out.len());
        sealed.push(SEALED_V1);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&in_out);
        Ok(sealed)
    }

    /// Decrypts what [`KeyEncryptionKey::seal`] stored under `name`; `what` names the value in errors.
    fn open(&self, what: &str, name: &str, sealed: &[u8]) -> Result<Vec<u8>, StorageError> {
        let (nonce, ciphertext) = sealed
            .split_first_chunk::<NONCE_LEN>()
            .ok_or_else(|| corrupt(what, name, "is truncated"))?;
        let mut in_out = ciphertext.to_vec();
        let plaintext_len = self
            .aead()?
            .open_in_place(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(name.as_bytes()),
                &mut in_out,
            )
            .map_err(|_| {
                corrupt(
                    what,
                    name,
                    "does not decrypt: wrong key-encryption key, or the row was tampered with",
                )
            })?
            .len();
        in_out.truncate(plaintext_len);
        Ok(in_out)
    }
}

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyEncryptionKey(<redacted>)")
    }
}

/// What to store for a private key: sealed when a key-encryption key is configured, as is otherwise.
///
/// # Errors
/// As [`KeyEncryptionKey::seal`].
pub(crate) fn protect(
    key: Option<&KeyEncryptionKey>,
    kid: &str,
    private_der: &[u8],
) -> Result<Zeroizing<Vec<u8>>, StorageError> {
    match key {
        Some(key) => key.seal(kid, private_der).map(Zeroizing::new),
        None => Ok(Zeroizing::new(private_der.to_vec())),
    }
}

/// The private key from what was stored: unsealed, or as is when it was stored in plain text.
///
/// # Errors
/// [`StorageErrorKind::Corrupt`] when the value is sealed and no key-encryption key is configured, the key is
/// the wrong one, the value was altered, or its format is unknown.
pub(crate) fn unprotect(
    key: Option<&KeyEncryptionKey>,
    kid: &str,
    stored: Vec<u8>,
) -> Result<Vec<u8>, StorageError> {
    let stored = Zeroizing::new(stored);
    match (stored.split_first(), key) {
        (Some((&DER_SEQUENCE, _)), _) => Ok(stored.to_vec()),
        (Some((&SEALED_V1, sealed)), Some(key)) => key.open(SIGNING_KEY, kid, sealed),
        (Some((&SEALED_V1, _)), None) => Err(no_key(SIGNING_KEY, kid)),
        _ => Err(corrupt(SIGNING_KEY, kid, "has an unknown storage format")),
    }
}

/// What to store for a server secret: sealed when a key-encryption key is configured, otherwise the marker
/// `0x00` followed by the secret.
///
/// # Errors
/// As [`KeyEncryptionKey::seal`].
pub(crate) fn protect_secret(
    key: Option<&KeyEncryptionKey>,
    id: &str,
    value: &[u8],
) -> Result<Zeroizing<Vec<u8>>, StorageError> {
    match key {
        Some(key) => key.seal(id, value).map(Zeroizing::new),
        None => {
            let mut stored = Zeroizing::new(Vec::with_capacity(1 + value.len()));
            stored.push(PLAIN_SECRET);
            stored.extend_from_slice(value);
            Ok(stored)
        }
    }
}

/// The server secret from what [`protect_secret`] stored: unsealed, or as is when it was stored in plain text.
///
/// # Errors
/// [`StorageErrorKind::Corrupt`] when the value is sealed and no key-encryption key is configured, the key is
/// the wrong one, the value was altered, or its format is unknown.
pub(crate) fn unprotect_secret(
    key: Option<&KeyEncryptionKey>,
    id: &str,
    stored: Vec<u8>,
) -> Result<Vec<u8>, StorageError> {
    let stored = Zeroizing::new(stored);
    match (stored.split_first(), key) {
        (Some((&PLAIN_SECRET, value)), _) => Ok(value.to_vec()),
        (Some((&SEALED_V1, sealed)), Some(key)) => key.open(SECRET, id, sealed),
        (Some((&SEALED_V1, _)), None) => Err(no_key(SECRET, id)),
        _ => Err(corrupt(SECRET, id, "has an unknown storage format")),
    }
}

fn no_key(what: &str, name: &str) -> StorageError {
    corrupt(
        what,
        name,
        "is encrypted at rest but no key-encryption key is configured",
    )
}

fn corrupt(what: &str, name: &str, problem: &str) -> StorageError {
    StorageError::new(
        StorageErrorKind::Corrupt,
        format!("{what} {name:?} {problem}"),
    )
}

fn decode_hex(text: &[u8]) -> Option<[u8; KEY_LEN]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if text.len() != KEY_LEN * 2 {
        return None;
    }
    let mut bytes = [0_u8; KEY_LEN];
    for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
        let [high, low] = pair else { return None };
        *byte = (nibble(*high)? << 4) | nibble(*low)?;
    }
    Some(bytes)
}

#[cfg(test)]
#[path = "key_encryption_tests.rs"]
mod tests;
