//! A creator's signing credentials: making them, storing them, loading them.
//!
//! A credentials folder holds four files:
//!
//! | file | content | share? |
//! | --- | --- | --- |
//! | `ca.pem` | the local CA certificate | yes: verifiers add it as a trust anchor |
//! | `chain.pem` | the signer certificate, then the CA certificate | embedded in every signed file |
//! | `signer.key` | the signer's private key, passphrase-encrypted PKCS#8 | never; back it up |
//! | `ca.key` | the CA's private key, passphrase-encrypted PKCS#8 | never; back it up offline |
//!
//! Key files are created with mode 0600, and a key file that others can read
//! is refused when loading.

mod issue;
mod keys;
pub mod profile;

use std::fs;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use secrecy::SecretString;

pub use issue::{DEFAULT_SIGNER_YEARS, Identity, IssuedCredentials, Validity, issue};

use crate::error::{Error, Result};

/// File name of the local CA certificate in a credentials folder.
pub const CA_CERT_FILE: &str = "ca.pem";
/// File name of the CA's encrypted private key.
pub const CA_KEY_FILE: &str = "ca.key";
/// File name of the signing chain (signer certificate, then CA).
pub const CHAIN_FILE: &str = "chain.pem";
/// File name of the signer's encrypted private key.
pub const SIGNER_KEY_FILE: &str = "signer.key";

/// The four files of a credentials folder, as text: what
/// [`CredentialsFolder::create`] writes, and what the browser package hands
/// an artist as the backup of credentials made in the browser. The keys are
/// encrypted with the passphrase (PKCS#8, PBES2 with scrypt and AES-256).
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialFiles {
    /// `ca.pem`: the local CA certificate.
    pub ca_certificate_pem: String,
    /// `chain.pem`: the signer certificate, then the CA certificate.
    pub chain_pem: String,
    /// `signer.key`: the signer's private key, encrypted.
    pub signer_key_pem: String,
    /// `ca.key`: the CA's private key, encrypted.
    pub ca_key_pem: String,
}

impl std::fmt::Debug for CredentialFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialFiles")
            .field("chain_pem", &self.chain_pem)
            .finish_non_exhaustive()
    }
}

impl CredentialFiles {
    /// Issue fresh credentials for `identity` and encrypt their keys with
    /// `passphrase`, as `hallmark keygen` does: `signer` is the signer's key
    /// (zeroed when dropped), for whoever needs it in the clear at once (the
    /// browser package imports it into WebCrypto).
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for an empty passphrase; what issuing or
    /// encrypting fails with.
    pub fn issue(
        identity: &Identity,
        passphrase: &SecretString,
        validity: Validity,
    ) -> Result<CredentialFiles> {
        Self::issue_with_key(identity, passphrase, validity).map(|(files, _)| files)
    }

    /// [`CredentialFiles::issue`], with the signing credentials made from the
    /// freshly issued (unencrypted) signer key and chain.
    ///
    /// # Errors
    /// As [`CredentialFiles::issue`].
    pub fn issue_with_key(
        identity: &Identity,
        passphrase: &SecretString,
        validity: Validity,
    ) -> Result<(CredentialFiles, SigningCredentials)> {
        if passphrase_is_empty(passphrase) {
            return Err(Error::InvalidOption(
                "the passphrase is empty; choose one to protect the private keys".into(),
            ));
        }
        let issued = issue(identity, validity)?;
        let credentials = SigningCredentials::from_issued(&issued)?;
        let files = CredentialFiles {
            signer_key_pem: keys::encrypt_key(&issued.signer_key, passphrase)?.to_string(),
            ca_key_pem: keys::encrypt_key(&issued.ca_key, passphrase)?.to_string(),
            ca_certificate_pem: issued.ca_certificate_pem,
            chain_pem: issued.chain_pem,
        };
        Ok((files, credentials))
    }
}

