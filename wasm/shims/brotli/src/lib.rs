//! `brotli` for the verify-only browser build: decompression from
//! `brotli-decompressor`; compression, which only signing needs, is absent
//! and says so.
#![allow(non_snake_case)]

use std::io::{self, Read, Write};

pub use brotli_decompressor::BrotliDecompress;

/// Encoder settings, accepted for API compatibility.
pub mod enc {
    /// Encoder parameters (unused: this build does not compress).
    #[derive(Debug, Clone, Default)]
    pub struct BrotliEncoderParams;
}

/// Compression is not part of the verify-only build.
pub fn BrotliCompress<R: Read, W: Write>(
    _input: &mut R,
    _output: &mut W,
    _params: &enc::BrotliEncoderParams,
) -> io::Result<usize> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "brotli compression is not part of the verify-only browser build",
    ))
}
