//! The one error type of the library, and who is at fault for each error.
//!
//! Every variant renders as a sentence a person can act on, and every variant
//! that concerns a file names it, so a front end can print `error.to_string()`
//! as it is: `photo.jpg: not a JPEG (starts with "%PDF")`.
//!
//! [`Error::kind`] sorts every error into an [`ErrorKind`]: the input is bad,
//! the request is wrong, the set-up is unusable, the environment failed, or
//! hallmark itself failed. Front ends turn kinds into what their callers see
//! (an exit status, an HTTP status, a Python exception, a browser message),
//! each in one place and never by reading the message.
//!
//! This module sits at the bottom of the library: it imports no other module.

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
    #[error("{file}: not {} {expected} ({found})", article(.expected))]
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

    /// A pinned identity issuer (a DID document) could not be used.
    #[error("{source_name}: {reason}")]
    BadIdentityIssuer {
        /// Where the document came from (a file name).
        source_name: String,
        /// What is wrong, in words.
        reason: String,
    },

    /// A passphrase is needed and none could be obtained.
    #[error("{0}")]
    PassphraseUnavailable(String),

    /// A file of a credentials folder cannot be read: missing (the folder is
    /// incomplete) or refused by the operating system.
    #[error("{file}: cannot read: {source}{}", incomplete_advice(.source, .folder))]
    UnreadableCredentialFile {
        /// The file that cannot be read.
        file: String,
        /// The credentials folder it belongs to, when it was loaded as a folder.
        folder: Option<String>,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// The file is larger than the format (or hallmark) can handle.
    #[error("{file}: too large: {detail}")]
    TooLarge {
        /// The file concerned.
        file: String,
        /// Which limit it exceeds, in words.
        detail: String,
    },

    /// Invalid options for signing or keygen.
    #[error("{0}")]
    InvalidOption(String),

    /// An original a rendition cannot be derived from.
    #[error("{file}: cannot derive from it: {reason}")]
    NotDerivable {
        /// The original.
        file: String,
        /// Why, in words.
        reason: String,
    },

    /// A signer has stored as many manifests in a repository as it may.
    #[error("{signer} has published {limit} manifests, as many as one signer may store here")]
    SignerQuota {
        /// The signer's name, else its certificate's SHA-256.
        signer: String,
        /// The cap.
        limit: u64,
    },

    /// A repository refuses to publish because its disk is nearly full.
    #[error("{reason}")]
    RepositoryFull {
        /// Why, with the figures.
        reason: String,
    },

    /// A token file (`hallmark token`, `serve --tokens`) cannot be used.
    #[error("{file}: {reason}")]
    BadTokenFile {
        /// The token file.
        file: String,
        /// What is wrong, in words.
        reason: String,
    },

    /// A manifest repository could not be reached, or answered something
    /// that is not the API's answer.
    #[error("{repository}: {detail}")]
    RepositoryUnavailable {
        /// The repository's base URL.
        repository: String,
        /// What went wrong, in words.
        detail: String,
    },

    /// A manifest repository refused a request about a file.
    #[error("{file}: {repository} refused it (HTTP {status}): {message}")]
    RepositoryRefused {
        /// The file the request was about.
        file: String,
        /// The repository's base URL.
        repository: String,
        /// The HTTP status.
        status: u16,
        /// The repository's words.
        message: String,
    },

    /// The creator's choice cannot be written into the file's IPTC metadata
    /// (XMP) safely; signing without the IPTC mirror is the way out.
    #[error(
        "{file}: cannot write the IPTC mirror of the policy: {detail}; sign with --no-iptc to leave it out"
    )]
    IptcNotWritable {
        /// The file concerned.
        file: String,
        /// Why, in words.
        detail: String,
    },

    /// A shard (a tar archive of samples) cannot be read on: truncated, or
    /// its headers are damaged.
    #[error("{file}: not a readable tar shard: {detail}")]
    BadShard {
        /// The shard.
        file: String,
        /// What the tar reader reported.
        detail: String,
    },

    /// A manifest repository will not publish this file's manifest.
    #[error("{file}: cannot be published: {reason}")]
    NotPublishable {
        /// The file (or manifest store) concerned.
        file: String,
        /// Why, in words.
        reason: String,
    },

    /// A manifest id is already published with a different manifest store.
    #[error("{manifest_id}: already published with a different manifest store")]
    PublishedDifferently {
        /// The manifest id.
        manifest_id: String,
    },

    /// A manifest repository cannot be used as configured (its URL, its
    /// options, its database's schema or version).
    #[error("{repository}: {reason}")]
    BadRepository {
        /// The repository's URL, any password hidden.
        repository: String,
        /// What is wrong, in words.
        reason: String,
    },

    /// hallmark itself failed on a file in a way that should not happen.
    #[error("{file}: hallmark failed: {detail}")]
    Internal {
        /// The file concerned.
        file: String,
        /// What failed.
        detail: String,
    },

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

