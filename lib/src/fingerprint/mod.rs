//! Perceptual image fingerprint: the ISCC Image-Code (ISO 24138:2024, Content-Code Image v0),
//! the C2PA soft-binding algorithm `io.iscc.v0`.
//!
//! The code equals the one iscc-sdk 0.9.7 (`iscc_sdk.code_image`) computes with its default
//! options, because the normalisation reproduces iscc-sdk's Pillow pipeline with Pillow's exact
//! integer arithmetic, and the hash is iscc-lib 0.7.0 (the Rust code iscc-sdk itself calls):
//!
//! 1. decode within [`DecodeLimits`] (first frame of animations);
//! 2. apply the EXIF orientation (`ImageOps.exif_transpose`);
//! 3. paste transparent images onto white with alpha as mask (`image_fill_transparency`);
//! 4. tolerant border trim (`image_trim_tolerant`, tolerance 16, at most 16 passes);
//! 5. `convert("L")`: `L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16`;
//! 6. `resize((32, 32), BICUBIC)` (Pillow's fixed-point two-pass convolution);
//! 7. `gen_image_code_v0(pixels, 256)`: DCT, four 8x8 blocks, median threshold.
//!
//! The 64-bit Image-Code (iscc-sdk's default `bits=64`) is the first 64 bits of the 256-bit one,
//! since each 64-bit block of the body is computed independently.
//!
//! ```no_run
//! # use hallmark::fingerprint::{Fingerprint, hamming};
//! let a = Fingerprint::of_bytes("a.jpg", &std::fs::read("a.jpg")?)?;
//! let b = Fingerprint::of_bytes("b.png", &std::fs::read("b.png")?)?;
//! println!("{} {:016x} {}", a.iscc(), a.code64(), hamming(&a, &b));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

//! With the feature `fingerprint-pixels` alone (no `image` decoders), only decoded pixels are
//! fingerprinted ([`Fingerprint::of_rgba`], [`Fingerprint::of_normalized`]): what the browser
//! package does with the browser's own image decoder. The feature `fingerprint` adds the
//! decoders ([`Fingerprint::of_bytes`]).

#[cfg(feature = "fingerprint")]
mod decode;
mod error;
mod normalize;
#[cfg(feature = "fingerprint")]
mod orient;
mod resample;

use iscc_lib::codec;

#[cfg(feature = "fingerprint")]
pub use decode::{DEFAULT_MAX_ALLOC, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, DecodeLimits};
pub use error::FingerprintError;

/// The C2PA soft-binding algorithm name for this fingerprint.
pub const SOFT_BINDING_ALGORITHM: &str = crate::soft_binding::ISCC_ALGORITHM;
/// Side of the normalised grayscale image hashed by the Image-Code.
pub const NORMALIZED_SIDE: usize = 32;
/// ISCC unit header of a 256-bit Image-Code: MainType CONTENT (2), SubType IMAGE (1),
/// Version 0, length index 7 ((256 / 32) - 1), as varnibbles: `0010 0001 0000 0111`.
pub const HEADER_256: [u8; 2] = crate::soft_binding::ISCC_IMAGE_256_HEADER;
/// ISCC unit header of a 64-bit Image-Code (length index 1).
pub const HEADER_64: [u8; 2] = [0x21, 0x01];

/// The 256-bit ISCC Image-Code of one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    body: [u8; 32],
}

impl Fingerprint {
    /// Fingerprints an encoded image (JPEG, PNG, WebP, TIFF, GIF or BMP) with the default
    /// [`DecodeLimits`]. `name` is only used in error messages.
    ///
    /// # Errors
    /// [`FingerprintError::UnknownFormat`] / [`FingerprintError::UnsupportedFormat`] for bytes
    /// that are not a decodable image, [`FingerprintError::TooLarge`] beyond the limits (checked
    /// from the header, before decoding), [`FingerprintError::Empty`], and
    /// [`FingerprintError::Decode`] for corrupt data.
    #[cfg(feature = "fingerprint")]
    pub fn of_bytes(name: &str, bytes: &[u8]) -> Result<Self, FingerprintError> {
        Self::of_bytes_with_limits(name, bytes, &DecodeLimits::default())
    }

