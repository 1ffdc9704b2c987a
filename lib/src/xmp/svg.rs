//! SVG: XMP as RDF inside the root's `<metadata>` element.
//!
//! The document is read whole (at most [`MAX_SVG`] bytes) and edited as
//! text: the first `x:xmpmeta` or `rdf:RDF` element inside `<metadata>` is
//! merged (with the namespace bindings in scope there, so Inkscape-style
//! declarations on the root work) and replaced; without one, a bare
//! `rdf:RDF` (which is where ExifTool reads SVG XMP from; it does not read
//! `x:xmpmeta` there as XMP) goes at the end of `<metadata>`, and without `<metadata>` a
//! new one becomes the root's first child. Everything else, a DTD included,
//! is copied byte for byte: nothing is expanded.

use std::io::{Read, Seek, Write};

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, PrefixDeclaration, ResolveResult};

use super::error::{Error, Result};
use super::mapping::Statement;
use super::packet::{MAX_DEPTH, Packet, read_packet};
use super::source::Source;

/// Largest SVG document handled.
pub(super) const MAX_SVG: usize = 32 * 1024 * 1024;
const FORMAT: &str = "SVG";
const SVG_NS: &[u8] = b"http://www.w3.org/2000/svg";
const RDF_NS: &[u8] = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const META_NS: &[u8] = b"adobe:ns:meta/";
const WRAP_OPEN: &str = "<hallmark-wrap";
const WRAP_CLOSE: &str = "</hallmark-wrap>";

/// Where things are in the document.
struct Layout {
    /// End of the root's start tag, the root's prefix (with colon), and
    /// whether the root is an empty element (start, end of it).
    root_open_end: usize,
    root_prefix: String,
    root_empty: Option<(usize, usize)>,
    /// Start of `</metadata>` when there is a metadata element.
    metadata_close: Option<usize>,
    /// The XMP element inside metadata: span and `xmlns` declarations in scope.
    xmp: Option<(usize, usize, String)>,
}

fn load<R: Read + Seek>(file: &str, input: R) -> Result<String> {
    let mut src = Source::new(file, FORMAT, input)?;
    let len = src.len();
    let bytes = src.read_vec(0, len, MAX_SVG, "the SVG document")?;
    String::from_utf8(bytes).map_err(|_| Error::damaged(file, FORMAT, "it is not UTF-8 text"))
}

fn scan(file: &str, text: &str) -> Result<Layout> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().trim_text(false);
    let pos = |r: &NsReader<&[u8]>| usize::try_from(r.buffer_position()).unwrap_or(usize::MAX);
    let bad = |detail: String| Error::damaged(file, FORMAT, detail);
    let mut depth = 0usize;
    let mut layout: Option<Layout> = None;
    let mut in_metadata = false;
    loop {
        let start = pos(&reader);
        let event = reader
            .read_event()
            .map_err(|e| bad(format!("XML error at byte {start}: {e}")))?;
        let end = pos(&reader);
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let (res, local) = reader.resolver().resolve_element(e.name());
                let ns: &[u8] = match res {
                    ResolveResult::Bound(Namespace(n)) => n,
                    _ => b"",
                };
                let svg_ns = ns == SVG_NS || ns.is_empty();
                if depth == 0 {
                    if !(svg_ns && local.as_ref() == b"svg") {
                        return Err(bad("the root element is not <svg>".into()));
                    }
                    let prefix = e
                        .name()
                        .prefix()
                        .map(|p| format!("{}:", String::from_utf8_lossy(p.as_ref())))
                        .unwrap_or_default();
                    layout = Some(Layout {
                        root_open_end: end,
                        root_prefix: prefix,
                        root_empty: empty.then_some((start, end)),
                        metadata_close: None,
                        xmp: None,
                    });
                } else if let Some(l) = layout.as_mut() {
                    if depth == 1
                        && svg_ns
                        && local.as_ref() == b"metadata"
                        && l.metadata_close.is_none()
                    {
                        in_metadata = !empty;
                        if empty {
                            // `<metadata/>`: treated as absent (a new one is added).
                        }
                    } else if in_metadata
                        && depth == 2
                        && l.xmp.is_none()
                        && ((ns == RDF_NS && local.as_ref() == b"RDF")
                            || (ns == META_NS && local.as_ref() == b"xmpmeta"))
                    {
                        let decls: String = reader
                            .resolver()
                            .bindings()
                            .filter_map(|(p, n)| match p {
                                PrefixDeclaration::Named(p) if p != b"xml" && p != b"xmlns" => {
                                    Some(format!(
                                        " xmlns:{}=\"{}\"",
                                        String::from_utf8_lossy(p),
                                        quick_xml::escape::escape(String::from_utf8_lossy(
                                            n.as_ref()
                                        ))
                                    ))
                                }
                                _ => None,
                            })
                            .collect();
                        // The element's end is found when it closes (below).
                        l.xmp = Some((start, if empty { end } else { usize::MAX }, decls));
                    }
                }
                if !empty {
                    depth += 1;
                    if depth > MAX_DEPTH * 4 {
                        return Err(bad(format!(
                            "elements nest more than {} deep",
                            MAX_DEPTH * 4
                        )));
                    }
                }
                if depth == 0 {
                    break;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some(l) = layout.as_mut() {
                    if depth == 2
                        && let Some((_, xmp_end @ usize::MAX, _)) = l.xmp.as_mut()
                    {
                        *xmp_end = end;
                    }
                    if depth == 1 && in_metadata {
                        in_metadata = false;
                        l.metadata_close = Some(start);
                    }
                }
                if depth == 0 {
                    break;
                }
            }
            Event::Eof => {
                return Err(bad(
                    "the document ends before its root element closes".into()
                ));
            }
            _ => {}
        }
    }
    layout.ok_or_else(|| bad("no root element".into()))
}

