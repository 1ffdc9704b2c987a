//! The mutation suite: signed files of many formats, each damaged hundreds
//! of ways (byte flips, insertions, truncations, chunk swaps), and every
//! file the fuzzers ever found trouble with. For each one: verification
//! never panics, finishes within a bound, stays within a memory bound, and
//! never reports intact credentials with a policy other than the one signed.

use std::sync::Arc;
use std::time::Duration;

use super::support::*;
use hallmark::sign::SignOptions;
use hallmark::{MediaFormat, Report, TrainingPolicy, Verifier};

use hallmark_test_support::library::*;
use hallmark_test_support::paths::*;

/// Mutations per signed sample.
const MUTATIONS: usize = 150;
/// The longest one verification of a damaged small file may take.
const TIME_BOUND: Duration = Duration::from_secs(10);
/// The most heap one verification of a damaged small file may take.
const HEAP_BOUND: usize = 128 << 20;

/// SplitMix64: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Where the manifest store sits in a signed file: the C2PA JUMBF label is
/// found and a window around it taken, so half the mutations hit the
/// credentials rather than the picture or sound.
fn manifest_window(file: &[u8]) -> std::ops::Range<usize> {
    match find_bytes(file, b"c2pa") {
        Some(at) => at.saturating_sub(64)..(at + 16 * 1024).min(file.len()),
        None => 0..file.len(),
    }
}

/// One random mutation of `file`, and a description of it.
fn mutate(file: &[u8], rng: &mut Rng) -> (Vec<u8>, String) {
    let mut out = file.to_vec();
    let window = manifest_window(file);
    let position = |rng: &mut Rng| {
        if rng.below(2) == 0 {
            window.start + rng.below(window.len().max(1))
        } else {
            rng.below(file.len())
        }
    };
    match rng.below(5) {
        0 => {
            let flips = 1 + rng.below(4);
            let mut at_list = Vec::new();
            for _ in 0..flips {
                let at = position(rng);
                out[at] ^= 1 << rng.below(8);
                at_list.push(at);
            }
            (out, format!("bit flips at {at_list:?}"))
        }
        1 => {
            let at = position(rng);
            let len = 1 + rng.below(64);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            out.splice(at..at, bytes);
            (out, format!("{len} random bytes inserted at {at}"))
        }
        2 => {
            let at = position(rng);
            out.truncate(at);
            (out, format!("truncated to {at} bytes"))
        }
        3 => {
            // Two chunks that do not overlap: `a` in the first part, `b` after it.
            let len = 1 + rng.below(256.min(file.len() / 4));
            let a = rng.below(file.len() - 2 * len);
            let b = a + len + rng.below(file.len() - a - 2 * len + 1);
            let first = file[a..a + len].to_vec();
            out.copy_within(b..b + len, a);
            out[b..b + len].copy_from_slice(&first);
            (out, format!("{len}-byte chunks at {a} and {b} swapped"))
        }
        _ => {
            // A 4-byte length or count overwritten with something large.
            let at = position(rng).min(file.len().saturating_sub(4));
            let value = [0xFFFF_FFFFu32, 0x7FFF_FFFF, 0x0100_0000, 0xFFFF][rng.below(4)];
            out[at..at + 4].copy_from_slice(&value.to_be_bytes());
            (out, format!("0x{value:08x} written at {at}"))
        }
    }
}

/// Verify `bytes` under every bound and check what the report says.
fn check(
    verifier: &Arc<Verifier>,
    format: Option<MediaFormat>,
    bytes: Vec<u8>,
    what: &str,
) -> Result<Option<Report>, String> {
    let verifier = Arc::clone(verifier);
    let (outcome, heap) = peak_heap(|| {
        within(TIME_BOUND, move || {
            verifier.verify_bytes("mutant", format, &bytes)
        })
    });
    let result = match outcome {
        Outcome::Done(result, _) => result,
        Outcome::Panicked(message) => return Err(format!("{what}: panicked: {message}")),
        Outcome::TimedOut => return Err(format!("{what}: still running after {TIME_BOUND:?}")),
    };
    if heap > HEAP_BOUND {
        return Err(format!("{what}: {} MiB of heap", heap >> 20));
    }
    match result {
        Ok(report) if report.state.is_intact() && report.policy != TrainingPolicy::deny_all() => {
            Err(format!(
                "{what}: intact ({:?}) with a policy never signed: {:?}",
                report.state, report.policy
            ))
        }
        Ok(report) => Ok(Some(report)),
        Err(_) => Ok(None),
    }
}

