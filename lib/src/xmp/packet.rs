//! XMP packets: a fresh packet holding a [`Statement`], merging a statement
//! into an existing packet, and reading the statement (and TDMRep) back.
//!
//! Parsing uses quick-xml with namespace resolution, so a property is found
//! whatever prefix its namespace is bound to. Merging is an edit of the
//! original text: everything not touched is copied byte for byte (other
//! properties, namespaces, comments, formatting); only `plus:DataMining` and
//! `plus:OtherConstraints` at the top level of an `rdf:Description`, in
//! attribute or element form, are removed, and one new `rdf:Description`
//! carrying the new values is added as the last child of `rdf:RDF`. The
//! result is one packet with fresh padding.
//!
//! Merging is idempotent: merging the same statement into the result changes
//! nothing (tested over generated packets, and fuzzed by `xmp_merge`).
//!
//! Safety: packets over [`MAX_PACKET`] bytes, a DTD (`<!DOCTYPE`, and with it
//! every entity declaration and expansion), undefined entity references and
//! nesting deeper than [`MAX_DEPTH`] are refused with an error; nothing in a
//! packet is ever expanded beyond its predefined and character references.
//! So are packets that are not one packet: a second `<?xpacket` wrapper
//! (even in a comment), a second root element or `x:xmpmeta`, an element
//! left open at the trailer, and control characters XML does not allow.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{Namespace, QName, ResolveResult};

use super::error::{Error, Result};
use super::mapping::{DmiValue, PLUS_NS, Statement, TDM_NS, is_own_constraint_text};
use super::reading::XmpReading;

/// Largest XMP packet read or written, in bytes.
pub const MAX_PACKET: usize = 4 * 1024 * 1024;

/// Deepest element nesting accepted in a packet (real packets nest about ten deep).
pub const MAX_DEPTH: usize = 64;

/// Padding added to a packet so that later edits can happen in place.
pub const DEFAULT_PADDING: usize = 2048;

/// The `id` of every XMP packet wrapper.
pub const PACKET_ID: &str = "W5M0MpCehiHzreSzNTczkc9d";

const HEADER: &str = "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";
const TRAILER: &str = "<?xpacket end=\"w\"?>";
const RDF_NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const META_NS: &str = "adobe:ns:meta/";

/// An XMP packet's content (the XML between the `<?xpacket?>` wrapper lines),
/// ready to be serialised with as much padding as its carrier wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    body: String,
}

impl Packet {
    /// A fresh packet holding only `statement`.
    pub fn new(statement: &Statement) -> Packet {
        let description = description(statement, "", false);
        Packet {
            body: format!(
                "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"hallmark\">\n\
                 <rdf:RDF xmlns:rdf=\"{RDF_NS}\">\n{description}</rdf:RDF>\n</x:xmpmeta>"
            ),
        }
    }