/// The paths of the files in a credentials folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsFolder {
    /// The folder itself.
    pub dir: PathBuf,
}

impl CredentialsFolder {
    /// The credentials folder at `dir` (which may not exist yet).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        CredentialsFolder { dir: dir.into() }
    }

    /// The CA certificate, to be given to verifiers as a trust anchor.
    pub fn ca_certificate(&self) -> PathBuf {
        self.dir.join(CA_CERT_FILE)
    }

    /// The CA's private key.
    pub fn ca_key(&self) -> PathBuf {
        self.dir.join(CA_KEY_FILE)
    }

    /// The signing chain.
    pub fn chain(&self) -> PathBuf {
        self.dir.join(CHAIN_FILE)
    }

    /// The signer's private key.
    pub fn signer_key(&self) -> PathBuf {
        self.dir.join(SIGNER_KEY_FILE)
    }

    fn all_files(&self) -> [PathBuf; 4] {
        [
            self.ca_certificate(),
            self.chain(),
            self.signer_key(),
            self.ca_key(),
        ]
    }

    /// Issue fresh credentials for `identity` and store them here, keys
    /// encrypted with `passphrase`.
    ///
    /// The folder is created (mode 0700) if needed. A folder that already
    /// holds any credential file is refused, so nothing is ever replaced, and
    /// so is one holding anything else but earlier credentials moved aside
    /// (`replaced-…`): keys do not belong among other files. An existing
    /// empty folder is used and made private (0700).
    /// If writing fails half way, the files written so far are removed.
    pub fn create(&self, identity: &Identity, passphrase: &SecretString) -> Result<()> {
        self.create_with(identity, passphrase, Validity::default())
    }

    /// [`CredentialsFolder::create`] with explicit certificate validity.
    pub fn create_with(
        &self,
        identity: &Identity,
        passphrase: &SecretString,
        validity: Validity,
    ) -> Result<()> {
        let folder = self.dir.display().to_string();
        if let Some(existing) = self.all_files().into_iter().find(|p| p.exists()) {
            return Err(Error::CredentialsExist {
                folder,
                existing: existing.display().to_string(),
            });
        }
        if let Some(found) = foreign_entry(&self.dir) {
            return Err(Error::FolderNotEmpty { folder, found });
        }
        let files = CredentialFiles::issue(identity, passphrase, validity)?;
        create_private_dir(&self.dir)
            .map_err(|e| Error::io(&folder, "cannot create the folder", e))?;
        // An existing (empty) folder gets the same privacy as a new one.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io(&folder, "cannot make the folder private", e))?;
        }

        let mut written = Vec::new();
        let result = (|| {
            for (path, contents, private) in [
                (
                    self.ca_certificate(),
                    files.ca_certificate_pem.as_bytes(),
                    false,
                ),
                (self.chain(), files.chain_pem.as_bytes(), false),
                (self.signer_key(), files.signer_key_pem.as_bytes(), true),
                (self.ca_key(), files.ca_key_pem.as_bytes(), true),
            ] {
                if private {
                    keys::write_private_file(&path, contents)?;
                } else {
                    keys::write_public_file(&path, contents)?;
                }
                written.push(path);
            }
            Ok(())
        })();
        if result.is_err() {
            for path in written {
                let _ = fs::remove_file(path);
            }
        }
        result
    }

    /// Whether any credential file exists here.
    pub fn exists(&self) -> bool {
        self.all_files().iter().any(|p| p.exists())
    }

    /// Move existing credential files aside into a new `replaced-<time>`
    /// subfolder, so fresh credentials can be created without losing the old
    /// ones. Returns that subfolder, or `None` when there was nothing to move.
    pub fn retire_existing(&self) -> Result<Option<PathBuf>> {
        let existing: Vec<PathBuf> = self
            .all_files()
            .into_iter()
            .filter(|p| p.exists())
            .collect();
        if existing.is_empty() {
            return Ok(None);
        }
        let stamp = time::OffsetDateTime::now_utc()
            .format(&time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .unwrap_or_else(|_| "earlier".into());
        let archive = self.new_archive_dir(&format!("replaced-{stamp}"))?;
        for path in existing {
            if let Some(file_name) = path.file_name() {
                fs::rename(&path, archive.join(file_name))
                    .map_err(|e| Error::io(path.display().to_string(), "cannot move aside", e))?;
            }
        }
        Ok(Some(archive))
    }

    /// A new, empty, private subfolder named `base`, or `base-2`, `base-3`, …
    /// when that exists: earlier credentials moved aside in the same second
    /// must never be overwritten.
    fn new_archive_dir(&self, base: &str) -> Result<PathBuf> {
        for attempt in 1..=1000u32 {
            let archive = match attempt {
                1 => self.dir.join(base),
                n => self.dir.join(format!("{base}-{n}")),
            };
            match create_private_dir_new(&archive) {
                Ok(()) => return Ok(archive),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(Error::io(
                        archive.display().to_string(),
                        "cannot create the folder",
                        e,
                    ));
                }
            }
        }
        Err(Error::io(
            self.dir.display().to_string(),
            "cannot find a free name to move the old credentials to",
            std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        ))
    }

    /// Load the signing credentials stored here, decrypting the signer key
    /// with `passphrase`.
    ///
    /// A missing file is an [`Error::UnreadableCredentialFile`] that says the
    /// folder is incomplete and how to recover.
    pub fn load(&self, passphrase: Option<&SecretString>) -> Result<SigningCredentials> {
        let folder = self.dir.display().to_string();
        SigningCredentials::read_files(Some(&folder), &self.chain(), &self.signer_key(), passphrase)
    }
}

