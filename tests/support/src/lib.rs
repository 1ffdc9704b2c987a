//! Helpers shared by hallmark's test suites, in one crate instead of files
//! included by path into each suite: where the workspace and its sample
//! media are, the example credentials made usable, fresh credentials and
//! signed samples through the library, the Python interop oracle and ExifTool.
//!
//! Test code: it stops at the first surprise, with a message saying what.
#![forbid(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers stop the test at the first surprise"
)]

pub mod example;
pub mod exiftool;
pub mod library;
pub mod paths;
pub mod python;

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
