//! Helpers shared by the library's integration tests.
#![allow(dead_code)]

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::OnceLock;

use hallmark::credentials::{IssuedCredentials, SigningCredentials, Validity, issue};
use hallmark::sign::{SignOptions, sign_stream};
use hallmark::{MediaFormat, TrustAnchors, Verifier};

/// The committed sample media folder.
pub fn media_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/media")
}

/// Every sample file with its format.
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

/// Samples of formats hallmark can sign.
pub fn signable_samples() -> Vec<(PathBuf, MediaFormat)> {
    samples()
        .into_iter()
        .filter(|(_, f)| f.can_sign())
        .collect()
}

/// One set of credentials for the whole test binary.
pub fn issued() -> &'static IssuedCredentials {
    static ISSUED: OnceLock<IssuedCredentials> = OnceLock::new();
    ISSUED.get_or_init(|| {
        issue(
            &hallmark::credentials::Identity::named("Test Creator"),
            Validity::default(),
        )
        .expect("issue credentials")
    })
}

pub fn credentials() -> SigningCredentials {
    SigningCredentials::from_issued(issued()).expect("credentials")
}

pub fn anchors() -> TrustAnchors {
    TrustAnchors::from_pem("ca.pem", &issued().ca_certificate_pem).expect("anchors")
}

pub fn untrusting() -> Verifier {
    Verifier::new(&TrustAnchors::none()).expect("verifier")
}

pub fn trusting() -> Verifier {
    Verifier::new(&anchors()).expect("verifier")
}

/// Sign a sample in memory with `options`.
pub fn sign_bytes(path: &std::path::Path, options: &SignOptions) -> Vec<u8> {
    let original = std::fs::read(path).expect("read sample");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut out = Cursor::new(Vec::new());
    sign_stream(
        &credentials(),
        &name,
        MediaFormat::from_path(path),
        &mut Cursor::new(original),
        &mut out,
        options,
    )
    .unwrap_or_else(|e| panic!("signing {name}: {e}"));
    out.into_inner()
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
