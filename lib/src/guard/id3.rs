//! A guard in front of the C2PA engine's MP3 reader.
//!
//! The engine reads an MP3's ID3v2 tag with the `id3` crate, which
//! allocates each frame at the size the frame *declares* before reading it:
//! a tag of a few bytes can declare a 4 GiB frame. This guard walks the
//! frame headers (seeking over their data, allocating nothing) and refuses
//! a frame that declares more bytes than its tag, or the file, holds.

use std::io::{self, Read, Seek, SeekFrom};

/// Check the ID3v2 tag at the start of `stream`, if there is one. The outer
/// error is a failure to read; the inner one says what is wrong in words.
pub(crate) fn check_tag<R: Read + Seek>(stream: &mut R) -> io::Result<Result<(), String>> {
    let file_len = stream.seek(SeekFrom::End(0))?;
    stream.seek(SeekFrom::Start(0))?;
    let mut header = [0u8; 10];
    if !read_fully(stream, &mut header)? || &header[..3] != b"ID3" {
        return Ok(Ok(()));
    }
    let major = header[3];
    let flags = header[5];
    let tag_end = (10 + u64::from(syncsafe(&header[6..10]))).min(file_len);
    let mut at = 10u64;
    if flags & 0x40 != 0 && major >= 3 {
        let mut size = [0u8; 4];
        if !read_fully(stream, &mut size)? {
            return Ok(Ok(()));
        }
        let extended = match major {
            3 => u64::from(u32::from_be_bytes(size)) + 4,
            _ => u64::from(syncsafe(&size)),
        };
        if extended > tag_end.saturating_sub(at) {
            return Ok(Err(too_long(
                "its extended header",
                extended,
                tag_end.saturating_sub(at),
            )));
        }
        at += extended;
    }
    let header_len: u64 = if major == 2 { 6 } else { 10 };
    if !(2..=4).contains(&major) {
        return Ok(Ok(()));
    }
    while at + header_len <= tag_end {
        stream.seek(SeekFrom::Start(at))?;
        let mut frame = [0u8; 10];
        if !read_fully(stream, &mut frame[..header_len as usize])? {
            break;
        }
        if frame[0] == 0 {
            break; // padding
        }
        let size = match major {
            2 => u64::from(u32::from_be_bytes([0, frame[3], frame[4], frame[5]])),
            3 => u64::from(u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]])),
            _ => u64::from(syncsafe(&frame[4..8])),
        };
        let left = tag_end - at - header_len;
        if size > left {
            return Ok(Err(too_long("a frame", size, left)));
        }
        at += header_len + size;
    }
    stream.seek(SeekFrom::Start(0))?;
    Ok(Ok(()))
}

/// A 28-bit "synchsafe" integer: seven bits per byte.
fn syncsafe(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |v, b| (v << 7) | u32::from(b & 0x7f))
}

/// Fill `buf`; `false` if the stream ends first.
fn read_fully<R: Read>(stream: &mut R, buf: &mut [u8]) -> io::Result<bool> {
    match stream.read_exact(buf) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

fn too_long(what: &str, declared: u64, left: u64) -> String {
    format!("{what} in its ID3 tag declares {declared} bytes but only {left} follow")
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn tag(major: u8, frames: &[u8]) -> Vec<u8> {
        let size = frames.len() as u32;
        let mut out = b"ID3".to_vec();
        out.extend_from_slice(&[major, 0, 0]);
        out.extend((0..4).rev().map(|i| ((size >> (7 * i)) & 0x7f) as u8));
        out.extend_from_slice(frames);
        out.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x00]); // an MPEG frame header
        out
    }

    #[test]
    fn honest_tags_and_other_files_pass() {
        let frames = b"TIT2\0\0\0\x04\0\0\0abcTPE1\0\0\0\x02\0\0\0z\0\0\0\0\0";
        assert_eq!(check_tag(&mut Cursor::new(tag(3, frames))).unwrap(), Ok(()));
        assert_eq!(
            check_tag(&mut Cursor::new(b"not an mp3".to_vec())).unwrap(),
            Ok(())
        );
        assert_eq!(
            check_tag(&mut Cursor::new(b"ID3".to_vec())).unwrap(),
            Ok(())
        );
    }

    #[test]
    fn a_frame_larger_than_its_tag_is_refused() {
        // ID3v2.3: a 3.5 GB frame in a 20-byte tag.
        let frames = b"TIT2\xd4\x00\x00\x00\0\0abcdefghij";
        assert_eq!(
            check_tag(&mut Cursor::new(tag(3, frames))).unwrap(),
            Err("a frame in its ID3 tag declares 3556769792 bytes but only 10 follow".into())
        );
        // ID3v2.2: six-byte frame headers.
        let frames = b"TT2\xff\xff\xffabc";
        assert!(
            check_tag(&mut Cursor::new(tag(2, frames)))
                .unwrap()
                .is_err()
        );
    }
}
