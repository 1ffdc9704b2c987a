//! Is a media file whole? A cheap structural check of the container before
//! signing, so a truncated or damaged file is refused instead of being
//! signed as the creator's work.
//!
//! The checks walk the container's own structure (segments, chunks, boxes,
//! directories) with seeks and small reads; they never decode pixels or
//! samples, so their cost does not grow with the file's size beyond the
//! number of top-level structures. They catch the common damage: a file cut
//! short (a download or copy that stopped early), or a container whose
//! declared sizes do not fit the file.

use std::io::{self, Read, Seek, SeekFrom};

use crate::format::MediaFormat;

/// How far from the end a JPEG's end-of-image marker may sit (trailing data is common).
const JPEG_TAIL: u64 = 64 * 1024;
/// How far from the end an SVG's closing tag may sit.
const SVG_TAIL: u64 = 4 * 1024;
/// The most structures walked in one container (a guard against hostile files).
const MAX_STRUCTURES: usize = 1_000_000;

/// What is wrong, in words.
pub(crate) type Problem = String;

/// Check that the file behind `reader` is a whole `format` file.
///
/// Returns `Ok(Err(problem))` for a damaged file and `Err` only when reading fails.
pub(crate) fn check<R: Read + Seek>(
    format: MediaFormat,
    reader: &mut R,
) -> io::Result<Result<(), Problem>> {
    let len = reader.seek(SeekFrom::End(0))?;
    reader.seek(SeekFrom::Start(0))?;
    let mut file = Walker { reader, len };
    let verdict = match format {
        MediaFormat::Jpeg => file.jpeg(),
        MediaFormat::Png => file.png(),
        MediaFormat::Gif => file.gif(),
        MediaFormat::WebP | MediaFormat::Wav | MediaFormat::Avi => file.riff(),
        MediaFormat::Heif
        | MediaFormat::Avif
        | MediaFormat::Mp4
        | MediaFormat::Mov
        | MediaFormat::M4a => file.boxes(0),
        MediaFormat::JpegXl => file.jpeg_xl(),
        MediaFormat::Tiff | MediaFormat::Dng => file.tiff(),
        MediaFormat::Flac => file.flac(),
        MediaFormat::Mp3 => file.mp3(),
        MediaFormat::Svg => file.svg(),
        MediaFormat::Aiff | MediaFormat::Pdf => Ok(Ok(())),
    };
    reader_rewind(file.reader)?;
    verdict
}

/// [`check`], with a damaged file as [`crate::Error::DamagedMedia`] naming `name`.
pub(crate) fn require_whole<R: Read + Seek>(
    name: &str,
    format: MediaFormat,
    reader: &mut R,
) -> crate::Result<()> {
    check(format, reader)
        .map_err(|e| crate::Error::io(name, "cannot read", e))?
        .map_err(|detail| crate::Error::DamagedMedia {
            file: name.into(),
            format: format.name(),
            detail,
        })
}

fn reader_rewind<R: Seek>(reader: &mut R) -> io::Result<()> {
    reader.seek(SeekFrom::Start(0)).map(|_| ())
}

struct Walker<'a, R> {
    reader: &'a mut R,
    len: u64,
}

type Verdict = io::Result<Result<(), Problem>>;

fn damaged(problem: impl Into<String>) -> Verdict {
    Ok(Err(problem.into()))
}

fn cut_short(what: &str, needs: u64, len: u64) -> Verdict {
    damaged(format!(
        "it ends too early (truncated): {what} needs {needs} bytes but the file has {len}"
    ))
}

