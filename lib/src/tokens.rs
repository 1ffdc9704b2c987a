//! Access tokens for a hallmark service: who may publish to its manifest
//! repository, who may have renditions derived.
//!
//! A token file holds, per token, a name, its scopes and a SHA-256 hash of
//! the token — never the token itself. [`TokenFile::add`] makes a token of
//! 256 random bits and returns it once; whoever holds it sends it as
//! `Authorization: Bearer TOKEN`, and [`TokenFile::authorize`] finds its
//! entry by the hash and checks its scope. Revoking removes the entry.
//!
//! The file is JSON, written atomically and private to its owner (0600):
//!
//! ```json
//! {"version": 1, "tokens": [
//!   {"name": "studio", "scopes": ["publish"], "sha256": "9f86…", "created": "2026-12-07T10:00:00Z"}
//! ]}
//! ```
//!
//! # Example
//!
//! ```
//! use hallmark::tokens::{Scope, TokenFile, Denied};
//!
//! let mut file = TokenFile::default();
//! let token = file.add("studio", &[Scope::Publish]).unwrap();
//! assert_eq!(file.authorize(&token, Scope::Publish).unwrap(), "studio");
//! assert_eq!(file.authorize(&token, Scope::Derive), Err(Denied::MissingScope));
//! assert_eq!(file.authorize("hm_not-a-token", Scope::Publish), Err(Denied::Unknown));
//! file.revoke("studio").unwrap();
//! assert_eq!(file.authorize(&token, Scope::Publish), Err(Denied::Unknown));
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use base64::Engine;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// What every token begins with, so that a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "hm_";

/// Random bytes in a token (256 bits).
const TOKEN_BYTES: usize = 32;

/// Longest token name accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 64;

/// Largest token file read, in bytes.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// What a token lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Publish manifests to the repository (`POST /v1/manifests`).
    Publish,
    /// Have renditions signed with the service's credentials (`POST /v1/derive`).
    Derive,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 2] = [Scope::Publish, Scope::Derive];

    /// The scope's name: `publish`, `derive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Publish => "publish",
            Scope::Derive => "derive",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scope name that is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a scope: use publish or derive")]
pub struct UnknownScope(pub String);

impl FromStr for Scope {
    type Err = UnknownScope;

    fn from_str(name: &str) -> std::result::Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == name)
            .ok_or_else(|| UnknownScope(name.to_owned()))
    }
}

/// Why a token does not authorise a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denied {
    /// No token of that value is in the file (never issued, or revoked).
    Unknown,
    /// The token is known, without the scope the request needs.
    MissingScope,
}

/// One token, as the file keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenEntry {
    /// The name it was given (unique in the file): who holds it, in logs.
    pub name: String,
    /// What it may do.
    pub scopes: BTreeSet<Scope>,
    /// The SHA-256 of the token, lower-case hex.
    pub sha256: String,
    /// When it was made (RFC 3339, UTC).
    pub created: String,
}

/// A token file: every token a service accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFile {
    /// The format's version: 1.
    #[serde(default = "version_one")]
    pub version: u32,
    /// The tokens.
    pub tokens: Vec<TokenEntry>,
}

fn version_one() -> u32 {
    1
}

impl Default for TokenFile {
    /// No tokens, version 1.
    fn default() -> Self {
        TokenFile {
            version: 1,
            tokens: Vec::new(),
        }
    }
}

