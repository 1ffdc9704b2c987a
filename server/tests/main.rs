//! The service's integration tests: one binary, one module per suite.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests state their expectations by stopping at the first surprise"
)]
#![allow(
    unreachable_pub,
    reason = "a test binary has no public API; its modules share helpers"
)]

mod access;
mod common;
mod cors;
mod python_oracles;
mod service;
