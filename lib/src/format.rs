//! Media formats: which ones hallmark handles, and what a file really is.
//!
//! A file's name says what it claims to be; its first bytes say what it is.
//! [`MediaFormat::identify`] checks both, so a PDF renamed `photo.jpg` is
//! caught before anything is signed ("photo.jpg: not a JPEG (it is a PDF)").

use std::fmt;
use std::path::Path;

use crate::error::{Error, Result, article};

/// How many leading bytes [`MediaFormat::identify`] wants to see.
pub const SNIFF_LEN: usize = 4096;

/// Read up to [`SNIFF_LEN`] leading bytes of `stream`: what [`MediaFormat::sniff`] looks at.
pub fn read_head<R: std::io::Read>(stream: &mut R) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    stream.take(SNIFF_LEN as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// A media format hallmark can verify, and in most cases sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MediaFormat {
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// GIF image.
    Gif,
    /// WebP image.
    WebP,
    /// TIFF image.
    Tiff,
    /// Adobe Digital Negative (a TIFF variant).
    Dng,
    /// SVG vector image.
    Svg,
    /// HEIF / HEIC image.
    Heif,
    /// AVIF image.
    Avif,
    /// JPEG XL image.
    JpegXl,
    /// MPEG-4 video.
    Mp4,
    /// QuickTime video.
    Mov,
    /// AVI video (RIFF).
    Avi,
    /// MPEG-4 audio.
    M4a,
    /// WAV audio.
    Wav,
    /// AIFF audio.
    Aiff,
    /// MP3 audio.
    Mp3,
    /// FLAC audio.
    Flac,
    /// PDF document (verify only).
    Pdf,
}

/// Static facts about one format.
struct Facts {
    name: &'static str,
    mime: &'static str,
    extensions: &'static [&'static str],
}

