//! The service's settings: defaults, a TOML file, and flags that override it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// Everything `hallmark serve` can be told. Every field has a default; a
/// TOML file may set any of them under the same names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// PEM files of trust anchors (CA certificates whose signers are trusted).
    pub trust: Vec<PathBuf>,
    /// DID documents (JSON files) of the identity issuers whose credentials
    /// are checked, offline; none by default.
    pub identity_issuers: Vec<PathBuf>,
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub max_body_bytes: usize,
    /// How many verifications run at once (default: the number of cores).
    pub max_concurrency: usize,
    /// Longest a verification may take, in seconds, before the answer is 503.
    pub request_timeout: u64,
    /// The manifest repository to serve (`sqlite:PATH` or `postgres://…`):
    /// the Soft Binding Resolution API and publishing under `/v1`. `None`:
    /// the service only verifies.
    pub repository: Option<String>,
    /// Origins of the web pages that may call the repository's read-only API
    /// (`matches/*`, `manifests/{id}`, `services/*`) across origins (CORS):
    /// `https://host[:port]` each, or `*` for any; none by default.
    /// Publishing answers CORS only for `publish_cors_origins`.
    pub cors_origins: Vec<String>,
    /// Origins of the web pages that may publish (`POST /v1/manifests`)
    /// across origins, with `Content-Type` and `Authorization` (a signing
    /// page such as the studio): `https://host[:port]` each, or `*`; none by
    /// default.
    pub publish_cors_origins: Vec<String>,
    /// A token file (`hallmark token add … --tokens FILE`): publishing then
    /// needs a token with the `publish` scope. `None`: open mode, limited
    /// per client address by `publish_limit`.
    pub tokens: Option<PathBuf>,
    /// Open mode: most publishings a minute from one client address
    /// (beyond it, 429 with `Retry-After`); 0 for no limit.
    pub publish_limit: u32,
    /// Most manifests one signing certificate may store in the repository.
    pub max_manifests_per_signer: u64,
    /// MiB the repository's database keeps free on its disk (SQLite):
    /// publishing that would leave less is refused with 503.
    pub reserve_disk_mib: u64,
    /// A credentials folder (`hallmark keygen`): `POST /v1/derive` signs
    /// renditions with it, for tokens with the `derive` scope (`tokens` is
    /// then required). Its passphrase comes from `derive_passphrase_file`
    /// (the file's first line), else `HALLMARK_PASSPHRASE`.
    pub derive_credentials: Option<PathBuf>,
    /// A file whose first line is the passphrase of `derive_credentials`.
    pub derive_passphrase_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            trust: Vec::new(),
            identity_issuers: Vec::new(),
            max_body_bytes: 256 << 20,
            max_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            request_timeout: 30,
            repository: None,
            cors_origins: Vec::new(),
            publish_cors_origins: Vec::new(),
            tokens: None,
            publish_limit: 60,
            max_manifests_per_signer: 10_000,
            reserve_disk_mib: 512,
            derive_credentials: None,
            derive_passphrase_file: None,
        }
    }
}

/// A settings file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for these settings.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// What is wrong, from the TOML parser.
        message: String,
    },
    /// A setting is out of range.
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Read a TOML settings file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            file: file.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            file,
            message: e.message().to_string(),
        })
    }

    /// The request timeout as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout)
    }

    /// Refuse settings the service cannot run with.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.max_concurrency == 0 {
            return Err(ConfigError::Invalid(
                "max-concurrency must be at least 1".into(),
            ));
        }
        if self.request_timeout == 0 {
            return Err(ConfigError::Invalid(
                "request-timeout must be at least 1 second".into(),
            ));
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::Invalid(
                "max-body-bytes must be at least 1".into(),
            ));
        }
        if self.derive_credentials.is_some() && self.tokens.is_none() {
            return Err(ConfigError::Invalid(
                "derive-credentials needs tokens: deriving signs with the service's credentials, \
                 so only holders of a token with the derive scope may ask"
                    .into(),
            ));
        }
        if let Some(why) = self
            .cors_origins
            .iter()
            .find_map(|o| crate::cors::check_origin("cors-origins", o))
            .or_else(|| {
                self.publish_cors_origins
                    .iter()
                    .find_map(|o| crate::cors::check_origin("publish-cors-origins", o))
            })
        {
            return Err(ConfigError::Invalid(why));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_sets_what_it_names_and_refuses_unknown_keys() {
        let config: Config =
            toml::from_str("listen = \"0.0.0.0:9000\"\nmax-body-bytes = 1024\n").unwrap();
        assert_eq!(config.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.max_body_bytes, 1024);
        assert_eq!(config.request_timeout, 30);
        let err = toml::from_str::<Config>("max-bodybytes = 1").unwrap_err();
        assert!(
            err.message().contains("unknown field `max-bodybytes`"),
            "{err}"
        );
    }
}