    /// `existing` (a whole packet, or bare `x:xmpmeta` / `rdf:RDF` XML) with
    /// `statement` merged in: every other property and namespace kept, earlier
    /// `plus:DataMining` replaced, and `plus:OtherConstraints` replaced when
    /// the statement has one. When it has none, an existing
    /// `plus:OtherConstraints` is removed only if it is hallmark's own wording
    /// (a stale statement); other words (licence terms) are kept.
    pub fn merge(file: &str, existing: &[u8], statement: &Statement) -> Result<Packet> {
        let parsed = parse(file, existing)?;
        let text = parsed.text;
        let drop_constraints = statement.other_constraints.is_some()
            || parsed
                .reading
                .other_constraints
                .as_deref()
                .is_some_and(is_own_constraint_text);
        let removes = |p: Prop| match p {
            Prop::DataMining => true,
            Prop::OtherConstraints => drop_constraints,
            Prop::TdmReservation | Prop::TdmPolicy => false,
        };

        let mut out = String::with_capacity(text.len() + 1024);
        let mut at = parsed.body.0;
        // Descriptions that become empty go whole; edits inside them are skipped.
        let dropped: Vec<(usize, usize)> = parsed
            .edits
            .iter()
            .filter_map(|e| match &e.what {
                EditKind::RemoveDescription(props) if props.iter().all(|p| removes(*p)) => {
                    Some((e.start, e.end))
                }
                _ => None,
            })
            .collect();
        // The new description's `rdf:about`: that of the first description
        // kept that has one (all of a packet's should agree), else of the
        // first one removed, so that merging again picks the same.
        let kept = |start: usize| !dropped.iter().any(|(s, e)| start >= *s && start < *e);
        let about = parsed
            .abouts
            .iter()
            .find(|(start, _)| kept(*start))
            .or(parsed.abouts.first())
            .map_or("", |(_, about)| about.as_str());
        for edit in &parsed.edits {
            // Inside a dropped description, other than its own removal: the
            // rewrite of its start tag (the whole of it when it is empty)
            // and what it holds. The new description, where a dropped one
            // ends right before `</rdf:RDF>`, is not inside it.
            let inside = dropped.iter().any(|(s, e)| {
                edit.start >= *s
                    && edit.start < *e
                    && edit.end <= *e
                    && !(matches!(edit.what, EditKind::RemoveDescription(_))
                        && (edit.start, edit.end) == (*s, *e))
            });
            if inside {
                continue;
            }
            let replacement = match &edit.what {
                EditKind::RemoveProperty(p) if !removes(*p) => continue,
                EditKind::RemoveDescription(props) if !props.iter().all(|p| removes(*p)) => {
                    continue;
                }
                EditKind::RemoveProperty(_) | EditKind::RemoveDescription(_) => {
                    // Take the removed element's indentation and line with it.
                    out.push_str(without_line_end(span(file, text, at, edit.start)?));
                    at = edit.end;
                    continue;
                }
                EditKind::RewriteStart { name, attrs, empty } => {
                    if !attrs.iter().any(|a| a.prop.is_some_and(removes)) {
                        continue;
                    }
                    let mut tag = format!("<{name}");
                    for a in attrs.iter().filter(|a| !a.prop.is_some_and(removes)) {
                        let q = if a.raw_value.contains('"') { '\'' } else { '"' };
                        tag.push_str(&format!(" {}={q}{}{q}", a.raw_key, a.raw_value));
                    }
                    tag.push_str(if *empty { "/>" } else { ">" });
                    tag
                }
                EditKind::Insert(how) => {
                    let desc = description(statement, about, how.declare_rdf());
                    match how {
                        Insert::BeforeRdfEnd { .. } => {
                            // On a line of its own, whatever ended the line
                            // before: the same text that removing it again
                            // (its indentation and line with it) leaves.
                            out.push_str(without_line_end(span(file, text, at, edit.start)?));
                            // A CR still left would make one CR LF with a
                            // lone LF, which removal takes whole: add CR LF.
                            out.push_str(if out.ends_with('\r') { "\r\n" } else { "\n" });
                            at = edit.start;
                            desc
                        }
                        Insert::ExpandEmptyRdf { start } => {
                            let name = start.split_whitespace().next().unwrap_or("rdf:RDF");
                            format!("<{start}>\n{desc}</{name}>")
                        }
                        Insert::BeforeMetaEnd => {
                            format!("<rdf:RDF xmlns:rdf=\"{RDF_NS}\">\n{desc}</rdf:RDF>\n")
                        }
                    }
                }
            };
            // Edits are in document order and never overlap (see `parse`).
            out.push_str(span(file, text, at, edit.start)?);
            out.push_str(&replacement);
            at = edit.end;
        }
        out.push_str(span(file, text, at, parsed.body.1)?);
        // Byte order marks go with the whitespace around the body: a bare
        // body starting with one would lose it when merged into again.
        let body = out.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
        Ok(Packet {
            body: body.to_string(),
        })
    }

    /// A bare `rdf:RDF` element holding only `statement` (for SVG `<metadata>`,
    /// where ExifTool reads RDF directly and not inside `x:xmpmeta`).
    pub fn new_rdf(statement: &Statement) -> String {
        let description = description(statement, "", false);
        format!("<rdf:RDF xmlns:rdf=\"{RDF_NS}\">\n{description}</rdf:RDF>")
    }