impl MediaFormat {
    /// Every format, in the order the README's table lists them.
    pub const ALL: &'static [MediaFormat] = &[
        MediaFormat::Jpeg,
        MediaFormat::Png,
        MediaFormat::WebP,
        MediaFormat::Tiff,
        MediaFormat::Dng,
        MediaFormat::Gif,
        MediaFormat::Svg,
        MediaFormat::Heif,
        MediaFormat::Avif,
        MediaFormat::JpegXl,
        MediaFormat::Mp4,
        MediaFormat::Mov,
        MediaFormat::Avi,
        MediaFormat::M4a,
        MediaFormat::Wav,
        MediaFormat::Aiff,
        MediaFormat::Mp3,
        MediaFormat::Flac,
        MediaFormat::Pdf,
    ];

    fn facts(self) -> Facts {
        let (name, mime, extensions): (_, _, &'static [&'static str]) = match self {
            MediaFormat::Jpeg => ("JPEG", "image/jpeg", &["jpg", "jpeg", "jpe", "jfif"]),
            MediaFormat::Png => ("PNG", "image/png", &["png"]),
            MediaFormat::Gif => ("GIF", "image/gif", &["gif"]),
            MediaFormat::WebP => ("WebP", "image/webp", &["webp"]),
            MediaFormat::Tiff => ("TIFF", "image/tiff", &["tif", "tiff"]),
            MediaFormat::Dng => ("DNG", "image/x-adobe-dng", &["dng"]),
            MediaFormat::Svg => ("SVG", "image/svg+xml", &["svg"]),
            MediaFormat::Heif => ("HEIF", "image/heic", &["heic", "heif", "hif"]),
            MediaFormat::Avif => ("AVIF", "image/avif", &["avif"]),
            MediaFormat::JpegXl => ("JPEG XL", "image/jxl", &["jxl"]),
            MediaFormat::Mp4 => ("MP4", "video/mp4", &["mp4", "m4v"]),
            MediaFormat::Mov => ("QuickTime", "video/quicktime", &["mov", "qt"]),
            MediaFormat::Avi => ("AVI", "video/x-msvideo", &["avi"]),
            MediaFormat::M4a => ("M4A", "audio/mp4", &["m4a"]),
            MediaFormat::Wav => ("WAV", "audio/wav", &["wav", "wave"]),
            MediaFormat::Aiff => ("AIFF", "audio/aiff", &["aif", "aiff", "aifc"]),
            MediaFormat::Mp3 => ("MP3", "audio/mpeg", &["mp3"]),
            MediaFormat::Flac => ("FLAC", "audio/flac", &["flac"]),
            MediaFormat::Pdf => ("PDF", "application/pdf", &["pdf"]),
        };
        Facts {
            name,
            mime,
            extensions,
        }
    }

    /// The format's common name, e.g. `JPEG`.
    pub fn name(self) -> &'static str {
        self.facts().name
    }

    /// The media type hallmark hands to the C2PA engine, e.g. `image/jpeg`.
    pub fn mime_type(self) -> &'static str {
        self.facts().mime
    }

    /// File-name extensions (lower case, without the dot); the first is preferred.
    pub fn extensions(self) -> &'static [&'static str] {
        self.facts().extensions
    }

    /// Whether hallmark can embed a manifest into this format.
    pub fn can_sign(self) -> bool {
        self.sign_refusal().is_none()
    }

    /// Why this format cannot be signed, if it cannot.
    pub fn sign_refusal(self) -> Option<&'static str> {
        match self {
            MediaFormat::Pdf => Some(
                "the C2PA engine hallmark builds on (c2pa 0.90) reads PDF credentials but cannot write them into the file; a sidecar manifest (NAME.c2pa) works instead",
            ),
            _ => self.verify_refusal(),
        }
    }

    /// Whether hallmark can check this format's credentials.
    pub fn can_verify(self) -> bool {
        self.verify_refusal().is_none()
    }

    /// Why this format cannot be verified (nor signed), if it cannot.
    pub fn verify_refusal(self) -> Option<&'static str> {
        match self {
            MediaFormat::Aiff => Some(
                "the C2PA engine hallmark builds on (c2pa 0.90) has no AIFF handler; convert to WAV or FLAC",
            ),
            _ => None,
        }
    }

    /// Why hallmark makes no fingerprint (soft binding) of this format, if it
    /// makes none. Only still images are fingerprinted, and only where a
    /// pure-Rust decoder sees the same pixels the reference implementation
    /// does.
    pub fn fingerprint_refusal(self) -> Option<&'static str> {
        match self {
            MediaFormat::Jpeg
            | MediaFormat::Png
            | MediaFormat::WebP
            | MediaFormat::Tiff
            | MediaFormat::Gif => None,
            MediaFormat::Dng => Some(
                "a DNG holds raw sensor data; the decoder would fingerprint its embedded preview, not the photograph",
            ),
            MediaFormat::Svg => {
                Some("an SVG is a vector drawing: it has no pixels until it is rendered")
            }
            MediaFormat::Heif => Some("no pure-Rust HEIC decoder exists to read its pixels"),
            MediaFormat::Avif => {
                Some("decoding AVIF needs the C library dav1d, which hallmark does not link")
            }
            MediaFormat::JpegXl => Some("this build has no JPEG XL decoder"),
            MediaFormat::Mp4
            | MediaFormat::Mov
            | MediaFormat::Avi
            | MediaFormat::M4a
            | MediaFormat::Wav
            | MediaFormat::Aiff
            | MediaFormat::Mp3
            | MediaFormat::Flac
            | MediaFormat::Pdf => Some("only still images are fingerprinted"),
        }
    }

    /// Why hallmark writes no IPTC mirror of the policy (XMP
    /// `plus:DataMining`) into this format, if it writes none.
    pub fn iptc_refusal(self) -> Option<&'static str> {
        match self {
            MediaFormat::Jpeg
            | MediaFormat::Png
            | MediaFormat::WebP
            | MediaFormat::Tiff
            | MediaFormat::Dng
            | MediaFormat::Gif
            | MediaFormat::Svg
            | MediaFormat::Mp4
            | MediaFormat::Mov
            | MediaFormat::M4a => None,
            MediaFormat::Heif | MediaFormat::Avif => Some(
                "XMP in HEIF and AVIF is an item located by offsets in the meta box; rewriting it safely is not implemented",
            ),
            MediaFormat::JpegXl => Some("XMP in JPEG XL is a box hallmark does not write yet"),
            MediaFormat::Wav | MediaFormat::Avi => {
                Some("XMP in RIFF (the _PMX chunk) is not written: no reference tool can check it")
            }
            MediaFormat::Mp3 => {
                Some("XMP in MP3 lives in an ID3v2 frame hallmark does not rewrite")
            }
            MediaFormat::Flac => Some("FLAC has no standard place for XMP"),
            MediaFormat::Aiff | MediaFormat::Pdf => {
                Some("hallmark does not write into this format")
            }
        }
    }

    /// The format a file-name extension names (case-insensitive), if any.
    pub fn from_extension(extension: &str) -> Option<MediaFormat> {
        let extension = extension.to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.extensions().contains(&extension.as_str()))
    }

    /// The format a path's extension names, if any.
    pub fn from_path(path: &Path) -> Option<MediaFormat> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Self::from_extension)
    }

    /// The format a media type names, e.g. `image/jpeg` (parameters ignored).
    pub fn from_mime_type(mime: &str) -> Option<MediaFormat> {
        let essence = mime
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let aliases: &[(&str, MediaFormat)] = &[
            ("image/jpg", MediaFormat::Jpeg),
            ("image/heif", MediaFormat::Heif),
            ("image/heic-sequence", MediaFormat::Heif),
            ("image/heif-sequence", MediaFormat::Heif),
            ("image/dng", MediaFormat::Dng),
            ("audio/x-wav", MediaFormat::Wav),
            ("audio/vnd.wave", MediaFormat::Wav),
            ("audio/wave", MediaFormat::Wav),
            ("audio/x-aiff", MediaFormat::Aiff),
            ("audio/x-m4a", MediaFormat::M4a),
            ("audio/m4a", MediaFormat::M4a),
            ("audio/mp3", MediaFormat::Mp3),
            ("audio/x-flac", MediaFormat::Flac),
            ("video/x-m4v", MediaFormat::Mp4),
            ("video/avi", MediaFormat::Avi),
            ("video/msvideo", MediaFormat::Avi),
        ];
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.mime_type() == essence)
            .or_else(|| aliases.iter().find(|(m, _)| *m == essence).map(|(_, f)| *f))
    }

    /// What the leading bytes of a file show it to be, if it is a format hallmark knows.
    pub fn sniff(head: &[u8]) -> Option<MediaFormat> {
        if looks_like_svg(head) {
            return Some(MediaFormat::Svg);
        }
        if is_quicktime(head) {
            return Some(MediaFormat::Mov);
        }
        if let Some(after_tag) = skip_id3v2(head) {
            // An ID3v2 tag may front MP3 and, once signed, FLAC: look behind it.
            return match after_tag {
                Some(rest) if rest.starts_with(b"fLaC") => Some(MediaFormat::Flac),
                _ => Some(MediaFormat::Mp3),
            };
        }
        if is_mpeg_audio_layer3(head) {
            return Some(MediaFormat::Mp3);
        }
        // Every TIFF-based file (TIFF, DNG and camera raws) shares this header.
        if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
            return Some(MediaFormat::Tiff);
        }
        let kind = infer::get(head)?;
        match kind.extension() {
            "cr2" => None,
            "heif" => Some(MediaFormat::Heif),
            "aiff" => Some(MediaFormat::Aiff),
            other => MediaFormat::from_extension(other),
        }
    }

    /// Decide a file's format from its claimed format (name or caller) and its first bytes.
    ///
    /// With `strict`, a claim the content contradicts is an error, which is
    /// what signing wants. Without it the content wins, which is what
    /// verification wants: a PNG served as `.jpg` still has credentials to check.
    pub fn identify(
        file: &str,
        claimed: Option<MediaFormat>,
        head: &[u8],
        strict: bool,
    ) -> Result<MediaFormat> {
        if head.is_empty() {
            return Err(Error::EmptyFile { file: file.into() });
        }
        match (claimed, Self::sniff(head)) {
            (Some(claim), Some(seen)) if claim.same_container(seen) => Ok(claim),
            // A tag larger than the sniffed head hides what follows it.
            (Some(MediaFormat::Flac), Some(MediaFormat::Mp3))
                if matches!(skip_id3v2(head), Some(None)) =>
            {
                Ok(MediaFormat::Flac)
            }
            (Some(claim), Some(seen)) if strict => Err(Error::WrongFormat {
                file: file.into(),
                expected: claim.name(),
                found: format!("its content is {} {}", article(seen.name()), seen.name()),
            }),
            (_, Some(seen)) => Ok(seen),
            (Some(claim), None) => Err(Error::WrongFormat {
                file: file.into(),
                expected: claim.name(),
                found: describe_start(head),
            }),
            (None, None) => Err(Error::UnsupportedFormat {
                file: file.into(),
                detail: describe_start(head),
            }),
        }
    }

    /// Whether two formats share a container, so one may stand for the other
    /// (a DNG is a TIFF; QuickTime and MP4 are both ISO BMFF).
    pub(crate) fn same_container(self, other: MediaFormat) -> bool {
        use MediaFormat::*;
        let family = |f: MediaFormat| match f {
            Tiff | Dng => 1,
            Heif | Avif | Mp4 | Mov | M4a => 2,
            _ => 0,
        };
        self == other || (family(self) != 0 && family(self) == family(other))
    }
}

