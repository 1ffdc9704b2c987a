//! Credentials, verifiers and signed samples through the library itself.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hallmark::credentials::{Identity, IssuedCredentials, SigningCredentials, Validity, issue};
use hallmark::sign::{SignOptions, sign_stream};
use hallmark::{MediaFormat, TrustAnchors, Verifier};

use crate::paths::media_dir;

/// Every committed sample file with its format, sorted by name.
pub fn samples() -> Vec<(PathBuf, MediaFormat)> {
    let mut out: Vec<(PathBuf, MediaFormat)> = std::fs::read_dir(media_dir())
        .expect("media fixtures exist")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let format = MediaFormat::from_path(&path)?;
            Some((path, format))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The samples of formats hallmark can sign.
pub fn signable_samples() -> Vec<(PathBuf, MediaFormat)> {
    samples()
        .into_iter()
        .filter(|(_, f)| f.can_sign())
        .collect()
}

/// One set of fresh credentials ("Test Creator") for the whole test binary.
pub fn issued() -> &'static IssuedCredentials {
    static ISSUED: OnceLock<IssuedCredentials> = OnceLock::new();
    ISSUED.get_or_init(|| {
        issue(&Identity::named("Test Creator"), Validity::default()).expect("issue credentials")
    })
}

/// The signing credentials of [`issued`].
pub fn credentials() -> SigningCredentials {
    SigningCredentials::from_issued(issued()).expect("credentials")
}

/// [`issued`]'s CA as the only trust anchor.
pub fn anchors() -> TrustAnchors {
    TrustAnchors::from_pem("ca.pem", &issued().ca_certificate_pem).expect("anchors")
}

/// A verifier with no trust anchors.
pub fn untrusting() -> Verifier {
    Verifier::new(&TrustAnchors::none()).expect("verifier")
}

/// A verifier that trusts [`issued`]'s CA.
pub fn trusting() -> Verifier {
    Verifier::new(&anchors()).expect("verifier")
}

/// `original` (named `name`) signed in memory with [`credentials`] and `options`.
pub fn sign_with(name: &str, original: &[u8], options: &SignOptions) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    sign_stream(
        &credentials(),
        name,
        MediaFormat::from_path(Path::new(name)),
        &mut Cursor::new(original),
        &mut out,
        options,
    )
    .unwrap_or_else(|e| panic!("signing {name}: {e}"));
    out.into_inner()
}

/// The sample at `path` signed in memory with `options`.
pub fn sign_bytes(path: &Path, options: &SignOptions) -> Vec<u8> {
    let original = std::fs::read(path).expect("read sample");
    let name = path
        .file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned();
    sign_with(&name, &original, options)
}
