//! Bounded decoding: format sniffing, size limits checked from the header before any pixel data is
//! decoded, and the display orientation as Pillow's `ImageOps.exif_transpose` would read it.

use std::io::Cursor;

use image::error::ImageError;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::error::FingerprintError;

/// Default [`DecodeLimits::max_pixels`]: iscc-sdk 0.9.7's `image_max_pixels` (128 megapixels).
pub const DEFAULT_MAX_PIXELS: u64 = 128_000_000;
/// Default [`DecodeLimits::max_side`]: the largest width or height accepted.
pub const DEFAULT_MAX_SIDE: u32 = 65_535;
/// Default [`DecodeLimits::max_alloc`]: 1 GiB for the decoder's own buffers.
pub const DEFAULT_MAX_ALLOC: u64 = 1 << 30;

/// Bounds on the work and memory spent on one image.
///
/// Width, height and pixel count are read from the file header and checked *before* any pixel
/// data is decoded, so a decompression bomb (e.g. a 20,000 x 20,000 PNG of a few kilobytes) is
/// refused with [`FingerprintError::TooLarge`] after reading only its header. `max_alloc` is
/// also handed to the decoder as [`image::Limits::max_alloc`].
///
/// Peak memory of one fingerprint is about the decoded buffer (at most `max_alloc`) plus
/// 4 bytes per pixel (an 8-bit RGB working copy and the grayscale image); with the defaults
/// that is at most about 1.5 GiB, typically 7 bytes per pixel (e.g. 170 MB for 24 MP).
/// Work is linear in the pixel count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Maximum width x height. Default [`DEFAULT_MAX_PIXELS`] (iscc-sdk refuses images above
    /// twice that, Pillow's decompression-bomb error, and warns above it).
    pub max_pixels: u64,
    /// Maximum width and maximum height. Default [`DEFAULT_MAX_SIDE`].
    pub max_side: u32,
    /// Maximum bytes of the decoded image buffer. Default [`DEFAULT_MAX_ALLOC`].
    pub max_alloc: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self {
            max_pixels: DEFAULT_MAX_PIXELS,
            max_side: DEFAULT_MAX_SIDE,
            max_alloc: DEFAULT_MAX_ALLOC,
        }
    }
}

/// A decoded image, still in the decoder's pixel format and stored orientation.
pub(super) struct Decoded {
    /// The pixels as stored in the file (first frame for animations).
    pub image: DynamicImage,
    /// The transform that turns the stored pixels into the displayed image.
    pub orientation: Orientation,
    /// True when the decoder's alpha channel is a colour key that Pillow does not treat as
    /// transparency (PNG grayscale or truecolour with a `tRNS` chunk): it must be ignored.
    pub ignore_alpha: bool,
}

/// Decodes `bytes` within `limits`. `name` is only used in error messages.
pub(super) fn decode(
    name: &str,
    bytes: &[u8],
    limits: &DecodeLimits,
) -> Result<Decoded, FingerprintError> {
    let format = sniff_format(name, bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Dimension limits are checked below, from the header, so the error can name the size;
    // the decoder itself only gets the allocation limit until then.
    reader.limits(alloc_limit(limits));
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| decoder_error(name, format, e))?;
    let (width, height) = decoder.dimensions();
    check_size(name, width, height, decoder.total_bytes(), limits)?;
    decoder
        .set_limits(image_limits(limits))
        .map_err(|e| decoder_error(name, format, e))?;
    let orientation = if format != ImageFormat::WebP || webp_metadata_within(bytes) {
        read_orientation(&mut decoder)
    } else {
        Orientation::NoTransforms
    };
    let image = DynamicImage::from_decoder(decoder).map_err(|e| decoder_error(name, format, e))?;
    Ok(Decoded {
        image,
        orientation,
        ignore_alpha: png_alpha_is_colour_key(format, bytes),
    })
}

/// Identifies the format from the magic bytes (never from the name).
fn sniff_format(name: &str, bytes: &[u8]) -> Result<ImageFormat, FingerprintError> {
    image::guess_format(bytes).map_err(|_| FingerprintError::UnknownFormat {
        name: name.to_owned(),
    })
}

/// The `image` crate limits with only the allocation limit of `limits`.
fn alloc_limit(limits: &DecodeLimits) -> Limits {
    let mut l = Limits::default();
    l.max_alloc = Some(limits.max_alloc);
    l
}

