//! The portable diesel schema shared by every SQL backend.
//!
//! Only portable SQL types appear here (`BigInt`, `Text`, `Bool`, `Binary`; JSON is kept as `Text`), so one set
//! of `table!` definitions serves SQLite (`migrations/sqlite/`) and PostgreSQL (`migrations/postgres/`, same
//! migration names, backend-specific DDL). Times are seconds since the Unix epoch.

diesel::table! {
    /// Registered clients; `data` holds the whole client as JSON.
    clients (client_id) {
        /// The client identifier.
        client_id -> Text,
        /// The display name (duplicated from `data` for admin queries).
        client_name -> Text,
        /// The client as JSON.
        data -> Text,
    }
}

diesel::table! {
    /// Local end-users.
    users (subject) {
        /// The subject identifier.
        subject -> Text,
        /// The unique login name.
        username -> Text,
        /// The argon2id PHC string.
        password_hash -> Text,
        /// Profile claims as JSON.
        claims -> Text,
        /// Whether the account is disabled.
        disabled -> Bool,
        /// Browser sessions that authenticated before this time are over.
        sessions_not_before -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Authorization codes, by digest.
    authorization_codes (digest) {
        /// SHA-256 of the code.
        digest -> Text,
        /// The grant the code starts.
        grant_id -> Text,
        /// The client the code was issued to.
        client_id -> Text,
        /// The redirect URI of the request.
        redirect_uri -> Text,
        /// The PKCE S256 challenge.
        code_challenge -> Text,
        /// The subject.
        subject -> Text,
        /// The granted scope.
        scope -> Text,
        /// The OIDC nonce.
        nonce -> Nullable<Text>,
        /// The browser session.
        sid -> Text,
        /// When the end-user authenticated.
        auth_time -> BigInt,
        /// When the code expires.
        expires_at -> BigInt,
        /// When the code was redeemed.
        redeemed_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Refresh tokens, by digest, in families sharing a grant id.
    refresh_tokens (digest) {
        /// SHA-256 of the token.
        digest -> Text,
        /// The family.
        grant_id -> Text,
        /// The client.
        client_id -> Text,
        /// The subject.
        subject -> Text,
        /// The granted scope.
        scope -> Text,
        /// The browser session.
        sid -> Text,
        /// When the end-user authenticated.
        auth_time -> BigInt,
        /// When the token was issued.
        issued_at -> BigInt,
        /// When the token expires.
        expires_at -> BigInt,
        /// When the token was rotated.
        rotated_at -> Nullable<BigInt>,
        /// Whether the family was revoked.
        revoked -> Bool,
        /// When the whole family expires; `NULL` (tokens from before the column existed) reads as `expires_at`.
        family_expires_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Revocations of access tokens, grants and sessions.
    revocations (key) {
        /// `RevocationKey::storage_key`.
        key -> Text,
        /// When the entry can be forgotten.
        expires_at -> BigInt,
    }
}

diesel::table! {
    /// Remembered consent.
    consents (subject, client_id) {
        /// The subject.
        subject -> Text,
        /// The client.
        client_id -> Text,
        /// The consented scope.
        scope -> Text,
        /// When consent was last given.
        updated_at -> BigInt,
    }
}

diesel::table! {
    /// Signing keys.
    signing_keys (kid) {
        /// The key id.
        kid -> Text,
        /// The JWS algorithm name.
        algorithm -> Text,
        /// PKCS#8 DER private key.
        private_der -> Binary,
        /// When the key was created.
        created_at -> BigInt,
        /// When the key was retired.
        retired_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Server secrets that are not signing keys (the session keys), by purpose, with a lifecycle like keys.
    secrets (id) {
        /// The secret's id.
        id -> Text,
        /// What the secret is for.
        purpose -> Text,
        /// The secret, sealed when a key-encryption key is configured.
        value -> Binary,
        /// When the secret was created.
        created_at -> BigInt,
        /// When the secret was retired.
        retired_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Groups of users.
    groups (group_id) {
        /// The group identifier.
        group_id -> Text,
        /// The unique group name.
        name -> Text,
        /// A description.
        description -> Nullable<Text>,
        /// When the group was created.
        created_at -> BigInt,
    }
}

diesel::table! {
    /// Group membership.
    group_members (group_id, subject) {
        /// The group.
        group_id -> Text,
        /// The member.
        subject -> Text,
        /// When the member was added.
        added_at -> BigInt,
    }
}

diesel::table! {
    /// Per-user preferences as a JSON object.
    user_preferences (subject) {
        /// The user.
        subject -> Text,
        /// The preferences as JSON.
        preferences -> Text,
        /// When they last changed.
        updated_at -> BigInt,
    }
}

diesel::table! {
    /// TOTP second factors (no store trait yet).
    user_totp (subject) {
        /// The user.
        subject -> Text,
        /// The shared secret.
        secret -> Binary,
        /// When enrolment started.
        created_at -> BigInt,
        /// When the user confirmed enrolment with a first code.
        confirmed_at -> Nullable<BigInt>,
        /// The last accepted time step, against replay.
        last_used_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Recovery codes, stored by digest (no store trait yet).
    user_recovery_codes (subject, digest) {
        /// The user.
        subject -> Text,
        /// SHA-256 of the code.
        digest -> Text,
        /// When the code was created.
        created_at -> BigInt,
        /// When the code was used.
        used_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(group_members -> groups (group_id));
diesel::joinable!(group_members -> users (subject));
diesel::joinable!(user_preferences -> users (subject));
diesel::joinable!(user_totp -> users (subject));
diesel::joinable!(user_recovery_codes -> users (subject));

diesel::allow_tables_to_appear_in_same_query!(
    clients,
    users,
    authorization_codes,
    refresh_tokens,
    revocations,
    consents,
    signing_keys,
    secrets,
    groups,
    group_members,
    user_preferences,
    user_totp,
    user_recovery_codes,
);
