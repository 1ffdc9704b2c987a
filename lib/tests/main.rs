//! The library's integration tests: one binary, one module per suite. The
//! hostile-input suites live with the other end-to-end material in the
//! workspace's `tests/` folder.
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

mod block_hashing;
mod credentials;
mod fingerprint;
mod properties;
mod repository;
mod sign_verify;
mod tamper;
mod xmp;

#[path = "../../tests/hostile/mod.rs"]
mod hostile;