impl<R: Read + Seek> Walker<'_, R> {
    /// Read exactly `n` bytes at `offset`, or `None` past the end.
    fn bytes_at(&mut self, offset: u64, n: usize) -> io::Result<Option<Vec<u8>>> {
        if offset.saturating_add(n as u64) > self.len {
            return Ok(None);
        }
        self.reader.seek(SeekFrom::Start(offset))?;
        let mut buf = vec![0; n];
        self.reader.read_exact(&mut buf)?;
        Ok(Some(buf))
    }

    /// The last `n` bytes (fewer if the file is shorter).
    fn tail(&mut self, n: u64) -> io::Result<Vec<u8>> {
        let take = n.min(self.len);
        let start = self.len - take;
        Ok(self
            .bytes_at(start, usize::try_from(take).unwrap_or(0))?
            .unwrap_or_default())
    }

    fn jpeg(&mut self) -> Verdict {
        let mut at = 2u64;
        for _ in 0..MAX_STRUCTURES {
            let Some(marker) = self.bytes_at(at, 4)? else {
                return cut_short("a JPEG segment header", at + 4, self.len);
            };
            if marker[0] != 0xFF {
                return damaged(format!("expected a JPEG marker at byte {at}"));
            }
            match marker[1] {
                // Fill bytes before a marker.
                0xFF => at += 1,
                // Markers without a length.
                0x01 | 0xD0..=0xD7 => at += 2,
                0xD9 => return damaged("the image ends before its pixel data starts"),
                0xDA => {
                    let tail = self.tail(JPEG_TAIL)?;
                    return if tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
                        Ok(Ok(()))
                    } else {
                        damaged(
                            "it ends too early (truncated): the JPEG end-of-image marker is missing",
                        )
                    };
                }
                _ => {
                    let length = u64::from(u16::from_be_bytes([marker[2], marker[3]]));
                    if length < 2 {
                        return damaged(format!(
                            "a JPEG segment at byte {at} has an impossible length"
                        ));
                    }
                    at += 2 + length;
                    if at > self.len {
                        return cut_short("a JPEG segment", at, self.len);
                    }
                }
            }
        }
        damaged("too many JPEG segments")
    }

    fn png(&mut self) -> Verdict {
        let mut at = 8u64;
        for _ in 0..MAX_STRUCTURES {
            let Some(header) = self.bytes_at(at, 8)? else {
                return cut_short("a PNG chunk header", at + 8, self.len);
            };
            let length = u64::from(u32::from_be_bytes([
                header[0], header[1], header[2], header[3],
            ]));
            let end = at + 12 + length;
            if end > self.len {
                return cut_short("a PNG chunk", end, self.len);
            }
            if &header[4..8] == b"IEND" {
                return Ok(Ok(()));
            }
            at = end;
        }
        damaged("too many PNG chunks")
    }

    fn gif(&mut self) -> Verdict {
        if self.len < 14 {
            return cut_short("a GIF header", 14, self.len);
        }
        let tail = self.tail(1)?;
        if tail != [0x3B] {
            return damaged("it ends too early (truncated): the GIF trailer is missing");
        }
        Ok(Ok(()))
    }

    fn riff(&mut self) -> Verdict {
        let Some(header) = self.bytes_at(0, 12)? else {
            return cut_short("a RIFF header", 12, self.len);
        };
        let declared = u64::from(u32::from_le_bytes([
            header[4], header[5], header[6], header[7],
        ])) + 8;
        if declared > self.len {
            return cut_short("the RIFF container", declared, self.len);
        }
        Ok(Ok(()))
    }

    /// ISO BMFF (and JPEG XL containers): top-level boxes must tile the file exactly.
    fn boxes(&mut self, start: u64) -> Verdict {
        let mut at = start;
        for _ in 0..MAX_STRUCTURES {
            if at == self.len {
                return Ok(Ok(()));
            }
            let Some(header) = self.bytes_at(at, 8)? else {
                return cut_short("a box header", at + 8, self.len);
            };
            let size32 = u64::from(u32::from_be_bytes([
                header[0], header[1], header[2], header[3],
            ]));
            let size = match size32 {
                // The last box runs to the end of the file.
                0 => return Ok(Ok(())),
                1 => {
                    let Some(large) = self.bytes_at(at + 8, 8)? else {
                        return cut_short("a box header", at + 16, self.len);
                    };
                    let mut eight = [0u8; 8];
                    eight.copy_from_slice(&large);
                    u64::from_be_bytes(eight)
                }
                n => n,
            };
            if size < 8 {
                return damaged(format!("a box at byte {at} has an impossible size"));
            }
            let end = at.saturating_add(size);
            if end > self.len {
                let kind = String::from_utf8_lossy(&header[4..8]).into_owned();
                return cut_short(&format!("the '{kind}' box"), end, self.len);
            }
            at = end;
        }
        damaged("too many boxes")
    }

    fn jpeg_xl(&mut self) -> Verdict {
        match self.bytes_at(0, 2)? {
            // A bare codestream has no structure to walk.
            Some(start) if start == [0xFF, 0x0A] => Ok(Ok(())),
            _ => self.boxes(0),
        }
    }

    fn tiff(&mut self) -> Verdict {
        let Some(header) = self.bytes_at(0, 8)? else {
            return cut_short("a TIFF header", 8, self.len);
        };
        let little = &header[..2] == b"II";
        let u16_at = |b: &[u8]| {
            if little {
                u16::from_le_bytes([b[0], b[1]])
            } else {
                u16::from_be_bytes([b[0], b[1]])
            }
        };
        let u32_at = |b: &[u8]| {
            let a = [b[0], b[1], b[2], b[3]];
            if little {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            }
        };
        let mut ifd = u64::from(u32_at(&header[4..8]));
        let mut seen = 0;
        while ifd != 0 {
            seen += 1;
            if seen > 4096 {
                return damaged("too many TIFF image directories (or a loop)");
            }
            let Some(count) = self.bytes_at(ifd, 2)? else {
                return cut_short("a TIFF image directory", ifd + 2, self.len);
            };
            let entries = u64::from(u16_at(&count));
            let table_len = entries * 12 + 4;
            let Some(table) =
                self.bytes_at(ifd + 2, usize::try_from(table_len).unwrap_or(usize::MAX))?
            else {
                return cut_short("a TIFF image directory", ifd + 2 + table_len, self.len);
            };
            let mut offsets = Vec::new();
            let mut counts = Vec::new();
            for entry in table[..table.len() - 4].chunks_exact(12) {
                let tag = u16_at(&entry[0..2]);
                let kind = u16_at(&entry[2..4]);
                let n = u64::from(u32_at(&entry[4..8]));
                // A value longer than four bytes lives elsewhere in the file.
                let value_len = n.saturating_mul(tiff_type_size(kind));
                if value_len > 4 {
                    let at = u64::from(u32_at(&entry[8..12]));
                    if at.saturating_add(value_len) > self.len {
                        return cut_short(
                            &format!("TIFF tag {tag}"),
                            at.saturating_add(value_len),
                            self.len,
                        );
                    }
                }
                let values = match (tag, kind, n) {
                    (273 | 279 | 324 | 325, 3, 1) => vec![u64::from(u16_at(&entry[8..10]))],
                    (273 | 279 | 324 | 325, 4, 1) => vec![u64::from(u32_at(&entry[8..12]))],
                    (273 | 279 | 324 | 325, 3 | 4, n) if n > 1 => {
                        let width = if kind == 3 { 2 } else { 4 };
                        let at = u64::from(u32_at(&entry[8..12]));
                        let bytes = n * width;
                        let Some(list) =
                            self.bytes_at(at, usize::try_from(bytes).unwrap_or(usize::MAX))?
                        else {
                            return cut_short("a TIFF strip table", at + bytes, self.len);
                        };
                        list.chunks_exact(width as usize)
                            .map(|c| {
                                if width == 2 {
                                    u64::from(u16_at(c))
                                } else {
                                    u64::from(u32_at(c))
                                }
                            })
                            .collect()
                    }
                    _ => continue,
                };
                match tag {
                    273 | 324 => offsets = values,
                    _ => counts = values,
                }
            }
            for (offset, count) in offsets.iter().zip(&counts) {
                if offset.saturating_add(*count) > self.len {
                    return cut_short("the image data", offset + count, self.len);
                }
            }
            let next = &table[table.len() - 4..];
            ifd = u64::from(u32_at(next));
        }
        Ok(Ok(()))
    }

    /// Skip a leading ID3v2 tag; the offset where the content starts.
    fn after_id3(&mut self) -> io::Result<Result<u64, Problem>> {
        let Some(head) = self.bytes_at(0, 10)? else {
            return Ok(Err(format!(
                "it ends too early (truncated): only {} bytes",
                self.len
            )));
        };
        if &head[..3] != b"ID3" {
            return Ok(Ok(0));
        }
        let size = head[6..10]
            .iter()
            .fold(0u64, |acc, b| (acc << 7) | u64::from(b & 0x7f));
        let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
        let end = 10 + size + footer;
        if end > self.len {
            return Ok(Err(format!(
                "it ends too early (truncated): the ID3 tag needs {end} bytes but the file has {}",
                self.len
            )));
        }
        Ok(Ok(end))
    }

    fn flac(&mut self) -> Verdict {
        let mut at = match self.after_id3()? {
            Ok(at) => at,
            Err(problem) => return damaged(problem),
        };
        if self.bytes_at(at, 4)?.as_deref() != Some(b"fLaC") {
            return damaged("the FLAC stream marker is missing");
        }
        at += 4;
        for _ in 0..MAX_STRUCTURES {
            let Some(header) = self.bytes_at(at, 4)? else {
                return cut_short("a FLAC metadata block", at + 4, self.len);
            };
            let length = u64::from(u32::from_be_bytes([0, header[1], header[2], header[3]]));
            at += 4 + length;
            if at > self.len {
                return cut_short("a FLAC metadata block", at, self.len);
            }
            if header[0] & 0x80 != 0 {
                return match self.bytes_at(at, 2)? {
                    Some(sync) if sync[0] == 0xFF && sync[1] & 0xFE == 0xF8 => {
                        self.flac_last_frame(at)
                    }
                    _ => damaged(
                        "it ends too early (truncated): no FLAC audio frames follow the metadata",
                    ),
                };
            }
        }
        damaged("too many FLAC metadata blocks")
    }

    /// The file must end with a whole FLAC frame: some frame header near the
    /// end (its CRC-8 right) starts a frame whose CRC-16 is the file's last two bytes.
    fn flac_last_frame(&mut self, audio_start: u64) -> Verdict {
        let tail_len = FLAC_TAIL.min(self.len - audio_start);
        let tail = self.tail(tail_len)?;
        let Some((body, crc)) = tail.len().checked_sub(2).map(|n| tail.split_at(n)) else {
            return damaged("it ends too early (truncated): no FLAC audio frame");
        };
        let expected = u16::from_be_bytes([crc[0], crc[1]]);
        let complete = (0..body.len().saturating_sub(1))
            .rev()
            .filter(|&p| body[p] == 0xFF && body[p + 1] & 0xFE == 0xF8)
            .filter(|&p| flac_frame_header_ok(&body[p..]))
            .any(|p| FLAC_CRC16.checksum(&body[p..]) == expected);
        if complete {
            Ok(Ok(()))
        } else {
            damaged("it ends too early (truncated): the last FLAC audio frame is incomplete")
        }
    }

    fn mp3(&mut self) -> Verdict {
        let at = match self.after_id3()? {
            Ok(at) => at,
            Err(problem) => return damaged(problem),
        };
        let mut at = at;
        let mut frames = 0usize;
        while frames < MAX_STRUCTURES {
            let Some(header) = self.bytes_at(at, 4)? else {
                break;
            };
            let Some(length) = mp3_frame_length(&header) else {
                break;
            };
            if at + length > self.len {
                return cut_short(&format!("MP3 frame {}", frames + 1), at + length, self.len);
            }
            at += length;
            frames += 1;
        }
        // Whatever follows the last frame (an ID3v1 or APE tag) is not audio.
        if frames == 0 {
            return damaged("no MPEG audio frame follows the tags");
        }
        Ok(Ok(()))
    }

    fn svg(&mut self) -> Verdict {
        let tail = self.tail(SVG_TAIL)?;
        let text = String::from_utf8_lossy(&tail);
        if text.contains("</svg>") || text.contains("</svg ") || text.trim_end().ends_with("/>") {
            Ok(Ok(()))
        } else {
            damaged("it ends too early (truncated): the closing </svg> tag is missing")
        }
    }
}

