//! The cheap test that lets unsigned samples skip the C2PA engine: whether a
//! member could hold an embedded manifest at all. JPEG keeps it in APP11
//! segments before the scan, PNG in a `caBX` chunk, WebP in a `C2PA` chunk;
//! a file of these formats without one has no credentials, and walking its
//! segment or chunk headers costs far less than opening it with the engine.
//! Anything unclear (another format, a damaged structure) says "could", so
//! the full verification decides.

use crate::format::MediaFormat;

/// Whether `bytes`, a `format` file, could hold an embedded manifest.
pub(crate) fn could_hold_manifest(format: MediaFormat, bytes: &[u8]) -> bool {
    let found = match format {
        MediaFormat::Jpeg => jpeg_has_app11(bytes),
        MediaFormat::Png => png_has_cabx(bytes),
        MediaFormat::WebP => webp_has_c2pa(bytes),
        _ => None,
    };
    // `None`: the structure could not be walked; let the engine look.
    found.unwrap_or(true)
}

fn jpeg_has_app11(bytes: &[u8]) -> Option<bool> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut at = 2;
    loop {
        // Fill bytes (0xFF runs) may precede a marker.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            0xEB => return Some(true),
            // Start of scan or end of image: every APP segment came before.
            0xDA | 0xD9 => return Some(false),
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let len = usize::from(u16::from_be_bytes([
                    *bytes.get(at + 2)?,
                    *bytes.get(at + 3)?,
                ]));
                if len < 2 {
                    return None;
                }
                at += 2 + len;
            }
        }
    }
}

fn png_has_cabx(bytes: &[u8]) -> Option<bool> {
    if bytes.get(..8)? != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let mut at = 8usize;
    loop {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?);
        let kind = bytes.get(at + 4..at + 8)?;
        match kind {
            b"caBX" => return Some(true),
            b"IEND" => return Some(false),
            _ => {}
        }
        at = at
            .checked_add(12)?
            .checked_add(usize::try_from(len).ok()?)?;
    }
}

fn webp_has_c2pa(bytes: &[u8]) -> Option<bool> {
    if bytes.get(..4)? != b"RIFF" || bytes.get(8..12)? != b"WEBP" {
        return None;
    }
    let mut at = 12usize;
    while at < bytes.len() {
        let kind = bytes.get(at..at + 4)?;
        if kind == b"C2PA" {
            return Some(true);
        }
        let len = u32::from_le_bytes(bytes.get(at + 4..at + 8)?.try_into().ok()?);
        let len = usize::try_from(len).ok()?;
        at = at.checked_add(8)?.checked_add(len)?.checked_add(len % 2)?;
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_segments_are_walked_to_the_scan() {
        let plain = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xDA, 0, 2];
        assert!(!could_hold_manifest(MediaFormat::Jpeg, &plain));
        let signed = [0xFF, 0xD8, 0xFF, 0xEB, 0, 4, b'J', b'P', 0xFF, 0xDA];
        assert!(could_hold_manifest(MediaFormat::Jpeg, &signed));
        // Damaged: the engine decides.
        assert!(could_hold_manifest(
            MediaFormat::Jpeg,
            &[0xFF, 0xD8, 0xFF, 0xE0, 0]
        ));
        assert!(could_hold_manifest(MediaFormat::Jpeg, b"not a jpeg"));
    }

    #[test]
    fn png_chunks_are_walked_to_the_end() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0; 4]);
            c
        };
        let mut plain = b"\x89PNG\r\n\x1a\n".to_vec();
        plain.extend(chunk(b"IHDR", &[0; 13]));
        plain.extend(chunk(b"IDAT", &[1, 2, 3]));
        let mut signed = plain.clone();
        plain.extend(chunk(b"IEND", &[]));
        signed.extend(chunk(b"caBX", &[9; 5]));
        signed.extend(chunk(b"IEND", &[]));
        assert!(!could_hold_manifest(MediaFormat::Png, &plain));
        assert!(could_hold_manifest(MediaFormat::Png, &signed));
        // A chunk length beyond the end: the engine decides.
        assert!(could_hold_manifest(
            MediaFormat::Png,
            &plain[..plain.len() - 6]
        ));
    }

    #[test]
    fn webp_chunks_are_walked() {
        let mut plain = b"RIFF\0\0\0\0WEBPVP8L".to_vec();
        plain.extend_from_slice(&3u32.to_le_bytes());
        plain.extend_from_slice(&[1, 2, 3, 0]);
        let mut signed = plain.clone();
        signed.extend_from_slice(b"C2PA\x02\0\0\0ab");
        assert!(!could_hold_manifest(MediaFormat::WebP, &plain));
        assert!(could_hold_manifest(MediaFormat::WebP, &signed));
    }

    #[test]
    fn other_formats_go_to_the_engine() {
        assert!(could_hold_manifest(MediaFormat::Mp4, b""));
    }
}
