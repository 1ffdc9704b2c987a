//! ISO BMFF (MP4, MOV, M4A, 3GP…): the XMP packet in a top-level `uuid` box
//! with user type BE7ACFCB-97A9-42E8-9C71-999491E3AFAC.
//!
//! Media data is addressed by absolute file offsets (`stco`/`co64` in `moov`,
//! `tfhd`/`trun` base offsets, `iloc`, `sidx`…), so nothing that precedes
//! media data may change size. The rules, in order:
//!
//! 1. An existing XMP box whose space holds the merged packet is rewritten in
//!    place, padded to exactly its old size: no byte moves.
//! 2. An existing XMP box that is the last box of the file may grow: nothing
//!    follows it.
//! 3. Otherwise the old box becomes a `free` box (its type renamed in place,
//!    same size, its content zeroed) and a new XMP box is appended at the end of the file, or just
//!    before a final `mfra` box (whose `mfro` must stay last; `mfra` holds
//!    offsets of earlier boxes only).
//! 4. A QuickTime `moov/udta/XMP_` atom is read, merged into the new box, and
//!    renamed to `free` in place, so the file still holds one packet.
//!
//! A final box whose size field says "to the end of the file" (0) gets its
//! real size written first (same 4 bytes) so that the appended box is not
//! swallowed. HEIF/AVIF keep XMP as an item of the `meta` box (located by
//! `iloc`); they are not written (see NOTES.md).

use std::io::{Read, Seek, Write};

use super::error::{Error, Result};
use super::mapping::Statement;
use super::packet::{DEFAULT_PADDING, MAX_PACKET, Packet};
use super::source::{Source, Splice, write_spliced};

/// The user type of the XMP `uuid` box.
pub(super) const XMP_UUID: [u8; 16] = [
    0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
];

const FORMAT: &str = "ISO BMFF (MP4/MOV)";
/// Brands of HEIF/AVIF images, whose XMP is an item, not a `uuid` box.
const HEIF_BRANDS: [&[u8; 4]; 11] = [
    b"mif1", b"mif2", b"msf1", b"heic", b"heix", b"hevc", b"heim", b"heis", b"avif", b"avis",
    b"miaf",
];
/// Deepest `moov` search for `udta/XMP_`, and most boxes looked at there.
const MAX_CHILDREN: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct BoxInfo {
    kind: [u8; 4],
    start: u64,
    /// Header length (8, or 16 with a 64-bit size).
    header: u64,
    end: u64,
    /// The 32-bit size field was 0: the box runs to the end of the file.
    to_eof: bool,
}

/// Reads the box header at `pos` inside a parent ending at `limit`.
fn read_box<R: Read + Seek>(src: &mut Source<'_, R>, pos: u64, limit: u64) -> Result<BoxInfo> {
    if limit.saturating_sub(pos) < 8 {
        return Err(src.damaged(format!("{} stray bytes at byte {pos}", limit - pos)));
    }
    let h = src.array::<8>(pos, "a box header")?;
    let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let kind = [h[4], h[5], h[6], h[7]];
    let (header, end, to_eof) = match size32 {
        0 => (8, limit, true),
        1 => {
            let large = u64::from_be_bytes(src.array::<8>(pos + 8, "a 64-bit box size")?);
            (16, pos.saturating_add(large), false)
        }
        n => (8, pos + u64::from(n), false),
    };
    if end < pos + header || end > limit {
        return Err(src.damaged(format!(
            "box '{}' at byte {pos} declares {} bytes; {} are there",
            String::from_utf8_lossy(&kind),
            end.saturating_sub(pos),
            limit - pos
        )));
    }
    Ok(BoxInfo {
        kind,
        start: pos,
        header,
        end,
        to_eof,
    })
}

#[derive(Default)]
struct Layout {
    xmp: Vec<BoxInfo>,
    quicktime_xmp: Vec<BoxInfo>,
    last: Option<BoxInfo>,
    heif: bool,
}