/// Who is at fault for an [`Error`], and so what a front end should tell its
/// caller: the families every front end maps, each in one place.
///
/// The enum is deliberately exhaustive: a new kind is a breaking change, so
/// that every front end's mapping stops compiling until it says what the new
/// kind means for its callers. New [`Error`] variants, by contrast, are sorted
/// into one of these kinds by [`Error::kind`] and need no front-end change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The file (or bytes) given is unusable: damaged, empty, of the wrong or
    /// an unsupported type, too large, or not a regular file. Another file
    /// may well work.
    BadInput,
    /// What was asked cannot be done as asked: conflicting or invalid
    /// options, an output that exists, a format that cannot be signed that way.
    BadRequest,
    /// The set-up is unusable: signing credentials, passphrase, trust anchors.
    /// Nothing will work until it is fixed.
    BadSetup,
    /// The environment failed: the operating system refused a read or a
    /// write (permissions, a full disk, a vanished file).
    Environment,
    /// hallmark, or the C2PA engine under it, failed in a way it has no
    /// better words for.
    Internal,
}

impl ErrorKind {
    /// A stable name for machines: `bad_input`, `bad_request`, `bad_setup`,
    /// `environment`, `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadInput => "bad_input",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::BadSetup => "bad_setup",
            ErrorKind::Environment => "environment",
            ErrorKind::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// Who is at fault, for a front end to map to what its caller sees.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotAFile { .. }
            | Error::EmptyFile { .. }
            | Error::WrongFormat { .. }
            | Error::UnsupportedFormat { .. }
            | Error::DamagedMedia { .. }
            | Error::UnreadableCredentials { .. }
            | Error::TooLarge { .. }
            | Error::BadShard { .. }
            | Error::NotDerivable { .. }
            | Error::NotPublishable { .. } => ErrorKind::BadInput,
            Error::CannotSignFormat { .. }
            | Error::OutputExists { .. }
            | Error::OutputIsInput { .. }
            | Error::CredentialsExist { .. }
            | Error::FolderNotEmpty { .. }
            | Error::InvalidOption(_)
            | Error::PublishedDifferently { .. }
            | Error::SignerQuota { .. }
            | Error::IptcNotWritable { .. } => ErrorKind::BadRequest,
            Error::WrongPassphrase { .. }
            | Error::BadKey { .. }
            | Error::BadCertificate { .. }
            | Error::BadTrustAnchors { .. }
            | Error::BadIdentityIssuer { .. }
            | Error::PassphraseUnavailable(_)
            | Error::UnreadableCredentialFile { .. }
            | Error::BadTokenFile { .. }
            | Error::BadRepository { .. } => ErrorKind::BadSetup,
            Error::RepositoryRefused { status, .. } if (400..500).contains(status) => {
                ErrorKind::BadInput
            }
            Error::Io { .. }
            | Error::RepositoryFull { .. }
            | Error::RepositoryUnavailable { .. }
            | Error::RepositoryRefused { .. } => ErrorKind::Environment,
            Error::C2pa { .. } | Error::Internal { .. } => ErrorKind::Internal,
        }
    }

    /// An [`Error::Io`] for `file`.
    pub(crate) fn io(file: impl Into<String>, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            file: file.into(),
            action,
            source,
        }
    }
}

/// "a" or "an" before a format's name: "an MP3", "a JPEG".
pub(crate) fn article(name: &str) -> &'static str {
    match name.as_bytes().first() {
        // Initialisms read letter by letter ("an MP3", "an SVG") or vowel-initial names.
        Some(b'A' | b'E' | b'I' | b'O' | b'M' | b'S') => "an",
        _ => "a",
    }
}

/// What to do about a credentials folder that lost a file.
fn incomplete_advice(source: &io::Error, folder: &Option<String>) -> String {
    match folder {
        Some(folder) if source.kind() == io::ErrorKind::NotFound => format!(
            "; the credentials in {folder} are incomplete: restore the folder from your backup, \
             or make new credentials with `hallmark keygen --force`"
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_distinct_name() {
        let kinds = [
            ErrorKind::BadInput,
            ErrorKind::BadRequest,
            ErrorKind::BadSetup,
            ErrorKind::Environment,
            ErrorKind::Internal,
        ];
        let names: std::collections::BTreeSet<_> = kinds.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), kinds.len());
    }

    #[test]
    fn errors_are_sorted_by_who_is_at_fault() {
        let damaged = Error::DamagedMedia {
            file: "a.jpg".into(),
            format: "JPEG",
            detail: "cut".into(),
        };
        assert_eq!(damaged.kind(), ErrorKind::BadInput);
        let exists = Error::OutputExists {
            file: "b.jpg".into(),
        };
        assert_eq!(exists.kind(), ErrorKind::BadRequest);
        let passphrase = Error::WrongPassphrase {
            file: "signer.key".into(),
        };
        assert_eq!(passphrase.kind(), ErrorKind::BadSetup);
        let disk = Error::io("c.jpg", "cannot write", io::Error::other("disk full"));
        assert_eq!(disk.kind(), ErrorKind::Environment);
    }

    #[test]
    fn a_missing_credential_file_says_how_to_recover() {
        let error = Error::UnreadableCredentialFile {
            file: "creds/signer.key".into(),
            folder: Some("creds".into()),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        let message = error.to_string();
        assert!(
            message.starts_with("creds/signer.key: cannot read: "),
            "{message}"
        );
        assert!(
            message.contains("the credentials in creds are incomplete"),
            "{message}"
        );
        assert_eq!(error.kind(), ErrorKind::BadSetup);
    }
}