/// The size in bytes of one value of a TIFF field type (0 for unknown types).
fn tiff_type_size(kind: u16) -> u64 {
    match kind {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 | 16 => 8,
        _ => 0,
    }
}

/// FLAC's frame header checksum (CRC-8, polynomial 0x07).
const FLAC_CRC8: crc::Crc<u8> = crc::Crc::<u8>::new(&crc::CRC_8_SMBUS);
/// FLAC's frame checksum (CRC-16, polynomial 0x8005).
const FLAC_CRC16: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_UMTS);
/// How much of a FLAC file's end is searched for its last frame.
const FLAC_TAIL: u64 = 1024 * 1024;

/// Whether `frame` starts with a FLAC frame header whose CRC-8 is right.
fn flac_frame_header_ok(frame: &[u8]) -> bool {
    let (Some(&codes), Some(&format)) = (frame.get(2), frame.get(3)) else {
        return false;
    };
    let (block_size, sample_rate) = (codes >> 4, codes & 0x0F);
    if block_size == 0 || sample_rate == 0x0F || format >> 4 >= 0b1011 || format & 0x01 != 0 {
        return false;
    }
    // The frame or sample number, UTF-8 coded: its first byte says how many follow.
    let Some(&lead) = frame.get(4) else {
        return false;
    };
    let number_len = match lead.leading_ones() {
        0 => 1,
        n @ 2..=7 => n as usize,
        _ => return false,
    };
    let extra = match block_size {
        0b0110 => 1,
        0b0111 => 2,
        _ => 0,
    } + match sample_rate {
        0b1100 => 1,
        0b1101 | 0b1110 => 2,
        _ => 0,
    };
    let header_len = 4 + number_len + extra;
    match (frame.get(..header_len), frame.get(header_len)) {
        (Some(header), Some(&crc)) => FLAC_CRC8.checksum(header) == crc,
        _ => false,
    }
}