fn scan<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<Layout> {
    let mut layout = Layout::default();
    let len = src.len();
    let mut pos = 0u64;
    let mut first = true;
    while pos < len {
        let b = read_box(src, pos, len)?;
        if first
            && !matches!(
                &b.kind,
                b"ftyp" | b"moov" | b"mdat" | b"free" | b"skip" | b"wide" | b"pnot"
            )
        {
            return Err(src.damaged("it does not start with an ftyp box"));
        }
        first = false;
        match &b.kind {
            b"ftyp" => {
                let body = b.start + b.header;
                let n = ((b.end - body) / 4).min(64);
                for i in 0..n {
                    // Major brand, minor version, compatible brands.
                    if i == 1 {
                        continue;
                    }
                    let brand = src.array::<4>(body + 4 * i, "a brand")?;
                    layout.heif |= HEIF_BRANDS.contains(&&brand);
                }
            }
            b"uuid" => {
                let user = src.array::<16>(b.start + b.header, "a uuid box's user type")?;
                if user == XMP_UUID && layout.xmp.len() < 8 {
                    if b.end < b.start + b.header + 16 {
                        return Err(src.damaged("the XMP uuid box is shorter than its header"));
                    }
                    layout.xmp.push(b);
                }
            }
            b"moov" => find_udta_xmp(src, &b, &mut layout)?,
            _ => {}
        }
        layout.last = Some(b);
        pos = b.end;
    }
    Ok(layout)
}

/// Finds `moov/udta/XMP_` (QuickTime's place for XMP).
fn find_udta_xmp<R: Read + Seek>(
    src: &mut Source<'_, R>,
    moov: &BoxInfo,
    layout: &mut Layout,
) -> Result<()> {
    let mut seen = 0usize;
    let mut pos = moov.start + moov.header;
    while pos + 8 <= moov.end && seen < MAX_CHILDREN {
        seen += 1;
        let child = read_box(src, pos, moov.end)?;
        if &child.kind == b"udta" {
            let mut p = child.start + child.header;
            while p + 8 <= child.end && seen < MAX_CHILDREN {
                seen += 1;
                // Some udta end with a 32-bit zero terminator; stop there.
                if src.array::<4>(p, "a box size")? == [0; 4] && child.end - p < 8 + 4 {
                    break;
                }
                let item = read_box(src, p, child.end)?;
                if &item.kind == b"XMP_" && layout.quicktime_xmp.len() < 8 {
                    layout.quicktime_xmp.push(item);
                }
                p = item.end;
            }
        }
        pos = child.end;
    }
    Ok(())
}

/// The one XMP box, uuid or QuickTime; an error if the file holds several.
fn the_packet_box(
    src: &Source<'_, impl Read + Seek>,
    layout: &Layout,
) -> Result<Option<(BoxInfo, u64)>> {
    let count = layout.xmp.len() + layout.quicktime_xmp.len();
    if count > 1 {
        return Err(Error::MultiplePackets {
            file: src.file.to_string(),
            format: FORMAT,
            count,
        });
    }
    Ok(if let Some(b) = layout.xmp.first() {
        Some((*b, b.start + b.header + 16))
    } else {
        layout
            .quicktime_xmp
            .first()
            .map(|b| (*b, b.start + b.header))
    })
}

/// The XMP packet of an MP4/MOV file, if it has one (HEIF items are not looked at).
pub(super) fn find_packet<R: Read + Seek>(file: &str, input: R) -> Result<Option<Vec<u8>>> {
    let mut src = Source::new(file, FORMAT, input)?;
    let layout = scan(&mut src)?;
    // Reading tolerates a second packet: the uuid box, ExifTool's choice, wins.
    let found = layout
        .xmp
        .first()
        .map(|b| (*b, b.start + b.header + 16))
        .or_else(|| {
            layout
                .quicktime_xmp
                .first()
                .map(|b| (*b, b.start + b.header))
        });
    match found {
        Some((b, content)) => Ok(Some(src.read_vec(
            content,
            b.end - content,
            MAX_PACKET,
            "the XMP box",
        )?)),
        None => Ok(None),
    }
}

