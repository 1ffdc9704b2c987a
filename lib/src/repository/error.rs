//! The repository's error type, and who is at fault for each error.
//!
//! Every variant renders as a sentence that says what failed. Values that come
//! from callers (manifest ids, algorithm names) are quoted and shortened, and
//! database URLs never show their password.

/// A result whose error is the repository's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the manifest repository.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The repository URL is not one the repository can open.
    #[error("repository URL {url}: {reason}")]
    BadUrl {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A repository option is out of range.
    #[error("repository option {option} = {value}: {reason}")]
    BadOption {
        /// The option's name, e.g. `radius64`.
        option: &'static str,
        /// The value given.
        value: u64,
        /// The accepted range, in words.
        reason: &'static str,
    },

    /// The database could not be opened or reached.
    #[error("cannot open the repository at {url}: {source}")]
    Open {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// The underlying error.
        #[source]
        source: sqlx::Error,
    },

    /// The schema migrations could not be applied (or the database holds
    /// migrations this build does not know: it was made by a newer version).
    #[error("cannot bring the repository's schema up to date at {url}: {source}")]
    Migrate {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// The underlying error.
        #[source]
        source: sqlx::migrate::MigrateError,
    },

    /// The database server cannot hold the repository (too old a version).
    #[error("the database at {url} cannot hold the repository: {reason}")]
    UnsupportedDatabase {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// Why, in words.
        reason: String,
    },

    /// The soft-binding algorithm is not one the repository indexes.
    #[error("unsupported soft-binding algorithm {alg:?}; this repository supports {supported}")]
    UnsupportedAlgorithm {
        /// The algorithm named by the caller (shortened).
        alg: String,
        /// The supported algorithms, comma-separated.
        supported: &'static str,
    },

    /// A soft-binding value is malformed for its algorithm.
    #[error("soft-binding value for {alg}: {reason}")]
    BadBindingValue {
        /// The algorithm.
        alg: String,
        /// What is wrong with the value.
        reason: String,
    },

    /// An entry to publish is malformed (id, signer, store size, bindings).
    #[error("entry {manifest_id:?} cannot be published: {reason}")]
    BadEntry {
        /// The entry's manifest id (shortened).
        manifest_id: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A manifest id given for a look-up is malformed.
    #[error("manifest id {manifest_id:?}: {reason}")]
    BadManifestId {
        /// The id (shortened).
        manifest_id: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A query parameter is out of range.
    #[error("{parameter} = {value}: {reason}")]
    BadQuery {
        /// The parameter's name, e.g. `max_results`.
        parameter: &'static str,
        /// The value given.
        value: u64,
        /// The accepted range, in words.
        reason: &'static str,
    },

    /// The manifest id is already published with a different manifest store.
    #[error("manifest {manifest_id:?} is already published with a different manifest store")]
    Conflict {
        /// The manifest id.
        manifest_id: String,
    },

    /// A database operation failed.
    #[error("repository database failed while {action}: {source}")]
    Database {
        /// What the repository was doing, e.g. `looking up candidates`.
        action: &'static str,
        /// The underlying error.
        #[source]
        source: sqlx::Error,
    },

    /// The signing certificate has as many manifests here as it may.
    #[error("{signer} has published {limit} manifests, as many as one signer may store here")]
    SignerQuota {
        /// The signer's name, else its certificate's SHA-256.
        signer: String,
        /// The cap.
        limit: u64,
    },

    /// Publishing would leave less free disk than the repository keeps.
    #[error(
        "the repository's disk is nearly full ({free} bytes free; {reserve} are kept free): \
         publishing is refused until space is freed"
    )]
    Full {
        /// Bytes free now.
        free: u64,
        /// Bytes that must stay free.
        reserve: u64,
    },

    /// The database returned something the schema does not allow.
    #[error("repository database returned an unexpected value while {action}: {reason}")]
    Corrupt {
        /// What the repository was doing.
        action: &'static str,
        /// What was unexpected.
        reason: String,
    },
}