    /// The packet's XML without the wrapper and padding.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Size in bytes of the packet serialised with no padding.
    pub fn min_len(&self) -> usize {
        HEADER.len() + self.body.len() + 1 + TRAILER.len()
    }

    /// The whole packet, wrapper included, with `padding` bytes of whitespace
    /// before the trailer (a newline every 100 bytes).
    pub fn to_bytes(&self, padding: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.min_len() + padding);
        out.extend_from_slice(HEADER.as_bytes());
        out.extend_from_slice(self.body.as_bytes());
        out.push(b'\n');
        for i in 0..padding {
            out.push(if i % 100 == 99 { b'\n' } else { b' ' });
        }
        out.extend_from_slice(TRAILER.as_bytes());
        out
    }

    /// The whole packet padded to exactly `len` bytes, or `None` if it does
    /// not fit (for in-place replacement).
    pub fn to_bytes_exact(&self, len: usize) -> Option<Vec<u8>> {
        let padding = len.checked_sub(self.min_len())?;
        Some(self.to_bytes(padding))
    }

    /// The whole packet with [`DEFAULT_PADDING`], or with less padding when
    /// that is needed to stay within `limit` bytes; `None` if even an
    /// unpadded packet is larger than `limit`.
    pub fn to_bytes_within(&self, limit: usize) -> Option<Vec<u8>> {
        let room = limit.checked_sub(self.min_len())?;
        Some(self.to_bytes(room.min(DEFAULT_PADDING)))
    }
}

/// `text` without its trailing spaces and tabs and then one line break (CR
/// LF, LF, or a lone CR, which XML also reads as a line end): what is left
/// before an element removed with its indentation and line.
fn without_line_end(text: &str) -> &str {
    let line = text.trim_end_matches([' ', '\t']);
    line.strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .or_else(|| line.strip_suffix('\r'))
        .unwrap_or(line)
}

/// `text[from..to]`, or an error (positions come from the parser and are
/// always on character boundaries; this keeps a parser surprise from panicking).
fn span<'t>(file: &str, text: &'t str, from: usize, to: usize) -> Result<&'t str> {
    text.get(from..to)
        .ok_or_else(|| Error::bad_packet(file, format!("internal error: bad span {from}..{to}")))
}

/// Reads `plus:DataMining`, `plus:OtherConstraints` and TDMRep from a packet.
pub fn read_packet(file: &str, packet: &[u8]) -> Result<XmpReading> {
    Ok(parse(file, packet)?.reading)
}

/// The `rdf:Description` hallmark adds, ending with a newline.
fn description(statement: &Statement, about: &str, declare_rdf: bool) -> String {
    let rdf = if declare_rdf {
        format!(" xmlns:rdf=\"{RDF_NS}\"")
    } else {
        String::new()
    };
    let mut d = format!(
        " <rdf:Description rdf:about=\"{}\"{rdf}\n  xmlns:plus=\"{PLUS_NS}\">\n  \
         <plus:DataMining>{}</plus:DataMining>\n",
        // Raw, a tab, line feed or CR in an attribute reads back as a space.
        escape_keeping(about, &['\t', '\n', '\r']),
        escape_keeping(&statement.data_mining.uri(), &[]),
    );
    if let Some(text) = &statement.other_constraints {
        d.push_str(&format!(
            "  <plus:OtherConstraints>\n   <rdf:Alt>\n    \
             <rdf:li xml:lang=\"x-default\">{}</rdf:li>\n   </rdf:Alt>\n  \
             </plus:OtherConstraints>\n",
            // Raw, a CR in text reads back as a line feed.
            escape_keeping(&xml_chars(text), &['\r'])
        ));
    }
    d.push_str(" </rdf:Description>\n");
    d
}

