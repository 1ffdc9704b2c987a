//! WebP: the XMP packet in an `XMP ` chunk of the RIFF container.
//!
//! XMP needs the extended format: the `VP8X` chunk with its XMP flag (0x04)
//! set. A simple-format file (one `VP8 ` or `VP8L` chunk) gets a `VP8X`
//! chunk whose canvas size is read from the bitstream header (and, for
//! `VP8L`, whose alpha flag follows the bitstream's alpha hint). An existing
//! `XMP ` chunk is replaced where it stands; a new one goes after the image
//! data and any `EXIF` chunk, as the container specification orders them.
//! The RIFF size is recomputed. Written by hand: img-parts 0.4 does not set
//! the VP8X flag.

use std::io::{Read, Seek, Write};

use super::error::{Error, Result};
use super::mapping::Statement;
use super::packet::{DEFAULT_PADDING, MAX_PACKET, Packet};
use super::source::{Source, Splice, write_spliced};

const FORMAT: &str = "WebP";
/// VP8X flag: the file has XMP metadata.
pub(super) const FLAG_XMP: u8 = 0x04;
/// VP8X flag: the file has alpha.
pub(super) const FLAG_ALPHA: u8 = 0x10;

#[derive(Debug, Clone, Copy)]
struct Chunk {
    fourcc: [u8; 4],
    start: u64,
    size: u64,
}

impl Chunk {
    fn data(&self) -> u64 {
        self.start + 8
    }
    /// Past the chunk and its pad byte.
    fn end(&self) -> u64 {
        self.start + 8 + self.size + (self.size & 1)
    }
}

struct Layout {
    riff_end: u64,
    chunks: Vec<Chunk>,
}

fn scan<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<Layout> {
    let head = src.array::<12>(0, "the RIFF header")?;
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WEBP" {
        return Err(src.damaged("it does not start with RIFF....WEBP"));
    }
    let riff_size = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
    let riff_end = 8 + riff_size;
    if riff_end > src.len() {
        return Err(src.damaged(format!(
            "the RIFF header declares {riff_size} bytes but the file holds {}",
            src.len().saturating_sub(8)
        )));
    }
    let mut chunks = Vec::new();
    let mut pos = 12u64;
    while pos + 8 <= riff_end {
        let h = src.array::<8>(pos, "a chunk header")?;
        let size = u64::from(u32::from_le_bytes([h[4], h[5], h[6], h[7]]));
        let chunk = Chunk {
            fourcc: [h[0], h[1], h[2], h[3]],
            start: pos,
            size,
        };
        if chunk.data() + size > riff_end {
            return Err(src.damaged(format!(
                "chunk {} at byte {pos} declares {size} bytes, past the end of the RIFF data",
                String::from_utf8_lossy(&chunk.fourcc)
            )));
        }
        chunks.push(chunk);
        // A missing final pad byte is tolerated (the chunk still ends inside the file).
        pos = chunk.end().min(riff_end);
    }
    if chunks.is_empty() {
        return Err(src.damaged("it has no chunks"));
    }
    Ok(Layout { riff_end, chunks })
}