/// The `image` crate limits matching `limits`.
fn image_limits(limits: &DecodeLimits) -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(limits.max_side);
    l.max_image_height = Some(limits.max_side);
    l.max_alloc = Some(limits.max_alloc);
    l
}

/// Refuses empty images and images beyond `limits`, using only header information.
fn check_size(
    name: &str,
    width: u32,
    height: u32,
    total_bytes: u64,
    limits: &DecodeLimits,
) -> Result<(), FingerprintError> {
    if width == 0 || height == 0 {
        return Err(FingerprintError::Empty {
            name: name.to_owned(),
            width,
            height,
        });
    }
    let pixels = u64::from(width) * u64::from(height);
    let limit = if width > limits.max_side || height > limits.max_side {
        Some(format!("at most {} pixels per side", limits.max_side))
    } else if pixels > limits.max_pixels {
        Some(format!("{pixels} pixels > {} pixels", limits.max_pixels))
    } else if usize::try_from(pixels.saturating_mul(4)).is_err() {
        Some(format!(
            "{pixels} pixels do not fit this platform's address space"
        ))
    } else if total_bytes > limits.max_alloc {
        Some(format!(
            "{total_bytes} bytes decoded > {} bytes",
            limits.max_alloc
        ))
    } else {
        None
    };
    match limit {
        Some(limit) => Err(FingerprintError::TooLarge {
            name: name.to_owned(),
            width,
            height,
            limit,
        }),
        None => Ok(()),
    }
}

/// Maps a decoder error to the module's error, keeping limit and format problems distinct.
fn decoder_error(name: &str, format: ImageFormat, e: ImageError) -> FingerprintError {
    match e {
        ImageError::Unsupported(_) if !is_enabled(format) => FingerprintError::UnsupportedFormat {
            name: name.to_owned(),
            format: format!("{format:?}"),
        },
        source @ ImageError::Limits(_) => FingerprintError::DecoderLimit {
            name: name.to_owned(),
            source,
        },
        source => FingerprintError::Decode {
            name: name.to_owned(),
            source,
        },
    }
}

/// True for the formats this build decodes.
fn is_enabled(format: ImageFormat) -> bool {
    matches!(
        format,
        ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Tiff
            | ImageFormat::Gif
            | ImageFormat::Bmp
    )
}

/// The display orientation, read the way Pillow's `Image.getexif()` does: the EXIF Orientation
/// tag if present (JPEG APP1, PNG eXIf, WebP EXIF, TIFF tag 274), otherwise `tiff:Orientation`
/// in XMP. Unreadable metadata means "no transform", as in Pillow.
fn read_orientation(decoder: &mut impl ImageDecoder) -> Orientation {
    let from_exif = decoder
        .exif_metadata()
        .ok()
        .flatten()
        .and_then(|chunk| Orientation::from_exif_chunk(&chunk));
    if let Some(orientation) = from_exif {
        return orientation;
    }
    match decoder.orientation() {
        Ok(Orientation::NoTransforms) | Err(_) => {}
        Ok(orientation) => return orientation,
    }
    decoder
        .xmp_metadata()
        .ok()
        .flatten()
        .and_then(|xmp| xmp_orientation(&xmp))
        .unwrap_or(Orientation::NoTransforms)
}

/// Whether every `EXIF`, `XMP ` and `ICCP` chunk of a WebP lies within `bytes`. The WebP
/// decoder allocates a metadata chunk's declared size before reading it, with no memory limit
/// (the `image` crate gives it none), so a 2 KiB file declaring a 2.8 GB `XMP ` chunk would
/// allocate 2.8 GB. Such a file's metadata is not read: its orientation is the identity, and
/// its pixels decode, or fail, on their own.
fn webp_metadata_within(bytes: &[u8]) -> bool {
    let len = bytes.len() as u64;
    // After `RIFF`, its size and `WEBP`: chunks of a fourcc, a little-endian size, the data
    // and a pad byte when the size is odd. The decoder walks them the same way.
    let mut position: u64 = 12;
    loop {
        let header = usize::try_from(position)
            .ok()
            .and_then(|at| bytes.get(at..at.checked_add(8)?));
        let Some(&[f0, f1, f2, f3, s0, s1, s2, s3]) = header else {
            return true;
        };
        let size = u64::from(u32::from_le_bytes([s0, s1, s2, s3]));
        let end = position + 8 + size;
        if matches!(&[f0, f1, f2, f3], b"EXIF" | b"XMP " | b"ICCP") && end > len {
            return false;
        }
        position = end + (size & 1);
    }
}

