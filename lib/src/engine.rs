//! Words for the C2PA engine's errors: which [`Error`] each one is, about
//! which file.

use crate::error::Error;
use crate::format::MediaFormat;

/// Translate an error of the C2PA engine into words about `file`.
///
/// `format` is the media format being handled, `action` what hallmark was
/// doing ("cannot sign", "cannot verify").
pub(crate) fn from_c2pa(
    file: &str,
    format: MediaFormat,
    action: &'static str,
    err: c2pa::Error,
) -> Error {
    use c2pa::Error as E;
    match err {
        E::InvalidAsset(_)
        | E::BmffError(_)
        | E::GifError(_)
        | E::JpegError(_)
        | E::Mp3Error(_)
        | E::FlacError(_)
        | E::PdfReadError
        | E::PngError(_)
        | E::RiffError(_)
        | E::SvgError(_)
        | E::TiffError(_)
        | E::ZipError(_)
        | E::XmpReadError(_) => Error::DamagedMedia {
            file: file.into(),
            format: format.name(),
            detail: err.to_string(),
        },
        #[cfg(feature = "pdf")]
        E::PdfError(_) => Error::DamagedMedia {
            file: file.into(),
            format: format.name(),
            detail: err.to_string(),
        },
        E::BadParam(detail) if detail.contains("past end") => Error::DamagedMedia {
            file: file.into(),
            format: format.name(),
            detail: format!("it ends too early (truncated): {detail}"),
        },
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => Error::DamagedMedia {
            file: file.into(),
            format: format.name(),
            detail: "it ends too early (truncated)".into(),
        },
        E::IoError(io) => Error::io(file, action, io),
        // The engine has handlers for every format hallmark verifies; refusing one means it could not parse it.
        E::UnsupportedType if format.can_verify() => Error::DamagedMedia {
            file: file.into(),
            format: format.name(),
            detail: "the C2PA engine could not parse it".into(),
        },
        E::UnsupportedType => Error::UnsupportedFormat {
            file: file.into(),
            detail: format!("the C2PA engine has no handler for {format}"),
        },
        E::JumbfParseError(_)
        | E::JumbfBoxNotFound
        | E::ClaimDecoding(_)
        | E::ClaimMissing { .. }
        | E::ClaimInvalidContent
        | E::ClaimMissingSignatureBox
        | E::ClaimVersion
        | E::CborError(_)
        | E::AssertionDecoding(_)
        | E::AssertionMissing { .. }
        | E::TooManyManifestStores
        | E::TooManyAssertions { .. }
        | E::InvalidClaim(_)
        | E::CyclicIngredients { .. }
        | E::PrereleaseError
        | E::InsufficientMemory
        | E::MissingDataBox => Error::UnreadableCredentials {
            file: file.into(),
            detail: err.to_string(),
        },
        other => Error::C2pa {
            file: file.into(),
            action,
            detail: other.to_string(),
        },
    }
}
