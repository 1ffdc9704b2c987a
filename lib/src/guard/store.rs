//! A guard in front of the C2PA engine's CBOR decoder.
//!
//! The engine decodes every CBOR box of a manifest store with `c2pa_cbor`,
//! which allocates and zero-fills a buffer of the length a byte or text
//! string *declares* before reading it. A file of a few kilobytes can declare
//! a string of many gigabytes and make the verifier allocate and touch all of
//! it. Before the engine sees a store, this guard walks its JUMBF boxes and
//! the CBOR inside them and refuses any item that declares more bytes, or
//! more elements, than are left in its box, and nesting deeper than the
//! decoder itself accepts.
//!
//! Everything else about the CBOR (reserved encodings, stray breaks, wrong
//! types) is left to the engine, which reports it in its own words: on the
//! first malformed item the guard stops checking that box, as the decoder
//! stops decoding it.

/// Deepest JUMBF superbox nesting followed (a store nests about five deep).
const MAX_BOX_DEPTH: usize = 32;
/// Deepest CBOR nesting accepted (the engine's decoder stops at 128).
const MAX_CBOR_DEPTH: usize = 128;

/// Check a manifest store; the error says what is wrong in words.
pub(crate) fn check_store(store: &[u8]) -> Result<(), String> {
    check_boxes(store, 0)
}

fn check_boxes(mut rest: &[u8], depth: usize) -> Result<(), String> {
    if depth > MAX_BOX_DEPTH {
        return Err(format!("its boxes nest more than {MAX_BOX_DEPTH} deep"));
    }
    while rest.len() >= 8 {
        let declared = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let kind = [rest[4], rest[5], rest[6], rest[7]];
        let (header, size) = match declared {
            0 => (8, rest.len()),
            1 if rest.len() >= 16 => {
                let mut long = [0u8; 8];
                long.copy_from_slice(&rest[8..16]);
                (
                    16,
                    usize::try_from(u64::from_be_bytes(long)).unwrap_or(usize::MAX),
                )
            }
            1 => return Ok(()),
            n => (8, usize::try_from(n).unwrap_or(usize::MAX)),
        };
        if size < header {
            // The engine cannot walk past it either.
            return Ok(());
        }
        // A box longer than its parent is read to the parent's end, as the engine does.
        let end = size.min(rest.len());
        let payload = &rest[header..end];
        match &kind {
            b"jumb" => check_boxes(payload, depth + 1)?,
            b"cbor" => check_cbor(payload)?,
            _ => {}
        }
        rest = &rest[end..];
    }
    Ok(())
}

/// Check the CBOR items laid end to end in `data`.
fn check_cbor(data: &[u8]) -> Result<(), String> {
    let mut at = 0;
    while at < data.len() {
        match item(data, at, 0)? {
            Some(next) => at = next,
            None => return Ok(()),
        }
    }
    Ok(())
}

/// The initial byte's argument: the value, and where the item's content starts.
/// `None` for malformed or indefinite (`Some((None, ..))`) arguments.
fn argument(data: &[u8], at: usize) -> Option<(Option<u64>, usize)> {
    let info = data.get(at)? & 0x1f;
    let take = |n: usize| -> Option<(Option<u64>, usize)> {
        let bytes = data.get(at + 1..at + 1 + n)?;
        let value = bytes.iter().fold(0u64, |v, b| (v << 8) | u64::from(*b));
        Some((Some(value), at + 1 + n))
    };
    match info {
        0..=23 => Some((Some(u64::from(info)), at + 1)),
        24 => take(1),
        25 => take(2),
        26 => take(4),
        27 => take(8),
        31 => Some((None, at + 1)),
        _ => None,
    }
}

