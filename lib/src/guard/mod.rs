//! Guards in front of the C2PA engine's parsers.
//!
//! Some parsers the engine relies on allocate what a file *declares* before
//! reading it, so a small hostile file can make them allocate gigabytes.
//! Each guard checks the declared sizes against the bytes really there,
//! without allocating, before the engine sees the file. They were found by
//! fuzzing (`fuzz/`); each finding is kept in `tests/fixtures/hostile/`.

mod id3;
mod store;

use std::io::{Read, Seek, SeekFrom};

use crate::error::{Error, Result};
use crate::format::MediaFormat;

/// Check the container of a file of `format` before the engine reads it;
/// the stream is left at its start.
pub(crate) fn check_container<R: Read + Seek>(
    name: &str,
    format: MediaFormat,
    stream: &mut R,
) -> Result<()> {
    let read_error = |e| Error::io(name, "cannot read", e);
    // The engine reads ID3v2 tags in MP3 and in FLAC (which may start with one).
    if matches!(format, MediaFormat::Mp3 | MediaFormat::Flac) {
        let verdict = id3::check_tag(stream).map_err(read_error)?;
        stream.seek(SeekFrom::Start(0)).map_err(read_error)?;
        verdict.map_err(|reason| Error::DamagedMedia {
            file: name.into(),
            format: format.name(),
            detail: reason,
        })?;
    }
    Ok(())
}

/// Check a manifest store (JUMBF) before the engine decodes it.
pub(crate) fn check_store(name: &str, store: &[u8]) -> Result<()> {
    store::check_store(store).map_err(|reason| Error::UnreadableCredentials {
        file: name.into(),
        detail: format!("the manifest store is damaged: {reason}"),
    })
}
