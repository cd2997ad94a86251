//! Randomness as seen by the flows, injected so tests can control it, and the opaque token formats.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::Error;

/// A cryptographically secure random source.
pub trait Random: Send + Sync + 'static {
    /// Fills `dest` with random bytes.
    ///
    /// # Errors
    /// [`Error::Crypto`] when the source fails.
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error>;
}

/// The operating system's random source, through aws-lc-rs.
#[derive(Debug, Default)]
pub struct SystemRandom(aws_lc_rs::rand::SystemRandom);

impl SystemRandom {
    /// The system source.
    pub fn new() -> Self {
        Self(aws_lc_rs::rand::SystemRandom::new())
    }
}

impl Random for SystemRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
        aws_lc_rs::rand::SecureRandom::fill(&self.0, dest)
            .map_err(|_| Error::Crypto("random source failed"))
    }
}

/// Returns `prefix` followed by 32 random bytes in base64url: 256 bits of entropy, and a prefix that secret
/// scanners recognise (`nac_` codes, `nrt_` refresh tokens, `ncs_` client secrets).
///
/// # Errors
/// [`Error::Crypto`] when the random source fails.
pub fn opaque_token(random: &dyn Random, prefix: &str) -> Result<String, Error> {
    let mut bytes = [0_u8; 32];
    random.fill(&mut bytes)?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// A random identifier of 16 bytes in base64url (for `jti`, `sid`, grant ids and subjects).
///
/// # Errors
/// [`Error::Crypto`] when the random source fails.
pub fn identifier(random: &dyn Random) -> Result<String, Error> {
    let mut bytes = [0_u8; 16];
    random.fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}
