//! JPEG: the standard XMP packet in an APP1 segment
//! (`http://ns.adobe.com/xap/1.0/\0` + packet).
//!
//! The marker segments before the first SOS are scanned; an existing standard
//! XMP segment is replaced where it stands, otherwise the new one goes after
//! SOI and the leading APP0 (JFIF) / APP1 (Exif) segments. ExtendedXMP
//! segments (`http://ns.adobe.com/xmp/extension/\0`) are copied untouched, and
//! the merge keeps `xmpNote:HasExtendedXMP` (whose GUID is the MD5 of the
//! unchanged extension), so they stay valid. Everything from SOS on is copied
//! as it is.

use std::io::{Read, Seek, Write};

use super::error::{Error, Result};
use super::mapping::Statement;
use super::packet::{MAX_PACKET, Packet};
use super::source::{Source, Splice, write_spliced};

/// Signature that starts a standard XMP APP1 segment.
pub(super) const XMP_SIGNATURE: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// Signature that starts an ExtendedXMP APP1 segment.
pub(super) const EXTENDED_SIGNATURE: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
/// Largest packet a standard XMP APP1 segment holds (as the XMP specification
/// part 3 states; the segment arithmetic allows 65,504).
pub(super) const MAX_JPEG_PACKET: usize = 65_502;

const FORMAT: &str = "JPEG";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SegmentKind {
    App0,
    Exif,
    Xmp,
    ExtendedXmp,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    kind: SegmentKind,
    /// Offset of the marker's 0xFF.
    start: u64,
    /// Offset just past the segment.
    end: u64,
    /// Offset of the payload (after the length field).
    payload: u64,
}

/// The segments before the first SOS (or EOI).
fn scan<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<Vec<Segment>> {
    if src.array::<2>(0, "the start of image marker")? != [0xFF, 0xD8] {
        return Err(src.damaged("it does not start with the SOI marker FF D8"));
    }
    let mut segments = Vec::new();
    let mut pos = 2u64;
    loop {
        let start = pos;
        let [ff] = src.array::<1>(pos, "a marker")?;
        if ff != 0xFF {
            return Err(src.damaged(format!("expected a marker at byte {pos}, found 0x{ff:02X}")));
        }
        // Any number of 0xFF fill bytes may precede the marker code.
        let mut marker = 0xFF;
        while marker == 0xFF {
            pos += 1;
            [marker] = src.array::<1>(pos, "a marker")?;
        }
        pos += 1;
        match marker {
            0xDA | 0xD9 => return Ok(segments),
            0x01 | 0xD0..=0xD7 => continue,
            0x00 | 0xD8 => {
                return Err(
                    src.damaged(format!("unexpected marker FF {marker:02X} at byte {start}"))
                );
            }
            _ => {}
        }
        let len = u16::from_be_bytes(src.array::<2>(pos, "a segment length")?);
        if len < 2 {
            return Err(src.damaged(format!("segment at byte {start} has length {len}")));
        }
        src.check(pos, u64::from(len), "a marker segment")?;
        let payload = pos + 2;
        let end = pos + u64::from(len);
        let kind = match marker {
            0xE0 => SegmentKind::App0,
            0xE1 => {
                let (head, n) = src.peek::<35>(payload)?;
                let head = &head[..n.min(usize::from(len) - 2)];
                if head.starts_with(XMP_SIGNATURE) {
                    SegmentKind::Xmp
                } else if head.starts_with(EXTENDED_SIGNATURE) {
                    SegmentKind::ExtendedXmp
                } else if head.starts_with(b"Exif\0") {
                    SegmentKind::Exif
                } else {
                    SegmentKind::Other
                }
            }
            _ => SegmentKind::Other,
        };
        segments.push(Segment {
            kind,
            start,
            end,
            payload,
        });
        pos = end;
    }
}

fn the_xmp_segment(
    src: &Source<'_, impl Read + Seek>,
    segments: &[Segment],
) -> Result<Option<Segment>> {
    let xmp: Vec<&Segment> = segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Xmp)
        .collect();
    match xmp.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(**one)),
        many => Err(Error::MultiplePackets {
            file: src.file.to_string(),
            format: FORMAT,
            count: many.len(),
        }),
    }
}

fn packet_of<R: Read + Seek>(src: &mut Source<'_, R>, seg: &Segment) -> Result<Vec<u8>> {
    let at = seg.payload + XMP_SIGNATURE.len() as u64;
    src.read_vec(at, seg.end - at, MAX_PACKET, "the XMP packet")
}

/// The standard XMP packet of a JPEG, if it has one.
pub(super) fn find_packet<R: Read + Seek>(file: &str, input: R) -> Result<Option<Vec<u8>>> {
    let mut src = Source::new(file, FORMAT, input)?;
    let segments = scan(&mut src)?;
    match the_xmp_segment(&src, &segments)? {
        Some(seg) => Ok(Some(packet_of(&mut src, &seg)?)),
        None => Ok(None),
    }
}

/// Writes `input` to `output` with `statement` in its XMP (merged into the
/// existing packet, or in a new APP1 segment).
pub(super) fn embed<R: Read + Seek, W: Write>(
    file: &str,
    input: R,
    output: W,
    statement: &Statement,
) -> Result<()> {
    let mut src = Source::new(file, FORMAT, input)?;
    let segments = scan(&mut src)?;
    let existing = the_xmp_segment(&src, &segments)?;
    let packet = match &existing {
        Some(seg) => Packet::merge(file, &packet_of(&mut src, seg)?, statement)?,
        None => Packet::new(statement),
    };
    let bytes = packet
        .to_bytes_within(MAX_JPEG_PACKET)
        .ok_or_else(|| Error::TooLarge {
            file: file.to_string(),
            what: "the merged XMP packet (a JPEG APP1 segment holds 65,502; ExtendedXMP is not written)",
            size: packet.min_len() as u64,
            limit: MAX_JPEG_PACKET as u64,
        })?;
    let mut segment = Vec::with_capacity(bytes.len() + 33);
    let len =
        u16::try_from(2 + XMP_SIGNATURE.len() + bytes.len()).map_err(|_| Error::TooLarge {
            file: file.to_string(),
            what: "the XMP APP1 segment",
            size: (2 + XMP_SIGNATURE.len() + bytes.len()) as u64,
            limit: u64::from(u16::MAX),
        })?;
    segment.extend_from_slice(&[0xFF, 0xE1]);
    segment.extend_from_slice(&len.to_be_bytes());
    segment.extend_from_slice(XMP_SIGNATURE);
    segment.extend_from_slice(&bytes);

    let splice = match existing {
        Some(seg) => Splice::replace(seg.start, seg.end, segment),
        None => {
            let at = segments
                .iter()
                .take_while(|s| matches!(s.kind, SegmentKind::App0 | SegmentKind::Exif))
                .last()
                .map_or(2, |s| s.end);
            Splice::insert(at, segment)
        }
    };
    write_spliced(&mut src, vec![splice], output)
}
