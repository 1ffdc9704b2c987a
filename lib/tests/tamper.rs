//! Tampering with signed files: every change is caught, with the exact status.

use hallmark::sign::SignOptions;
use hallmark::{Error, MediaFormat, State};
use hallmark_test_support::find;
use hallmark_test_support::library::*;
use hallmark_test_support::paths::*;

/// Flip one byte of the original content inside the signed file: a byte
/// near the middle of the unsigned original whose surroundings occur exactly
/// once in both files, so it is found again for certain.
fn flip_content_byte(original: &[u8], signed: &[u8]) -> Vec<u8> {
    let unique = |haystack: &[u8], window: &[u8]| {
        let first = find(haystack, window)?;
        find(&haystack[first + 1..], window)
            .is_none()
            .then_some(first)
    };
    let middle = original.len() / 2;
    let at = (0..middle - 16)
        .flat_map(|d| [middle + d, middle - d])
        .filter(|&m| m + 16 <= original.len())
        .find_map(|m| {
            let window = &original[m - 16..m + 16];
            unique(original, window)?;
            unique(signed, window).map(|pos| pos + 16)
        })
        .expect("some original content survives signing unchanged");
    let mut tampered = signed.to_vec();
    tampered[at] ^= 0x01;
    tampered
}

fn expected_mismatch(format: MediaFormat) -> &'static str {
    match format {
        MediaFormat::Heif
        | MediaFormat::Avif
        | MediaFormat::Mp4
        | MediaFormat::Mov
        | MediaFormat::M4a => "assertion.bmffHash.mismatch",
        _ => "assertion.dataHash.mismatch",
    }
}

#[test]
fn one_changed_content_byte_is_caught_in_every_format() {
    for (path, format) in signable_samples() {
        let original = std::fs::read(&path).unwrap();
        let signed = sign_bytes(&path, &SignOptions::default());
        let tampered = flip_content_byte(&original, &signed);
        let report = trusting()
            .verify_bytes(&path.display().to_string(), Some(format), &tampered)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let failures: Vec<&str> = report.failures().map(|s| s.code.as_str()).collect();
        assert_eq!(
            report.state,
            State::Invalid,
            "{}: {failures:?}",
            path.display()
        );
        assert_eq!(failures, [expected_mismatch(format)], "{}", path.display());
    }
}

#[test]
fn editing_the_policy_assertion_is_caught() {
    let signed = sign_bytes(&media_dir().join("sample.jpg"), &SignOptions::default());
    let at = find(&signed, b"notAllowed").expect("the policy is in the file");
    let mut tampered = signed.clone();
    // "notAllowed" becomes "notAllowee": same length, so only the hash can tell.
    tampered[at + 9] = b'e';
    let report = trusting()
        .verify_bytes("edited.jpg", None, &tampered)
        .unwrap();
    assert_eq!(report.state, State::Invalid);
    let failures: Vec<&str> = report.failures().map(|s| s.code.as_str()).collect();
    assert_eq!(failures, ["assertion.hashedURI.mismatch"]);
}

/// Remove every APP11 (JUMBF) segment from a JPEG.
fn strip_jpeg_app11(jpeg: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA {
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        if jpeg[at + 1] != 0xEB {
            out.extend_from_slice(&jpeg[at..at + 2 + len]);
        }
        at += 2 + len;
    }
    out.extend_from_slice(&jpeg[at..]);
    out
}

/// Remove the caBX (C2PA) chunk from a PNG.
fn strip_png_cabx(png: &[u8]) -> Vec<u8> {
    let mut out = png[..8].to_vec();
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let chunk = &png[at..at + 12 + len];
        if &chunk[4..8] != b"caBX" {
            out.extend_from_slice(chunk);
        }
        at += 12 + len;
    }
    out
}

#[test]
fn stripping_the_manifest_leaves_no_credentials() {
    let jpeg = sign_bytes(&media_dir().join("sample.jpg"), &SignOptions::default());
    let stripped = strip_jpeg_app11(&jpeg);
    assert!(stripped.len() < jpeg.len());
    assert_eq!(
        trusting()
            .verify_bytes("s.jpg", None, &stripped)
            .unwrap()
            .state,
        State::None
    );

    let png = sign_bytes(&media_dir().join("sample.png"), &SignOptions::default());
    let stripped = strip_png_cabx(&png);
    assert!(stripped.len() < png.len());
    assert_eq!(
        trusting()
            .verify_bytes("s.png", None, &stripped)
            .unwrap()
            .state,
        State::None
    );
}

#[test]
fn truncated_files_never_verify_and_never_panic() {
    for (path, format) in signable_samples() {
        let signed = sign_bytes(&path, &SignOptions::default());
        for keep in [
            1,
            16,
            signed.len() / 10,
            signed.len() / 2,
            signed.len() * 9 / 10,
            signed.len() - 1,
        ] {
            let cut = &signed[..keep];
            let name = path.display().to_string();
            // A cut file is never intact and never passes for one without
            // credentials: it is invalid, or refused with words naming it.
            match trusting().verify_bytes(&name, Some(format), cut) {
                Ok(report) => assert_eq!(
                    report.state,
                    State::Invalid,
                    "{name} cut to {keep} bytes verified as {:?}",
                    report.state
                ),
                Err(err) => {
                    let message = err.to_string();
                    assert!(
                        message.starts_with(&format!("{name}: ")),
                        "{name} cut to {keep}: {message}"
                    );
                    assert!(
                        matches!(
                            err,
                            Error::DamagedMedia { .. }
                                | Error::UnreadableCredentials { .. }
                                | Error::WrongFormat { .. }
                                | Error::UnsupportedFormat { .. }
                        ),
                        "{name} cut to {keep}: {err:?}"
                    );
                }
            }
        }
    }
}
