-- Account status, the absolute lifetime of refresh-token families, and rotatable server secrets sealed at rest
-- (SQLite).

-- A disabled user cannot sign in; browser sessions that authenticated before sessions_not_before are over.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN sessions_not_before BIGINT;

-- When the whole family of a refresh token expires. Tokens issued before this migration get their own expiry.
-- The column is nullable: SQLite cannot add a NOT NULL column without a default. The store reads NULL as
-- expires_at.
ALTER TABLE refresh_tokens ADD COLUMN family_expires_at BIGINT;
UPDATE refresh_tokens SET family_expires_at = expires_at;
-- Revoking or deleting every refresh token of a user looks them up by subject.
CREATE INDEX refresh_tokens_subject ON refresh_tokens (subject);

-- Server secrets that are not signing keys (the session keys), with a lifecycle like signing keys. `value` is
-- sealed under the key-encryption key when one is configured, as signing_keys.private_der is.
CREATE TABLE secrets (
    id         TEXT NOT NULL PRIMARY KEY,
    purpose    TEXT NOT NULL,
    value      BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
-- At most one active secret per purpose.
CREATE UNIQUE INDEX secrets_active_purpose ON secrets (purpose) WHERE retired_at IS NULL;

-- server_secrets held the session secret in clear text; session keys now live in `secrets`. The old secret is
-- not carried over: browser sessions signed with it end once, on upgrade, and their users sign in again.
DROP TABLE server_secrets;
