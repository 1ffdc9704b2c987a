//! GIF: the XMP packet in the `XMP DataXMP` application extension.
//!
//! The packet is stored raw, followed by the 258-byte "magic trailer"
//! (0x01, 0xFF, 0xFE … 0x01, 0x00, then the block terminator 0x00), which
//! makes a decoder that reads the packet as sub-blocks land on the
//! terminator whatever byte it starts from. An existing XMP extension is
//! replaced where it stands; a new one goes before the first graphic control
//! extension or image (a graphic control extension must stay just before its
//! image). A GIF87a header becomes GIF89a, which defines extensions.

use std::io::{Read, Seek, Write};

use super::error::{Error, Result};
use super::mapping::Statement;
use super::packet::{DEFAULT_PADDING, MAX_PACKET, Packet};
use super::source::{Source, Splice, write_spliced};

const FORMAT: &str = "GIF";
/// Application identifier and authentication code of the XMP extension.
pub(super) const XMP_APP_ID: &[u8; 11] = b"XMP DataXMP";
const TRAILER_LEN: u64 = 258;

fn magic_trailer() -> Vec<u8> {
    let mut t = Vec::with_capacity(TRAILER_LEN as usize);
    t.push(0x01);
    t.extend((0..=0xFFu8).rev());
    t.push(0x00);
    t
}

struct Layout {
    version87: bool,
    /// (extension start, packet start, extension end).
    xmp: Vec<(u64, u64, u64)>,
    insert_at: u64,
}

/// Skips data sub-blocks from `pos`; returns the offset past the terminator.
fn skip_sub_blocks<R: Read + Seek>(src: &mut Source<'_, R>, mut pos: u64) -> Result<u64> {
    loop {
        let [n] = src.array::<1>(pos, "a data sub-block")?;
        pos += 1;
        if n == 0 {
            return Ok(pos);
        }
        src.check(pos, u64::from(n), "a data sub-block")?;
        pos += u64::from(n);
    }
}

fn color_table(flags: u8) -> u64 {
    if flags & 0x80 != 0 {
        3 << ((flags & 7) + 1)
    } else {
        0
    }
}

fn scan<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<Layout> {
    let h = src.array::<13>(0, "the GIF header")?;
    let version87 = match &h[0..6] {
        b"GIF87a" => true,
        b"GIF89a" => false,
        _ => return Err(src.damaged("it does not start with GIF87a or GIF89a")),
    };
    let mut pos = 13 + color_table(h[10]);
    let mut layout = Layout {
        version87,
        xmp: Vec::new(),
        insert_at: 0,
    };
    let mut insert_at = None;
    loop {
        let [b] = src.array::<1>(pos, "a block")?;
        match b {
            0x21 => {
                let [label] = src.array::<1>(pos + 1, "an extension label")?;
                if label == 0xF9 {
                    insert_at.get_or_insert(pos);
                }
                if label == 0xFF {
                    let [size] = src.array::<1>(pos + 2, "an application block")?;
                    let (id, _) = src.peek::<11>(pos + 3)?;
                    let data = pos + 3 + u64::from(size);
                    let end = skip_sub_blocks(src, data)?;
                    if size == 11 && &id == XMP_APP_ID {
                        if end < data + TRAILER_LEN {
                            return Err(
                                src.damaged("the XMP extension is shorter than its trailer")
                            );
                        }
                        layout.xmp.push((pos, data, end));
                    }
                    pos = end;
                } else {
                    pos = skip_sub_blocks(src, pos + 2)?;
                }
            }
            0x2C => {
                insert_at.get_or_insert(pos);
                let d = src.array::<10>(pos, "an image descriptor")?;
                pos += 10 + color_table(d[9]);
                // LZW minimum code size, then the image data.
                pos = skip_sub_blocks(src, pos + 1)?;
            }
            0x3B => {
                layout.insert_at = insert_at.unwrap_or(pos);
                return Ok(layout);
            }
            other => {
                return Err(src.damaged(format!("unexpected block 0x{other:02X} at byte {pos}")));
            }
        }
    }
}

fn the_xmp(src: &Source<'_, impl Read + Seek>, layout: &Layout) -> Result<Option<(u64, u64, u64)>> {
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

fn packet_of<R: Read + Seek>(
    src: &mut Source<'_, R>,
    (_, data, end): (u64, u64, u64),
) -> Result<Vec<u8>> {
    src.read_vec(data, end - TRAILER_LEN - data, MAX_PACKET, "the XMP packet")
}

/// The XMP packet of a GIF, if it has one.
pub(super) fn find_packet<R: Read + Seek>(file: &str, input: R) -> Result<Option<Vec<u8>>> {
    let mut src = Source::new(file, FORMAT, input)?;
    let layout = scan(&mut src)?;
    match the_xmp(&src, &layout)? {
        Some(x) => Ok(Some(packet_of(&mut src, x)?)),
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
    let existing = the_xmp(&src, &layout)?;
    let packet = match existing {
        Some(x) => Packet::merge(file, &packet_of(&mut src, x)?, statement)?,
        None => Packet::new(statement),
    };
    let mut ext = vec![0x21, 0xFF, 11];
    ext.extend_from_slice(XMP_APP_ID);
    ext.extend_from_slice(&packet.to_bytes(DEFAULT_PADDING));
    ext.extend_from_slice(&magic_trailer());
    let mut splices = Vec::new();
    if layout.version87 {
        splices.push(Splice::replace(3, 6, b"89a".to_vec()));
    }
    splices.push(match existing {
        Some((start, _, end)) => Splice::replace(start, end, ext),
        None => Splice::insert(layout.insert_at, ext),
    });
    write_spliced(&mut src, splices, output)
}
