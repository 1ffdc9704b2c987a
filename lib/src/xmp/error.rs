//! The one error type of the XMP module.
//!
//! Every variant names the file (the label the caller gave: a path as typed, or a
//! name such as `upload`) and says what is wrong in words a person can act on.

use std::io;

/// Everything that can go wrong while reading or writing XMP.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused a read or a write.
    #[error("{file}: {action}: {source}")]
    Io {
        /// The file concerned.
        file: String,
        /// What was being done, in words ("cannot read", "cannot write").
        action: &'static str,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// The media file is damaged, truncated or not what its format requires.
    #[error("{file}: the file is damaged or not a valid {format}: {detail}")]
    Damaged {
        /// The file concerned.
        file: String,
        /// The format, e.g. `JPEG`.
        format: &'static str,
        /// What is wrong, in words.
        detail: String,
    },

    /// The XMP packet is not well-formed XML or not RDF as XMP requires.
    #[error("{file}: the XMP packet is not valid: {detail}")]
    BadPacket {
        /// The file concerned.
        file: String,
        /// What is wrong, in words.
        detail: String,
    },

    /// The XMP packet uses a construct refused for safety (a DTD, entity
    /// declarations, nesting deeper than any real packet).
    #[error("{file}: the XMP packet was refused: {detail}")]
    HostilePacket {
        /// The file concerned.
        file: String,
        /// What was refused, in words.
        detail: String,
    },

    /// Something is larger than this module handles.
    #[error("{file}: {what} is {size} bytes, more than the {limit} bytes allowed")]
    TooLarge {
        /// The file concerned.
        file: String,
        /// What is too large, in words ("the XMP packet").
        what: &'static str,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },

    /// The file already holds more than one XMP packet; merging into one of
    /// them would leave two disagreeing statements, so nothing is written.
    #[error(
        "{file}: the {format} holds {count} XMP packets; refusing to write a statement that another packet may contradict"
    )]
    MultiplePackets {
        /// The file concerned.
        file: String,
        /// The format.
        format: &'static str,
        /// How many packets were found.
        count: usize,
    },

    /// The file's format is not one this module recognises.
    #[error("{file}: unsupported file type ({detail})")]
    UnsupportedFormat {
        /// The file concerned.
        file: String,
        /// What was seen, in words.
        detail: String,
    },

    /// The format is recognised (and perhaps read) but XMP is not written into it.
    #[error("{file}: XMP is not written into {format} files: {reason}")]
    NotWritable {
        /// The file concerned.
        file: String,
        /// The format.
        format: &'static str,
        /// Why, in words.
        reason: &'static str,
    },
}

/// The result type of the XMP module.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A [`Error::Damaged`] for `file` in `format`.
    pub(crate) fn damaged(file: &str, format: &'static str, detail: impl Into<String>) -> Self {
        Error::Damaged {
            file: file.to_string(),
            format,
            detail: detail.into(),
        }
    }

    /// A [`Error::BadPacket`] for `file`.
    pub(crate) fn bad_packet(file: &str, detail: impl Into<String>) -> Self {
        Error::BadPacket {
            file: file.to_string(),
            detail: detail.into(),
        }
    }

    /// A [`Error::HostilePacket`] for `file`.
    pub(crate) fn hostile(file: &str, detail: impl Into<String>) -> Self {
        Error::HostilePacket {
            file: file.to_string(),
            detail: detail.into(),
        }
    }

    /// An [`Error::Io`] for `file`.
    pub(crate) fn io(file: &str, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            file: file.to_string(),
            action,
            source,
        }
    }
}

impl From<Error> for crate::Error {
    /// The library's error for an XMP error: an unusable packet or file is
    /// the input's fault, a refused write the request's (sign with the
    /// mirror turned off), a failed read or write the environment's.
    fn from(error: Error) -> Self {
        let message = error.to_string();
        let detail = |file: &str| without_name(&message, file);
        match error {
            Error::Io {
                file,
                action,
                source,
            } => crate::Error::Io {
                file,
                action,
                source,
            },
            Error::Damaged {
                detail: d,
                file,
                format,
            } => crate::Error::DamagedMedia {
                file,
                format,
                detail: d,
            },
            Error::BadPacket { ref file, .. } | Error::HostilePacket { ref file, .. } => {
                crate::Error::DamagedMedia {
                    detail: detail(file),
                    file: file.clone(),
                    format: "XMP packet",
                }
            }
            Error::TooLarge { ref file, .. } => crate::Error::TooLarge {
                detail: detail(file),
                file: file.clone(),
            },
            Error::UnsupportedFormat { file, detail: d } => {
                crate::Error::UnsupportedFormat { file, detail: d }
            }
            Error::MultiplePackets { ref file, .. } | Error::NotWritable { ref file, .. } => {
                crate::Error::IptcNotWritable {
                    detail: detail(file),
                    file: file.clone(),
                }
            }
        }
    }
}

/// A message without the `FILE: ` it starts with (the library's error adds its own).
fn without_name(message: &str, file: &str) -> String {
    message
        .strip_prefix(file)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(message)
        .to_owned()
}