impl TokenFile {
    /// Read the token file at `path`; a file that does not exist is an
    /// empty token file (so that `token add` can start one).
    pub fn load_or_empty(path: &Path) -> Result<TokenFile> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TokenFile::default()),
            _ => Self::load(path),
        }
    }

    /// Read the token file at `path`.
    pub fn load(path: &Path) -> Result<TokenFile> {
        let name = path.display().to_string();
        let io = |action: &'static str| {
            let name = name.clone();
            move |source| Error::Io {
                file: name,
                action,
                source,
            }
        };
        let length = std::fs::metadata(path).map_err(io("cannot read"))?.len();
        if length > MAX_FILE_BYTES {
            return Err(Error::BadTokenFile {
                file: name,
                reason: format!(
                    "{length} bytes is too large for a token file (at most {MAX_FILE_BYTES})"
                ),
            });
        }
        let text = std::fs::read_to_string(path).map_err(io("cannot read"))?;
        Self::parse(&name, &text)
    }

    /// Parse a token file's text; `name` labels errors.
    pub fn parse(name: &str, text: &str) -> Result<TokenFile> {
        let bad = |reason: String| Error::BadTokenFile {
            file: name.to_owned(),
            reason,
        };
        let file: TokenFile = serde_json::from_str(text)
            .map_err(|e| bad(format!("not a hallmark token file: {e}")))?;
        if file.version != 1 {
            return Err(bad(format!(
                "token file version {} is not supported (this hallmark reads version 1)",
                file.version
            )));
        }
        let mut names = BTreeSet::new();
        for entry in &file.tokens {
            check_name(&entry.name).map_err(bad)?;
            if !names.insert(entry.name.as_str()) {
                return Err(bad(format!(
                    "the token name {:?} appears twice",
                    entry.name
                )));
            }
            let hex_ok = entry.sha256.len() == 64
                && entry
                    .sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex_ok {
                return Err(bad(format!(
                    "token {:?} has no SHA-256 (64 lower-case hex digits)",
                    entry.name
                )));
            }
        }
        Ok(file)
    }

    /// Write the file to `path` atomically (a temporary file renamed over
    /// it), readable and writable by its owner only.
    pub fn save(&self, path: &Path) -> Result<()> {
        let name = path.display().to_string();
        let io = |action: &'static str| {
            let name = name.clone();
            move |source| Error::Io {
                file: name,
                action,
                source,
            }
        };
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::BadTokenFile {
            file: name.clone(),
            reason: format!("cannot write: {e}"),
        })?;
        let mut temporary = tempfile::Builder::new()
            .prefix(".tokens")
            .tempfile_in(dir)
            .map_err(io("cannot write"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            temporary
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(io("cannot write"))?;
        }
        temporary
            .write_all(format!("{text}\n").as_bytes())
            .and_then(|()| temporary.as_file().sync_all())
            .map_err(io("cannot write"))?;
        temporary
            .persist(path)
            .map_err(|e| io("cannot write")(e.error))?;
        Ok(())
    }

    /// Add a token named `name` with `scopes`: returns the token, the only
    /// time it exists in the clear (the file keeps its hash).
    pub fn add(&mut self, name: &str, scopes: &[Scope]) -> Result<String> {
        check_name(name).map_err(Error::InvalidOption)?;
        if scopes.is_empty() {
            return Err(Error::InvalidOption(
                "a token needs at least one --scope (publish, derive)".into(),
            ));
        }
        if self.tokens.iter().any(|t| t.name == name) {
            return Err(Error::InvalidOption(format!(
                "a token named {name:?} exists already: revoke it first, or choose another name"
            )));
        }
        let mut random = [0u8; TOKEN_BYTES];
        OsRng.fill_bytes(&mut random);
        let token = format!(
            "{TOKEN_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
        );
        let created = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        self.tokens.push(TokenEntry {
            name: name.to_owned(),
            scopes: scopes.iter().copied().collect(),
            sha256: hash(&token),
            created,
        });
        Ok(token)
    }

    /// Remove the token named `name`.
    pub fn revoke(&mut self, name: &str) -> Result<TokenEntry> {
        let at = self
            .tokens
            .iter()
            .position(|t| t.name == name)
            .ok_or_else(|| Error::InvalidOption(format!("no token is named {name:?}")))?;
        Ok(self.tokens.remove(at))
    }

    /// The name of the token `token` if it has `scope`, or why not.
    pub fn authorize(&self, token: &str, scope: Scope) -> std::result::Result<&str, Denied> {
        let digest = hash(token.trim());
        let entry = self
            .tokens
            .iter()
            .find(|t| t.sha256 == digest)
            .ok_or(Denied::Unknown)?;
        if entry.scopes.contains(&scope) {
            Ok(&entry.name)
        } else {
            Err(Denied::MissingScope)
        }
    }
}

/// The SHA-256 of a token, lower-case hex.
fn hash(token: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// Why `name` cannot name a token, if it cannot.
fn check_name(name: &str) -> std::result::Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{name:?} cannot name a token: 1 to {MAX_NAME_BYTES} letters, digits, '-', '_', '.' or '@'"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_kept_only_as_hashes() {
        let mut file = TokenFile::default();
        let one = file.add("one", &[Scope::Publish]).unwrap();
        let two = file.add("two", &[Scope::Publish, Scope::Derive]).unwrap();
        assert_ne!(one, two);
        assert!(
            one.starts_with(TOKEN_PREFIX) && one.len() == 3 + 43,
            "{one}"
        );
        let text = serde_json::to_string(&file).unwrap();
        assert!(!text.contains(&one[3..]) && !text.contains(&two[3..]));
        assert_eq!(file.authorize(&two, Scope::Derive), Ok("two"));
        assert_eq!(
            file.authorize(&one, Scope::Derive),
            Err(Denied::MissingScope)
        );
    }

    #[test]
    fn a_saved_file_reads_back_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let mut file = TokenFile::load_or_empty(&path).unwrap();
        let token = file.add("studio", &[Scope::Publish]).unwrap();
        file.save(&path).unwrap();
        let again = TokenFile::load(&path).unwrap();
        assert_eq!(again, file);
        assert_eq!(again.authorize(&token, Scope::Publish), Ok("studio"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn bad_files_and_names_are_refused_with_the_reason() {
        for (text, words) in [
            ("not json", "not a hallmark token file"),
            (r#"{"version": 2, "tokens": []}"#, "version 2"),
            (
                r#"{"tokens": [{"name": "a", "scopes": ["publish"], "sha256": "xyz", "created": ""}]}"#,
                "no SHA-256",
            ),
            (
                r#"{"tokens": [{"name": "a", "scopes": ["fly"], "sha256": "", "created": ""}]}"#,
                "not a hallmark token file",
            ),
        ] {
            let error = TokenFile::parse("t.json", text).unwrap_err().to_string();
            assert!(
                error.starts_with("t.json: ") && error.contains(words),
                "{error}"
            );
        }
        let mut file = TokenFile::default();
        assert!(file.add("has space", &[Scope::Publish]).is_err());
        assert!(file.add("x", &[]).is_err());
        file.add("x", &[Scope::Publish]).unwrap();
        assert!(
            file.add("x", &[Scope::Publish])
                .unwrap_err()
                .to_string()
                .contains("exists")
        );
        assert!(file.revoke("y").is_err());
    }
}
