//! Bounded streaming search through a file: byte patterns, and XMP packets
//! found by their `<?xpacket` wrapper (the XMP specification's "packet
//! scanning", used for formats whose own structure is not parsed here).

use std::io::{Read, Seek};

use memchr::memmem::Finder;

use super::error::Result;
use super::packet::MAX_PACKET;
use super::source::Source;

/// Size of each window read while searching.
const WINDOW: u64 = 1024 * 1024;
/// Most packets collected by one scan.
const MAX_PACKETS: usize = 16;

/// Offsets of `needle` in `from..to`, at most `max` of them (the last `max`
/// when `keep_last`).
pub(crate) fn find_all<R: Read + Seek>(
    src: &mut Source<'_, R>,
    needle: &[u8],
    from: u64,
    to: u64,
    max: usize,
    keep_last: bool,
) -> Result<Vec<u64>> {
    let to = to.min(src.len());
    let mut found = Vec::new();
    if needle.is_empty() || from >= to || max == 0 {
        return Ok(found);
    }
    let finder = Finder::new(needle);
    let overlap = needle.len() as u64 - 1;
    let mut pos = from;
    while pos < to {
        let len = (to - pos).min(WINDOW + overlap);
        let buf = src.read_vec(pos, len, (WINDOW + overlap) as usize, "data")?;
        for i in finder.find_iter(&buf) {
            let at = pos + i as u64;
            // Matches starting in the overlap are found again by the next window.
            if i as u64 >= WINDOW && pos + len < to {
                continue;
            }
            found.push(at);
            if found.len() > max {
                if keep_last {
                    found.remove(0);
                } else {
                    found.truncate(max);
                    return Ok(found);
                }
            }
        }
        if pos + len >= to {
            break;
        }
        pos += WINDOW;
    }
    Ok(found)
}

/// The XMP packets found by their wrappers, in file order (at most 16, each
/// at most [`MAX_PACKET`] bytes; longer or unterminated ones are skipped).
pub(crate) fn packets<R: Read + Seek>(
    src: &mut Source<'_, R>,
    from: u64,
    to: u64,
) -> Result<Vec<Vec<u8>>> {
    let starts = find_all(src, b"<?xpacket begin=", from, to, MAX_PACKETS, false)?;
    let mut out = Vec::new();
    for start in starts {
        let limit = (start + MAX_PACKET as u64).min(to);
        let Some(end) = find_all(src, b"<?xpacket end=", start, limit, 1, false)?
            .first()
            .copied()
        else {
            continue;
        };
        let Some(close) = find_all(src, b"?>", end, (end + 64).min(limit), 1, false)?
            .first()
            .copied()
        else {
            continue;
        };
        out.push(src.read_vec(start, close + 2 - start, MAX_PACKET, "an XMP packet")?);
    }
    Ok(out)
}
