//! # nauthera-server
//!
//! The reference server: it parses the configuration, opens the embedded SQLite store, assembles the
//! provider and serves `nauthera-http`'s router, with subcommands to manage users, clients and signing keys.
//! It is deliberately thin; applications that embed Nauthera do the same in their own binaries.

pub mod admin;
pub mod app;
pub mod cli;
pub mod config;
pub mod listener;
pub mod pem;
pub mod people_cli;
pub mod remote;
mod remote_groups;
pub mod throttle_config;

pub use app::{
    ServerError, ServerProvider, http_options, provider, provider_with_clock, run, serve,
    serve_with,
};
pub use config::ServerConfig;
pub use listener::ConnectionLimits;
