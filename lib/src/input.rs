//! What a path names, before it is read: a regular file, or something
//! reading could hang on (opening a named pipe for reading waits for a
//! writer, and a device may never end).

use std::fs::Metadata;
use std::path::Path;

use crate::error::{Error, Result};

/// What `metadata` (links followed) describes when it is not a regular file,
/// in words: "a named pipe", "a socket", "a device", "a folder"; `None` for a
/// regular file.
pub fn not_a_regular_file(metadata: &Metadata) -> Option<&'static str> {
    if metadata.is_file() {
        return None;
    }
    if metadata.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return Some("a named pipe");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a file")
}

/// Refuse anything but a regular file before it is opened (`name` labels it
/// in the error); its length otherwise.
pub fn regular_file_len(path: &Path, name: &str) -> Result<u64> {
    let metadata = std::fs::metadata(path).map_err(|e| Error::io(name, "cannot read", e))?;
    match not_a_regular_file(&metadata) {
        None => Ok(metadata.len()),
        Some(kind) => Err(Error::NotAFile {
            file: name.into(),
            kind,
        }),
    }
}
