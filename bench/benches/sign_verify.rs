//! Criterion benchmarks of the library: sign and verify per format, small
//! (the committed samples) and large (made by `hallmark_bench`).
#![allow(
    clippy::expect_used,
    reason = "a benchmark has no one to report to: it stops at the first failure"
)]

use std::path::{Path, PathBuf};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hallmark::credentials::{Identity, SigningCredentials, Validity, issue};
use hallmark::sign::{SignOptions, sign_file};
use hallmark::{Overwrite, TrustAnchors, Verifier};

const MB: u64 = 1_000_000;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/media")
        .join(name)
}

/// The inputs: (label, unsigned file). Large ones are made once in a temporary folder.
fn inputs(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut inputs: Vec<(String, PathBuf)> = ["jpg", "png", "wav", "mp4", "flac"]
        .iter()
        .map(|ext| (format!("{ext}/small"), sample(&format!("sample.{ext}"))))
        .collect();
    let wav = dir.join("large.wav");
    hallmark_bench::write_wav(&wav, 50 * MB).expect("write wav");
    inputs.push(("wav/50MB".into(), wav));
    let mp4 = dir.join("large.mp4");
    let seed = std::fs::read(sample("sample.mp4")).expect("seed mp4");
    hallmark_bench::write_mp4(&mp4, &seed, 50 * MB).expect("write mp4");
    inputs.push(("mp4/50MB".into(), mp4));
    let jpg = dir.join("large.jpg");
    hallmark_bench::write_jpeg(&jpg, 4000, 3000, 7).expect("write jpeg");
    inputs.push(("jpg/20MB".into(), jpg));
    inputs
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let issued = issue(&Identity::named("Bench"), Validity::default()).expect("credentials");
    let credentials = SigningCredentials::from_issued(&issued).expect("credentials");
    let verifier = Verifier::new(&TrustAnchors::none()).expect("verifier");
    let options = SignOptions::default();

    for (label, input) in inputs(dir.path()) {
        let bytes = std::fs::metadata(&input).expect("input").len();
        let extension = input
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("bin")
            .to_owned();
        let signed = dir
            .path()
            .join(format!("signed-{}.{extension}", label.replace('/', "-")));
        sign_file(&credentials, &input, &signed, &options, Overwrite::Replace).expect("sign");

        let mut group = c.benchmark_group("hallmark");
        group.throughput(Throughput::Bytes(bytes));
        if bytes > MB {
            group.sample_size(10);
        }
        group.bench_function(BenchmarkId::new("sign", &label), |b| {
            let out = dir.path().join(format!("out.{extension}"));
            b.iter(|| {
                sign_file(&credentials, &input, &out, &options, Overwrite::Replace).expect("sign")
            });
        });
        group.bench_function(BenchmarkId::new("verify", &label), |b| {
            b.iter(|| verifier.verify_file(&signed).expect("verify"));
        });
        group.finish();
    }
}

criterion_group!(sign_verify, benches);
criterion_main!(sign_verify);