/// The XMP inside `<metadata>`, wrapped so that it carries the namespace
/// declarations in scope (for [`Packet::merge`] and [`read_packet`]).
fn wrapped(text: &str, layout: &Layout) -> Option<String> {
    let (start, end, decls) = layout.xmp.as_ref()?;
    let inner = text.get(*start..*end)?;
    Some(format!("{WRAP_OPEN}{decls}>{inner}{WRAP_CLOSE}"))
}

/// The XMP of an SVG document (wrapped with its namespace declarations), if any.
pub(super) fn find_packet<R: Read + Seek>(file: &str, input: R) -> Result<Option<Vec<u8>>> {
    let text = load(file, input)?;
    let layout = scan(file, &text)?;
    Ok(wrapped(&text, &layout).map(String::into_bytes))
}

/// Writes the SVG document with `statement` in its metadata.
pub(super) fn embed<R: Read + Seek, W: Write>(
    file: &str,
    input: R,
    mut output: W,
    statement: &Statement,
) -> Result<()> {
    let text = load(file, input)?;
    let layout = scan(file, &text)?;
    let (start, end, replacement) = match (wrapped(&text, &layout), &layout.xmp) {
        (Some(w), Some((start, end, _))) => {
            let merged = Packet::merge(file, w.as_bytes(), statement)?;
            let body = merged.body();
            let inner = body
                .strip_prefix(WRAP_OPEN)
                .and_then(|b| b.find('>').map(|i| &b[i + 1..]))
                .and_then(|b| b.strip_suffix(WRAP_CLOSE))
                .ok_or_else(|| Error::bad_packet(file, "the merged metadata lost its wrapper"))?;
            (*start, *end, inner.to_string())
        }
        _ => {
            let body = Packet::new_rdf(statement);
            let p = &layout.root_prefix;
            match (layout.metadata_close, layout.root_empty) {
                (Some(close), _) => (close, close, format!("{body}\n")),
                (None, Some((s, e))) => {
                    let open = text
                        .get(s..e.saturating_sub(2))
                        .unwrap_or("<svg")
                        .trim_end();
                    let name = open
                        .trim_start_matches('<')
                        .split_whitespace()
                        .next()
                        .unwrap_or("svg");
                    (
                        s,
                        e,
                        format!("{open}>\n<{p}metadata>\n{body}\n</{p}metadata>\n</{name}>"),
                    )
                }
                (None, None) => {
                    let at = layout.root_open_end;
                    (at, at, format!("\n<{p}metadata>\n{body}\n</{p}metadata>"))
                }
            }
        }
    };
    // Sanity: what is written must still be readable.
    let mut out = String::with_capacity(text.len() + replacement.len());
    out.push_str(text.get(..start).unwrap_or_default());
    out.push_str(&replacement);
    out.push_str(text.get(end..).unwrap_or_default());
    let check = scan(file, &out)?;
    if let Some(w) = wrapped(&out, &check) {
        read_packet(file, w.as_bytes())?;
    }
    output
        .write_all(out.as_bytes())
        .and_then(|()| output.flush())
        .map_err(|e| Error::io(file, "cannot write", e))
}
