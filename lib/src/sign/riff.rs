//! Signing RIFF files (WAV, AVI) in one streaming pass.
//!
//! The C2PA engine's RIFF writer (c2pa 0.90) reads every chunk of a file into
//! memory before writing it back, and then hashes the result in buffers of
//! up to 256 MiB: signing a 1 GB recording would take over a gigabyte of
//! memory and three passes over the data. Here hallmark writes the container
//! itself through the engine's caller-driven API (a placeholder manifest,
//! then the hash, then the signed manifest of the same size), copying the
//! file once while hashing it, in fixed-size blocks.
//!
//! The result is what the engine writes: a top-level `C2PA` chunk at the end
//! of the first RIFF chunk, excluded from a `c2pa.hash.data` hash as a range
//! starting at the chunk's header and covering header and data.

use std::io::{self, Read, Seek, SeekFrom, Write};

use c2pa::HashRange;
use c2pa::assertions::DataHash;
use sha2::{Digest, Sha256};

use super::manifest::Job;
use super::watched::WatchedOutput;
use super::{Outcome, Signed, Signer};
use crate::error::{Error, Result};
use crate::format::MediaFormat;

/// Id of the chunk that holds the manifest store.
const C2PA_CHUNK: &[u8; 4] = b"C2PA";
/// The media type under which the engine produces a bare manifest store (no container framing).
const BARE_MANIFEST: &str = "application/c2pa";
/// How much is copied and hashed at a time.
const BLOCK: usize = 1 << 20;
/// The most top-level chunks looked at (a guard against hostile files).
const MAX_CHUNKS: usize = 100_000;

/// Whether hallmark signs `format` with this streaming path.
pub(crate) fn streams(format: MediaFormat) -> bool {
    matches!(format, MediaFormat::Wav | MediaFormat::Avi)
}

/// Copies bytes from a reader to a writer, hashing what it writes except one range.
struct HashingCopy<'w, W> {
    out: &'w mut W,
    hasher: Sha256,
    position: u64,
}

impl<W: Write> HashingCopy<'_, W> {
    /// Write bytes that are part of the hash.
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.hasher.update(bytes);
        self.position += bytes.len() as u64;
        Ok(())
    }

    /// Write bytes that the hash excludes.
    fn write_excluded(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    /// Copy `len` bytes (or to the end when `None`) from `input`, hashed.
    fn copy<R: Read>(&mut self, input: &mut R, len: Option<u64>, buf: &mut [u8]) -> io::Result<()> {
        let mut left = len;
        loop {
            let want = left.map_or(buf.len(), |l| l.min(buf.len() as u64) as usize);
            if want == 0 {
                return Ok(());
            }
            let n = input.read(&mut buf[..want])?;
            if n == 0 {
                return match left {
                    Some(_) => Err(io::ErrorKind::UnexpectedEof.into()),
                    None => Ok(()),
                };
            }
            self.write(&buf[..n])?;
            left = left.map(|l| l - n as u64);
        }
    }
}

/// Where things are in the input's first RIFF chunk.
struct Layout {
    /// The first chunk's declared data size.
    size: u64,
    /// Whether it already holds a `C2PA` chunk.
    has_manifest: bool,
}

fn read_layout<R: Read + Seek>(input: &mut R, len: u64) -> io::Result<Option<Layout>> {
    input.seek(SeekFrom::Start(0))?;
    let mut header = [0u8; 12];
    input.read_exact(&mut header)?;
    if &header[..4] != b"RIFF" {
        return Ok(None);
    }
    let size = u64::from(u32::from_le_bytes([
        header[4], header[5], header[6], header[7],
    ]));
    let end = 8 + size;
    if end > len || size < 4 {
        return Ok(None);
    }
    let mut at = 12;
    for _ in 0..MAX_CHUNKS {
        if at + 8 > end {
            return Ok(Some(Layout {
                size,
                has_manifest: false,
            }));
        }
        input.seek(SeekFrom::Start(at))?;
        let mut chunk = [0u8; 8];
        input.read_exact(&mut chunk)?;
        if &chunk[..4] == C2PA_CHUNK {
            return Ok(Some(Layout {
                size,
                has_manifest: true,
            }));
        }
        let data = u64::from(u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]));
        at += 8 + data + (data & 1);
    }
    Ok(None)
}

