//! End-to-end tests: the reference server on 127.0.0.1:0, driven by the openidconnect crate as relying party
//! and by a minimal browser that submits the login and consent forms.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test by panicking, as assert! does"
)]

mod admin;
mod claims;
mod cli;
mod client_credentials;
mod code_flow;
mod expiry;
mod harness;
mod hygiene;
mod limits;
mod logs;
mod negative;
mod people;
mod people_cli;
mod postgres;
mod replicas;
mod rp;
mod session;
mod sign_in;