fn the_xmp_chunk(src: &Source<'_, impl Read + Seek>, layout: &Layout) -> Result<Option<Chunk>> {
    let xmp: Vec<&Chunk> = layout
        .chunks
        .iter()
        .filter(|c| &c.fourcc == b"XMP ")
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

/// Canvas width, height and alpha hint from a simple-format image chunk.
fn canvas<R: Read + Seek>(src: &mut Source<'_, R>, chunk: &Chunk) -> Result<(u32, u32, bool)> {
    match &chunk.fourcc {
        b"VP8 " => {
            if chunk.size < 10 {
                return Err(src.damaged("the VP8 chunk is too short for a frame header"));
            }
            let b = src.array::<10>(chunk.data(), "the VP8 frame header")?;
            if b[0] & 1 != 0 {
                return Err(src.damaged("the VP8 bitstream does not start with a key frame"));
            }
            if b[3..6] != [0x9D, 0x01, 0x2A] {
                return Err(src.damaged("the VP8 frame header lacks its start code"));
            }
            let w = u32::from(u16::from_le_bytes([b[6], b[7]]) & 0x3FFF);
            let h = u32::from(u16::from_le_bytes([b[8], b[9]]) & 0x3FFF);
            Ok((w, h, false))
        }
        b"VP8L" => {
            if chunk.size < 5 {
                return Err(src.damaged("the VP8L chunk is too short for its header"));
            }
            let b = src.array::<5>(chunk.data(), "the VP8L header")?;
            if b[0] != 0x2F {
                return Err(src.damaged("the VP8L chunk lacks its signature byte 0x2F"));
            }
            let bits = u32::from_le_bytes([b[1], b[2], b[3], b[4]]);
            let w = (bits & 0x3FFF) + 1;
            let h = ((bits >> 14) & 0x3FFF) + 1;
            Ok((w, h, (bits >> 28) & 1 == 1))
        }
        other => Err(src.damaged(format!(
            "the first chunk is {}, not VP8X, VP8 or VP8L",
            String::from_utf8_lossy(other)
        ))),
    }
}

/// A complete `VP8X` chunk.
fn vp8x_chunk(flags: u8, width: u32, height: u32) -> Vec<u8> {
    let mut c = Vec::with_capacity(18);
    c.extend_from_slice(b"VP8X");
    c.extend_from_slice(&10u32.to_le_bytes());
    c.extend_from_slice(&[flags, 0, 0, 0]);
    c.extend_from_slice(&width.saturating_sub(1).to_le_bytes()[..3]);
    c.extend_from_slice(&height.saturating_sub(1).to_le_bytes()[..3]);
    c
}

/// A complete `XMP ` chunk (padded to an even size).
fn xmp_chunk(packet: &[u8]) -> Vec<u8> {
    let mut c = Vec::with_capacity(packet.len() + 9);
    c.extend_from_slice(b"XMP ");
    c.extend_from_slice(&(packet.len() as u32).to_le_bytes());
    c.extend_from_slice(packet);
    if packet.len() % 2 == 1 {
        c.push(0);
    }
    c
}

/// The XMP packet of a WebP file, if it has one.
pub(super) fn find_packet<R: Read + Seek>(file: &str, input: R) -> Result<Option<Vec<u8>>> {
    let mut src = Source::new(file, FORMAT, input)?;
    let layout = scan(&mut src)?;
    match the_xmp_chunk(&src, &layout)? {
        Some(c) => Ok(Some(src.read_vec(
            c.data(),
            c.size,
            MAX_PACKET,
            "the XMP chunk",
        )?)),
        None => Ok(None),
    }
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
    let existing = the_xmp_chunk(&src, &layout)?;
    let packet = match &existing {
        Some(c) => Packet::merge(
            file,
            &src.read_vec(c.data(), c.size, MAX_PACKET, "the XMP chunk")?,
            statement,
        )?,
        None => Packet::new(statement),
    };
    let new_chunk = xmp_chunk(&packet.to_bytes(DEFAULT_PADDING));

    let mut splices = Vec::new();
    let first = *layout
        .chunks
        .first()
        .ok_or_else(|| src.damaged("it has no chunks"))?;
    if &first.fourcc == b"VP8X" {
        if first.size < 10 {
            return Err(src.damaged("the VP8X chunk is shorter than 10 bytes"));
        }
        let [flags] = src.array::<1>(first.data(), "the VP8X flags")?;
        if flags & FLAG_XMP == 0 {
            splices.push(Splice::replace(
                first.data(),
                first.data() + 1,
                vec![flags | FLAG_XMP],
            ));
        }
    } else {
        let (w, h, alpha) = canvas(&mut src, &first)?;
        let flags = FLAG_XMP | if alpha { FLAG_ALPHA } else { 0 };
        splices.push(Splice::insert(12, vp8x_chunk(flags, w, h)));
    }
    match existing {
        Some(old) => splices.push(Splice::replace(
            old.start,
            old.end().min(layout.riff_end),
            new_chunk,
        )),
        None => {
            // After image data and EXIF; before unknown chunks.
            let known: [&[u8; 4]; 8] = [
                b"VP8X", b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L", b"EXIF",
            ];
            let after = layout
                .chunks
                .iter()
                .filter(|c| known.contains(&&c.fourcc))
                .map(|c| c.end().min(layout.riff_end))
                .max()
                .unwrap_or(layout.riff_end);
            // A final odd-sized chunk that lacks its pad byte gets one first.
            let unpadded = layout.chunks.iter().any(|c| c.end() > layout.riff_end);
            let mut bytes = new_chunk;
            if after == layout.riff_end && unpadded {
                bytes.insert(0, 0);
            }
            splices.push(Splice::insert(after, bytes));
        }
    }
    let growth: i128 = splices.iter().map(Splice::growth).sum();
    let new_size = i128::from(layout.riff_end - 8) + growth;
    let new_size = u32::try_from(new_size).map_err(|_| Error::TooLarge {
        file: file.to_string(),
        what: "the RIFF data",
        size: u64::try_from(new_size).unwrap_or(u64::MAX),
        limit: u64::from(u32::MAX),
    })?;
    splices.push(Splice::replace(4, 8, new_size.to_le_bytes().to_vec()));
    write_spliced(&mut src, splices, output)
}
