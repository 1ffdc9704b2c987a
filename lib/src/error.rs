//! The one error type of the library.
//!
//! Every variant renders as a sentence a person can act on, and every variant
//! that concerns a file names it, so a front end can print `error.to_string()`
//! as it is: `photo.jpg: not a JPEG (starts with "%PDF")`.

use std::io;

/// Everything that can go wrong in hallmark.
///
/// The `file` fields hold the name the caller gave for the input (a path as
/// typed, or a label such as `upload` for bytes that never had a path).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused a read or a write.
    #[error("{file}: {action}: {source}")]
    Io {
        /// The file concerned.
        file: String,
        /// What hallmark was doing, in words ("cannot read", "cannot write").
        action: &'static str,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// The path is not a regular file (a named pipe, a device, a socket):
    /// reading it could block for ever or never end.
    #[error("{file}: not a regular file ({kind}); hallmark reads only files")]
    NotAFile {
        /// The path concerned.
        file: String,
        /// What it is instead, in words.
        kind: &'static str,
    },

    /// The file is empty.
    #[error("{file}: the file is empty")]
    EmptyFile {
        /// The file concerned.
        file: String,
    },

    /// The file's content does not match the format its name or caller claims.
    #[error("{file}: not {} {expected} ({found})", crate::format::article(.expected))]
    WrongFormat {
        /// The file concerned.
        file: String,
        /// The format the name or the caller claimed, e.g. `JPEG`.
        expected: &'static str,
        /// What the content actually looks like, in words.
        found: String,
    },

    /// The file is of a kind hallmark cannot handle at all.
    #[error("{file}: unsupported file type ({detail})")]
    UnsupportedFormat {
        /// The file concerned.
        file: String,
        /// What was seen, in words.
        detail: String,
    },

    /// The format cannot be signed (and perhaps not verified either).
    #[error("{file}: hallmark cannot sign {format} files: {reason}")]
    CannotSignFormat {
        /// The file concerned.
        file: String,
        /// The format's name.
        format: &'static str,
        /// Why, and what to do instead.
        reason: &'static str,
    },

    /// The media file is damaged or not what its format requires.
    #[error("{file}: the file is damaged or not a valid {format}: {detail}")]
    DamagedMedia {
        /// The file concerned.
        file: String,
        /// The format's name.
        format: &'static str,
        /// What the parser reported.
        detail: String,
    },

    /// The file carries Content Credentials that cannot be read at all.
    #[error("{file}: its Content Credentials cannot be read: {detail}")]
    UnreadableCredentials {
        /// The file concerned.
        file: String,
        /// What the parser reported.
        detail: String,
    },

    /// Signing would overwrite an existing file.
    #[error("{file}: already exists; choose another output or remove it first")]
    OutputExists {
        /// The output that exists.
        file: String,
    },

    /// Input and output are the same file.
    #[error("{file}: input and output are the same file; write the signed copy elsewhere")]
    OutputIsInput {
        /// The file concerned.
        file: String,
    },

    /// A credentials folder already holds credentials.
    #[error("{folder}: already holds credentials ({existing}); refusing to replace them")]
    CredentialsExist {
        /// The folder.
        folder: String,
        /// The first credential file found there.
        existing: String,
    },

    /// A folder chosen for new credentials already holds other things.
    #[error(
        "{folder}: is not empty (it holds {found}); choose a new or empty folder for credentials"
    )]
    FolderNotEmpty {
        /// The folder.
        folder: String,
        /// The first entry found there.
        found: String,
    },

    /// A private key could not be decrypted with the passphrase given.
    #[error("wrong passphrase for {file}")]
    WrongPassphrase {
        /// The key file.
        file: String,
    },

    /// A private-key file is malformed or holds a key hallmark cannot use.
    #[error("{file}: {reason}")]
    BadKey {
        /// The key file.
        file: String,
        /// What is wrong, in words.
        reason: String,
    },

    /// A certificate chain is malformed or breaks the C2PA certificate profile.
    #[error("{file}: {reason}")]
    BadCertificate {
        /// The chain file.
        file: String,
        /// What is wrong, in words.
        reason: String,
    },

    /// Trust anchors given by the caller could not be used.
    #[error("{source_name}: {reason}")]
    BadTrustAnchors {
        /// Where the anchors came from (a file name, or `trust anchors`).
        source_name: String,
        /// What is wrong, in words.
        reason: String,
    },

    /// A passphrase is needed and none could be obtained.
    #[error("{0}")]
    PassphraseUnavailable(String),

    /// Invalid options for signing or keygen.
    #[error("{0}")]
    InvalidOption(String),

    /// The C2PA engine reported a failure hallmark has no better words for.
    #[error("{file}: {action}: {detail}")]
    C2pa {
        /// The file concerned.
        file: String,
        /// What hallmark was doing.
        action: &'static str,
        /// The engine's message.
        detail: String,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] for `file`.
    pub(crate) fn io(file: impl Into<String>, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            file: file.into(),
            action,
            source,
        }
    }

    /// The same error, with a failure to write the signed copy named after
    /// the output file it concerns rather than the input being signed.
    #[cfg(feature = "sign")]
    pub(crate) fn naming_output(self, output: &str) -> Self {
        match self {
            Error::Io {
                action: crate::sign::WRITING_SIGNED_COPY,
                source,
                ..
            } => Error::io(output, "cannot write", source),
            other => other,
        }
    }
}

/// Translate an error of the C2PA engine into words about `file`.
///
/// `format` is the media format being handled, `action` what hallmark was
/// doing ("cannot sign", "cannot verify").
pub(crate) fn from_c2pa(
    file: &str,
    format: crate::format::MediaFormat,
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