fn mutate_sample(name: &str, seed: u64) {
    let format = MediaFormat::from_path(std::path::Path::new(name));
    let signed = sign_bytes(&media_dir().join(name), &SignOptions::default());
    let verifier = Arc::new(trusting());
    let mut rng = Rng(seed);
    let mut problems = Vec::new();
    let mut tally = std::collections::BTreeMap::<&str, usize>::new();
    for index in 0..MUTATIONS {
        let (mutant, how) = mutate(&signed, &mut rng);
        match check(
            &verifier,
            format,
            mutant,
            &format!("{name} mutation {index} ({how})"),
        ) {
            Ok(Some(report)) => {
                // SHOW_INTACT=1 lists the damage that left the credentials
                // intact: bytes the signature does not cover (the padding
                // reserved in the signature box, box lengths the engine
                // reads past).
                if report.state.is_intact() && std::env::var_os("SHOW_INTACT").is_some() {
                    eprintln!("intact: {name} mutation {index}: {how}");
                }
                *tally.entry(report.state.as_str()).or_default() += 1
            }
            Ok(None) => *tally.entry("error").or_default() += 1,
            Err(problem) => problems.push(problem),
        }
    }
    eprintln!("{name}: {MUTATIONS} mutations: {tally:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Most damage must be noticed: intact results come only from bytes
    // outside what the signature covers (padding inside the store).
    let intact =
        tally.get("trusted").copied().unwrap_or(0) + tally.get("valid").copied().unwrap_or(0);
    assert!(
        intact * 4 < MUTATIONS,
        "{name}: {intact} of {MUTATIONS} mutants still verify"
    );
}

#[test]
fn mutated_jpeg() {
    mutate_sample("sample.jpg", 1);
}

#[test]
fn mutated_png() {
    mutate_sample("sample.png", 2);
}

#[test]
fn mutated_webp() {
    mutate_sample("sample.webp", 3);
}

#[test]
fn mutated_tiff() {
    mutate_sample("sample.tif", 4);
}

#[test]
fn mutated_wav() {
    mutate_sample("sample.wav", 5);
}

#[test]
fn mutated_avi() {
    mutate_sample("sample.avi", 6);
}

#[test]
fn mutated_mp4() {
    mutate_sample("sample.mp4", 7);
}

#[test]
fn mutated_heic() {
    mutate_sample("sample.heic", 8);
}

#[test]
fn mutated_mp3() {
    mutate_sample("sample.mp3", 9);
}

#[test]
fn mutated_gif() {
    mutate_sample("sample.gif", 10);
}

#[test]
fn every_fuzzer_finding_stays_harmless() {
    let folder = media_dir().join("../hostile");
    let verifier = Arc::new(trusting());
    let mut checked = 0;
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&folder).expect("the hostile fixtures folder") {
        let path = entry.unwrap().path();
        let format = MediaFormat::from_path(&path);
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Err(problem) = check(&verifier, format, bytes.clone(), &name) {
            problems.push(problem);
        }
        // Also as every other format, as the fuzzer's "any format" target does.
        for other in MediaFormat::ALL {
            if let Err(problem) = check(
                &verifier,
                Some(*other),
                bytes.clone(),
                &format!("{name} as {other:?}"),
            ) {
                problems.push(problem);
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 2,
        "the fuzzers' findings are kept in {}",
        folder.display()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
