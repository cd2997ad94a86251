//! The endpoint flows, each a set of methods on [`crate::Provider`].

pub mod account;
pub mod accounts;
pub mod admin;
pub mod authorize;
pub mod claims;
pub mod client_auth;
pub mod consents;
pub mod end_session;
pub mod groups;
mod id_token_hint;
pub mod interaction;
pub mod introspect;
pub mod issue;
pub mod profile;
pub mod revoke;
pub mod token;
pub mod userinfo;

#[cfg(test)]
mod tests;