/// `value` with markup escaped (for text or a double-quoted attribute) and
/// each character of `kept` written as a character reference, which XML's
/// normalization of whitespace and line ends on reading leaves as it is.
fn escape_keeping(value: &str, kept: &[char]) -> String {
    let escaped = quick_xml::escape::escape(value);
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        if kept.contains(&c) {
            out.push_str(&format!("&#{};", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` without the characters XML 1.0 cannot hold, nor the C1 controls
/// XML 1.1 refuses raw (they become spaces).
fn xml_chars(text: &str) -> Cow<'_, str> {
    let bad = |c: char| !is_xml_char(c) || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'));
    if text.chars().any(bad) {
        Cow::Owned(text.chars().map(|c| if bad(c) { ' ' } else { c }).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// The properties this module looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prop {
    DataMining,
    OtherConstraints,
    TdmReservation,
    TdmPolicy,
}

impl Prop {
    fn of(ns: &[u8], local: &[u8]) -> Option<Prop> {
        match (ns, local) {
            (n, b"DataMining") if n == PLUS_NS.as_bytes() => Some(Prop::DataMining),
            (n, b"OtherConstraints") if n == PLUS_NS.as_bytes() => Some(Prop::OtherConstraints),
            (n, b"reservation") if n == TDM_NS.as_bytes() => Some(Prop::TdmReservation),
            (n, b"policy") if n == TDM_NS.as_bytes() => Some(Prop::TdmPolicy),
            _ => None,
        }
    }
}

/// How the new `rdf:Description` goes in.
#[derive(Debug)]
enum Insert {
    /// Before `</rdf:RDF>`; `rdf_bound` tells whether the `rdf` prefix already
    /// means the RDF namespace there.
    BeforeRdfEnd { rdf_bound: bool },
    /// `<rdf:RDF .../>` becomes a start tag, the description and an end tag.
    ExpandEmptyRdf { start: String },
    /// No `rdf:RDF` at all: a new one before `</x:xmpmeta>`.
    BeforeMetaEnd,
}

impl Insert {
    fn declare_rdf(&self) -> bool {
        match self {
            Insert::BeforeRdfEnd { rdf_bound } => !rdf_bound,
            Insert::ExpandEmptyRdf { .. } => false,
            Insert::BeforeMetaEnd => false,
        }
    }
}

#[derive(Debug)]
struct RawAttr {
    raw_key: String,
    raw_value: String,
    prop: Option<Prop>,
    /// `rdf:about` or a namespace declaration: not a property.
    structural: bool,
}

#[derive(Debug)]
enum EditKind {
    RemoveProperty(Prop),
    /// A whole top-level `rdf:Description` holding nothing but these
    /// properties: removed (with the edits inside it) when all of them are.
    RemoveDescription(Vec<Prop>),
    RewriteStart {
        name: String,
        attrs: Vec<RawAttr>,
        empty: bool,
    },
    Insert(Insert),
}

#[derive(Debug)]
struct Edit {
    start: usize,
    end: usize,
    what: EditKind,
}

/// An open element while walking.
#[derive(Debug)]
enum Frame {
    Rdf,
    TopDescription {
        start: usize,
        /// Whether it holds anything besides the properties hallmark may remove.
        content: bool,
        props: Vec<Prop>,
    },
    Property {
        prop: Prop,
        start: usize,
        text: String,
        resource: Option<String>,
        items: Vec<(Option<String>, String)>,
    },
    Item {
        lang: Option<String>,
        text: String,
    },
    Meta,
    Other,
}

struct Parsed<'a> {
    text: &'a str,
    body: (usize, usize),
    edits: Vec<Edit>,
    /// The `rdf:about` of each top-level `rdf:Description` that has one,
    /// with where the description starts, in document order.
    abouts: Vec<(usize, String)>,
    reading: XmpReading,
}

/// Walks a packet once, collecting what merging and reading need.
fn parse<'a>(file: &str, bytes: &'a [u8]) -> Result<Parsed<'a>> {
    if bytes.len() > MAX_PACKET {
        return Err(Error::TooLarge {
            file: file.to_string(),
            what: "the XMP packet",
            size: bytes.len() as u64,
            limit: MAX_PACKET as u64,
        });
    }
    if bytes.starts_with(&[0xFE, 0xFF])
        || bytes.starts_with(&[0xFF, 0xFE])
        || bytes.starts_with(&[0, 0])
        || bytes.get(1) == Some(&0)
    {
        return Err(Error::bad_packet(
            file,
            "UTF-16 or UTF-32 packets are not supported (only UTF-8)",
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Error::bad_packet(file, format!("not UTF-8 text ({e})")))?;
    let skip = if text.starts_with('\u{FEFF}') { 3 } else { 0 };

    let mut reader = NsReader::from_str(span(file, text, skip, text.len())?);
    {
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
    }
    let pos =
        |r: &NsReader<&[u8]>| skip + usize::try_from(r.buffer_position()).unwrap_or(usize::MAX);

    let mut stack: Vec<Frame> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    let mut abouts: Vec<(usize, String)> = Vec::new();
    let mut metas = 0usize;
    let mut reading = XmpReading::default();
    let mut body = (skip, text.len());
    let mut seen_header = false;
    let mut elements_seen = false;
    let mut rdf_seen = false;
    let mut inserted = false;
    let xml_err = |e: quick_xml::Error, at: usize| {
        Error::bad_packet(file, format!("XML error at byte {at}: {e}"))
    };

    loop {
        let start = pos(&reader);
        let event = reader.read_event().map_err(|e| xml_err(e, start))?;
        let end = pos(&reader);
        match event {
            Event::DocType(_) => {
                return Err(Error::hostile(
                    file,
                    "it contains a DTD (<!DOCTYPE>), which XMP does not allow",
                ));
            }
            Event::PI(pi) if pi.target() == b"xpacket" => {
                let content = String::from_utf8_lossy(pi.content());
                let content = content.trim_start();
                if content.starts_with("begin") {
                    if seen_header || elements_seen {
                        return Err(Error::bad_packet(
                            file,
                            "a second xpacket header, or one after the packet's content",
                        ));
                    }
                    seen_header = true;
                    body.0 = end;
                } else if content.starts_with("end") {
                    if !stack.is_empty() {
                        return Err(Error::bad_packet(file, "the packet ends inside an element"));
                    }
                    body.1 = start;
                    break;
                }
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if stack.is_empty() && std::mem::replace(&mut elements_seen, true) {
                    return Err(Error::bad_packet(file, "it has more than one root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(Error::hostile(
                        file,
                        format!("elements nest more than {MAX_DEPTH} deep"),
                    ));
                }
                check_attrs(file, e)?;
                let (ns, local) = resolve_element(&reader, e);
                let in_rdf = matches!(stack.last(), Some(Frame::Rdf));
                if let Some(Frame::TopDescription { content, props, .. }) = stack.last_mut() {
                    match Prop::of(ns, &local) {
                        Some(p @ (Prop::DataMining | Prop::OtherConstraints)) => props.push(p),
                        _ => *content = true,
                    }
                }
                let parent = stack.last();
                let frame = if ns == RDF_NS.as_bytes() && local == b"RDF" {
                    rdf_seen = true;
                    // The new description goes into the outermost rdf:RDF,
                    // never one nested in a property (which may be dropped).
                    let outermost = !stack.iter().any(|f| matches!(f, Frame::Rdf));
                    if empty && !inserted && outermost {
                        inserted = true;
                        let raw = span(file, text, start + 1, end.saturating_sub(2))?;
                        edits.push(Edit {
                            start,
                            end,
                            what: EditKind::Insert(Insert::ExpandEmptyRdf {
                                start: raw.trim_end().to_string(),
                            }),
                        });
                    }
                    Frame::Rdf
                } else if in_rdf && ns == RDF_NS.as_bytes() && local == b"Description" {
                    let attrs = collect_attrs(file, &reader, e, &mut reading)?;
                    if let Some(about) = description_about(file, &reader, e)? {
                        abouts.push((start, about));
                    }
                    let mut content = false;
                    let mut props = Vec::new();
                    for a in &attrs {
                        match a.prop {
                            Some(p @ (Prop::DataMining | Prop::OtherConstraints)) => props.push(p),
                            Some(_) => content = true,
                            None => content |= !a.structural,
                        }
                    }
                    if attrs.iter().any(|a| a.prop.is_some()) {
                        edits.push(Edit {
                            start,
                            end,
                            what: EditKind::RewriteStart {
                                name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                                attrs,
                                empty,
                            },
                        });
                    }
                    Frame::TopDescription {
                        start,
                        content,
                        props,
                    }
                } else if matches!(parent, Some(Frame::TopDescription { .. }))
                    && let Some(prop) = Prop::of(ns, &local)
                {
                    let resource = attr_value(file, &reader, e, RDF_NS, b"resource")?;
                    Frame::Property {
                        prop,
                        start,
                        text: String::new(),
                        resource,
                        items: Vec::new(),
                    }
                } else if ns == RDF_NS.as_bytes()
                    && local == b"li"
                    && stack.iter().any(|f| matches!(f, Frame::Property { .. }))
                {
                    Frame::Item {
                        lang: xml_lang(file, e)?,
                        text: String::new(),
                    }
                } else if ns == META_NS.as_bytes() && local == b"xmpmeta" {
                    metas += 1;
                    if metas > 1 {
                        return Err(Error::bad_packet(
                            file,
                            "it holds more than one x:xmpmeta element",
                        ));
                    }
                    if empty && !inserted && !rdf_seen {
                        return Err(Error::bad_packet(file, "the x:xmpmeta element is empty"));
                    }
                    Frame::Meta
                } else {
                    Frame::Other
                };
                stack.push(frame);
                if empty {
                    close(file, &mut stack, &mut edits, &mut reading, end)?;
                }
            }
            Event::End(_) => {
                let (innermost, outer) = match stack.split_last() {
                    Some((last, outer)) => (Some(last), outer),
                    None => (None, &[][..]),
                };
                match innermost {
                    Some(Frame::Rdf)
                        if !inserted && !outer.iter().any(|f| matches!(f, Frame::Rdf)) =>
                    {
                        inserted = true;
                        let rdf_bound = prefix_is(&reader, b"rdf:Description", RDF_NS);
                        edits.push(Edit {
                            start,
                            end: start,
                            what: EditKind::Insert(Insert::BeforeRdfEnd { rdf_bound }),
                        });
                    }
                    Some(Frame::Meta) if !inserted && !rdf_seen => {
                        inserted = true;
                        edits.push(Edit {
                            start,
                            end: start,
                            what: EditKind::Insert(Insert::BeforeMetaEnd),
                        });
                    }
                    None => return Err(Error::bad_packet(file, "an end tag has no start tag")),
                    _ => {}
                }
                close(file, &mut stack, &mut edits, &mut reading, end)?;
            }
            Event::Text(t) => {
                let content = t
                    .xml10_content()
                    .map_err(|e| Error::bad_packet(file, format!("bad text: {e}")))?;
                if !content.trim().is_empty()
                    && let Some(Frame::TopDescription { content: c, .. }) = stack.last_mut()
                {
                    *c = true;
                }
                push_text(&mut stack, &content);
            }
            Event::CData(c) => {
                let content = c
                    .xml10_content()
                    .map_err(|e| Error::bad_packet(file, format!("bad CDATA: {e}")))?;
                push_text(&mut stack, &content);
            }
            Event::GeneralRef(r) => {
                let c = resolve_ref(file, &r)?;
                push_text(&mut stack, c.encode_utf8(&mut [0; 4]));
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(Error::bad_packet(file, "the packet ends inside an element"));
                }
                break;
            }
            Event::PI(_) | Event::Comment(_) | Event::Decl(_) => {}
        }
    }
    if !inserted {
        return Err(Error::bad_packet(
            file,
            "no rdf:RDF (or x:xmpmeta) element found: not an XMP packet",
        ));
    }
    edits.sort_by_key(|e| (e.start, e.end));
    if body.0 > body.1 {
        return Err(Error::bad_packet(
            file,
            "the xpacket wrapper is out of order",
        ));
    }
    // A wrapper inside the packet (in a comment, CDATA or a processing
    // instruction) would make a byte scanner find a second packet.
    let inner = span(file, text, body.0, body.1)?;
    if inner.contains("<?xpacket") {
        return Err(Error::bad_packet(
            file,
            "it holds a second xpacket wrapper inside the packet",
        ));
    }
    // Characters XML 1.0 does not allow (NUL among them), which the XML
    // reader lets through between elements.
    check_xml_chars(file, inner)?;
    Ok(Parsed {
        text,
        body,
        edits,
        abouts,
        reading,
    })
}

/// Closes the innermost element, ending at byte `end`.
fn close(
    file: &str,
    stack: &mut Vec<Frame>,
    edits: &mut Vec<Edit>,
    reading: &mut XmpReading,
    end: usize,
) -> Result<()> {
    let Some(frame) = stack.pop() else {
        return Err(Error::bad_packet(file, "an end tag has no start tag"));
    };
    match frame {
        Frame::Item { lang, text } => {
            if let Some(Frame::Property { items, .. }) = stack
                .iter_mut()
                .rev()
                .find(|f| matches!(f, Frame::Property { .. }))
            {
                items.push((lang, text));
            }
        }
        Frame::Property {
            prop,
            start,
            text,
            resource,
            items,
        } => {
            let value = if !items.is_empty() {
                let default = items
                    .iter()
                    .position(|(lang, _)| lang.as_deref() == Some("x-default"))
                    .unwrap_or(0);
                items.into_iter().nth(default).map(|(_, t)| t)
            } else if let Some(r) = resource {
                Some(r)
            } else {
                Some(text)
            };
            if let Some(v) = value {
                set_reading(reading, prop, v);
            }
            edits.push(Edit {
                start,
                end,
                what: EditKind::RemoveProperty(prop),
            });
        }
        Frame::TopDescription {
            start,
            content: false,
            props,
        } if !props.is_empty() => {
            edits.push(Edit {
                start,
                end,
                what: EditKind::RemoveDescription(props),
            });
        }
        _ => {}
    }
    Ok(())
}

/// Records a property's value; the first occurrence wins.
fn set_reading(reading: &mut XmpReading, prop: Prop, value: String) {
    match prop {
        Prop::DataMining if reading.data_mining.is_none() => {
            reading.data_mining = Some(DmiValue::parse(&value));
        }
        Prop::OtherConstraints if reading.other_constraints.is_none() => {
            reading.other_constraints = Some(value);
        }
        Prop::TdmReservation if reading.tdm_reservation.is_none() => {
            reading.tdm_reservation = Some(value.trim().to_string());
        }
        Prop::TdmPolicy if reading.tdm_policy.is_none() => {
            reading.tdm_policy = Some(value.trim().to_string());
        }
        _ => {}
    }
}

fn push_text(stack: &mut [Frame], content: &str) {
    match stack.last_mut() {
        Some(Frame::Property { text, .. }) | Some(Frame::Item { text, .. }) => {
            text.push_str(content)
        }
        _ => {}
    }
}

/// The character a reference stands for: a character reference or one of the
/// five predefined entities. Anything else is refused (no DTD can define it).
fn resolve_ref(file: &str, r: &BytesRef<'_>) -> Result<char> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            // `&#22;` is as ill-formed as the character itself: XML's
            // references may only stand for characters it allows.
            Ok(Some(c)) if is_xml_char(c) => Ok(c),
            Ok(Some(c)) => Err(not_allowed(file, c)),
            _ => Err(Error::bad_packet(file, "a character reference is invalid")),
        };
    }
    let name: &[u8] = r;
    match name {
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"amp" => Ok('&'),
        b"apos" => Ok('\''),
        b"quot" => Ok('"'),
        other => Err(Error::hostile(
            file,
            format!(
                "it refers to the undefined entity &{};",
                String::from_utf8_lossy(&other[..other.len().min(40)])
            ),
        )),
    }
}

fn resolve_element<'r>(reader: &'r NsReader<&[u8]>, e: &BytesStart<'_>) -> (&'r [u8], Vec<u8>) {
    let (res, local) = reader.resolver().resolve_element(e.name());
    let ns: &[u8] = match res {
        ResolveResult::Bound(Namespace(ns)) => ns,
        _ => b"",
    };
    (ns, local.as_ref().to_vec())
}

