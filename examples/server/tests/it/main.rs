//! End-to-end tests: the reference server on 127.0.0.1:0, driven by the openidconnect crate as relying party
//! and by a minimal browser that submits the login and consent forms.

mod client_credentials;
mod code_flow;
mod harness;
mod negative;
mod rp;
mod session;
