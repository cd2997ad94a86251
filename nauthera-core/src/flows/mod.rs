//! The endpoint flows, each a set of methods on [`crate::Provider`].

pub mod accounts;
pub mod admin;
pub mod authorize;
pub mod client_auth;
pub mod end_session;
mod id_token_hint;
pub mod interaction;
pub mod introspect;
pub mod issue;
pub mod revoke;
pub mod token;
pub mod userinfo;

#[cfg(test)]
mod tests;