impl Error {
    /// Who is at fault, as the library sorts it: the kind of the
    /// [`crate::Error`] this error becomes.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            Error::BadBindingValue { .. } | Error::BadEntry { .. } => crate::ErrorKind::BadInput,
            Error::UnsupportedAlgorithm { .. }
            | Error::BadManifestId { .. }
            | Error::BadQuery { .. }
            | Error::Conflict { .. }
            | Error::SignerQuota { .. } => crate::ErrorKind::BadRequest,
            Error::BadUrl { .. }
            | Error::BadOption { .. }
            | Error::Migrate { .. }
            | Error::UnsupportedDatabase { .. } => crate::ErrorKind::BadSetup,
            Error::Open { .. } | Error::Database { .. } | Error::Full { .. } => {
                crate::ErrorKind::Environment
            }
            Error::Corrupt { .. } => crate::ErrorKind::Internal,
        }
    }

    /// A [`Error::Database`] error for `action`, as a `map_err` argument.
    pub(crate) fn db(action: &'static str) -> impl FnOnce(sqlx::Error) -> Error {
        move |source| Error::Database { action, source }
    }
}

impl From<Error> for crate::Error {
    /// The library's error for a repository error, of the same kind.
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error {
            Error::BadBindingValue { alg, .. } => crate::Error::NotPublishable {
                file: format!("its {alg} soft binding"),
                reason: message,
            },
            Error::BadEntry { manifest_id, .. } => crate::Error::NotPublishable {
                file: manifest_id,
                reason: message,
            },
            Error::UnsupportedAlgorithm { .. }
            | Error::BadManifestId { .. }
            | Error::BadQuery { .. } => crate::Error::InvalidOption(message),
            Error::Conflict { manifest_id } => crate::Error::PublishedDifferently { manifest_id },
            Error::SignerQuota { signer, limit } => crate::Error::SignerQuota { signer, limit },
            Error::Full { .. } => crate::Error::RepositoryFull { reason: message },
            Error::BadUrl { url, .. }
            | Error::Migrate { url, .. }
            | Error::UnsupportedDatabase { url, .. } => crate::Error::BadRepository {
                repository: url,
                reason: message,
            },
            Error::BadOption { .. } => crate::Error::BadRepository {
                repository: "repository options".into(),
                reason: message,
            },
            Error::Open { url, .. } => crate::Error::RepositoryUnavailable {
                repository: url,
                detail: message,
            },
            Error::Database { .. } => crate::Error::RepositoryUnavailable {
                repository: "the repository database".into(),
                detail: message,
            },
            Error::Corrupt { .. } => crate::Error::Internal {
                file: "the repository database".into(),
                detail: message,
            },
        }
    }
}

/// A caller-supplied text shortened to at most 80 characters for an error
/// message (quoted with `{:?}` by the messages, so control characters show
/// escaped).
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// The URL with its password replaced by `***`, for error messages and logs:
/// the password of the authority (`user:password@host`) and a `password=`
/// query parameter.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let start = scheme_end + 3;
        let authority_end = out[start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| start + i);
        if let Some(at) = out[start..authority_end].rfind('@').map(|i| start + i)
            && let Some(colon) = out[start..at].find(':').map(|i| start + i)
        {
            out.replace_range(colon + 1..at, "***");
        }
    }
    if let Some(query) = out.find('?') {
        let mut pos = query + 1;
        while pos < out.len() {
            let end = out[pos..].find('&').map_or(out.len(), |i| pos + i);
            if out[pos..end].starts_with("password=") {
                out.replace_range(pos + "password=".len()..end, "***");
                break;
            }
            pos = end + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://ada:s3cr@t@db:5432/x?a=b"),
            "postgres://ada:***@db:5432/x?a=b"
        );
        assert_eq!(redact_url("postgres://ada@db/x"), "postgres://ada@db/x");
        assert_eq!(
            redact_url("postgres:///x?host=/tmp&password=p&port=1"),
            "postgres:///x?host=/tmp&password=***&port=1"
        );
        assert_eq!(redact_url("sqlite:/tmp/r.db"), "sqlite:/tmp/r.db");
    }

    #[test]
    fn long_texts_are_shortened() {
        assert_eq!(shorten("abc"), "abc");
        let long = "é".repeat(100);
        assert_eq!(shorten(&long).chars().count(), 81);
    }
}
