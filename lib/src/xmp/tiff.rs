//! TIFF: the XMP packet as tag 700 (XMLPacket) of IFD0.
//!
//! Nothing in the file moves, so every offset in it (strips, tiles, Exif and
//! GPS IFDs, maker notes) stays valid:
//!
//! * an existing packet whose space holds the merged one is rewritten in
//!   place, padded to its old size;
//! * otherwise the packet is appended at the end of the file and the tag-700
//!   entry pointed at it (its old data, now unreferenced, is blanked with spaces);
//! * without a tag 700, a copy of IFD0 with the new entry (entries kept in tag
//!   order) is appended and the header pointed at it; the old IFD0 is left
//!   unreferenced, and every entry keeps pointing at the same data.
//!
//! BigTIFF and files over 4 GiB are not written.

use std::io::{Read, Seek, Write};

use super::error::{Error, Result};
use super::mapping::Statement;
use super::packet::{DEFAULT_PADDING, MAX_PACKET, Packet};
use super::source::{Source, Splice, write_spliced};

const FORMAT: &str = "TIFF";
/// The XMLPacket tag.
pub(super) const TAG_XMP: u16 = 700;
/// Most IFD0 entries accepted.
const MAX_ENTRIES: u64 = 4096;

#[derive(Debug, Clone, Copy)]
struct Order(bool); // true: big-endian ("MM")