fn uuid_box(packet: &[u8]) -> Result<Vec<u8>> {
    let size = u32::try_from(24 + packet.len()).map_err(|_| Error::TooLarge {
        file: String::new(),
        what: "the XMP box",
        size: 24 + packet.len() as u64,
        limit: u64::from(u32::MAX),
    })?;
    let mut b = Vec::with_capacity(packet.len() + 24);
    b.extend_from_slice(&size.to_be_bytes());
    b.extend_from_slice(b"uuid");
    b.extend_from_slice(&XMP_UUID);
    b.extend_from_slice(packet);
    Ok(b)
}

/// Writes `input` to `output` with `statement` in its XMP.
pub(super) fn embed<R: Read + Seek, W: Write>(
    file: &str,
    input: R,
    output: W,
    statement: &Statement,
) -> Result<()> {
    let mut src = Source::new(file, FORMAT, input)?;
    let layout = scan(&mut src)?;
    if layout.heif {
        return Err(Error::NotWritable {
            file: file.to_string(),
            format: "HEIF/AVIF",
            reason: "XMP there is an item of the meta box located by iloc offsets; rewriting it safely is not implemented",
        });
    }
    let existing = the_packet_box(&src, &layout)?;
    let packet = match existing {
        Some((b, content)) => Packet::merge(
            file,
            &src.read_vec(content, b.end - content, MAX_PACKET, "the XMP box")?,
            statement,
        )?,
        None => Packet::new(statement),
    };
    let len = src.len();
    let mut splices = Vec::new();

    if let Some((b, content)) = existing {
        let is_uuid = &b.kind == b"uuid";
        let room = usize::try_from(b.end - content).unwrap_or(usize::MAX);
        if is_uuid && let Some(bytes) = packet.to_bytes_exact(room) {
            // Rule 1: same size, in place.
            splices.push(Splice::replace(content, b.end, bytes));
            return write_spliced(&mut src, splices, output);
        }
        if is_uuid && b.end == len {
            // Rule 2: the last box may grow.
            let new_box =
                uuid_box(&packet.to_bytes(DEFAULT_PADDING)).map_err(|e| with_file(e, file))?;
            splices.push(Splice::replace(b.start, b.end, new_box));
            return write_spliced(&mut src, splices, output);
        }
        // Rules 3 and 4: retire the old box where it stands, its bytes zeroed so
        // that no stale packet is left for packet scanners to find.
        splices.push(Splice::replace(b.start + 4, b.start + 8, b"free".to_vec()));
        let body = b.start + b.header;
        let zeros = usize::try_from(b.end - body)
            .map_err(|_| src.damaged("the old XMP box is too large"))?;
        if zeros > MAX_PACKET + 16 {
            return Err(src.damaged("the old XMP box is larger than any packet"));
        }
        splices.push(Splice::replace(body, b.end, vec![0; zeros]));
    }

    let new_box = uuid_box(&packet.to_bytes(DEFAULT_PADDING)).map_err(|e| with_file(e, file))?;
    let mut at = len;
    if let Some(last) = layout.last {
        if &last.kind == b"mfra" {
            at = last.start;
        }
        if last.to_eof {
            let size = u32::try_from(last.end - last.start).map_err(|_| Error::NotWritable {
                file: file.to_string(),
                format: "ISO BMFF",
                reason: "its last box runs to the end of a file over 4 GiB and has no room for a 64-bit size",
            })?;
            splices.push(Splice::replace(
                last.start,
                last.start + 4,
                size.to_be_bytes().to_vec(),
            ));
        }
    }
    splices.push(Splice::insert(at, new_box));
    write_spliced(&mut src, splices, output)
}

fn with_file(e: Error, file: &str) -> Error {
    match e {
        Error::TooLarge {
            what, size, limit, ..
        } => Error::TooLarge {
            file: file.to_string(),
            what,
            size,
            limit,
        },
        other => other,
    }
}