    /// Fingerprints an encoded image within `limits`. `name` is only used in error messages.
    ///
    /// # Errors
    /// As [`Self::of_bytes`].
    #[cfg(feature = "fingerprint")]
    pub fn of_bytes_with_limits(
        name: &str,
        bytes: &[u8],
        limits: &DecodeLimits,
    ) -> Result<Self, FingerprintError> {
        Self::of_normalized(name, &normalized_pixels(name, bytes, limits)?)
    }

    /// Fingerprints decoded pixels: `rgba` holds `width * height` straight (not premultiplied)
    /// RGBA8 pixels, row-major, already in display orientation (as a browser's `ImageData`).
    /// Equal to iscc-sdk's code for a Pillow "RGBA" image of the same pixels. `name` is only
    /// used in error messages.
    ///
    /// # Errors
    /// [`FingerprintError::BufferSize`] if `rgba.len() != width * height * 4`,
    /// [`FingerprintError::Empty`] for a zero dimension.
    pub fn of_rgba(
        name: &str,
        width: u32,
        height: u32,
        rgba: &[u8],
    ) -> Result<Self, FingerprintError> {
        let (w, h) = (width as usize, height as usize);
        let expected = w
            .checked_mul(h)
            .and_then(|n| n.checked_mul(4))
            .unwrap_or(usize::MAX);
        if expected != rgba.len() {
            return Err(FingerprintError::BufferSize {
                name: name.to_owned(),
                width,
                height,
                expected,
                actual: rgba.len(),
            });
        }
        if w == 0 || h == 0 {
            return Err(FingerprintError::Empty {
                name: name.to_owned(),
                width,
                height,
            });
        }
        Self::of_normalized(name, &normalize_rgb(normalize::flatten_rgba(w, h, rgba)))
    }

    /// Fingerprints an already normalised 32x32 grayscale image (row-major), e.g. the output of
    /// [`normalized_pixels`] or of iscc-sdk's `image_normalize`.
    ///
    /// # Errors
    /// [`FingerprintError::Iscc`] if iscc-lib fails (not expected for 1024 pixels).
    pub fn of_normalized(
        name: &str,
        pixels: &[u8; NORMALIZED_SIDE * NORMALIZED_SIDE],
    ) -> Result<Self, FingerprintError> {
        let iscc_error = |source| FingerprintError::Iscc {
            name: name.to_owned(),
            source,
        };
        let code = iscc_lib::gen_image_code_v0(pixels, 256).map_err(iscc_error)?;
        let (_, _, _, _, body) = iscc_lib::iscc_decode(&code.iscc).map_err(iscc_error)?;
        let body = body.try_into().map_err(|_| FingerprintError::InvalidCode {
            reason: format!("{} has no 256-bit body", code.iscc),
        })?;
        Ok(Self { body })
    }

    /// The fingerprint with the given 256-bit body (e.g. read back from a manifest).
    #[must_use]
    pub fn from_body256(body: [u8; 32]) -> Self {
        Self { body }
    }

    /// Parses a 256-bit ISCC Image-Code string (`ISCC:EED…`, with or without the prefix).
    ///
    /// # Errors
    /// [`FingerprintError::InvalidCode`] if it is not a 256-bit version-0 Image-Code.
    pub fn from_iscc(code: &str) -> Result<Self, FingerprintError> {
        let body = image_code_body(code)?;
        let body = body
            .try_into()
            .map_err(|b: Vec<u8>| FingerprintError::InvalidCode {
                reason: format!("{} bits, expected 256", b.len() * 8),
            })?;
        Ok(Self { body })
    }

