//! PKCS#8 private keys from PEM files.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::config::{ConfigError, KeyFile, parse_algorithm, warn_if_world_readable};
use nauthera_core::UnixTime;
use nauthera_core::keys::{SigningKey, StoredKey};

/// Reads the configured PEM keys, checking that each parses as its stated algorithm.
///
/// # Errors
/// [`ConfigError`] when a file is unreadable, not PKCS#8 PEM, or not a key of its algorithm.
pub fn load_keys(files: &[KeyFile]) -> Result<Vec<StoredKey>, ConfigError> {
    files
        .iter()
        .map(|file| {
            let algorithm = parse_algorithm(&file.algorithm)?;
            let der = read_pkcs8_pem(&file.path)?;
            let key = StoredKey::new(file.kid.clone(), algorithm, der, UnixTime(0), None);
            SigningKey::from_stored(&key).map_err(|_| {
                ConfigError::Invalid(format!(
                    "{} is not a PKCS#8 {} key",
                    file.path.display(),
                    file.algorithm
                ))
            })?;
            Ok(key)
        })
        .collect()
}

fn read_pkcs8_pem(path: &Path) -> Result<Vec<u8>, ConfigError> {
    warn_if_world_readable(path);
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    decode_pem(&text)
        .ok_or_else(|| ConfigError::Invalid(format!("{} is not a PKCS#8 PEM file", path.display())))
}

/// The DER inside the first `PRIVATE KEY` PEM block.
fn decode_pem(text: &str) -> Option<Vec<u8>> {
    let start = text.find("-----BEGIN PRIVATE KEY-----")? + "-----BEGIN PRIVATE KEY-----".len();
    let end = text[start..].find("-----END PRIVATE KEY-----")? + start;
    let body: String = text[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nauthera_core::SystemRandom;
    use nauthera_core::keys::Algorithm;

    #[test]
    fn pem_keys_load() {
        let key = StoredKey::generate(Algorithm::ES256, &SystemRandom::new(), UnixTime(0)).unwrap();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(&*key.private_der)
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        std::fs::write(&path, pem).unwrap();
        let files = [KeyFile {
            path: path.clone(),
            algorithm: "ES256".into(),
            kid: "k1".into(),
        }];
        let loaded = load_keys(&files).unwrap();
        assert_eq!(loaded[0].kid, "k1");
        let wrong = [KeyFile {
            path,
            algorithm: "RS256".into(),
            kid: "k1".into(),
        }];
        assert!(load_keys(&wrong).is_err());
    }
}
