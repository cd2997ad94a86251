//! # nauthera-tidy
//!
//! Repository-wide checks that run as ordinary tests (`cargo test -p nauthera-tidy`, and so in
//! `scripts/test.sh`), in the manner of rust-analyzer's `xtask/src/tidy.rs`.
//!
//! It does **not** ship code: this library is empty, and every check lives in `tests/tidy.rs`.
//!
//! ## Checks
//! - Architecture invariants, over the resolve graph of `cargo metadata --all-features`:
//!   `nauthera-core`'s normal dependency closure contains no I/O framework, database driver or HTTP client
//!   (tokio, hyper, tower, tower-http, axum, diesel, diesel-async, redis, bb8, tonic, kube, openidconnect);
//!   `nauthera-http` does not depend on `nauthera-storage`; `nauthera-storage` does not depend on
//!   `nauthera-http`, axum, hyper or tower.
//! - File size: no `.rs` file of a workspace crate has more than 1,000 lines.
//! - No ignored tests: no doc-test block marked `ignore` and no test attribute `ignore` in any `.rs` file.
//!
//! Each failing check lists the crates or files that break it.
