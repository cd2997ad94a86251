//! Everything under `deploy/`, rendered from code.

pub mod samples;