/// The first entry of `dir` other than a folder of credentials moved aside;
/// `None` when there is none, or no folder.
fn foreign_entry(dir: &Path) -> Option<String> {
    let entries = fs::read_dir(dir).ok()?;
    entries.flatten().find_map(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        let moved_aside =
            name.starts_with("replaced-") && entry.file_type().is_ok_and(|t| t.is_dir());
        (!moved_aside).then_some(name)
    })
}

fn passphrase_is_empty(passphrase: &SecretString) -> bool {
    use secrecy::ExposeSecret;
    passphrase.expose_secret().is_empty()
}

/// Create `dir` and any missing parents, private to the user (0700).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    private_dir_builder().recursive(true).create(dir)
}

/// Create `dir` (its parent must exist), private to the user, failing if it already exists.
fn create_private_dir_new(dir: &Path) -> std::io::Result<()> {
    private_dir_builder().create(dir)
}

fn private_dir_builder() -> fs::DirBuilder {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
}

/// A signer's private key and certificate chain, loaded and checked, ready to sign.
///
/// Every copy of the key is zeroed when it is dropped.
#[derive(Clone)]
pub struct SigningCredentials {
    key: SigningKey,
    chain: Vec<Vec<u8>>,
}

impl std::fmt::Debug for SigningCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningCredentials")
            .field("key", &"<secret>")
            .field("chain_len", &self.chain.len())
            .finish()
    }
}

impl SigningCredentials {
    /// Load a chain PEM file and a private-key file.
    ///
    /// The key file must not be readable by group or others.
    pub fn from_files(
        chain_path: &Path,
        key_path: &Path,
        passphrase: Option<&SecretString>,
    ) -> Result<Self> {
        Self::read_files(None, chain_path, key_path, passphrase)
    }

