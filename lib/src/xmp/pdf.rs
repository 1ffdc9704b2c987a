//! PDF (read only): the document's XMP metadata stream.
//!
//! The catalog is found through the last `/Root N G R` in the file's tail
//! (a classic trailer or a cross-reference stream's dictionary, both plain
//! text), its `/Metadata M G R` followed to object `M G obj`, and that
//! stream's data read (inflated if `/FlateDecode`, within [`MAX_PACKET`]).
//! When that route fails (a catalog inside a compressed object stream, an
//! unusual filter), the last uncompressed `<?xpacket` packet in the file is
//! used, which is where PDF writers keep document metadata. PDF is never
//! written here: c2pa 0.90 cannot sign PDF, and an incremental update is a
//! separate piece of work.

use std::io::{Read, Seek};

use flate2::read::ZlibDecoder;

use super::error::{Error, Result};
use super::packet::MAX_PACKET;
use super::scan::{find_all, packets};
use super::source::Source;

const FORMAT: &str = "PDF";
/// How much of the file's end is searched for the trailer's `/Root`.
const TAIL: u64 = 1024 * 1024;
/// How much of an object is read to find its dictionary.
const DICT: u64 = 64 * 1024;

/// The document XMP packet of a PDF, if one is found.
pub(super) fn find_packet<R: Read + Seek>(file: &str, input: R) -> Result<Option<Vec<u8>>> {
    let mut src = Source::new(file, FORMAT, input)?;
    if src.array::<5>(0, "the PDF header")? != *b"%PDF-" {
        return Err(src.damaged("it does not start with %PDF-"));
    }
    if let Some(packet) = via_catalog(&mut src)? {
        return Ok(Some(packet));
    }
    let len = src.len();
    Ok(packets(&mut src, 0, len)?.pop())
}

fn via_catalog<R: Read + Seek>(src: &mut Source<'_, R>) -> Result<Option<Vec<u8>>> {
    let len = src.len();
    let tail_start = len.saturating_sub(TAIL);
    let Some(root_at) = find_all(src, b"/Root", tail_start, len, 1, true)?.pop() else {
        return Ok(None);
    };
    let tail = src.read_vec(root_at, (len - root_at).min(64), 64, "the trailer")?;
    let Some((root, gen_)) = reference(&tail[5..]) else {
        return Ok(None);
    };
    let Some(catalog) = object_text(src, root, gen_)? else {
        return Ok(None);
    };
    let Some(meta_at) = memchr::memmem::find(&catalog, b"/Metadata") else {
        return Ok(None);
    };
    let Some((meta, meta_gen)) = reference(&catalog[meta_at + 9..]) else {
        return Ok(None);
    };
    let Some(start) = object_start(src, meta, meta_gen)? else {
        return Ok(None);
    };
    stream_data(src, start)
}

/// Parses `N G R` after optional whitespace.
fn reference(text: &[u8]) -> Option<(u64, u64)> {
    let s = String::from_utf8_lossy(&text[..text.len().min(48)]);
    let mut words = s
        .split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .filter(|w| !w.is_empty());
    let n = words.next()?.parse().ok()?;
    let g = words.next()?.parse().ok()?;
    (words.next()? == "R").then_some((n, g))
}

/// Offset just past the last `N G obj` header in the file.
fn object_start<R: Read + Seek>(src: &mut Source<'_, R>, n: u64, g: u64) -> Result<Option<u64>> {
    let needle = format!("{n} {g} obj");
    let len = src.len();
    let hits = find_all(src, needle.as_bytes(), 0, len, 64, true)?;
    for at in hits.into_iter().rev() {
        let before = if at == 0 {
            b'\n'
        } else {
            src.array::<1>(at - 1, "data")?[0]
        };
        if before.is_ascii_whitespace() || before == b'>' || before == b')' {
            return Ok(Some(at + needle.len() as u64));
        }
    }
    Ok(None)
}

/// The first bytes of object `N G` (up to its `endobj`).
fn object_text<R: Read + Seek>(src: &mut Source<'_, R>, n: u64, g: u64) -> Result<Option<Vec<u8>>> {
    let Some(start) = object_start(src, n, g)? else {
        return Ok(None);
    };
    let take = (src.len() - start).min(DICT);
    let mut text = src.read_vec(start, take, DICT as usize, "an object")?;
    if let Some(end) = memchr::memmem::find(&text, b"endobj") {
        text.truncate(end);
    }
    Ok(Some(text))
}

/// The (decoded) data of the stream object whose body starts at `start`.
fn stream_data<R: Read + Seek>(src: &mut Source<'_, R>, start: u64) -> Result<Option<Vec<u8>>> {
    let take = (src.len() - start).min(DICT);
    let head = src.read_vec(start, take, DICT as usize, "an object")?;
    let Some(kw) = memchr::memmem::find(&head, b"stream") else {
        return Ok(None);
    };
    let dict = &head[..kw];
    let mut data_at = start + kw as u64 + 6;
    match head.get(kw + 6..kw + 8) {
        Some([b'\r', b'\n']) => data_at += 2,
        Some([b'\n', _]) | Some([b'\r', _]) => data_at += 1,
        _ => {}
    }
    let flate = memchr::memmem::find(dict, b"/FlateDecode").is_some();
    let other_filter = !flate && memchr::memmem::find(dict, b"/Filter").is_some();
    if other_filter {
        return Ok(None);
    }
    let direct_len = memchr::memmem::find(dict, b"/Length").and_then(|at| {
        let rest = String::from_utf8_lossy(&dict[at + 7..(at + 48).min(dict.len())]);
        let mut words = rest
            .split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .filter(|w| !w.is_empty());
        let n: u64 = words.next()?.parse().ok()?;
        // `/Length 12 0 R` is a reference, not a length.
        match (words.next(), words.next()) {
            (Some(g), Some("R")) if g.parse::<u64>().is_ok() => None,
            _ => Some(n),
        }
    });
    let end = match direct_len {
        Some(n) if data_at.checked_add(n).is_some_and(|e| e <= src.len()) => data_at + n,
        _ => {
            let limit = (data_at + MAX_PACKET as u64 + 16).min(src.len());
            match find_all(src, b"endstream", data_at, limit, 1, false)?.first() {
                Some(e) => *e,
                None => return Ok(None),
            }
        }
    };
    let data = src.read_vec(data_at, end - data_at, MAX_PACKET, "the metadata stream")?;
    if !flate {
        return Ok(Some(data));
    }
    let mut out = Vec::new();
    ZlibDecoder::new(data.as_slice())
        .take(MAX_PACKET as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| src.damaged(format!("the metadata stream cannot be inflated: {e}")))?;
    if out.len() > MAX_PACKET {
        return Err(Error::TooLarge {
            file: src.file.to_string(),
            what: "the inflated metadata stream",
            size: out.len() as u64,
            limit: MAX_PACKET as u64,
        });
    }
    Ok(Some(out))
}
