//! The argon2id password hash in PHC string format, computed in caller-provided working memory.

use argon2::password_hash::{PasswordHash as PhcString, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::secret::{Password, constant_time_eq};

/// OWASP's argon2id parameters: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;
const OUTPUT_LEN: usize = 32;

/// The working memory of one argon2id computation at the default parameters, reused from hash to hash.
pub struct Argon2Memory(Vec<Block>);

impl Argon2Memory {
    /// Allocates the memory for the default parameters (19 MiB).
    pub fn new() -> Self {
        Self(vec![Block::default(); MEMORY_KIB as usize])
    }

    /// The blocks for `params`: this buffer when it is large enough, else a temporary one (a stored hash with
    /// stronger parameters than today's defaults).
    fn blocks(&mut self, params: &Params) -> BlocksFor<'_> {
        let needed = params.block_count();
        if needed <= self.0.len() {
            BlocksFor::Reused(&mut self.0)
        } else {
            BlocksFor::Temporary(vec![Block::default(); needed])
        }
    }
}

impl Default for Argon2Memory {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Argon2Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Argon2Memory({} KiB)", self.0.len())
    }
}

enum BlocksFor<'a> {
    Reused(&'a mut Vec<Block>),
    Temporary(Vec<Block>),
}

impl AsMut<[Block]> for BlocksFor<'_> {
    fn as_mut(&mut self) -> &mut [Block] {
        match self {
            Self::Reused(blocks) => blocks,
            Self::Temporary(blocks) => blocks,
        }
    }
}

/// An argon2id password hash in PHC string format.
#[derive(Clone, Deserialize, Eq, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Hashes a password with argon2id and OWASP's parameters (19 MiB, 2 passes, 1 lane) in `memory`, under a
    /// 16-byte `salt`. This takes tens of milliseconds of CPU: [`crate::password::PasswordHasher`] runs it on
    /// its worker threads.
    ///
    /// # Errors
    /// [`Error::Crypto`] when hashing fails.
    pub fn compute(
        password: &Password,
        salt: &[u8; 16],
        memory: &mut Argon2Memory,
    ) -> Result<Self, Error> {
        let params = default_params()?;
        let mut output = Zeroizing::new([0_u8; OUTPUT_LEN]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password_into_with_memory(
                password.expose_secret().as_bytes(),
                salt,
                output.as_mut_slice(),
                memory.blocks(&params),
            )
            .map_err(|_| Error::Crypto("password hashing failed"))?;
        let salt =
            SaltString::encode_b64(salt).map_err(|_| Error::Crypto("salt encoding failed"))?;
        Ok(Self(format!(
            "$argon2id$v=19$m={MEMORY_KIB},t={PASSES},p={LANES}${}${}",
            salt.as_str(),
            STANDARD_NO_PAD.encode(output.as_slice())
        )))
    }

    /// Whether `password` matches, computed in `memory` and compared in constant time. A hash that does not
    /// parse matches nothing.
    pub fn verify_in(&self, password: &Password, memory: &mut Argon2Memory) -> bool {
        let Ok(parsed) = PhcString::new(&self.0) else {
            return false;
        };
        let (Ok(algorithm), Some(salt), Some(expected)) = (
            Algorithm::try_from(parsed.algorithm),
            parsed.salt,
            parsed.hash,
        ) else {
            return false;
        };
        let (Ok(params), Ok(version)) = (
            Params::try_from(&parsed),
            Version::try_from(parsed.version.unwrap_or(0x13)),
        ) else {
            return false;
        };
        let mut salt_bytes = [0_u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let mut output = Zeroizing::new(vec![0_u8; expected.len()]);
        let computed = Argon2::new(algorithm, version, params.clone())
            .hash_password_into_with_memory(
                password.expose_secret().as_bytes(),
                salt,
                &mut output,
                memory.blocks(&params),
            );
        computed.is_ok() && constant_time_eq(&output, expected.as_bytes())
    }

    /// Rebuilds a hash read back from storage.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    /// The PHC string.
    pub fn as_stored(&self) -> &str {
        &self.0
    }

    /// A fixed hash to verify against when the username is unknown, so the response time does not reveal
    /// which usernames exist.
    pub fn decoy() -> Self {
        Self(
            "$argon2id$v=19$m=19456,t=2,p=1$bmF1dGhlcmFkZWNveXNhbHQ$1KBu7UtNahMSt8k1gjBUMvsQ+WPmTVJZw8jSKeIF4dU"
                .to_owned(),
        )
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

fn default_params() -> Result<Params, Error> {
    Params::new(MEMORY_KIB, PASSES, LANES, Some(OUTPUT_LEN))
        .map_err(|_| Error::Crypto("argon2 parameters"))
}

#[cfg(test)]
mod tests {
    use argon2::PasswordVerifier as _;

    use super::*;

    #[test]
    fn hashes_interoperate_with_the_argon2_crate() {
        let mut memory = Argon2Memory::new();
        let hash =
            PasswordHash::compute(&Password::new("correct horse"), &[9; 16], &mut memory).unwrap();
        assert!(
            hash.as_stored()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
        let parsed = PhcString::new(hash.as_stored()).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
        assert!(hash.verify_in(&Password::new("correct horse"), &mut memory));
        assert!(!hash.verify_in(&Password::new("wrong"), &mut memory));
    }

    #[test]
    fn decoy_is_a_valid_hash_that_matches_nothing_common() {
        let mut memory = Argon2Memory::new();
        assert!(!PasswordHash::decoy().verify_in(&Password::new(""), &mut memory));
        assert!(PhcString::new(PasswordHash::decoy().as_stored()).is_ok());
        assert!(
            !PasswordHash::from_stored("garbage".into()).verify_in(&Password::new(""), &mut memory)
        );
    }

    #[test]
    fn stronger_stored_parameters_still_verify() {
        let params = Params::new(MEMORY_KIB * 2, 1, 1, None).unwrap();
        let salt = SaltString::encode_b64(&[3; 16]).unwrap();
        let stored = argon2::PasswordHasher::hash_password(
            &Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            b"pw",
            &salt,
        )
        .unwrap()
        .to_string();
        let mut memory = Argon2Memory::new();
        assert!(PasswordHash::from_stored(stored).verify_in(&Password::new("pw"), &mut memory));
    }
}
