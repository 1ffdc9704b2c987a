//! Recognising a file's format from its first bytes.

use std::io::{Read, Seek, SeekFrom};

use super::error::{Error, Result};

/// A file format this module reads XMP from (and, for some, writes it into).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG (read and written: APP1).
    Jpeg,
    /// PNG (read and written: `iTXt`).
    Png,
    /// WebP (read and written: `XMP ` chunk + VP8X flag).
    WebP,
    /// ISO BMFF video and audio, MP4/MOV/M4A (read and written: `uuid` box).
    Bmff,
    /// HEIF/AVIF images (read by packet scan; not written).
    Heif,
    /// TIFF (read and written: tag 700 in IFD0).
    Tiff,
    /// GIF (read and written: `XMP DataXMP` application extension).
    Gif,
    /// SVG (read and written: `<metadata>`).
    Svg,
    /// PDF (read only: the catalog's metadata stream).
    Pdf,
    /// WAV (read only, by packet scan).
    Wav,
    /// MP3 (read only, by packet scan).
    Mp3,
    /// FLAC (read only, by packet scan).
    Flac,
}

impl Format {
    /// The format's name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Bmff => "MP4/MOV",
            Format::Heif => "HEIF/AVIF",
            Format::Tiff => "TIFF",
            Format::Gif => "GIF",
            Format::Svg => "SVG",
            Format::Pdf => "PDF",
            Format::Wav => "WAV",
            Format::Mp3 => "MP3",
            Format::Flac => "FLAC",
        }
    }

    /// Why XMP is not written into this format (empty for formats it is written into).
    pub fn why_not_written(self) -> &'static str {
        match self {
            Format::Heif => {
                "XMP there is an item of the meta box located by iloc offsets; rewriting it safely is not implemented"
            }
            Format::Pdf => {
                "a PDF needs an incremental update (new metadata stream, catalog and cross-reference section), and c2pa 0.90 cannot sign PDF"
            }
            Format::Wav => {
                "the RIFF _PMX chunk is not written: ExifTool cannot write it either, so no reference tool could check it"
            }
            Format::Mp3 => {
                "XMP in MP3 lives in an ID3v2 PRIV frame; rewriting ID3 tags (sizes, unsynchronisation, versions) is out of scope"
            }
            Format::Flac => "FLAC has no standard place for XMP",
            _ => "",
        }
    }

    /// Whether [`super::embed`] writes this format.
    pub fn is_writable(self) -> bool {
        self.why_not_written().is_empty()
    }

    /// Recognises the format of `input` from its first bytes (leaving the
    /// input at its start).
    pub fn detect<R: Read + Seek>(file: &str, input: &mut R) -> Result<Format> {
        let mut head = [0u8; 4096];
        let mut n = 0;
        input
            .seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(file, "cannot read", e))?;
        while n < head.len() {
            match input.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(file, "cannot read", e)),
            }
        }
        input
            .seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(file, "cannot read", e))?;
        let h = &head[..n];
        if n == 0 {
            return Err(Error::UnsupportedFormat {
                file: file.to_string(),
                detail: "the file is empty".into(),
            });
        }
        let at = |i: usize, s: &[u8]| h.get(i..i + s.len()) == Some(s);
        let format = if at(0, &[0xFF, 0xD8, 0xFF]) {
            Format::Jpeg
        } else if at(0, &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Format::Png
        } else if at(0, b"RIFF") && at(8, b"WEBP") {
            Format::WebP
        } else if at(0, b"RIFF") && at(8, b"WAVE") {
            Format::Wav
        } else if at(0, b"II*\0") || at(0, b"MM\0*") {
            Format::Tiff
        } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
            Format::Gif
        } else if at(0, b"%PDF-") {
            Format::Pdf
        } else if at(0, b"fLaC") {
            Format::Flac
        } else if at(0, b"ID3") || (n >= 2 && h[0] == 0xFF && h[1] & 0xE0 == 0xE0) {
            Format::Mp3
        } else if at(4, b"ftyp") {
            if is_heif_brand(h) {
                Format::Heif
            } else {
                Format::Bmff
            }
        } else if [b"moov", b"mdat", b"wide", b"free", b"skip"]
            .iter()
            .any(|t| at(4, *t))
        {
            Format::Bmff
        } else if looks_like_svg(h) {
            Format::Svg
        } else {
            return Err(Error::UnsupportedFormat {
                file: file.to_string(),
                detail: format!(
                    "starts with {}",
                    h.iter()
                        .take(8)
                        .map(|b| format!("{b:02X}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            });
        };
        Ok(format)
    }
}

/// Whether an `ftyp` box names a HEIF/AVIF brand.
fn is_heif_brand(h: &[u8]) -> bool {
    let size = h
        .get(0..4)
        .map_or(0, |s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)
        .min(h.len());
    let brands: [&[u8]; 11] = [
        b"mif1", b"mif2", b"msf1", b"heic", b"heix", b"hevc", b"heim", b"heis", b"avif", b"avis",
        b"miaf",
    ];
    (8..size.saturating_sub(3))
        .step_by(4)
        .filter(|i| *i != 12)
        .any(|i| h.get(i..i + 4).is_some_and(|b| brands.contains(&b)))
}

/// Whether text starts like an SVG document.
fn looks_like_svg(h: &[u8]) -> bool {
    let text = String::from_utf8_lossy(h);
    let t = text.trim_start_matches('\u{FEFF}').trim_start();
    (t.starts_with('<')) && text.contains("<svg")
}
