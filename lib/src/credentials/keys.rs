//! Private keys on disk: passphrase-encrypted PKCS#8 (PBES2 with scrypt and
//! AES-256-CBC), written to files that are private (mode 0600) from the moment
//! they exist.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use pkcs8::der::Decode;
use pkcs8::{
    EncryptedPrivateKeyInfo, LineEnding, ObjectIdentifier, PrivateKeyInfo, SecretDocument,
};
use rand_core::OsRng;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// The PKCS#8 algorithm identifier of Ed25519 keys (RFC 8410).
const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// Encrypt `key` with `passphrase` as an `ENCRYPTED PRIVATE KEY` PEM document.
pub(crate) fn encrypt_key(
    key: &SigningKey,
    passphrase: &SecretString,
) -> Result<zeroize::Zeroizing<String>> {
    key.to_pkcs8_encrypted_pem(
        &mut OsRng,
        passphrase.expose_secret().as_bytes(),
        LineEnding::LF,
    )
    .map_err(|e| Error::InvalidOption(format!("cannot encrypt the private key: {e}")))
}

/// Read an Ed25519 private key from PEM text, decrypting it with `passphrase`
/// when it is encrypted. `file` names the key in errors.
pub(crate) fn decode_key(
    file: &str,
    pem: &str,
    passphrase: Option<&SecretString>,
) -> Result<SigningKey> {
    let bad = |reason: String| Error::BadKey {
        file: file.into(),
        reason,
    };
    let (label, document) = SecretDocument::from_pem(pem.trim_start())
        .map_err(|e| bad(format!("not a PEM private key ({e})")))?;
    let der = match label {
        "ENCRYPTED PRIVATE KEY" => {
            let info = EncryptedPrivateKeyInfo::from_der(document.as_bytes())
                .map_err(|e| bad(format!("damaged encrypted key ({e})")))?;
            refuse_excessive_kdf_cost(&info.encryption_algorithm).map_err(bad)?;
            let Some(passphrase) = passphrase else {
                return Err(Error::PassphraseUnavailable(format!(
                    "{file} is encrypted and no passphrase was given"
                )));
            };
            // A wrong passphrase shows as a padding failure, or (rarely) as
            // garbage that is not a key; both mean the passphrase is wrong.
            let plain = info
                .decrypt(passphrase.expose_secret().as_bytes())
                .map_err(|_| Error::WrongPassphrase { file: file.into() })?;
            PrivateKeyInfo::from_der(plain.as_bytes())
                .map_err(|_| Error::WrongPassphrase { file: file.into() })?;
            plain
        }
        "PRIVATE KEY" => document,
        other => {
            return Err(bad(format!(
                "holds a \"{other}\" block; hallmark needs a PKCS#8 \"PRIVATE KEY\" or \"ENCRYPTED PRIVATE KEY\""
            )));
        }
    };
    let info = PrivateKeyInfo::from_der(der.as_bytes())
        .map_err(|e| bad(format!("damaged private key ({e})")))?;
    if info.algorithm.oid != ED25519_OID {
        return Err(bad(format!(
            "holds a key of algorithm {}; hallmark signs with Ed25519 keys",
            info.algorithm.oid
        )));
    }
    SigningKey::from_pkcs8_der(der.as_bytes())
        .map_err(|e| bad(format!("unusable Ed25519 key ({e})")))
}

