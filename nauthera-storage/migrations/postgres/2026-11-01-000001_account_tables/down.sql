DROP TABLE user_recovery_codes;
DROP TABLE user_totp;
DROP TABLE user_preferences;
DROP TABLE group_members;
DROP TABLE "groups";