impl fmt::Display for MediaFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// QuickTime files may start with atoms other than `ftyp`, which generic sniffers miss.
fn is_quicktime(head: &[u8]) -> bool {
    let atom = head.get(4..8);
    let brand = head.get(8..12);
    matches!(atom, Some(b"moov" | b"wide" | b"mdat" | b"free" | b"pnot"))
        && !matches!(brand, Some(b"heic" | b"avif" | b"mif1" | b"isom"))
        || (atom == Some(b"ftyp") && brand == Some(b"qt  "))
}

/// For data starting with an ID3v2 tag: `Some(what follows the tag)`, or
/// `Some(None)` when the tag is longer than `head`. `None` without a tag.
fn skip_id3v2(head: &[u8]) -> Option<Option<&[u8]>> {
    if !head.starts_with(b"ID3") || head.len() < 10 {
        return None;
    }
    // The tag size is a 28-bit "syncsafe" integer, 7 bits per byte.
    let size = head[6..10]
        .iter()
        .fold(0usize, |acc, b| (acc << 7) | usize::from(b & 0x7f));
    let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
    Some(head.get(10 + size + footer..))
}

/// An MPEG-1/2/2.5 audio layer III frame header (an MP3 without tags).
fn is_mpeg_audio_layer3(head: &[u8]) -> bool {
    match head {
        [0xFF, b1, b2, ..] => {
            let sync = b1 & 0xE0 == 0xE0;
            let version_known = (b1 >> 3) & 0x03 != 0x01;
            let layer3 = (b1 >> 1) & 0x03 == 0x01;
            let bitrate_valid = b2 >> 4 != 0x0F && b2 >> 4 != 0;
            let rate_valid = (b2 >> 2) & 0x03 != 0x03;
            sync && version_known && layer3 && bitrate_valid && rate_valid
        }
        _ => false,
    }
}

