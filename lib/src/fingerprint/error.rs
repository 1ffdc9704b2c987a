//! Errors of the fingerprint module.

use thiserror::Error;

/// Everything that can go wrong while fingerprinting an image.
///
/// Every variant that concerns an input carries the caller-supplied `name` (usually the file
/// name) so that the message alone says which file failed and why.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FingerprintError {
    /// The bytes are not in any image format this build recognises.
    #[error("{name}: not a recognised image format (supported: JPEG, PNG, WebP, TIFF, GIF, BMP)")]
    UnknownFormat {
        /// Name of the input, as given by the caller.
        name: String,
    },

    /// The format was recognised but this build has no decoder for it (e.g. AVIF, HEIC).
    #[error("{name}: {format} images are not supported (no pure-Rust decoder in this build)")]
    UnsupportedFormat {
        /// Name of the input, as given by the caller.
        name: String,
        /// The recognised format.
        format: String,
    },

    /// Width or height is zero.
    #[error("{name}: image has no pixels ({width}x{height})")]
    Empty {
        /// Name of the input, as given by the caller.
        name: String,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },

    /// The image is larger than the configured [`DecodeLimits`](super::DecodeLimits); it was
    /// refused before any pixel data was decoded.
    #[error(
        "{name}: image of {width}x{height} pixels exceeds the limit ({limit}); refused before decoding"
    )]
    TooLarge {
        /// Name of the input, as given by the caller.
        name: String,
        /// Width in pixels, from the file header.
        width: u32,
        /// Height in pixels, from the file header.
        height: u32,
        /// Which limit was exceeded, in words.
        limit: String,
    },

    /// The decoder hit one of the [`DecodeLimits`](super::DecodeLimits) while decoding (e.g. an
    /// allocation above `max_alloc`), before or instead of the header check.
    #[cfg(feature = "fingerprint")]
    #[error("{name}: refused, decoding exceeds a limit: {source}")]
    DecoderLimit {
        /// Name of the input, as given by the caller.
        name: String,
        /// The decoder's limit error.
        #[source]
        source: image::ImageError,
    },

    /// The decoder failed: corrupt or truncated data.
    #[cfg(feature = "fingerprint")]
    #[error("{name}: cannot decode image: {source}")]
    Decode {
        /// Name of the input, as given by the caller.
        name: String,
        /// The decoder's error.
        #[source]
        source: image::ImageError,
    },

    /// The decoded pixel layout has no defined conversion (e.g. floating-point TIFF).
    #[error("{name}: unsupported pixel format {color}")]
    UnsupportedPixelFormat {
        /// Name of the input, as given by the caller.
        name: String,
        /// The decoder's colour type, in words.
        color: String,
    },

    /// A caller-supplied pixel buffer does not match the stated dimensions.
    #[error("{name}: pixel buffer has {actual} bytes, expected {expected} for {width}x{height}")]
    BufferSize {
        /// Name of the input, as given by the caller.
        name: String,
        /// Stated width in pixels.
        width: u32,
        /// Stated height in pixels.
        height: u32,
        /// Bytes required by the dimensions (saturated at `usize::MAX`).
        expected: usize,
        /// Bytes supplied.
        actual: usize,
    },

    /// A string is not a 256-bit ISCC Image-Code.
    #[error("not a 256-bit ISCC Image-Code: {reason}")]
    InvalidCode {
        /// What is wrong with it.
        reason: String,
    },

    /// The ISCC library rejected the normalised pixels (should not happen: 1024 pixels, 256 bits).
    #[error("{name}: ISCC Image-Code generation failed: {source}")]
    Iscc {
        /// Name of the input, as given by the caller.
        name: String,
        /// The ISCC library's error.
        #[source]
        source: iscc_lib::IsccError,
    },
}

impl From<FingerprintError> for crate::Error {
    /// The library's error for a fingerprint that cannot be made: the image
    /// is unsupported, damaged or too large (the input's fault), a code or
    /// buffer given by the caller is malformed (the request's), or the ISCC
    /// library failed (hallmark's).
    fn from(error: FingerprintError) -> Self {
        use crate::Error;
        let detail = error.to_string();
        match error {
            FingerprintError::UnknownFormat { name }
            | FingerprintError::UnsupportedFormat { name, .. }
            | FingerprintError::UnsupportedPixelFormat { name, .. } => Error::UnsupportedFormat {
                detail: without_name(&detail, &name),
                file: name,
            },
            FingerprintError::Empty { name, .. } => damaged(&detail, name),
            #[cfg(feature = "fingerprint")]
            FingerprintError::Decode { name, .. } => damaged(&detail, name),
            FingerprintError::TooLarge { name, .. } => too_large(&detail, name),
            #[cfg(feature = "fingerprint")]
            FingerprintError::DecoderLimit { name, .. } => too_large(&detail, name),
            FingerprintError::BufferSize { .. } | FingerprintError::InvalidCode { .. } => {
                Error::InvalidOption(detail)
            }
            FingerprintError::Iscc { name, .. } => Error::Internal {
                detail: without_name(&detail, &name),
                file: name,
            },
        }
    }
}

/// The library's error for an image that cannot be decoded.
fn damaged(detail: &str, name: String) -> crate::Error {
    crate::Error::DamagedMedia {
        detail: without_name(detail, &name),
        file: name,
        format: "image",
    }
}

/// The library's error for an image beyond the limits.
fn too_large(detail: &str, name: String) -> crate::Error {
    crate::Error::TooLarge {
        detail: without_name(detail, &name),
        file: name,
    }
}

/// A message without the `NAME: ` it starts with (the library's error adds its own).
fn without_name(message: &str, name: &str) -> String {
    message
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(message)
        .to_owned()
}
