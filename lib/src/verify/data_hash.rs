//! Checking a large file's data hash in fixed-size blocks.
//!
//! The C2PA engine (c2pa 0.90) hashes a file in buffers of up to 256 MiB
//! (`MAX_HASH_BUF` in its `hash_utils`), two at a time: verifying a 1 GB
//! recording costs half a gigabyte of memory. For large files in formats
//! whose hard binding is a plain `c2pa.hash.data` and whose manifest the
//! engine finds without reading the whole file (RIFF: WAV, AVI), hallmark
//! lets the engine check everything but the data hash against an empty
//! stream, hashes the file itself in 1 MiB blocks, and puts the engine's
//! own status codes for the outcome in place of the empty stream's.

use std::io::{Read, Seek, SeekFrom};

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::verdict::{Status, StatusKind};
use crate::format::MediaFormat;

/// How much is read and hashed at a time.
const BLOCK: usize = 1 << 20;

/// The C2PA status code of a data hash that matches.
pub(crate) const MATCH: &str = "assertion.dataHash.match";
/// The C2PA status code of a data hash that does not.
pub(crate) const MISMATCH: &str = "assertion.dataHash.mismatch";

/// Whether hallmark may check this format's data hash itself.
pub(crate) fn applies_to(format: MediaFormat) -> bool {
    matches!(format, MediaFormat::Wav | MediaFormat::Avi)
}

/// The `c2pa.hash.data` assertion of the active manifest, from the engine's detailed JSON.
pub(crate) struct Binding {
    alg: String,
    expected: Vec<u8>,
    /// (start, length) ranges left out of the hash.
    exclusions: Vec<(u64, u64)>,
    /// The JUMBF URI the engine reports the status under.
    url: String,
}

impl Binding {
    /// Find the active manifest's data hash in the engine's detailed JSON;
    /// `None` when it has another kind of hard binding (or none).
    pub(crate) fn from_detailed_json(detailed: &Value) -> Option<Binding> {
        let active = detailed.get("active_manifest")?.as_str()?;
        let store = detailed
            .get("manifests")?
            .get(active)?
            .get("assertion_store")?
            .as_object()?;
        let (label, data) = store
            .iter()
            .find(|(label, _)| label.starts_with("c2pa.hash.data"))?;
        let expected = base64::engine::general_purpose::STANDARD
            .decode(data.get("hash")?.as_str()?)
            .ok()?;
        let exclusions = data
            .get("exclusions")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|e| Some((e.get("start")?.as_u64()?, e.get("length")?.as_u64()?)))
                    .collect()
            })
            .unwrap_or_default();
        Some(Binding {
            alg: data
                .get("alg")
                .and_then(Value::as_str)
                .unwrap_or("sha256")
                .to_owned(),
            expected,
            exclusions,
            url: format!("self#jumbf=/c2pa/{active}/c2pa.assertions/{label}"),
        })
    }

    /// Hash the stream (leaving out the exclusions) and compare.
    /// `None` when the algorithm is unknown or the stream cannot be read.
    pub(crate) fn matches<R: Read + Seek>(&self, stream: &mut R) -> Option<bool> {
        let len = stream.seek(SeekFrom::End(0)).ok()?;
        let mut exclusions = self.exclusions.clone();
        exclusions.sort_unstable();
        if exclusions
            .iter()
            .any(|(start, length)| start.saturating_add(*length) > len)
        {
            return Some(false);
        }
        let mut hasher: Box<dyn DynHasher> = match self.alg.as_str() {
            "sha256" => Box::new(Sha256::new()),
            "sha384" => Box::new(Sha384::new()),
            "sha512" => Box::new(Sha512::new()),
            _ => return None,
        };
        let mut buf = vec![0u8; BLOCK];
        let mut at = 0u64;
        for (start, length) in exclusions.iter().copied().chain([(len, 0)]) {
            if start > at {
                hash_range(stream, at, start - at, &mut buf, hasher.as_mut())?;
            }
            at = at.max(start.saturating_add(length));
        }
        Some(hasher.finish() == self.expected)
    }

    /// The status the engine reports for this outcome.
    pub(crate) fn status(&self, matched: bool) -> Status {
        let (code, kind, explanation) = if matched {
            (MATCH, StatusKind::Success, "data hash valid".to_owned())
        } else {
            (
                MISMATCH,
                StatusKind::Failure,
                "asset hash error, name: jumbf manifest, error: hash verification( Hashes do not match )".to_owned(),
            )
        };
        Status {
            code: code.into(),
            explanation: Some(explanation),
            url: Some(self.url.clone()),
            kind,
            ingredient: None,
        }
    }
}

fn hash_range<R: Read + Seek>(
    stream: &mut R,
    start: u64,
    mut left: u64,
    buf: &mut [u8],
    hasher: &mut dyn DynHasher,
) -> Option<()> {
    stream.seek(SeekFrom::Start(start)).ok()?;
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        stream.read_exact(&mut buf[..want]).ok()?;
        hasher.update(&buf[..want]);
        left -= want as u64;
    }
    Some(())
}

/// The three SHA-2 hashers behind one interface.
trait DynHasher {
    fn update(&mut self, bytes: &[u8]);
    fn finish(self: Box<Self>) -> Vec<u8>;
}

impl<D: Digest> DynHasher for D {
    fn update(&mut self, bytes: &[u8]) {
        Digest::update(self, bytes);
    }
    fn finish(self: Box<Self>) -> Vec<u8> {
        self.finalize().to_vec()
    }
}
