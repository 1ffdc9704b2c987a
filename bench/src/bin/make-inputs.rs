//! Make the inputs of `bench/compare.sh`: `make-inputs DIR SEED_MP4`.
//!
//! Writes WAV files of 10 MB, 200 MB and 1 GB, MP4s of 10 MB, 200 MB and 1 GB,
//! JPEGs of 20 MB, 2 MB and 1 MB, and 1,000 small JPEGs in `DIR/jpegs/`.
//! Existing files are kept.

use std::path::{Path, PathBuf};

use hallmark_bench::{write_jpeg, write_mp4, write_wav};

const MB: u64 = 1_000_000;

fn make(path: PathBuf, write: impl FnOnce(&Path) -> std::io::Result<()>) -> std::io::Result<()> {
    if !path.exists() {
        let partial = path.with_extension("partial");
        write(&partial)?;
        std::fs::rename(&partial, &path)?;
        eprintln!("made {}", path.display());
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), Some(seed)) = (args.next(), args.next()) else {
        eprintln!("usage: make-inputs DIR SEED_MP4");
        std::process::exit(64);
    };
    let dir = PathBuf::from(dir);
    let seed = std::fs::read(seed)?;
    std::fs::create_dir_all(dir.join("jpegs"))?;
    for (name, size) in [
        ("wav-10M.wav", 10 * MB),
        ("wav-200M.wav", 200 * MB),
        ("wav-1G.wav", 1000 * MB),
    ] {
        make(dir.join(name), |p| write_wav(p, size))?;
    }
    for (name, size) in [
        ("mp4-10M.mp4", 10 * MB),
        ("mp4-200M.mp4", 200 * MB),
        ("mp4-1G.mp4", 1000 * MB),
    ] {
        make(dir.join(name), |p| write_mp4(p, &seed, size))?;
    }
    make(dir.join("jpeg-20M.jpg"), |p| write_jpeg(p, 4000, 3000, 7))?;
    make(dir.join("jpeg-2M.jpg"), |p| write_jpeg(p, 1200, 900, 8))?;
    make(dir.join("jpeg-1M.jpg"), |p| write_jpeg(p, 840, 640, 9))?;
    for i in 0..1000u64 {
        make(dir.join(format!("jpegs/img{i:04}.jpg")), |p| {
            write_jpeg(p, 320, 240, 100 + i)
        })?;
    }
    Ok(())
}