impl Order {
    fn u16(self, b: [u8; 2]) -> u16 {
        if self.0 {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }
    fn u32(self, b: [u8; 4]) -> u32 {
        if self.0 {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }
    fn put16(self, v: u16) -> [u8; 2] {
        if self.0 {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn put32(self, v: u32) -> [u8; 4] {
        if self.0 {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
}

struct Entry {
    raw: [u8; 12],
    tag: u16,
}

struct Layout {
    order: Order,
    entries: Vec<Entry>,
    next_ifd: [u8; 4],
    /// (entry position, data offset, data length) of tag 700.
    xmp: Option<(u64, u64, u64)>,
}

fn type_size(t: u16) -> u64 {
    match t {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 | 16 | 17 | 18 => 8,
        _ => 1,
    }
}

fn scan<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<Layout> {
    let h = src.array::<8>(0, "the TIFF header")?;
    let order = match &h[0..2] {
        b"II" => Order(false),
        b"MM" => Order(true),
        _ => return Err(src.damaged("it does not start with II or MM")),
    };
    match order.u16([h[2], h[3]]) {
        42 => {}
        43 => {
            return Err(Error::NotWritable {
                file: src.file.to_string(),
                format: "BigTIFF",
                reason: "BigTIFF is not handled",
            });
        }
        n => return Err(src.damaged(format!("the TIFF version is {n}, not 42"))),
    }
    let ifd = u64::from(order.u32([h[4], h[5], h[6], h[7]]));
    let count = u64::from(order.u16(src.array::<2>(ifd, "the IFD0 entry count")?));
    if count > MAX_ENTRIES {
        return Err(src.damaged(format!("IFD0 declares {count} entries")));
    }
    src.check(ifd + 2, count * 12 + 4, "IFD0")?;
    let mut entries = Vec::with_capacity(count as usize);
    let mut xmp = None;
    let mut xmp_count = 0;
    for i in 0..count {
        let pos = ifd + 2 + 12 * i;
        let raw = src.array::<12>(pos, "an IFD0 entry")?;
        let tag = order.u16([raw[0], raw[1]]);
        if tag == TAG_XMP {
            xmp_count += 1;
            let kind = order.u16([raw[2], raw[3]]);
            let n = u64::from(order.u32([raw[4], raw[5], raw[6], raw[7]]));
            let len = n.saturating_mul(type_size(kind));
            if len <= 4 {
                return Err(src.damaged("the XMP tag holds 4 bytes or fewer"));
            }
            let off = u64::from(order.u32([raw[8], raw[9], raw[10], raw[11]]));
            src.check(off, len, "the XMP tag's data")?;
            xmp = Some((pos, off, len));
        }
        entries.push(Entry { raw, tag });
    }
    if xmp_count > 1 {
        return Err(Error::MultiplePackets {
            file: src.file.to_string(),
            format: FORMAT,
            count: xmp_count,
        });
    }
    let next_ifd = src.array::<4>(ifd + 2 + 12 * count, "the next-IFD offset")?;
    Ok(Layout {
        order,
        entries,
        next_ifd,
        xmp,
    })
}

/// The XMP packet of a TIFF file, if it has one.
pub(super) fn find_packet<R: Read + Seek>(file: &str, input: R) -> Result<Option<Vec<u8>>> {
    let mut src = Source::new(file, FORMAT, input)?;
    let layout = scan(&mut src)?;
    match layout.xmp {
        Some((_, off, len)) => Ok(Some(src.read_vec(
            off,
            len,
            MAX_PACKET,
            "the XMP packet",
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
    let o = layout.order;
    let packet = match layout.xmp {
        Some((_, off, len)) => Packet::merge(
            file,
            &src.read_vec(off, len, MAX_PACKET, "the XMP packet")?,
            statement,
        )?,
        None => Packet::new(statement),
    };
    if let Some((_, off, len)) = layout.xmp
        && let Some(bytes) = packet.to_bytes_exact(usize::try_from(len).unwrap_or(usize::MAX))
    {
        return write_spliced(
            &mut src,
            vec![Splice::replace(off, off + len, bytes)],
            output,
        );
    }
    let len = src.len();
    let too_big = || Error::NotWritable {
        file: file.to_string(),
        format: FORMAT,
        reason: "the result would pass 4 GiB, where TIFF offsets end",
    };
    let mut tail = Vec::new();
    if len % 2 == 1 {
        tail.push(0);
    }
    let packet_at = len + tail.len() as u64;
    let bytes = packet.to_bytes(DEFAULT_PADDING);
    let packet_len = u32::try_from(bytes.len()).map_err(|_| too_big())?;
    tail.extend_from_slice(&bytes);
    let packet_at32 = u32::try_from(packet_at).map_err(|_| too_big())?;
    let mut splices = Vec::new();
    match layout.xmp {
        Some((entry, _, _)) => {
            let mut fix = Vec::with_capacity(8);
            fix.extend_from_slice(&o.put32(packet_len));
            fix.extend_from_slice(&o.put32(packet_at32));
            // Count and offset, in the entry; the type (BYTE or UNDEFINED) stays.
            splices.push(Splice::replace(entry + 4, entry + 12, fix));
            // The old packet, now unreferenced, is blanked so that packet
            // scanners find one packet only.
            if let Some((_, off, old_len)) = layout.xmp {
                let n = usize::try_from(old_len).unwrap_or(0).min(MAX_PACKET);
                splices.push(Splice::replace(off, off + n as u64, vec![b' '; n]));
            }
        }
        None => {
            if tail.len() % 2 == 1 {
                tail.push(0);
            }
            let ifd_at = u32::try_from(len + tail.len() as u64).map_err(|_| too_big())?;
            let mut entry = [0u8; 12];
            entry[0..2].copy_from_slice(&o.put16(TAG_XMP));
            entry[2..4].copy_from_slice(&o.put16(1)); // BYTE
            entry[4..8].copy_from_slice(&o.put32(packet_len));
            entry[8..12].copy_from_slice(&o.put32(packet_at32));
            let mut raws: Vec<(u16, [u8; 12])> =
                layout.entries.iter().map(|e| (e.tag, e.raw)).collect();
            raws.push((TAG_XMP, entry));
            raws.sort_by_key(|(tag, _)| *tag);
            let count = u16::try_from(raws.len()).map_err(|_| src.damaged("IFD0 is full"))?;
            tail.extend_from_slice(&o.put16(count));
            for (_, raw) in &raws {
                tail.extend_from_slice(raw);
            }
            tail.extend_from_slice(&layout.next_ifd);
            splices.push(Splice::replace(4, 8, o.put32(ifd_at).to_vec()));
        }
    }
    u32::try_from(len + tail.len() as u64).map_err(|_| too_big())?;
    splices.push(Splice::insert(len, tail));
    write_spliced(&mut src, splices, output)
}
