//! The endpoint flows, each a set of methods on [`crate::Provider`].

pub mod accounts;
pub mod admin;
pub mod authorize;
pub mod client_auth;
pub mod end_session;
pub mod interaction;
mod id_token_hint;
pub mod introspect;
pub mod issue;
pub mod revoke;
pub mod token;
pub mod userinfo;
