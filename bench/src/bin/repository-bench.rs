//! Benchmark of the manifest repository (`hallmark::repository`): bulk load,
//! size on disk, query latency and recall of planted near-duplicates.
//! `bench/repository.sh` runs it on SQLite and PostgreSQL.
//!
//! ```text
//! repository-bench --url sqlite:target/bench/repository/sqlite-1000000.db --n 1000000
//! repository-bench --url postgres://hallmark@127.0.0.1:55432/hallmark --n 1000000
//! ```
//!
//! Options: `--n N` random codes (default 1,000,000); `--queries Q` planted
//! and Q random queries per radius (default 2,000); `--radii 3,7` radii to
//! query with (default 3,7); `--batch B` entries per transaction (default
//! 10,000); `--reuse` query an already filled repository (same `--n`);
//! `--sqlite-cache-mib M` SQLite page cache per connection (default 1024:
//! a bulk load into random-key indexes is bound by it).
//!
//! The data: entry `i` has a random 256-bit body; for every hundredth entry a
//! planted near-duplicate is published too, `j = i / 100`, at 64-bit distance
//! `j % 8` (0–7) and 256-bit distance between that and 53. Planted queries ask
//! for the original's body and must find its near-duplicate whenever its
//! 64-bit distance is within the radius (recall); random queries ask for
//! fresh random bodies, which match nothing. Every stream is seeded, so every
//! run builds and asks the same.
//!
//! Ported from the repository's prototype benchmark (which measured the
//! 10 M figures of `bench/README.md`) with the same seeds, data and queries.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use hallmark::repository::{
    Entry, Fingerprint, ISCC_ALG, Options, Repository, SoftBinding, ValidationState, redact_url,
};
use time::OffsetDateTime;

/// Every hundredth entry gets a planted near-duplicate.
const PLANT_EVERY: u64 = 100;
/// Largest 256-bit distance of a planted near-duplicate (the default threshold).
const MAX_PLANTED_256: u64 = 53;
/// Seed of the entries' bodies and manifest ids.
const SEED_BASE: u64 = 0x5eed_0001;
/// Seed of the planted near-duplicates.
const SEED_NEAR: u64 = 0x5eed_0002;
/// Seed of the random queries.
const SEED_QUERY: u64 = 0x5eed_0003;
/// Uncounted queries before the measured ones, per radius.
const WARM_UP_QUERIES: u64 = 200;
/// Matches asked for per query.
const MAX_RESULTS: usize = 10;

/// SplitMix64's finaliser: a well-mixed 64-bit value from any input.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Pseudo-random word `w` of item `i` in the stream `seed`.
fn word(seed: u64, i: u64, w: u64) -> u64 {
    mix(mix(seed ^ mix(i)) ^ w)
}

/// The random 256-bit body of item `i` in the stream `seed`.
fn random_body(seed: u64, i: u64) -> [u8; 32] {
    let mut body = [0u8; 32];
    for (w, chunk) in (0u64..).zip(body.chunks_mut(8)) {
        chunk.copy_from_slice(&word(seed, i, w).to_be_bytes());
    }
    body
}