fn prefix_is(reader: &NsReader<&[u8]>, qname: &[u8], ns: &str) -> bool {
    matches!(
        reader.resolver().resolve_element(QName(qname)).0,
        ResolveResult::Bound(Namespace(n)) if n == ns.as_bytes()
    )
}

/// Checks that an element's attributes are well formed: no duplicates,
/// quoted values, only references that resolve to characters XML allows.
fn check_attrs(file: &str, e: &BytesStart<'_>) -> Result<()> {
    for attr in e.attributes() {
        let attr = attr.map_err(|err| Error::bad_packet(file, format!("bad attribute: {err}")))?;
        decoded_value(file, &attr)?;
    }
    Ok(())
}

/// The attributes of a top-level `rdf:Description`, noting which are
/// properties this module reads (and recording their values).
fn collect_attrs(
    file: &str,
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    reading: &mut XmpReading,
) -> Result<Vec<RawAttr>> {
    let mut out = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| Error::bad_packet(file, format!("bad attribute: {err}")))?;
        let (res, local) = reader.resolver().resolve_attribute(attr.key);
        let prop = match res {
            ResolveResult::Bound(Namespace(ns)) => Prop::of(ns, local.as_ref()),
            _ => None,
        };
        if let Some(p) = prop {
            let value = decoded_value(file, &attr)?;
            set_reading(reading, p, value);
        }
        let structural = attr.key.as_namespace_binding().is_some()
            || matches!(&res, ResolveResult::Bound(Namespace(ns)) if *ns == RDF_NS.as_bytes() && local.as_ref() == b"about");
        out.push(RawAttr {
            raw_key: String::from_utf8_lossy(attr.key.as_ref()).into_owned(),
            raw_value: String::from_utf8_lossy(&attr.value).into_owned(),
            prop,
            structural,
        });
    }
    Ok(out)
}

