//! Bounded random access to an input file, and writing an edited copy.
//!
//! Carriers scan a file's structure through [`Source`] (which checks every
//! size a file declares against what is actually there before allocating),
//! then describe the new file as a list of [`Splice`]s over the old one;
//! [`write_spliced`] streams the result with a fixed-size buffer.

use std::io::{Read, Seek, SeekFrom, Write};

use super::error::{Error, Result};

/// Size of the copy buffer.
const CHUNK: usize = 64 * 1024;

/// A seekable input of known length, named for error messages.
pub(crate) struct Source<'f, R> {
    pub file: &'f str,
    pub format: &'static str,
    inner: R,
    len: u64,
    /// A window of the input kept for small reads (structure scans read a few
    /// bytes at a time).
    cache: Vec<u8>,
    cache_start: u64,
}

/// Size of the read-ahead window for small reads.
const WINDOW: usize = 8 * 1024;

impl<'f, R: Read + Seek> Source<'f, R> {
    /// Wraps `inner`, measuring its length.
    pub(super) fn new(file: &'f str, format: &'static str, mut inner: R) -> Result<Self> {
        let len = inner
            .seek(SeekFrom::End(0))
            .map_err(|e| Error::io(file, "cannot read", e))?;
        Ok(Source {
            file,
            format,
            inner,
            len,
            cache: Vec::new(),
            cache_start: 0,
        })
    }

    /// The input's length in bytes.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// An error saying the file is damaged.
    pub(super) fn damaged(&self, detail: impl Into<String>) -> Error {
        Error::damaged(self.file, self.format, detail)
    }

    /// Checks that `len` bytes at `offset` lie inside the input; `what` names them.
    pub(super) fn check(&self, offset: u64, len: u64, what: &str) -> Result<()> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(self.damaged(format!(
                "{what} at byte {offset} claims {len} bytes but only {} remain",
                self.len.saturating_sub(offset)
            ))),
        }
    }

    /// Fills `buf` from `offset`, which must lie inside the input.
    pub(super) fn read_at(&mut self, offset: u64, buf: &mut [u8], what: &str) -> Result<()> {
        self.check(offset, buf.len() as u64, what)?;
        let file = self.file;
        if buf.len() <= WINDOW / 2 {
            let cached = offset >= self.cache_start
                && offset + buf.len() as u64 <= self.cache_start + self.cache.len() as u64;
            if !cached {
                let n = usize::try_from((self.len - offset).min(WINDOW as u64)).unwrap_or(WINDOW);
                self.cache.resize(n, 0);
                self.cache_start = offset;
                self.inner
                    .seek(SeekFrom::Start(offset))
                    .and_then(|_| self.inner.read_exact(&mut self.cache))
                    .map_err(|e| Error::io(file, "cannot read", e))?;
            }
            let from = usize::try_from(offset - self.cache_start).unwrap_or(0);
            if let Some(window) = self.cache.get(from..from + buf.len()) {
                buf.copy_from_slice(window);
                return Ok(());
            }
        }
        self.inner
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.inner.read_exact(buf))
            .map_err(|e| Error::io(file, "cannot read", e))
    }

    /// `N` bytes at `offset`.
    pub(super) fn array<const N: usize>(&mut self, offset: u64, what: &str) -> Result<[u8; N]> {
        let mut buf = [0u8; N];
        self.read_at(offset, &mut buf, what)?;
        Ok(buf)
    }

    /// Up to `N` bytes at `offset` (fewer at the end of the input), zero-filled.
    pub(super) fn peek<const N: usize>(&mut self, offset: u64) -> Result<([u8; N], usize)> {
        let n = usize::try_from(self.len.saturating_sub(offset).min(N as u64)).unwrap_or(0);
        let mut buf = [0u8; N];
        if n > 0 {
            self.read_at(offset, &mut buf[..n], "data")?;
        }
        Ok((buf, n))
    }

    /// `len` bytes at `offset`, after checking them against `limit` and
    /// against what the input holds.
    pub(super) fn read_vec(
        &mut self,
        offset: u64,
        len: u64,
        limit: usize,
        what: &'static str,
    ) -> Result<Vec<u8>> {
        if len > limit as u64 {
            return Err(Error::TooLarge {
                file: self.file.to_string(),
                what,
                size: len,
                limit: limit as u64,
            });
        }
        self.check(offset, len, what)?;
        let mut buf = vec![0u8; usize::try_from(len).unwrap_or(0)];
        self.read_at(offset, &mut buf, what)?;
        Ok(buf)
    }

    /// Streams `len` bytes from `offset` into `out`.
    fn copy_to<W: Write>(&mut self, offset: u64, len: u64, out: &mut W) -> Result<()> {
        let file = self.file;
        self.check(offset, len, "data")?;
        self.inner
            .seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io(file, "cannot read", e))?;
        let mut buf = vec![0u8; CHUNK];
        let mut left = len;
        while left > 0 {
            let n = usize::try_from(left.min(CHUNK as u64)).unwrap_or(CHUNK);
            let slice = buf.get_mut(..n).unwrap_or_default();
            self.inner
                .read_exact(slice)
                .map_err(|e| Error::io(file, "cannot read", e))?;
            out.write_all(slice)
                .map_err(|e| Error::io(file, "cannot write", e))?;
            left -= n as u64;
        }
        Ok(())
    }
}

/// Bytes `start..end` of the input replaced by `bytes` (an insertion when
/// `start == end`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Splice {
    pub start: u64,
    pub end: u64,
    pub bytes: Vec<u8>,
}

impl Splice {
    /// `bytes` inserted at `at`.
    pub(super) fn insert(at: u64, bytes: Vec<u8>) -> Splice {
        Splice {
            start: at,
            end: at,
            bytes,
        }
    }

    /// `start..end` replaced by `bytes`.
    pub(super) fn replace(start: u64, end: u64, bytes: Vec<u8>) -> Splice {
        Splice { start, end, bytes }
    }

    /// How much longer the file gets (negative: shorter).
    pub(super) fn growth(&self) -> i128 {
        self.bytes.len() as i128 - i128::from(self.end) + i128::from(self.start)
    }
}

/// Writes the input with `splices` applied. Splices must not overlap;
/// insertions at the same place keep their order.
pub(crate) fn write_spliced<R: Read + Seek, W: Write>(
    src: &mut Source<'_, R>,
    mut splices: Vec<Splice>,
    mut out: W,
) -> Result<()> {
    splices.sort_by_key(|s| (s.start, s.end));
    let mut at = 0u64;
    for s in &splices {
        if s.start < at || s.end < s.start || s.end > src.len() {
            return Err(src.damaged("internal error: overlapping edits"));
        }
        src.copy_to(at, s.start - at, &mut out)?;
        out.write_all(&s.bytes)
            .map_err(|e| Error::io(src.file, "cannot write", e))?;
        at = s.end;
    }
    let len = src.len();
    src.copy_to(at, len - at, &mut out)?;
    out.flush()
        .map_err(|e| Error::io(src.file, "cannot write", e))
}