/// Sign a RIFF file in one pass. The caller has checked that the input
/// carries no credentials. `None` for a file whose layout this path does not
/// handle: the engine's own writer signs it instead.
pub(crate) fn sign<R, W>(
    job: &Job<'_>,
    signer: &Signer,
    outcome: &Outcome,
    input: &mut R,
    output: &mut W,
) -> Result<Option<(Signed, Vec<u8>)>>
where
    R: Read + Seek + Send,
    W: Read + Write + Seek + Send,
{
    let name = job.name;
    let read_error = |e| Error::io(name, "cannot read", e);
    let write_error = |e| job.write_error(e);
    let len = input.seek(SeekFrom::End(0)).map_err(read_error)?;
    let layout = match read_layout(input, len).map_err(read_error)? {
        Some(layout) if !layout.has_manifest => layout,
        _ => return Ok(None),
    };
    input.seek(SeekFrom::Start(0)).map_err(read_error)?;

    let context = job.context()?.with_signer(signer.clone());
    let mut builder = job.builder(context, false, &outcome.soft_binding, input)?;
    let placeholder = builder
        .placeholder(BARE_MANIFEST)
        .map_err(job.engine_error("cannot sign"))?;
    let manifest_len = placeholder.len() as u64;
    let manifest_len32 = u32::try_from(manifest_len).map_err(|_| Error::TooLarge {
        file: name.into(),
        detail: format!("its manifest ({manifest_len} bytes) does not fit a RIFF chunk"),
    })?;

    // The new chunk goes at the end of the first RIFF chunk, on an even offset.
    let body_pad = layout.size & 1;
    let chunk_at = 8 + layout.size + body_pad;
    let new_size = layout.size + body_pad + 8 + manifest_len + (manifest_len & 1);
    let new_size32 = u32::try_from(new_size).map_err(|_| Error::TooLarge {
        file: name.into(),
        detail: "the signed file would exceed the 4 GiB limit of a RIFF file".into(),
    })?;

    output.seek(SeekFrom::Start(0)).map_err(write_error)?;
    let mut buf = vec![0u8; BLOCK];
    let mut watched = WatchedOutput::new(output);
    let mut out = HashingCopy {
        out: &mut watched,
        hasher: Sha256::new(),
        position: 0,
    };
    input.seek(SeekFrom::Start(8)).map_err(read_error)?;
    let copied = (|| -> io::Result<()> {
        out.write(b"RIFF")?;
        out.write(&new_size32.to_le_bytes())?;
        out.copy(input, Some(layout.size), &mut buf)?;
        if body_pad == 1 {
            out.write(&[0])?;
        }
        out.write_excluded(C2PA_CHUNK)?;
        out.write_excluded(&manifest_len32.to_le_bytes())?;
        out.write_excluded(&placeholder)?;
        if manifest_len & 1 == 1 {
            out.write(&[0])?;
        }
        // Whatever follows the first RIFF chunk (AVI's AVIX chunks) is copied as it is.
        input.seek(SeekFrom::Start(8 + layout.size + body_pad))?;
        out.copy(input, None, &mut buf)
    })();
    let hash = out.hasher.finalize();
    if let Err(e) = copied {
        return Err(match watched.into_failure() {
            Some(failure) => write_error(failure),
            None if e.kind() == io::ErrorKind::UnexpectedEof => Error::DamagedMedia {
                file: name.into(),
                format: job.format.name(),
                detail: "it ends too early (truncated)".into(),
            },
            None => read_error(e),
        });
    }

    let mut data_hash = DataHash::new("jumbf manifest", "sha256");
    data_hash.add_exclusion(HashRange::new(chunk_at, 8 + manifest_len));
    data_hash.set_hash(hash.to_vec());
    builder
        .definition
        .assertions
        .retain(|a| !a.label.starts_with(DataHash::LABEL));
    builder
        .add_assertion(DataHash::LABEL, &data_hash)
        .map_err(job.engine_error("cannot sign"))?;
    let signed = builder
        .sign_embeddable(BARE_MANIFEST)
        .map_err(job.engine_error("cannot sign"))?;
    if signed.len() as u64 != manifest_len {
        return Err(Error::C2pa {
            file: name.into(),
            action: "cannot sign",
            detail: format!(
                "the signed manifest ({} bytes) does not fit the space reserved for it ({manifest_len} bytes)",
                signed.len()
            ),
        });
    }
    output
        .seek(SeekFrom::Start(chunk_at + 8))
        .and_then(|_| output.write_all(&signed))
        .and_then(|()| output.flush())
        .map_err(write_error)?;
    Ok(Some((
        job.signed(false, signed.len(), outcome.clone()),
        signed,
    )))
}