fn looks_like_svg(head: &[u8]) -> bool {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    let xml_like =
        text.starts_with(b"<?xml") || text.starts_with(b"<svg") || text.starts_with(b"<!");
    xml_like && text.windows(4).any(|w| w == b"<svg")
}

/// Describe the first bytes of an unrecognised file: as text when they are
/// printable, otherwise as hex.
pub(crate) fn describe_start(head: &[u8]) -> String {
    let probe = &head[..head.len().min(8)];
    let printable = probe
        .iter()
        .take(4)
        .all(|b| b.is_ascii_graphic() || *b == b' ');
    if printable {
        let text: String = probe
            .iter()
            .take_while(|b| b.is_ascii_graphic() || **b == b' ')
            .map(|b| char::from(*b))
            .collect();
        format!("starts with \"{}\"", text.trim_end())
    } else {
        let hex: Vec<String> = probe.iter().map(|b| format!("{b:02X}")).collect();
        format!("starts with bytes {}", hex.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_named_jpg_is_refused_when_strict() {
        let err = MediaFormat::identify("photo.jpg", Some(MediaFormat::Jpeg), b"%PDF-1.7\n", true)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "photo.jpg: not a JPEG (its content is a PDF)"
        );
    }

    #[test]
    fn content_wins_when_lenient() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let found =
            MediaFormat::identify("photo.jpg", Some(MediaFormat::Jpeg), png, false).unwrap();
        assert_eq!(found, MediaFormat::Png);
    }

    #[test]
    fn unknown_bytes_are_described() {
        let err = MediaFormat::identify("photo.jpg", Some(MediaFormat::Jpeg), b"hello world", true)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "photo.jpg: not a JPEG (starts with \"hello wo\")"
        );
        let err = MediaFormat::identify("x.bin", None, &[0, 1, 2, 0xff], true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.bin: unsupported file type (starts with bytes 00 01 02 FF)"
        );
    }

    #[test]
    fn empty_is_its_own_error() {
        let err = MediaFormat::identify("a.png", None, b"", false).unwrap_err();
        assert_eq!(err.to_string(), "a.png: the file is empty");
    }

    #[test]
    fn dng_may_stand_for_tiff() {
        let tiff = b"II*\0\x08\0\0\0";
        let found = MediaFormat::identify("r.dng", Some(MediaFormat::Dng), tiff, true).unwrap();
        assert_eq!(found, MediaFormat::Dng);
    }

    #[test]
    fn mp3_without_tags_and_flac_behind_id3_are_recognised() {
        assert_eq!(
            MediaFormat::sniff(&[0xFF, 0xF3, 0x70, 0xC0, 0, 0]),
            Some(MediaFormat::Mp3)
        );
        assert_eq!(
            MediaFormat::sniff(&[0xFF, 0xFB, 0x90, 0x64, 0, 0]),
            Some(MediaFormat::Mp3)
        );
        let mut tagged = b"ID3\x04\0\0\0\0\0\x02ab".to_vec();
        tagged.extend_from_slice(b"fLaC\0\0\0\x22");
        assert_eq!(MediaFormat::sniff(&tagged), Some(MediaFormat::Flac));
        let big_tag = b"ID3\x04\0\0\x01\0\0\0rest";
        let found =
            MediaFormat::identify("a.flac", Some(MediaFormat::Flac), big_tag, false).unwrap();
        assert_eq!(found, MediaFormat::Flac);
        let found = MediaFormat::identify("a.bin", None, big_tag, false).unwrap();
        assert_eq!(found, MediaFormat::Mp3);
    }

    #[test]
    fn svg_is_sniffed_from_text() {
        let svg = b"\n  <?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(MediaFormat::sniff(svg), Some(MediaFormat::Svg));
        assert_eq!(MediaFormat::sniff(b"<?xml version=\"1.0\"?><html/>"), None);
    }

    #[test]
    fn mime_types_round_trip() {
        for format in MediaFormat::ALL {
            assert_eq!(
                MediaFormat::from_mime_type(format.mime_type()),
                Some(*format)
            );
            assert_eq!(
                MediaFormat::from_extension(format.extensions()[0]),
                Some(*format)
            );
        }
        assert_eq!(
            MediaFormat::from_mime_type("image/JPEG; q=1"),
            Some(MediaFormat::Jpeg)
        );
    }
}
