DROP TABLE server_secrets;
DROP TABLE signing_keys;
DROP TABLE consents;
DROP TABLE revocations;
DROP TABLE refresh_tokens;
DROP TABLE authorization_codes;
DROP TABLE users;
DROP TABLE clients;
