//! The command line's integration tests: one binary, one module per suite,
//! all run against the `hallmark` binary cargo builds for them. The
//! interoperability and browser suites live with the other end-to-end
//! material in the workspace's `tests/` folder.
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
mod batch;
mod cli;
mod commands;
mod common;
mod derive;
mod guide;
mod recover;
mod safety;
mod scan;
mod serve;
mod transcript;

#[path = "../../tests/browser/mod.rs"]
mod browser;
#[path = "../../tests/crawler/mod.rs"]
mod crawler;
#[path = "../../tests/interop/mod.rs"]
mod interop;
