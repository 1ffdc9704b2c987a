//! The fingerprint against the reference implementation: for a corpus made
//! from the photographs bundled with scikit-image in many encodings (PNG
//! modes, alpha, borders, EXIF orientations, palettes, 16-bit, TIFF, GIF,
//! BMP, WebP, JPEG), hallmark's ISCC Image-Code equals iscc-sdk's (Python,
//! in the venv `tests/run.sh` installs): bit for bit for lossless files,
//! within 4 bits of the 64-bit code for lossy ones (JPEG decoders differ by
//! a level here and there). A file iscc-sdk refuses (the 20,000² px PNG
//! bomb) is refused too, before it is decoded.

use std::collections::BTreeMap;
use std::path::Path;

use hallmark::fingerprint::{Fingerprint, hamming, hamming64, parse_code64};
use hallmark_test_support::python::fingerprint_oracle;
use serde_json::Value;

/// Files iscc-sdk reads and hallmark's decoders do not: AVIF (its decoder
/// needs the C library dav1d) and palette TIFF (the tiff crate has no
/// palette support). Both are refused with a clear error.
const UNSUPPORTED: [&str; 2] = ["unsupported_chelsea.avif", "palette.tif"];

fn lossy(name: &str) -> bool {
    [".jpg", "_q80.webp", "_jpeg.tif"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

#[test]
fn codes_equal_the_reference_implementation() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = serde_json::from_str(&fingerprint_oracle(&[
        "corpus",
        dir.path().to_str().unwrap(),
    ]))
    .unwrap();
    assert!(files.len() > 100, "the corpus: {files:?}");
    let paths: Vec<String> = files
        .iter()
        .map(|f| dir.path().join(f).display().to_string())
        .collect();
    let mut args = vec!["reference"];
    args.extend(paths.iter().map(String::as_str));
    let reference: BTreeMap<String, Value> = fingerprint_oracle(&args)
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap();
            let file = Path::new(value["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, value)
        })
        .collect();

    let (mut exact, mut near, mut refused) = (0, 0, 0);
    let mut failures = Vec::new();
    for name in &files {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        let ours = Fingerprint::of_bytes(name, &bytes);
        let theirs = &reference[name];
        match (theirs.get("iscc64").and_then(Value::as_str), ours) {
            (None, Err(_)) => refused += 1,
            (Some(_), Err(error)) if UNSUPPORTED.contains(&name.as_str()) => {
                let error = hallmark::Error::from(error);
                assert_eq!(error.kind(), hallmark::ErrorKind::BadInput, "{error}");
                assert!(error.to_string().starts_with(name.as_str()), "{error}");
                refused += 1;
            }
            (None, Ok(ours)) => failures.push(format!(
                "{name}: iscc-sdk refuses it ({}), hallmark gives {}",
                theirs["error"],
                ours.iscc()
            )),
            (Some(_), Err(error)) => failures.push(format!("{name}: {error}")),
            (Some(code64), Ok(ours)) => {
                let code256 = theirs["iscc256"].as_str().unwrap();
                let d64 = hamming64(ours.code64(), parse_code64(code64).unwrap());
                let d256 = hamming(&ours, &Fingerprint::from_iscc(code256).unwrap());
                if lossy(name) {
                    near += 1;
                    if d64 > 4 {
                        failures.push(format!("{name} (lossy): 64-bit codes {d64} bits apart"));
                    }
                } else {
                    exact += 1;
                    if d256 != 0 || ours.iscc64() != code64 {
                        failures.push(format!(
                            "{name}: {} vs iscc-sdk {code256} ({d256} bits apart)",
                            ours.iscc()
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        exact >= 70 && near >= 25 && refused >= 3,
        "{exact} exact, {near} lossy, {refused} refused"
    );
    assert!(
        reference["bomb_20000x20000.png"].get("error").is_some(),
        "the reference refuses the bomb too"
    );
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    // 20,000 × 20,000 grey pixels, 400 MB decoded, a few hundred KB on disk.
    let png = bomb_png(20_000, 20_000);
    assert!(png.len() < 1 << 20);
    let error = hallmark::Error::from(Fingerprint::of_bytes("bomb.png", &png).unwrap_err());
    assert_eq!(error.kind(), hallmark::ErrorKind::BadInput);
    assert!(
        error.to_string().starts_with("bomb.png: too large"),
        "{error}"
    );
}

/// A greyscale PNG of `width` × `height` zero pixels.
fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let row = vec![0u8; width as usize + 1];
    for _ in 0..height {
        encoder.write_all(&row).unwrap();
    }
    let idat = encoder.finish().unwrap();
    let chunk = |out: &mut Vec<u8>, tag: &[u8; 4], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = crc32(tag);
        crc = crc32_update(crc, data);
        out.extend(tag);
        out.extend(data);
        out.extend((!crc).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn crc32(data: &[u8]) -> u32 {
    crc32_update(0xFFFF_FFFF, data)
}

fn crc32_update(mut crc: u32, data: &[u8]) -> u32 {
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    crc
}