/// The length in bytes of the MPEG audio layer III frame with this header,
/// or `None` if it is not one.
fn mp3_frame_length(header: &[u8]) -> Option<u64> {
    let [0xFF, b1, b2, _] = *header else {
        return None;
    };
    if b1 & 0xE0 != 0xE0 || (b1 >> 1) & 0x03 != 0x01 {
        return None;
    }
    const MPEG1_KBPS: [u64; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    const MPEG2_KBPS: [u64; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    let (kbps, rates, factor): (&[u64; 15], [u64; 3], u64) = match (b1 >> 3) & 0x03 {
        3 => (&MPEG1_KBPS, [44100, 48000, 32000], 144),
        2 => (&MPEG2_KBPS, [22050, 24000, 16000], 72),
        0 => (&MPEG2_KBPS, [11025, 12000, 8000], 72),
        _ => return None,
    };
    let bitrate = *kbps.get(usize::from(b2 >> 4))? * 1000;
    let rate = *rates.get(usize::from((b2 >> 2) & 0x03))?;
    if bitrate == 0 {
        return None;
    }
    Some(factor * bitrate / rate + u64::from((b2 >> 1) & 0x01))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn verdict(format: MediaFormat, bytes: &[u8]) -> Result<(), Problem> {
        check(format, &mut Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn boxes_must_tile_the_file() {
        let mut mp4 = Vec::new();
        mp4.extend_from_slice(&[0, 0, 0, 16]);
        mp4.extend_from_slice(b"ftypisom\0\0\0\0");
        mp4.extend_from_slice(&[0, 0, 0, 12]);
        mp4.extend_from_slice(b"mdat1234");
        assert_eq!(verdict(MediaFormat::Mp4, &mp4), Ok(()));
        let cut = verdict(MediaFormat::Mp4, &mp4[..mp4.len() - 1]).unwrap_err();
        assert_eq!(
            cut,
            "it ends too early (truncated): the 'mdat' box needs 28 bytes but the file has 27"
        );
    }

    #[test]
    fn png_needs_its_end_chunk() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&[0, 0, 0, 0]);
        png.extend_from_slice(b"IEND");
        png.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
        assert_eq!(verdict(MediaFormat::Png, &png), Ok(()));
        assert!(verdict(MediaFormat::Png, &png[..png.len() - 2]).is_err());
    }

    #[test]
    fn riff_size_must_fit() {
        let mut wav = b"RIFF".to_vec();
        wav.extend_from_slice(&100u32.to_le_bytes());
        wav.extend_from_slice(b"WAVE");
        let problem = verdict(MediaFormat::Wav, &wav).unwrap_err();
        assert!(
            problem.contains("the RIFF container needs 108 bytes"),
            "{problem}"
        );
    }

    #[test]
    fn hostile_lengths_do_not_allocate_or_loop() {
        // A TIFF directory claiming 65535 entries at the end of a tiny file.
        let tiff = b"II*\0\x08\0\0\0\xff\xff";
        assert!(verdict(MediaFormat::Tiff, tiff).is_err());
        // A TIFF whose directory points at itself.
        let looping = b"II*\0\x08\0\0\0\0\0\x08\0\0\0";
        assert!(verdict(MediaFormat::Tiff, looping).is_err());
        // A box of size 1 (64-bit size follows) claiming an exabyte.
        let mut huge = vec![0, 0, 0, 1];
        huge.extend_from_slice(b"mdat");
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        assert!(verdict(MediaFormat::Mp4, &huge).is_err());
    }
}
