//! Tools for building hostile files: a JUMBF box walker, JPEG and PNG
//! surgery, a signer that skips hallmark's own checks, and an allocator
//! that records the peak memory of a piece of work.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Cursor;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ed25519_dalek::Signer as _;
use hallmark::TrainingPolicy;

// ---------------------------------------------------------------------------
// Peak memory

/// The system allocator, counting live bytes and their peak.
pub struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static MEASURING: Mutex<()> = Mutex::new(());

#[allow(
    unsafe_code,
    reason = "a global allocator is an unsafe trait; this one only forwards to the system allocator and counts"
)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator (whose zeroed
        // pages are lazy, as in the real binary).
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let live = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

/// Run `work` and return its result with the most heap it held at once
/// beyond what was live before. Measurements are serialised, so the peak
/// is this work's alone (other tests of the binary may still allocate, which
/// only makes the figure larger, never smaller).
pub fn peak_heap<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = work();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (out, peak)
}

/// How a piece of work run under [`within`] ended.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It finished, taking this long.
    Done(T, Duration),
    /// It panicked, with this message.
    Panicked(String),
    /// It did not finish in time (its thread is left behind).
    TimedOut,
}

/// Run `work` on its own thread, catching a panic, and wait at most `limit`.
pub fn within<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Outcome<T> {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let started = Instant::now();
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let _ = send.send(out.map(|value| (value, started.elapsed())));
    });
    match receive.recv_timeout(limit) {
        Ok(Ok((value, took))) => Outcome::Done(value, took),
        Ok(Err(panic)) => Outcome::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
        Err(_) => Outcome::TimedOut,
    }
}

// ---------------------------------------------------------------------------
// JUMBF

/// One ISO BMFF-style box inside a JUMBF buffer.
#[derive(Debug, Clone, Copy)]
pub struct Jbox {
    /// Offset of the box's first byte.
    pub start: usize,
    /// Size of its header (8, or 16 with an extended length).
    pub header: usize,
    /// Offset just past its last byte.
    pub end: usize,
    /// Its four-character type.
    pub kind: [u8; 4],
}

impl Jbox {
    pub fn payload(&self) -> std::ops::Range<usize> {
        self.start + self.header..self.end
    }
}

/// The boxes laid end to end in `buf[range]`.
pub fn boxes(buf: &[u8], range: std::ops::Range<usize>) -> Vec<Jbox> {
    let mut out = Vec::new();
    let mut at = range.start;
    while at + 8 <= range.end {
        let size = u32::from_be_bytes(buf[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = buf[at + 4..at + 8].try_into().unwrap();
        let (header, size) = match size {
            1 => (
                16,
                u64::from_be_bytes(buf[at + 8..at + 16].try_into().unwrap()) as usize,
            ),
            0 => (8, range.end - at),
            n => (8, n),
        };
        out.push(Jbox {
            start: at,
            header,
            end: at + size,
            kind,
        });
        at += size;
    }
    out
}

/// The label of a `jumb` superbox (from its `jumd` description box).
pub fn label(buf: &[u8], superbox: &Jbox) -> Option<String> {
    let first = *boxes(buf, superbox.payload()).first()?;
    if &first.kind != b"jumd" {
        return None;
    }
    // 16-byte content type UUID, 1 toggle byte, then the label (NUL-terminated).
    let text = &buf[first.start + 8 + 17..first.end];
    let end = text.iter().position(|&b| b == 0)?;
    Some(String::from_utf8_lossy(&text[..end]).into_owned())
}

/// The child superbox of `parent` labelled `wanted`.
pub fn child(buf: &[u8], parent: &Jbox, wanted: &str) -> Option<Jbox> {
    boxes(buf, parent.payload())
        .into_iter()
        .find(|b| &b.kind == b"jumb" && label(buf, b).as_deref() == Some(wanted))
}

/// The child superboxes of `parent` whose label starts with `prefix`.
pub fn children_starting(buf: &[u8], parent: &Jbox, prefix: &str) -> Vec<Jbox> {
    boxes(buf, parent.payload())
        .into_iter()
        .filter(|b| &b.kind == b"jumb" && label(buf, b).is_some_and(|l| l.starts_with(prefix)))
        .collect()
}

/// Set the length field of the box at `start` (8-byte header) to `size`.
pub fn set_box_size(buf: &mut [u8], start: usize, size: usize) {
    buf[start..start + 4].copy_from_slice(&u32::try_from(size).unwrap().to_be_bytes());
}

/// Where `needle` occurs in `haystack`.
pub fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// PNG

/// A PNG chunk: offset of its length field, and its data range.
pub struct Chunk {
    pub start: usize,
    pub kind: [u8; 4],
    pub data: std::ops::Range<usize>,
}

pub fn png_chunks(png: &[u8]) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut at = 8;
    while at + 12 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = png[at + 4..at + 8].try_into().unwrap();
        out.push(Chunk {
            start: at,
            kind,
            data: at + 8..at + 8 + len,
        });
        at += 12 + len;
    }
    out
}