/// A version-4-shaped `urn:c2pa:` manifest id for item `i` in the stream `seed`.
fn uuid(seed: u64, i: u64) -> String {
    let (a, b) = (word(seed, i, 100), word(seed, i, 101));
    format!(
        "urn:c2pa:{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// The planted near-duplicate of entry `j * PLANT_EVERY`: its body and its
/// 64-bit and 256-bit distances from the original.
fn planted(j: u64) -> ([u8; 32], u32, u32) {
    let mut body = random_body(SEED_BASE, j * PLANT_EVERY);
    let d64 = j % 8;
    let extra = word(SEED_NEAR, j, 0) % (MAX_PLANTED_256 - d64 + 1);
    let mut flipped = [false; 256];
    // Flips `count` distinct bits in `range` (bit 0 is the body's first, most
    // significant bit), drawn from the stream at `salt`.
    let mut flip_in = |range: std::ops::Range<u64>, count: u64, salt: u64| {
        let mut done = 0;
        let mut k = 0;
        while done < count {
            let bit = range.start + word(SEED_NEAR, j, salt + k) % (range.end - range.start);
            k += 1;
            let b = bit as usize;
            if !flipped[b] {
                flipped[b] = true;
                body[b / 8] ^= 0x80 >> (b % 8);
                done += 1;
            }
        }
    };
    flip_in(0..64, d64, 1_000);
    flip_in(64..256, extra, 2_000);
    (body, d64 as u32, (d64 + extra) as u32)
}

/// A repository entry with a 33-byte dummy manifest store and one ISCC soft binding.
fn entry(manifest_id: String, body: [u8; 32], i: u64) -> Entry {
    Entry {
        manifest_store: format!("dummy manifest store {i:012}").into_bytes(),
        manifest_id,
        bindings: vec![SoftBinding::iscc(&Fingerprint::from_body(body))],
        signer: Some("Benchmark Signer".to_owned()),
        signer_certificate: None,
        validation: ValidationState::Valid,
        published_at: OffsetDateTime::UNIX_EPOCH,
    }
}

/// The command line.
struct Args {
    /// The repository's URL.
    url: String,
    /// Random codes to publish (plus one planted near-duplicate per hundred).
    n: u64,
    /// Planted queries, and as many random ones, per radius.
    queries: u64,
    /// The 64-bit radii to query with.
    radii: Vec<u32>,
    /// Entries per `publish_batch` transaction.
    batch: u64,
    /// Query an already filled repository instead of refusing it.
    reuse: bool,
    /// SQLite page cache per connection, in MiB.
    cache_mib: u32,
}

/// Reads the command line.
fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        n: 1_000_000,
        queries: 2_000,
        radii: vec![3, 7],
        batch: 10_000,
        reuse: false,
        cache_mib: 1024,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => args.url = value()?,
            "--n" => {
                args.n = value()?
                    .replace('_', "")
                    .parse()
                    .map_err(|e| format!("--n: {e}"))?;
            }
            "--queries" => {
                args.queries = value()?.parse().map_err(|e| format!("--queries: {e}"))?;
            }
            "--batch" => args.batch = value()?.parse().map_err(|e| format!("--batch: {e}"))?,
            "--radii" => {
                args.radii = value()?
                    .split(',')
                    .map(|r| r.parse().map_err(|e| format!("--radii: {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--reuse" => args.reuse = true,
            "--sqlite-cache-mib" => {
                args.cache_mib = value()?
                    .parse()
                    .map_err(|e| format!("--sqlite-cache-mib: {e}"))?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.url.is_empty() {
        return Err("--url is required".to_owned());
    }
    if args.batch == 0 || args.n < PLANT_EVERY || args.queries == 0 {
        return Err("--batch and --queries must be positive and --n at least 100".to_owned());
    }
    Ok(args)
}

/// The `p`-th percentile (nearest rank) of sorted durations, in milliseconds.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1e3
}

/// One line of latency statistics: count, median, p99, mean and maximum.
fn summary(label: &str, mut times: Vec<Duration>) -> String {
    times.sort_unstable();
    let mean =
        times.iter().map(Duration::as_secs_f64).sum::<f64>() / times.len().max(1) as f64 * 1e3;
    format!(
        "{label}: n={} median={:.2} ms p99={:.2} ms mean={:.2} ms max={:.2} ms",
        times.len(),
        percentile(&times, 50.0),
        percentile(&times, 99.0),
        mean,
        times.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
    )
}

/// For a SQLite URL, the bytes of the database file and its write-ahead log.
fn file_bytes(url: &str) -> Option<u64> {
    let path = url.strip_prefix("sqlite:")?;
    let path = path.split('?').next()?;
    let size = |p: String| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    Some(size(path.to_owned()) + size(format!("{path}-wal")))
}

/// Publishes the N random entries and the planted near-duplicates, in batches.
async fn fill(repo: &Repository, args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let mut batch: Vec<Entry> = Vec::with_capacity(args.batch as usize + 1);
    let mut last_report = Instant::now();
    for i in 0..args.n {
        batch.push(entry(uuid(SEED_BASE, i), random_body(SEED_BASE, i), i));
        if i % PLANT_EVERY == 0 {
            let j = i / PLANT_EVERY;
            batch.push(entry(uuid(SEED_NEAR, j), planted(j).0, i));
        }
        if batch.len() as u64 >= args.batch || i + 1 == args.n {
            repo.publish_batch(&batch)
                .await
                .map_err(|e| e.to_string())?;
            batch.clear();
            if last_report.elapsed() > Duration::from_secs(30) {
                let rate = (i + 1) as f64 / started.elapsed().as_secs_f64();
                eprintln!(
                    "  {} codes, {:.0} s, {:.0} codes/s",
                    i + 1,
                    started.elapsed().as_secs_f64(),
                    rate
                );
                last_report = Instant::now();
            }
        }
    }
    let took = started.elapsed().as_secs_f64();
    let total = args.n + args.n.div_ceil(PLANT_EVERY);
    println!(
        "fill: {total} entries in {took:.1} s ({:.1} s per million, {:.0} entries/s), batches of {}",
        took / (total as f64 / 1e6),
        total as f64 / took,
        args.batch
    );
    Ok(())
}

/// Queries the repository with `radius`: recall, false matches, candidates and latency.
async fn query(args: &Args, options: &Options, radius: u32) -> Result<(), String> {
    let mut options = options.clone();
    options.radius64 = radius;
    let repo = Repository::open_with(&args.url, options)
        .await
        .map_err(|e| e.to_string())?;
    for k in 0..WARM_UP_QUERIES {
        let body = random_body(SEED_QUERY ^ 0xffff, k);
        repo.matches(ISCC_ALG, &body, MAX_RESULTS)
            .await
            .map_err(|e| e.to_string())?;
    }
    let planted_count = args.n.div_ceil(PLANT_EVERY);
    let (mut planted_times, mut random_times) = (Vec::new(), Vec::new());
    let (mut expected, mut found, mut beyond_found, mut false_matches) = (0u64, 0u64, 0u64, 0u64);
    let (mut candidates, mut capped) = (0u64, 0u64);
    for k in 0..args.queries {
        // Planted: spread over the whole repository.
        let j = k * planted_count / args.queries;
        let query = random_body(SEED_BASE, j * PLANT_EVERY);
        let (_, d64, _) = planted(j);
        let near_id = uuid(SEED_NEAR, j);
        let started = Instant::now();
        let search = repo
            .search(ISCC_ALG, &query, MAX_RESULTS)
            .await
            .map_err(|e| e.to_string())?;
        planted_times.push(started.elapsed());
        candidates += search.candidates;
        capped += u64::from(search.capped);
        let hit = search.matches.iter().any(|m| m.manifest_id == near_id);
        if d64 <= radius {
            expected += 1;
            found += u64::from(hit);
        } else {
            beyond_found += u64::from(hit);
        }
        // Random: a fresh code, in no manifest.
        let query = random_body(SEED_QUERY, k);
        let started = Instant::now();
        let search = repo
            .search(ISCC_ALG, &query, MAX_RESULTS)
            .await
            .map_err(|e| e.to_string())?;
        random_times.push(started.elapsed());
        candidates += search.candidates;
        capped += u64::from(search.capped);
        false_matches += search.matches.len() as u64;
    }
    println!("radius64 {radius} (chunk radius {}):", radius / 4);
    println!(
        "  recall of planted near-duplicates within the radius: {found}/{expected} = {:.2} %; found beyond the radius: {beyond_found}; matches for random codes: {false_matches}",
        100.0 * found as f64 / expected.max(1) as f64
    );
    println!(
        "  candidates per query: {:.0} (mean); queries that hit the cap: {capped}",
        candidates as f64 / (2 * args.queries) as f64
    );
    let mut all = planted_times.clone();
    all.extend_from_slice(&random_times);
    println!("  {}", summary("planted", planted_times));
    println!("  {}", summary("random ", random_times));
    println!("  {}", summary("all    ", all));
    repo.close().await;
    Ok(())
}

/// Fills the repository (unless reused), reports its size, then queries it at every radius.
async fn run() -> Result<(), String> {
    let args = parse_args()?;
    let mut options = Options::default();
    options.sqlite_cache_kib = args.cache_mib.saturating_mul(1024);
    let repo = Repository::open_with(&args.url, options.clone())
        .await
        .map_err(|e| e.to_string())?;
    let total = args.n + args.n.div_ceil(PLANT_EVERY);
    let existing = repo.count().await.map_err(|e| e.to_string())?;
    println!(
        "repository {} with {existing} entries; target {total} ({} random + planted)",
        redact_url(&args.url),
        args.n
    );
    if existing == 0 {
        fill(&repo, &args).await?;
        let started = Instant::now();
        repo.maintain().await.map_err(|e| e.to_string())?;
        println!(
            "maintain (analyse, checkpoint/vacuum): {:.1} s",
            started.elapsed().as_secs_f64()
        );
    } else if !(args.reuse && existing == total) {
        return Err(format!(
            "the repository holds {existing} entries; empty it, or pass --reuse with the same --n"
        ));
    }
    let size = repo.size_on_disk().await.map_err(|e| e.to_string())?;
    print!(
        "size on disk: {:.1} MiB ({:.0} bytes per entry)",
        size as f64 / 1_048_576.0,
        size as f64 / total as f64
    );
    match file_bytes(&args.url) {
        Some(files) => println!("; files incl. WAL {:.1} MiB", files as f64 / 1_048_576.0),
        None => println!(),
    }
    repo.close().await;

    for &radius in &args.radii {
        query(&args, &options, radius).await?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("repository-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("repository-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