/// An attribute's value with its references resolved and whitespace
/// normalized as XML 1.0 does, refused when it holds a character XML does not
/// allow (written as a reference, which the XML reader resolves unchecked).
fn decoded_value(
    file: &str,
    attr: &quick_xml::events::attributes::Attribute<'_>,
) -> Result<String> {
    let value = attr
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map_err(|err| Error::bad_packet(file, format!("bad attribute value: {err}")))?;
    check_xml_chars(file, &value)?;
    Ok(value.into_owned())
}

/// Refuses text holding a character outside XML 1.0's `Char` production.
fn check_xml_chars(file: &str, text: &str) -> Result<()> {
    match text.chars().find(|c| !is_xml_char(*c)) {
        Some(c) => Err(not_allowed(file, c)),
        None => Ok(()),
    }
}

/// Whether XML 1.0 allows `c` in a document: tab, line feed, carriage
/// return, and everything from the space up except U+FFFE and U+FFFF (a
/// `char` is never a surrogate).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

fn not_allowed(file: &str, c: char) -> Error {
    Error::bad_packet(
        file,
        format!(
            "it holds the character U+{:04X}, which XML does not allow",
            u32::from(c)
        ),
    )
}

/// The unescaped value of attribute `{ns}local`, if present.
fn attr_value(
    file: &str,
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    ns: &str,
    local: &[u8],
) -> Result<Option<String>> {
    for attr in e.attributes() {
        let attr = attr.map_err(|err| Error::bad_packet(file, format!("bad attribute: {err}")))?;
        let (res, name) = reader.resolver().resolve_attribute(attr.key);
        if matches!(res, ResolveResult::Bound(Namespace(n)) if n == ns.as_bytes())
            && name.as_ref() == local
        {
            let value = decoded_value(file, &attr)?;
            return Ok(Some(value));
        }
    }
    Ok(None)
}

fn description_about(
    file: &str,
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
) -> Result<Option<String>> {
    attr_value(file, reader, e, RDF_NS, b"about")
}

/// The `xml:lang` of an element (the `xml` prefix is fixed by XML itself).
fn xml_lang(file: &str, e: &BytesStart<'_>) -> Result<Option<String>> {
    for attr in e.attributes() {
        let attr = attr.map_err(|err| Error::bad_packet(file, format!("bad attribute: {err}")))?;
        if attr.key.as_ref() == b"xml:lang" {
            let value = decoded_value(file, &attr)?;
            return Ok(Some(value.trim().to_ascii_lowercase()));
        }
    }
    Ok(None)
}
