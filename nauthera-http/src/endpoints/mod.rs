//! One module per endpoint.

pub(crate) mod account;
pub(crate) mod authorize;
pub(crate) mod consent;
pub(crate) mod end_session;
pub(crate) mod login;
pub(crate) mod metadata;
pub(crate) mod token;
pub(crate) mod userinfo;
