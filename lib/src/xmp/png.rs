//! PNG: the XMP packet in an `iTXt` chunk with keyword `XML:com.adobe.xmp`.
//!
//! Written uncompressed (as the XMP specification asks, so that packet
//! scanners find it), with its CRC, before the first `IDAT`; an existing XMP
//! chunk is replaced where it stands. A compressed one is read (inflated
//! within [`MAX_PACKET`]) and replaced by an uncompressed one.

use std::io::{Read, Seek, Write};

use crc::{CRC_32_ISO_HDLC, Crc};
use flate2::read::ZlibDecoder;

use super::error::{Error, Result};
use super::mapping::Statement;
use super::packet::{MAX_PACKET, Packet};
use super::source::{Source, Splice, write_spliced};

/// The PNG file signature.
pub(super) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// The `iTXt` keyword of an XMP packet.
pub(super) const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";

const FORMAT: &str = "PNG";
const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);
/// Largest chunk length PNG allows.
const MAX_CHUNK: u64 = 0x7FFF_FFFF;

#[derive(Debug, Clone, Copy)]
struct Chunk {
    start: u64,
    len: u64,
}

impl Chunk {
    fn data(&self) -> u64 {
        self.start + 8
    }
    fn end(&self) -> u64 {
        self.start + 12 + self.len
    }
}

struct Layout {
    xmp: Vec<Chunk>,
    first_idat: Option<u64>,
}

fn scan<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<Layout> {
    if src.array::<8>(0, "the PNG signature")? != SIGNATURE {
        return Err(src.damaged("it does not start with the PNG signature"));
    }
    let mut pos = 8u64;
    let mut layout = Layout {
        xmp: Vec::new(),
        first_idat: None,
    };
    let mut first = true;
    loop {
        let head = src.array::<8>(pos, "a chunk header")?;
        let len = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
        let kind = [head[4], head[5], head[6], head[7]];
        if len > MAX_CHUNK {
            return Err(src.damaged(format!("chunk at byte {pos} declares {len} bytes")));
        }
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(src.damaged(format!("chunk at byte {pos} has an invalid type")));
        }
        let chunk = Chunk { start: pos, len };
        src.check(pos, 12 + len, "a chunk")?;
        if first && &kind != b"IHDR" {
            return Err(src.damaged("the first chunk is not IHDR"));
        }
        first = false;
        match &kind {
            b"IDAT" if layout.first_idat.is_none() => layout.first_idat = Some(pos),
            b"iTXt" => {
                let (head, n) = src.peek::<18>(chunk.data())?;
                let n = n.min(usize::try_from(len).unwrap_or(0));
                if head[..n].starts_with(XMP_KEYWORD) && head.get(XMP_KEYWORD.len()) == Some(&0) {
                    layout.xmp.push(chunk);
                }
            }
            b"IEND" => return Ok(layout),
            _ => {}
        }
        pos = chunk.end();
    }
}

fn the_xmp_chunk(src: &Source<'_, impl Read + Seek>, layout: &Layout) -> Result<Option<Chunk>> {
    match layout.xmp.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        many => Err(Error::MultiplePackets {
            file: src.file.to_string(),
            format: FORMAT,
            count: many.len(),
        }),
    }
}

/// The packet inside an XMP `iTXt` chunk (CRC checked, inflated if compressed).
fn packet_of<R: Read + Seek>(src: &mut Source<'_, R>, chunk: &Chunk) -> Result<Vec<u8>> {
    // The packet plus the chunk's own fields; more than that is refused.
    let data = src.read_vec(
        chunk.start + 4,
        chunk.len + 4,
        MAX_PACKET + 64,
        "the XMP iTXt chunk",
    )?;
    let stored = u32::from_be_bytes(src.array::<4>(chunk.data() + chunk.len, "a chunk CRC")?);
    if CRC32.checksum(&data) != stored {
        return Err(src.damaged("the XMP iTXt chunk's CRC does not match its content"));
    }
    let body = data.get(4..).unwrap_or_default();
    // keyword \0 compression-flag compression-method language \0 translated \0 text
    let rest = body.get(XMP_KEYWORD.len() + 1..).unwrap_or_default();
    let [flag, method, rest @ ..] = rest else {
        return Err(src.damaged("the XMP iTXt chunk is truncated"));
    };
    let mut fields = rest.splitn(3, |b| *b == 0);
    let (Some(_lang), Some(_translated), Some(text)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err(src.damaged("the XMP iTXt chunk is truncated"));
    };
    match (flag, method) {
        (0, _) => Ok(text.to_vec()),
        (1, 0) => {
            let mut out = Vec::new();
            ZlibDecoder::new(text)
                .take(MAX_PACKET as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| {
                    src.damaged(format!("the compressed XMP chunk cannot be inflated: {e}"))
                })?;
            if out.len() > MAX_PACKET {
                return Err(Error::TooLarge {
                    file: src.file.to_string(),
                    what: "the inflated XMP packet",
                    size: out.len() as u64,
                    limit: MAX_PACKET as u64,
                });
            }
            Ok(out)
        }
        _ => Err(src.damaged("the XMP iTXt chunk has an unknown compression")),
    }
}

/// A complete `iTXt` chunk holding `packet` uncompressed.
pub(super) fn xmp_chunk(packet: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(packet.len() + 40);
    data.extend_from_slice(b"iTXt");
    data.extend_from_slice(XMP_KEYWORD);
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(packet);
    let len = (data.len() - 4) as u32;
    let mut chunk = Vec::with_capacity(data.len() + 8);
    chunk.extend_from_slice(&len.to_be_bytes());
    chunk.extend_from_slice(&data);
    chunk.extend_from_slice(&CRC32.checksum(&data).to_be_bytes());
    chunk
}

/// The XMP packet of a PNG, if it has one.
pub(super) fn find_packet<R: Read + Seek>(file: &str, input: R) -> Result<Option<Vec<u8>>> {
    let mut src = Source::new(file, FORMAT, input)?;
    let layout = scan(&mut src)?;
    match the_xmp_chunk(&src, &layout)? {
        Some(chunk) => Ok(Some(packet_of(&mut src, &chunk)?)),
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
        Some(chunk) => Packet::merge(file, &packet_of(&mut src, chunk)?, statement)?,
        None => Packet::new(statement),
    };
    let chunk = xmp_chunk(&packet.to_bytes(super::packet::DEFAULT_PADDING));
    let splice = match (existing, layout.first_idat) {
        (Some(old), _) => Splice::replace(old.start, old.end(), chunk),
        (None, Some(idat)) => Splice::insert(idat, chunk),
        (None, None) => return Err(src.damaged("it has no IDAT chunk")),
    };
    write_spliced(&mut src, vec![splice], output)
}