    /// Parses the ISCC unit bytes of a 256-bit Image-Code ([`Self::unit_bytes`]), e.g. the value
    /// of a C2PA soft binding.
    ///
    /// # Errors
    /// [`FingerprintError::InvalidCode`] unless it is [`HEADER_256`] followed by 32 bytes.
    pub fn from_unit_bytes(unit: &[u8]) -> Result<Self, FingerprintError> {
        match unit.split_first_chunk::<2>() {
            Some((header, body)) if *header == HEADER_256 => match <[u8; 32]>::try_from(body) {
                Ok(body) => Ok(Self { body }),
                Err(_) => Err(FingerprintError::InvalidCode {
                    reason: format!("body of {} bytes, expected 32", body.len()),
                }),
            },
            _ => Err(FingerprintError::InvalidCode {
                reason: "unit header is not 0x21 0x07 (Image-Code, 256 bits)".into(),
            }),
        }
    }

    /// The canonical 256-bit ISCC string, `ISCC:EED…` (iscc-sdk `code_image(bits=256)`).
    #[must_use]
    pub fn iscc(&self) -> String {
        format!("ISCC:{}", codec::encode_base32(&self.unit_bytes()))
    }

    /// The canonical 64-bit ISCC string, `ISCC:EEA…` (iscc-sdk's default `code_image()`).
    #[must_use]
    pub fn iscc64(&self) -> String {
        let mut unit = [0u8; 10];
        unit[..2].copy_from_slice(&HEADER_64);
        unit[2..].copy_from_slice(&self.body[..8]);
        format!("ISCC:{}", codec::encode_base32(&unit))
    }

    /// The ISCC unit bytes: 2-byte header [`HEADER_256`] followed by the 32-byte body. The
    /// base32 encoding of these bytes is [`Self::iscc`] without the `ISCC:` prefix.
    #[must_use]
    pub fn unit_bytes(&self) -> [u8; 34] {
        let mut unit = [0u8; 34];
        unit[..2].copy_from_slice(&HEADER_256);
        unit[2..].copy_from_slice(&self.body);
        unit
    }

    /// The 64-bit Image-Code body as a big-endian integer (the first 64 bits of the body).
    #[must_use]
    pub fn code64(&self) -> u64 {
        let mut first = [0u8; 8];
        first.copy_from_slice(&self.body[..8]);
        u64::from_be_bytes(first)
    }

    /// The 256-bit body.
    #[must_use]
    pub fn body256(&self) -> [u8; 32] {
        self.body
    }
}

/// Number of differing bits between two 256-bit fingerprints (0..=256).
#[must_use]
pub fn hamming(a: &Fingerprint, b: &Fingerprint) -> u32 {
    a.body
        .iter()
        .zip(&b.body)
        .map(|(x, y)| (x ^ y).count_ones())
        .sum()
}

