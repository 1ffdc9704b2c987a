//! Fingerprinting image bytes (the ISCC Image-Code soft binding): decoding
//! within limits, orientation, flattening and resizing. The first byte picks
//! the declared format (JPEG, PNG, WebP, GIF, TIFF, BMP), whose signature is
//! written over the start of the rest so every input reaches that decoder,
//! or 0xff: the bytes as they are. Decoded within lowered limits (4
//! megapixels, 8,192 pixels a side, 64 MiB), and an image whose header
//! declares more is refused before its pixels are decoded.
#![no_main]

use std::io::Cursor;

use hallmark::fingerprint::{DecodeLimits, Fingerprint, FingerprintError};
use image::{ImageFormat, ImageReader};
use libfuzzer_sys::fuzz_target;

const FORMATS: [(ImageFormat, &[u8]); 6] = [
    (ImageFormat::Jpeg, b"\xff\xd8\xff"),
    (ImageFormat::Png, b"\x89PNG\r\n\x1a\n"),
    (ImageFormat::WebP, b"RIFF"),
    (ImageFormat::Gif, b"GIF89a"),
    (ImageFormat::Tiff, b"II*\0"),
    (ImageFormat::Bmp, b"BM"),
];

const LIMITS: DecodeLimits = DecodeLimits {
    max_pixels: 4 << 20,
    max_side: 8192,
    max_alloc: 64 << 20,
};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut bytes = rest.to_vec();
    if pick != 0xff {
        let (format, magic) = FORMATS[usize::from(pick) % FORMATS.len()];
        if bytes.len() < magic.len() {
            bytes.resize(magic.len(), 0);
        }
        bytes[..magic.len()].copy_from_slice(magic);
        if format == ImageFormat::WebP && bytes.len() >= 12 {
            bytes[8..12].copy_from_slice(b"WEBP");
        }
    }
    // The size the header declares, as the decoder reads it.
    let declared = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .ok()
        .and_then(|reader| reader.into_dimensions().ok());
    let too_large = declared.is_some_and(|(w, h)| {
        w > LIMITS.max_side
            || h > LIMITS.max_side
            || u64::from(w) * u64::from(h) > LIMITS.max_pixels
    });
    match Fingerprint::of_bytes_with_limits("fuzz-image", &bytes, &LIMITS) {
        Ok(fingerprint) => {
            assert!(!too_large, "{declared:?} decoded beyond the limits");
            // The code's representations agree, and it is deterministic.
            let unit = fingerprint.unit_bytes();
            assert_eq!(Fingerprint::from_unit_bytes(&unit).ok(), Some(fingerprint));
            assert_eq!(
                Fingerprint::from_iscc(&fingerprint.iscc()).ok(),
                Some(fingerprint)
            );
            let again = Fingerprint::of_bytes_with_limits("fuzz-image", &bytes, &LIMITS);
            assert_eq!(again.ok(), Some(fingerprint), "not deterministic");
        }
        // Refused from the header: too large, or no pixels at all.
        Err(
            FingerprintError::TooLarge { .. }
            | FingerprintError::DecoderLimit { .. }
            | FingerprintError::Empty { .. },
        ) => {}
        Err(error) => assert!(!too_large, "{declared:?} not refused for its size: {error}"),
    }
});