/// Check the item at `at`; where the next one starts, or `None` when the
/// CBOR is malformed there (the engine's decoder stops there too).
fn item(data: &[u8], at: usize, depth: usize) -> Result<Option<usize>, String> {
    if depth > MAX_CBOR_DEPTH {
        return Err(format!("its CBOR nests more than {MAX_CBOR_DEPTH} deep"));
    }
    let Some(&initial) = data.get(at) else {
        return Ok(None);
    };
    let major = initial >> 5;
    let Some((arg, content)) = argument(data, at) else {
        return Ok(None);
    };
    let left = (data.len() - content) as u64;
    match (major, arg) {
        (0 | 1, Some(_)) => Ok(Some(content)),
        (2 | 3, Some(len)) => {
            if len > left {
                return Err(too_long("a string", len, "bytes", left));
            }
            Ok(Some(content + len as usize))
        }
        (4 | 5, Some(count)) => {
            let items = if major == 5 {
                count.saturating_mul(2)
            } else {
                count
            };
            if items > left {
                return Err(too_long(
                    if major == 5 { "a map" } else { "an array" },
                    count,
                    "entries",
                    left,
                ));
            }
            let mut next = content;
            for _ in 0..items {
                match item(data, next, depth + 1)? {
                    Some(n) => next = n,
                    None => return Ok(None),
                }
            }
            Ok(Some(next))
        }
        // Indefinite strings, arrays and maps: items (or chunks) up to a break.
        (2..=5, None) => {
            let mut next = content;
            loop {
                match data.get(next) {
                    Some(0xff) => return Ok(Some(next + 1)),
                    Some(_) => match item(data, next, depth + 1)? {
                        Some(n) => next = n,
                        None => return Ok(None),
                    },
                    None => return Ok(None),
                }
            }
        }
        (6, Some(_)) => item(data, content, depth + 1),
        (7, Some(_)) => Ok(Some(content)),
        _ => Ok(None),
    }
}

fn too_long(what: &str, declared: u64, unit: &str, left: u64) -> String {
    format!("{what} in its CBOR declares {declared} {unit} but only {left} bytes follow")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbor_box(cbor: &[u8]) -> Vec<u8> {
        let mut out = ((cbor.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(b"cbor");
        out.extend_from_slice(cbor);
        out
    }

    fn superbox(children: &[u8]) -> Vec<u8> {
        let mut out = ((children.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(b"jumb");
        out.extend_from_slice(children);
        out
    }

    #[test]
    fn well_formed_cbor_passes() {
        // {"use": "notAllowed", "n": [1, -2, h'00ff'], "t": 1(3.5)} and an indefinite string.
        let cbor = b"\xa3\x63use\x6anotAllowed\x61n\x83\x01\x21\x42\x00\xff\x61t\xc1\xfb\x40\x0c\0\0\0\0\0\0\x7f\x61a\x61b\xff";
        assert_eq!(check_store(&superbox(&cbor_box(cbor))), Ok(()));
    }

    #[test]
    fn a_string_longer_than_its_box_is_refused() {
        // A byte string declaring 2^62 bytes, nested in a map.
        let cbor = b"\xa1\x61k\x5b\x40\0\0\0\0\0\0\0\x01\x02";
        let err = check_store(&superbox(&superbox(&cbor_box(cbor)))).unwrap_err();
        assert_eq!(
            err,
            "a string in its CBOR declares 4611686018427387904 bytes but only 2 bytes follow"
        );
        // A text string of 4 GiB.
        let err = check_store(&cbor_box(b"\x7a\xff\xff\xff\xf0abc")).unwrap_err();
        assert!(err.contains("declares 4294967280 bytes"), "{err}");
    }

    #[test]
    fn huge_element_counts_and_deep_nesting_are_refused() {
        let err = check_store(&cbor_box(b"\x9b\0\0\0\x01\0\0\0\0\x01")).unwrap_err();
        assert!(
            err.starts_with("an array in its CBOR declares 4294967296 entries"),
            "{err}"
        );
        let deep = vec![0x81u8; 200];
        let err = check_store(&cbor_box(&deep)).unwrap_err();
        assert_eq!(err, "its CBOR nests more than 128 deep");
    }

    #[test]
    fn malformed_cbor_and_boxes_are_left_to_the_engine() {
        assert_eq!(
            check_store(&cbor_box(b"\x1c\x5b")),
            Ok(()),
            "reserved encoding"
        );
        assert_eq!(
            check_store(b"\0\0\0\x04jumb"),
            Ok(()),
            "box shorter than its header"
        );
        assert_eq!(
            check_store(b"\xff\xff\xff\xffcbor\x01"),
            Ok(()),
            "box longer than its parent"
        );
    }
}