/// Number of differing bits between two 64-bit codes (0..=64).
#[must_use]
pub fn hamming64(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// The 64-bit code of an ISCC Image-Code string of 64 or more bits (its first 64 body bits),
/// for comparing against codes made by iscc-sdk's default `bits=64`.
///
/// # Errors
/// [`FingerprintError::InvalidCode`] if it is not a version-0 Image-Code of at least 64 bits.
pub fn parse_code64(code: &str) -> Result<u64, FingerprintError> {
    let body = image_code_body(code)?;
    match body.first_chunk::<8>() {
        Some(first) => Ok(u64::from_be_bytes(*first)),
        None => Err(FingerprintError::InvalidCode {
            reason: format!("{} bits, expected at least 64", body.len() * 8),
        }),
    }
}

/// The normalised 32x32 grayscale pixels (row-major) that the Image-Code hashes: iscc-sdk's
/// `image_normalize` output for the same file. Useful for diagnosis.
///
/// # Errors
/// As [`Fingerprint::of_bytes`].
#[cfg(feature = "fingerprint")]
pub fn normalized_pixels(
    name: &str,
    bytes: &[u8],
    limits: &DecodeLimits,
) -> Result<[u8; 1024], FingerprintError> {
    let decoded = decode::decode(name, bytes, limits)?;
    let rgb = normalize::flatten(
        name,
        decoded.image,
        decoded.orientation,
        decoded.ignore_alpha,
    )?;
    Ok(normalize_rgb(rgb))
}

/// Pillow's `Image.resize((out_w, out_h), Image.BICUBIC)` of an 8-bit grayscale ("L") image,
/// bit for bit; `None` if `src` does not hold `width * height` bytes or a size is zero.
/// Exposed for verification against Pillow.
#[must_use]
pub fn resize_gray_bicubic(
    src: &[u8],
    width: usize,
    height: usize,
    out_w: usize,
    out_h: usize,
) -> Option<Vec<u8>> {
    let sizes_ok = width > 0 && height > 0 && out_w > 0 && out_h > 0;
    (sizes_ok && width.checked_mul(height) == Some(src.len()))
        .then(|| resample::resize_bicubic(src, width, height, out_w, out_h))
}

/// Trim, grayscale and resize a flattened RGB image to the 32x32 hash input.
fn normalize_rgb(rgb: normalize::Rgb) -> [u8; 1024] {
    let area = normalize::trim_tolerant(&rgb);
    let gray = normalize::to_gray(&rgb, area);
    drop(rgb);
    let small = resample::resize_bicubic(
        &gray.data,
        gray.width,
        gray.height,
        NORMALIZED_SIDE,
        NORMALIZED_SIDE,
    );
    let mut pixels = [0u8; 1024];
    pixels.copy_from_slice(&small);
    pixels
}

/// Body of an ISCC string that must be a version-0 Content-Code Image.
fn image_code_body(code: &str) -> Result<Vec<u8>, FingerprintError> {
    let invalid = |reason: String| FingerprintError::InvalidCode { reason };
    let (mt, st, vs, _, body) = iscc_lib::iscc_decode(code).map_err(|e| invalid(e.to_string()))?;
    if (mt, st, vs)
        != (
            codec::MainType::Content as u8,
            codec::SubType::Image as u8,
            codec::Version::V0 as u8,
        )
    {
        return Err(invalid(format!("{code} is not a Content-Code Image v0")));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_iscc_lib_encoding() {
        let h = |bits| {
            codec::encode_header(
                codec::MainType::Content,
                codec::SubType::Image,
                codec::Version::V0,
                codec::encode_length(codec::MainType::Content, bits).ok()?,
            )
            .ok()
        };
        assert_eq!(h(256).as_deref(), Some(&HEADER_256[..]));
        assert_eq!(h(64).as_deref(), Some(&HEADER_64[..]));
    }

    #[test]
    fn iscc_lib_conformance_selftest_passes() {
        assert!(iscc_lib::conformance_selftest());
    }

    #[test]
    fn first_64_bits_are_the_64_bit_code() -> Result<(), Box<dyn std::error::Error>> {
        let pixels: [u8; 1024] = std::array::from_fn(|i| ((i * 37 + i / 32 * 11) % 256) as u8);
        let fp = Fingerprint::of_normalized("t", &pixels)?;
        let code64 = iscc_lib::gen_image_code_v0(&pixels, 64)?.iscc;
        assert_eq!(fp.iscc64(), code64);
        assert_eq!(parse_code64(&code64)?, fp.code64());
        assert_eq!(Fingerprint::from_iscc(&fp.iscc())?, fp);
        assert_eq!(Fingerprint::from_unit_bytes(&fp.unit_bytes())?, fp);
        assert!(fp.iscc().starts_with("ISCC:EED"));
        assert!(fp.iscc64().starts_with("ISCC:EEA"));
        Ok(())
    }

    #[test]
    fn rgba_buffer_size_is_checked() {
        let err = Fingerprint::of_rgba("canvas", 10, 10, &[0; 399]);
        assert!(matches!(
            err,
            Err(FingerprintError::BufferSize {
                expected: 400,
                actual: 399,
                ..
            })
        ));
        assert!(matches!(
            Fingerprint::of_rgba("canvas", 0, 0, &[]),
            Err(FingerprintError::Empty { .. })
        ));
    }

    #[test]
    fn hamming_counts_bits() {
        let a = Fingerprint::from_body256([0; 32]);
        let mut body = [0; 32];
        body[0] = 0b1010_0000;
        body[31] = 1;
        assert_eq!(hamming(&a, &Fingerprint::from_body256(body)), 3);
        assert_eq!(hamming64(0, u64::MAX), 64);
    }
}