    /// [`SigningCredentials::from_files`], for files of the credentials folder
    /// `folder` when they were found through one.
    fn read_files(
        folder: Option<&str>,
        chain_path: &Path,
        key_path: &Path,
        passphrase: Option<&SecretString>,
    ) -> Result<Self> {
        let chain_name = chain_path.display().to_string();
        let key_name = key_path.display().to_string();
        let unreadable = |file: &str| {
            let folder = folder.map(str::to_owned);
            let file = file.to_owned();
            move |source| Error::UnreadableCredentialFile {
                file,
                folder,
                source,
            }
        };
        refuse_shared_key_file(key_path, &key_name).map_err(unreadable(&key_name))??;
        let chain_pem = fs::read_to_string(chain_path).map_err(unreadable(&chain_name))?;
        let key_pem =
            zeroize::Zeroizing::new(fs::read_to_string(key_path).map_err(unreadable(&key_name))?);
        Self::from_pem(&chain_name, &chain_pem, &key_name, &key_pem, passphrase)
    }

    /// Build credentials from PEM text. The names are used in error messages.
    ///
    /// The key may be encrypted (`ENCRYPTED PRIVATE KEY`, needs `passphrase`)
    /// or not (`PRIVATE KEY`). The chain is checked against the C2PA
    /// certificate profile and against the key.
    pub fn from_pem(
        chain_name: &str,
        chain_pem: &str,
        key_name: &str,
        key_pem: &str,
        passphrase: Option<&SecretString>,
    ) -> Result<Self> {
        let chain = parse_pem_certificates(chain_name, chain_pem)?;
        let key = keys::decode_key(key_name, key_pem, passphrase)?;
        profile::check_chain(
            chain_name,
            &chain,
            Some(&key.verifying_key().to_bytes()),
            unix_now(),
        )?;
        Ok(SigningCredentials { key, chain })
    }

    /// Build credentials from freshly issued ones (no files involved).
    pub fn from_issued(issued: &IssuedCredentials) -> Result<Self> {
        let chain = parse_pem_certificates("issued chain", &issued.chain_pem)?;
        Ok(SigningCredentials {
            key: issued.signer_key.clone(),
            chain,
        })
    }

    /// The certificate chain, DER, signer first.
    pub fn chain_der(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// The signer's private key as an unencrypted PKCS#8 v1 document (DER;
    /// zeroed when dropped): what WebCrypto imports as an Ed25519 key (it
    /// refuses the v2 form, with the public key, that key files hold).
    /// Handle with care: it is the key itself.
    pub fn private_key_pkcs8_v1_der(&self) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        use ed25519_dalek::pkcs8::{EncodePrivateKey, KeypairBytes};
        let bytes = KeypairBytes {
            secret_key: self.key.to_bytes(),
            public_key: None,
        };
        bytes
            .to_pkcs8_der()
            .map(|document| zeroize::Zeroizing::new(document.as_bytes().to_vec()))
            .map_err(|e| Error::InvalidOption(format!("cannot encode the private key: {e}")))
    }

    /// Who the signer certificate names (its subject), as reports show it.
    pub fn signer(&self) -> crate::verify::SignerInfo {
        match self.chain.first() {
            Some(der) => crate::verify::signer_info::from_der(der, Some("ed25519".into())),
            None => crate::verify::SignerInfo::default(),
        }
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }
}

/// Seconds since 1970 now (through `time`, which reads the browser's clock
/// in the browser build, where the standard library's clock is missing).
fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Refuse a private-key file that group or others may read.
/// Refuse a key file that group or others can read; the outer error is a
/// failure to look at the file at all.
fn refuse_shared_key_file(path: &Path, name: &str) -> std::io::Result<Result<()>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Ok(Err(Error::BadKey {
                file: name.into(),
                reason: format!(
                    "is readable by other users (mode {:o}); a private key must be private: run `chmod 600 {name}`",
                    mode & 0o777
                ),
            }));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, name);
    Ok(Ok(()))
}

/// Parse every `CERTIFICATE` block of a PEM text into DER, in order.
pub(crate) fn parse_pem_certificates(name: &str, pem_text: &str) -> Result<Vec<Vec<u8>>> {
    crate::pem::pem_certificates(pem_text).map_err(|reason| Error::BadCertificate {
        file: name.into(),
        reason,
    })
}
