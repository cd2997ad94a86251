-- Restores the single clear-text session secret table (empty: the next start writes a new secret, so sessions
-- end once) and drops what the migration added.
CREATE TABLE server_secrets (
    name  TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL
);
DROP TABLE secrets;
DROP INDEX refresh_tokens_subject;
ALTER TABLE refresh_tokens DROP COLUMN family_expires_at;
ALTER TABLE users DROP COLUMN sessions_not_before;
ALTER TABLE users DROP COLUMN disabled;
