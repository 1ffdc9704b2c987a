//! Inputs for hallmark's benchmarks: media files of any size, made the same
//! way every time, so the criterion benches and `bench/compare.sh` measure
//! the same thing.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// A deterministic stream of pseudo-random bytes (xorshift), so large inputs
/// do not compress and are the same on every run.
pub struct Noise(u64);

impl Noise {
    /// A stream from a seed.
    pub fn new(seed: u64) -> Self {
        Noise(seed | 1)
    }

    /// Fill `buf` with the next bytes.
    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            let bytes = self.0.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

/// Write `len` bytes of noise.
fn write_noise(out: &mut impl Write, mut len: u64, seed: u64) -> io::Result<()> {
    let mut noise = Noise::new(seed);
    let mut block = vec![0u8; 1 << 20];
    while len > 0 {
        let n = len.min(block.len() as u64) as usize;
        noise.fill(&mut block[..n]);
        out.write_all(&block[..n])?;
        len -= n as u64;
    }
    Ok(())
}

/// A 16-bit stereo 48 kHz PCM WAV file of about `bytes` bytes.
pub fn write_wav(path: &Path, bytes: u64) -> io::Result<()> {
    let data = bytes.saturating_sub(44) & !3;
    let riff =
        u32::try_from(36 + data).map_err(|_| io::Error::other("a WAV file is limited to 4 GiB"))?;
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(b"RIFF")?;
    out.write_all(&riff.to_le_bytes())?;
    out.write_all(b"WAVEfmt ")?;
    out.write_all(&16u32.to_le_bytes())?;
    out.write_all(&1u16.to_le_bytes())?; // PCM
    out.write_all(&2u16.to_le_bytes())?; // stereo
    out.write_all(&48_000u32.to_le_bytes())?;
    out.write_all(&(48_000u32 * 4).to_le_bytes())?;
    out.write_all(&4u16.to_le_bytes())?;
    out.write_all(&16u16.to_le_bytes())?;
    out.write_all(b"data")?;
    out.write_all(&(data as u32).to_le_bytes())?;
    write_noise(&mut out, data, 0x5EED_0001)?;
    out.flush()
}

/// An MP4 of about `bytes` bytes: the small `seed` MP4 (whose `mdat` box must
/// come before `moov`) with its `mdat` box grown by padding. Sample offsets
/// stay valid, so players and C2PA readers accept it.
pub fn write_mp4(path: &Path, seed: &[u8], bytes: u64) -> io::Result<()> {
    let mut at = 0usize;
    let mut mdat = None;
    while at + 8 <= seed.len() {
        let size =
            u32::from_be_bytes([seed[at], seed[at + 1], seed[at + 2], seed[at + 3]]) as usize;
        if size < 8 {
            break;
        }
        if &seed[at + 4..at + 8] == b"mdat" {
            mdat = Some((at, size));
            break;
        }
        at += size;
    }
    let (mdat_at, mdat_size) =
        mdat.ok_or_else(|| io::Error::other("the seed MP4 has no mdat box"))?;
    let pad = bytes.saturating_sub(seed.len() as u64);
    let grown =
        u32::try_from(mdat_size as u64 + pad).map_err(|_| io::Error::other("mdat over 4 GiB"))?;
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(&seed[..mdat_at])?;
    out.write_all(&grown.to_be_bytes())?;
    out.write_all(&seed[mdat_at + 4..mdat_at + mdat_size])?;
    write_noise(&mut out, pad, 0x5EED_0002)?;
    out.write_all(&seed[mdat_at + mdat_size..])?;
    out.flush()
}

/// A JPEG of noise, `width` x `height` pixels (noise compresses poorly, so
/// 4000 x 3000 at quality 90 is about 20 MB).
pub fn write_jpeg(path: &Path, width: u16, height: u16, seed: u64) -> io::Result<()> {
    let mut pixels = vec![0u8; usize::from(width) * usize::from(height) * 3];
    Noise::new(seed).fill(&mut pixels);
    jpeg_encoder::Encoder::new_file(path, 90)
        .and_then(|encoder| encoder.encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb))
        .map_err(io::Error::other)
}
