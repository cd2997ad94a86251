//! Server secrets that are not signing keys (the session keys), kept in storage with a lifecycle like keys.

use zeroize::Zeroizing;

use crate::error::Error;
use crate::random::{Random, identifier};
use crate::time::UnixTime;

/// A server secret as kept in storage: random bytes, what they are for, and their lifecycle.
///
/// Backends seal `value` at rest under the key-encryption key when one is configured, as they do for private
/// signing keys.
#[derive(Clone)]
#[non_exhaustive]
pub struct StoredSecret {
    /// A unique id; it names the secret in what it signs (the `kid` of a session cookie).
    pub id: String,
    /// What the secret is for, for example [`crate::session::SessionKeys::PURPOSE`].
    pub purpose: String,
    /// The secret bytes.
    pub value: Zeroizing<Vec<u8>>,
    /// When the secret was created.
    pub created_at: UnixTime,
    /// When the secret stopped signing; it is still accepted until what it signed has expired.
    pub retired_at: Option<UnixTime>,
}

impl StoredSecret {
    /// Assembles a stored secret (backends, reading rows).
    pub fn new(
        id: String,
        purpose: String,
        value: Vec<u8>,
        created_at: UnixTime,
        retired_at: Option<UnixTime>,
    ) -> Self {
        Self {
            id,
            purpose,
            value: Zeroizing::new(value),
            created_at,
            retired_at,
        }
    }

    /// Generates a new active 256-bit secret for `purpose`.
    ///
    /// # Errors
    /// [`Error::Crypto`] when the random source fails.
    pub fn generate(purpose: &str, random: &dyn Random, now: UnixTime) -> Result<Self, Error> {
        let mut value = Zeroizing::new(vec![0_u8; 32]);
        random.fill(&mut value)?;
        Ok(Self {
            id: identifier(random)?,
            purpose: purpose.to_owned(),
            value,
            created_at: now,
            retired_at: None,
        })
    }
}

impl std::fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSecret")
            .field("id", &self.id)
            .field("purpose", &self.purpose)
            .field("value", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish()
    }
}