/// The manifest store (JUMBF) carried in a PNG's caBX chunk.
pub fn png_store(png: &[u8]) -> Vec<u8> {
    let chunk = png_chunks(png)
        .into_iter()
        .find(|c| &c.kind == b"caBX")
        .expect("a caBX chunk");
    png[chunk.data].to_vec()
}

/// The PNG with its caBX chunk's data replaced by `store` (length and CRC recomputed).
pub fn png_with_store(png: &[u8], store: &[u8]) -> Vec<u8> {
    let chunk = png_chunks(png)
        .into_iter()
        .find(|c| &c.kind == b"caBX")
        .expect("a caBX chunk");
    let mut out = png[..chunk.start].to_vec();
    out.extend_from_slice(&u32::try_from(store.len()).unwrap().to_be_bytes());
    out.extend_from_slice(b"caBX");
    out.extend_from_slice(store);
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let mut digest = crc.digest();
    digest.update(b"caBX");
    digest.update(store);
    out.extend_from_slice(&digest.finalize().to_be_bytes());
    out.extend_from_slice(&png[chunk.data.end + 4..]);
    out
}

// ---------------------------------------------------------------------------
// JPEG

/// JPEG marker segments before the scan: (offset, marker, total length).
pub fn jpeg_segments(jpeg: &[u8]) -> Vec<(usize, u8, usize)> {
    let mut out = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA {
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        out.push((at, jpeg[at + 1], 2 + len));
        at += 2 + len;
    }
    out
}

/// The JPEG without its APP11 (JUMBF) segments, and where the first one was.
pub fn jpeg_without_app11(jpeg: &[u8]) -> (Vec<u8>, Option<usize>) {
    let mut out = Vec::with_capacity(jpeg.len());
    let mut first = None;
    let mut copied = 0;
    for (at, marker, len) in jpeg_segments(jpeg) {
        if marker == 0xEB {
            out.extend_from_slice(&jpeg[copied..at]);
            first.get_or_insert(out.len());
            copied = at + len;
        }
    }
    out.extend_from_slice(&jpeg[copied..]);
    (out, first)
}

/// The APP11 segments of a JPEG, concatenated as they appear.
pub fn jpeg_app11(jpeg: &[u8]) -> Vec<u8> {
    jpeg_segments(jpeg)
        .into_iter()
        .filter(|s| s.1 == 0xEB)
        .flat_map(|(at, _, len)| jpeg[at..at + len].to_vec())
        .collect()
}

// ---------------------------------------------------------------------------
// Signing without hallmark's checks

/// A C2PA signer over any Ed25519 key and any certificate chain, so tests
/// can make the files an attacker (or a careless tool) would make: expired
/// certificates, CA certificates as signers.
pub struct RawSigner {
    pub key: ed25519_dalek::SigningKey,
    pub chain_der: Vec<Vec<u8>>,
}

impl c2pa::Signer for RawSigner {
    fn sign(&self, data: &[u8]) -> c2pa::Result<Vec<u8>> {
        Ok(self.key.sign(data).to_bytes().to_vec())
    }
    fn alg(&self) -> c2pa::SigningAlg {
        c2pa::SigningAlg::Ed25519
    }
    fn certs(&self) -> c2pa::Result<Vec<Vec<u8>>> {
        Ok(self.chain_der.clone())
    }
    fn reserve_size(&self) -> usize {
        2048 + self.chain_der.iter().map(Vec::len).sum::<usize>()
    }
}

/// DER of every certificate in a PEM text.
pub fn pem_to_der(pem: &str) -> Vec<Vec<u8>> {
    pem.split("-----BEGIN CERTIFICATE-----")
        .skip(1)
        .map(|block| {
            let body: String = block
                .split("-----END CERTIFICATE-----")
                .next()
                .unwrap()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap()
        })
        .collect()
}

/// A C2PA builder made directly on the engine, with a `c2pa.created` action
/// and `policy`: nothing checked by hallmark.
pub fn raw_builder(mime: &str, policy: &TrainingPolicy) -> c2pa::Result<c2pa::Builder> {
    let definition = serde_json::json!({
        "title": "hostile",
        "format": mime,
        "claim_generator_info": [{ "name": "attacker", "version": "1" }],
    });
    let mut builder =
        c2pa::Builder::from_context(c2pa::Context::new()).with_definition(definition)?;
    builder.add_action(serde_json::json!({
        "action": "c2pa.created",
        "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
    }))?;
    builder.add_assertion("cawg.training-mining", &policy.to_assertion_data())?;
    Ok(builder)
}

/// Sign `media` (of MIME type `mime`) with the C2PA engine directly.
pub fn raw_sign(
    signer: &RawSigner,
    mime: &str,
    media: &[u8],
    policy: &TrainingPolicy,
) -> c2pa::Result<Vec<u8>> {
    let mut builder = raw_builder(mime, policy)?;
    let mut out = Cursor::new(Vec::new());
    builder.sign(signer, mime, &mut Cursor::new(media), &mut out)?;
    Ok(out.into_inner())
}