/// The most memory an encrypted key may ask scrypt for: 256 MiB, twice what
/// hallmark's own keys ask for.
const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
/// The most work an encrypted key may ask scrypt for, as `N * r * p`: twice
/// hallmark's own (2^17 * 8 * 1 = 2^20), under a second on a current core.
const MAX_SCRYPT_WORK: u64 = 1 << 21;
/// The most PBKDF2 iterations an encrypted key may ask for (OpenSSL's default
/// is 2,048; OWASP recommends 600,000).
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// Refuse key-derivation parameters that would make decrypting the key take
/// gigabytes or minutes: they come from the file, and a damaged or hostile
/// file must not be able to exhaust the machine.
fn refuse_excessive_kdf_cost(
    scheme: &pkcs8::pkcs5::EncryptionScheme<'_>,
) -> std::result::Result<(), String> {
    use pkcs8::pkcs5::EncryptionScheme;
    use pkcs8::pkcs5::pbes2::Kdf;
    let EncryptionScheme::Pbes2(params) = scheme else {
        return Ok(());
    };
    match &params.kdf {
        Kdf::Scrypt(scrypt) => {
            let n = scrypt.cost_parameter;
            let r = u64::from(scrypt.block_size);
            let p = u64::from(scrypt.parallelization);
            let memory = n.saturating_mul(r).saturating_mul(128);
            let work = n.saturating_mul(r).saturating_mul(p);
            if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK {
                return Err(format!(
                    "asks for an unreasonable scrypt cost (N={n}, r={r}, p={p}); \
                     hallmark decrypts keys needing at most {} MiB and N·r·p ≤ 2^21",
                    MAX_SCRYPT_MEMORY >> 20
                ));
            }
        }
        Kdf::Pbkdf2(pbkdf2) if pbkdf2.iteration_count > MAX_PBKDF2_ITERATIONS => {
            return Err(format!(
                "asks for an unreasonable PBKDF2 cost ({} iterations; at most {MAX_PBKDF2_ITERATIONS})",
                pbkdf2.iteration_count
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Create `path` for a secret: it must not exist yet, and it is created with
/// mode 0600 so its content is never readable by others, not even briefly.
pub(crate) fn write_private_file(path: &Path, contents: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file: File = options
        .open(path)
        .map_err(|e| Error::io(&name, "cannot create", e))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| {
            let _ = fs::remove_file(path);
            Error::io(&name, "cannot write", e)
        })
}

/// Create `path` for public material (certificates): must not exist yet.
pub(crate) fn write_public_file(path: &Path, contents: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(&name, "cannot create", e))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(&name, "cannot write", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_passphrase() {
        let key = SigningKey::generate(&mut OsRng);
        let pass = SecretString::from("correct horse");
        let pem = encrypt_key(&key, &pass).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let back = decode_key("k.key", &pem, Some(&pass)).unwrap();
        assert_eq!(back.to_bytes(), key.to_bytes());

        let err = decode_key("k.key", &pem, Some(&SecretString::from("wrong"))).unwrap_err();
        assert_eq!(err.to_string(), "wrong passphrase for k.key");
        let err = decode_key("k.key", &pem, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "k.key is encrypted and no passphrase was given"
        );
    }

    /// An encrypted key whose scrypt parameters ask for `log_n`, `r`, `p`,
    /// as PEM (the ciphertext is never reached).
    fn key_asking_for_scrypt(log_n: u8, r: u16, p: u16) -> String {
        use pkcs8::der::EncodePem;
        use pkcs8::pkcs5::pbes2::{self, Kdf, ScryptParams};
        let iv = [7u8; 16];
        let params = pbes2::Parameters {
            kdf: Kdf::Scrypt(ScryptParams {
                salt: &[1u8; 16],
                cost_parameter: 1u64 << log_n,
                block_size: r,
                parallelization: p,
                key_length: Some(32),
            }),
            encryption: pbes2::EncryptionScheme::Aes256Cbc { iv: &iv },
        };
        let info = EncryptedPrivateKeyInfo {
            encryption_algorithm: pkcs8::pkcs5::EncryptionScheme::Pbes2(params),
            encrypted_data: &[0u8; 64],
        };
        info.to_pem(LineEnding::LF).unwrap()
    }

    #[test]
    fn refuses_key_files_that_ask_for_huge_kdf_costs() {
        let pass = SecretString::from("pass");
        // (20, 8, 1): eight times hallmark's own cost, which the fuzzer found takes
        // seconds (more than 10 under AddressSanitizer).
        for (log_n, r, p) in [
            (30, 8, 1),
            (21, 8, 1),
            (20, 8, 1),
            (17, 8, 100),
            (20, 65535, 1),
        ] {
            let pem = key_asking_for_scrypt(log_n, r, p);
            let started = std::time::Instant::now();
            let err = decode_key("k.key", &pem, Some(&pass)).unwrap_err();
            assert!(
                err.to_string().contains("unreasonable scrypt cost"),
                "N=2^{log_n} r={r} p={p}: {err}"
            );
            assert!(started.elapsed().as_secs() < 1, "the refusal is immediate");
        }
        // A modest cost passes the guard and fails only on the fake ciphertext.
        let pem = key_asking_for_scrypt(10, 8, 1);
        let err = decode_key("k.key", &pem, Some(&pass)).unwrap_err();
        assert_eq!(err.to_string(), "wrong passphrase for k.key");
    }

    #[test]
    fn garbage_is_named() {
        let err = decode_key("k.key", "hello", None).unwrap_err();
        assert!(
            err.to_string().starts_with("k.key: not a PEM private key"),
            "{err}"
        );
    }
}
