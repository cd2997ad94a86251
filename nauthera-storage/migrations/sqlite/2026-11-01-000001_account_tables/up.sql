-- Account tables for groups, preferences and second factors (SQLite). No store trait uses them yet; they exist
-- so that feature lands without another migration.

CREATE TABLE "groups" (
    group_id    TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at  BIGINT NOT NULL
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES "groups" (group_id) ON DELETE CASCADE,
    subject  TEXT NOT NULL REFERENCES users (subject) ON DELETE CASCADE,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, subject)
);
CREATE INDEX group_members_subject ON group_members (subject);

CREATE TABLE user_preferences (
    subject     TEXT NOT NULL PRIMARY KEY REFERENCES users (subject) ON DELETE CASCADE,
    -- Preferences as a JSON object.
    preferences TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE user_totp (
    subject        TEXT NOT NULL PRIMARY KEY REFERENCES users (subject) ON DELETE CASCADE,
    secret         BLOB NOT NULL,
    created_at     BIGINT NOT NULL,
    confirmed_at   BIGINT,
    last_used_step BIGINT
);

CREATE TABLE user_recovery_codes (
    subject    TEXT NOT NULL REFERENCES users (subject) ON DELETE CASCADE,
    digest     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (subject, digest)
);