/// Finds `tiff:Orientation="N"` or `tiff:Orientation>N` in an XMP packet (Pillow's pattern
/// `tiff:Orientation(="|>)([0-9])`, first match).
fn xmp_orientation(xmp: &[u8]) -> Option<Orientation> {
    const KEY: &[u8] = b"tiff:Orientation";
    let mut rest = xmp;
    while let Some(pos) = find(rest, KEY) {
        let after = &rest[pos + KEY.len()..];
        let digit = match after {
            [b'=', b'"', d, ..] | [b'>', d, ..] if d.is_ascii_digit() => Some(*d - b'0'),
            _ => None,
        };
        if let Some(d) = digit {
            return Orientation::from_exif(d);
        }
        rest = after;
    }
    None
}

/// Position of the first occurrence of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// True if `bytes` is a PNG of colour type 0 (grayscale) or 2 (truecolour): any alpha channel
/// the decoder reports then comes from a `tRNS` colour key, which Pillow keeps as metadata only
/// (iscc-sdk converts such "L"/"RGB" images without whitening the keyed colour).
fn png_alpha_is_colour_key(format: ImageFormat, bytes: &[u8]) -> bool {
    // Signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4) + depth (1) + colour type.
    format == ImageFormat::Png
        && bytes.get(12..16) == Some(b"IHDR")
        && matches!(bytes.get(25), Some(0 | 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_orientation_attribute_and_element() {
        assert_eq!(
            xmp_orientation(b"<x tiff:Orientation=\"6\"/>"),
            Some(Orientation::Rotate90)
        );
        assert_eq!(
            xmp_orientation(b"<tiff:Orientation>8</tiff:Orientation>"),
            Some(Orientation::Rotate270)
        );
        assert_eq!(
            xmp_orientation(b"tiff:Orientation tiff:Orientation=\"3\""),
            Some(Orientation::Rotate180)
        );
        assert_eq!(xmp_orientation(b"no orientation here"), None);
    }

    /// A WebP container: `RIFF`, a size, `WEBP`, then `(fourcc, declared size, data)` chunks,
    /// each padded to an even length.
    fn webp(chunks: &[(&[u8; 4], u32, &[u8])]) -> Vec<u8> {
        let mut body = b"WEBP".to_vec();
        for (fourcc, size, data) in chunks {
            body.extend_from_slice(*fourcc);
            body.extend_from_slice(&size.to_le_bytes());
            body.extend_from_slice(data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        }
        let mut file = b"RIFF".to_vec();
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend_from_slice(&body);
        file
    }

    #[test]
    fn webp_metadata_is_read_only_when_it_fits_in_the_file() {
        let fits = webp(&[
            (b"VP8X", 10, &[0; 10]),
            (b"EXIF", 3, b"abc"),
            (b"XMP ", 4, b"<x/>"),
        ]);
        assert!(webp_metadata_within(&fits));
        // Any metadata chunk reaching past the end, the largest size included.
        for fourcc in [b"EXIF", b"XMP ", b"ICCP"] {
            for declared in [5, 1 << 20, u32::MAX] {
                let past = webp(&[(b"VP8X", 10, &[0; 10]), (fourcc, declared, b"abcd")]);
                assert!(!webp_metadata_within(&past), "{fourcc:?} {declared}");
            }
        }
        // Image data reaching past the end is the pixel decoder's business.
        assert!(webp_metadata_within(&webp(&[(b"VP8 ", u32::MAX, b"")])));
        // A truncated header, or none at all.
        assert!(webp_metadata_within(b"RIFF\0\0\0\0WEBPXM"));
        assert!(webp_metadata_within(b""));
    }

    #[test]
    fn size_check_refuses_bombs_and_empty_images() {
        let limits = DecodeLimits::default();
        assert!(check_size("a", 20_000, 20_000, 1_200_000_000, &limits).is_err());
        assert!(check_size("a", 70_000, 10, 2_100_000, &limits).is_err());
        assert!(check_size("a", 0, 10, 0, &limits).is_err());
        assert!(check_size("a", 6000, 4000, 72_000_000, &limits).is_ok());
    }

    #[test]
    fn unknown_bytes_are_refused_with_the_name() {
        let err = decode(
            "junk.bin",
            b"definitely not an image",
            &DecodeLimits::default(),
        );
        assert!(
            matches!(&err, Err(FingerprintError::UnknownFormat { name }) if name == "junk.bin")
        );
    }
}
