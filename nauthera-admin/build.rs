//! Generates the admin API's messages, server and client from `proto/` at compile time, with the `protoc`
//! that `protoc-bin-vendored` ships (no system `protoc`), so no generated code is committed to drift.

use std::error::Error;

const PROTO: &str = "proto/nauthera/admin/v1/admin.proto";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed={PROTO}");
    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        // The request carries a clear-text secret: its Debug is written by hand, redacted (src/proto.rs).
        .skip_debug([".nauthera.admin.v1.UpsertClientRequest"])
        .compile_with_config(config, &[PROTO], &["proto"])?;
    Ok(())
}
