//! The creator's training-and-data-mining choice in IPTC XMP, and reading it
//! (and W3C TDMRep) back.
//!
//! * [`Statement::from_policy`] maps a signed [`TrainingPolicy`] to
//!   `plus:DataMining` (+ `plus:OtherConstraints`); [`XmpReading::restrictions`]
//!   reads a file's statement back restrictively (see [`mapping`]).
//! * [`Packet`] makes a fresh packet or merges into an existing one.
//! * [`embed`] writes the statement into a JPEG, PNG, WebP, MP4/MOV, TIFF
//!   or GIF file (streaming from a seekable input to any writer); [`read`]
//!   reads the statement from those and from SVG, PDF, WAV, MP3 and FLAC.
//!
//! Write the XMP **before** signing: C2PA hashes the file, so any later
//! change to it breaks the manifest.
//!
//! [`TrainingPolicy`]: crate::policy::TrainingPolicy

mod bmff;
mod error;
mod format;
mod gif;
mod jpeg;
pub mod mapping;
#[cfg(test)]
mod merge_properties;
mod packet;
mod pdf;
mod png;
mod reading;
mod scan;
mod source;
mod svg;
mod tiff;
mod webp;

use std::io::{Cursor, Read, Seek, Write};

pub use error::{Error, Result};
pub use format::Format;
pub use mapping::{DataMining, DmiValue, Statement};
pub use packet::{DEFAULT_PADDING, MAX_DEPTH, MAX_PACKET, PACKET_ID, Packet, read_packet};
pub use reading::XmpReading;

/// Writes `input` to `output` with `statement` in its XMP: merged into the
/// file's packet (every other property kept), or in a new packet. Returns the
/// format written.
///
/// Memory use is bounded by the packet size (at most [`MAX_PACKET`]) plus
/// fixed buffers, whatever the file's size. Nothing is written to `output`
/// when an error is found while reading the file's structure; an I/O error
/// while writing can leave `output` incomplete (write to a temporary file and
/// rename).
pub fn embed<R: Read + Seek, W: Write>(
    file: &str,
    mut input: R,
    output: W,
    statement: &Statement,
) -> Result<Format> {
    let format = Format::detect(file, &mut input)?;
    match format {
        Format::Jpeg => jpeg::embed(file, input, output, statement)?,
        Format::Png => png::embed(file, input, output, statement)?,
        Format::WebP => webp::embed(file, input, output, statement)?,
        Format::Bmff => bmff::embed(file, input, output, statement)?,
        Format::Tiff => tiff::embed(file, input, output, statement)?,
        Format::Gif => gif::embed(file, input, output, statement)?,
        Format::Svg => svg::embed(file, input, output, statement)?,
        other => {
            return Err(Error::NotWritable {
                file: file.to_string(),
                format: other.name(),
                reason: other.why_not_written(),
            });
        }
    }
    Ok(format)
}

/// [`embed`] for a file held in memory: returns the new file.
pub fn embed_bytes(file: &str, bytes: &[u8], statement: &Statement) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 4096);
    embed(file, Cursor::new(bytes), &mut out, statement)?;
    Ok(out)
}

/// The file's XMP packet as stored (for formats with several places, the one
/// readers use), or `None` when it has none.
pub fn find_packet<R: Read + Seek>(file: &str, mut input: R) -> Result<Option<Vec<u8>>> {
    let format = Format::detect(file, &mut input)?;
    match format {
        Format::Jpeg => jpeg::find_packet(file, input),
        Format::Png => png::find_packet(file, input),
        Format::WebP => webp::find_packet(file, input),
        Format::Bmff => bmff::find_packet(file, input),
        Format::Tiff => tiff::find_packet(file, input),
        Format::Gif => gif::find_packet(file, input),
        Format::Svg => svg::find_packet(file, input),
        Format::Pdf => pdf::find_packet(file, input),
        Format::Heif | Format::Wav | Format::Mp3 | Format::Flac => {
            let mut src = source::Source::new(file, format.name(), input)?;
            let len = src.len();
            Ok(scan::packets(&mut src, 0, len)?.into_iter().next())
        }
    }
}

/// What the file's XMP says about training and mining (`plus:DataMining`,
/// `plus:OtherConstraints`, `tdm:reservation`, `tdm:policy`), or `None` when
/// the file has no XMP packet.
pub fn read<R: Read + Seek>(file: &str, input: R) -> Result<Option<XmpReading>> {
    match find_packet(file, input)? {
        Some(packet) => Ok(Some(read_packet(file, &packet)?)),
        None => Ok(None),
    }
}

/// [`read`] for a file held in memory.
pub fn read_bytes(file: &str, bytes: &[u8]) -> Result<Option<XmpReading>> {
    read(file, Cursor::new(bytes))
}
