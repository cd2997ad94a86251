-- Core tables of the OAuth 2.0 / OpenID Connect provider (SQLite).
-- Column types follow the portable schema in src/schema.rs: BIGINT, TEXT, BOOLEAN, BLOB; JSON as TEXT.

CREATE TABLE clients (
    client_id   TEXT NOT NULL PRIMARY KEY,
    client_name TEXT NOT NULL,
    -- The whole client as JSON (nauthera_core::client::Client).
    data        TEXT NOT NULL
);

CREATE TABLE users (
    subject       TEXT NOT NULL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    -- nauthera_core::user::UserClaims as JSON.
    claims        TEXT NOT NULL
);

CREATE TABLE authorization_codes (
    digest         TEXT NOT NULL PRIMARY KEY,
    grant_id       TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    subject        TEXT NOT NULL,
    scope          TEXT NOT NULL,
    nonce          TEXT,
    sid            TEXT NOT NULL,
    auth_time      BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    redeemed_at    BIGINT
);
CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);

CREATE TABLE refresh_tokens (
    digest     TEXT NOT NULL PRIMARY KEY,
    grant_id   TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    scope      TEXT NOT NULL,
    sid        TEXT NOT NULL,
    auth_time  BIGINT NOT NULL,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT,
    revoked    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX refresh_tokens_grant_id ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE revocations (
    "key"      TEXT NOT NULL PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revocations_expires_at ON revocations (expires_at);

CREATE TABLE consents (
    subject    TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    scope      TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (subject, client_id)
);

CREATE TABLE signing_keys (
    kid         TEXT NOT NULL PRIMARY KEY,
    algorithm   TEXT NOT NULL,
    private_der BLOB NOT NULL,
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT
);
CREATE INDEX signing_keys_algorithm ON signing_keys (algorithm, retired_at);

CREATE TABLE server_secrets (
    name  TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL
);
