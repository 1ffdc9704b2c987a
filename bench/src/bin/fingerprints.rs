//! Fingerprint files with the library, for `bench/fingerprint-robustness.sh`.
//!
//! ```text
//! fingerprints [--repeat N] FILE...   one JSON line per file, in order:
//!                                     {"file", "iscc", "code64", "ms"} or {"file", "error"}
//! fingerprints --thresholds           the library's thresholds as one JSON line:
//!                                     {"radius64", "max_radius64", "max_distance256",
//!                                     "match_distance"}
//! ```
//!
//! `iscc` is the 256-bit ISCC Image-Code (`ISCC:EED…`), `code64` its first 64 bits in 16 hex
//! digits (what the repository's candidate search indexes), and `ms` the time of
//! [`Fingerprint::of_bytes`] on the file's bytes in memory (decode, orientation, alpha, trim,
//! gray, resize, DCT hash; the file is read once, before timing): the best of `N` runs
//! (default 1), single thread, as `fingerprints.py time N` times iscc-sdk. The exit status is 1
//! if any file failed, after every file has been reported.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hallmark::fingerprint::Fingerprint;
use serde_json::json;

/// What the command line asks for.
enum Command {
    /// Fingerprint the files, timing each `repeat` times.
    Fingerprint { repeat: u32, files: Vec<String> },
    /// Print the thresholds.
    Thresholds,
}

/// Reads the command line.
fn parse_args() -> Result<Command, String> {
    let mut repeat = 1;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--thresholds" => return Ok(Command::Thresholds),
            "--repeat" => {
                let value = args.next().ok_or("--repeat needs a value")?;
                repeat = value
                    .parse()
                    .ok()
                    .filter(|&n: &u32| n >= 1)
                    .ok_or_else(|| format!("--repeat: expected a positive number, not {value}"))?;
            }
            "--" => files.extend(args.by_ref()),
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return Err("usage: fingerprints [--repeat N] FILE... | fingerprints --thresholds".into());
    }
    Ok(Command::Fingerprint { repeat, files })
}

/// One file's JSON line: its fingerprint and best time, or why it failed.
fn fingerprint_line(file: &str, repeat: u32) -> (serde_json::Value, bool) {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            return (
                json!({ "file": file, "error": format!("{file}: {e}") }),
                false,
            );
        }
    };
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..repeat {
        let started = Instant::now();
        let outcome = Fingerprint::of_bytes(file, &bytes);
        best = best.min(started.elapsed());
        match outcome {
            Ok(fingerprint) => result = Some(fingerprint),
            Err(e) => return (json!({ "file": file, "error": e.to_string() }), false),
        }
    }
    match result {
        Some(fingerprint) => (
            json!({
                "file": file,
                "iscc": fingerprint.iscc(),
                "code64": format!("{:016x}", fingerprint.code64()),
                "ms": best.as_secs_f64() * 1e3,
            }),
            true,
        ),
        None => (json!({ "file": file, "error": "not fingerprinted" }), false),
    }
}

/// Runs the command; `Ok(false)` if a file failed.
fn run(command: Command) -> io::Result<bool> {
    let mut out = BufWriter::new(io::stdout().lock());
    match command {
        Command::Thresholds => {
            let line = json!({
                "radius64": hallmark::repository::DEFAULT_RADIUS64,
                "max_radius64": hallmark::repository::mih::MAX_RADIUS64,
                "max_distance256": hallmark::repository::DEFAULT_MAX_DISTANCE256,
                "match_distance": hallmark::recover::MATCH_DISTANCE,
            });
            writeln!(out, "{line}")?;
            out.flush()?;
            Ok(true)
        }
        Command::Fingerprint { repeat, files } => {
            let mut all_ok = true;
            for file in &files {
                let (line, ok) = fingerprint_line(file, repeat);
                all_ok &= ok;
                writeln!(out, "{line}")?;
            }
            out.flush()?;
            Ok(all_ok)
        }
    }
}

fn main() -> ExitCode {
    let command = match parse_args() {
        Ok(command) => command,
        Err(message) => {
            eprintln!("fingerprints: {message}");
            return ExitCode::from(2);
        }
    };
    match run(command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("fingerprints: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}
