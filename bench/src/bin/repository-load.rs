//! A publish + lookup load on a running `hallmark serve --repository`:
//! `CLIENTS` threads for `SECONDS`, each publishing the next signed file of
//! `SIGNED_DIR` (distinct manifests) once in every `LOOKUPS + 1` requests
//! and otherwise looking up the soft binding of a file published earlier
//! (`POST /v1/matches/byBinding`). Prints one JSON object: per kind the
//! count, the latencies' p50 and p99 in milliseconds, and the errors
//! (anything but 200/201, and failed connections).
//!
//! ```sh
//! repository-load http://127.0.0.1:8080 signed/ 16 20 3
//! ```

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What one request measured.
#[derive(Default)]
struct Samples {
    millis: Vec<f64>,
    errors: usize,
    statuses: std::collections::BTreeMap<u16, usize>,
}

impl Samples {
    fn summary(&mut self) -> Value {
        self.millis.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let n = self.millis.len();
            if n == 0 {
                return 0.0;
            }
            let index = ((n as f64 - 1.0) * q).round() as usize;
            self.millis[index.min(n - 1)]
        };
        json!({
            "count": self.millis.len(),
            "p50_ms": (at(0.50) * 10.0).round() / 10.0,
            "p99_ms": (at(0.99) * 10.0).round() / 10.0,
            "errors": self.errors,
            "statuses": self.statuses,
        })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, dir, clients, seconds, lookups] = args.as_slice() else {
        eprintln!("usage: repository-load BASE SIGNED_DIR CLIENTS SECONDS LOOKUPS_PER_PUBLISH");
        std::process::exit(2);
    };
    let clients: usize = clients.parse()?;
    let duration = Duration::from_secs(seconds.parse()?);
    let lookups: usize = lookups.parse()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let files = Arc::new(files);
    let next_file = Arc::new(AtomicUsize::new(0));
    // Soft-binding values of published files, for the lookups.
    let published: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let publishes = Arc::new(Mutex::new(Samples::default()));
    let lookups_done = Arc::new(Mutex::new(Samples::default()));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for client in 0..clients {
            let (files, next_file, published) = (&files, &next_file, &published);
            let (publishes, lookups_done, agent) = (&publishes, &lookups_done, &agent);
            scope.spawn(move || {
                let mut turn = client;
                while started.elapsed() < duration {
                    turn += 1;
                    let known = published.lock().map(|p| p.len()).unwrap_or(0);
                    let lookup = known > 0 && turn % (lookups + 1) != 0;
                    let sent = Instant::now();
                    let (status, body) = if lookup {
                        let value = published
                            .lock()
                            .map(|p| p[turn % p.len()].clone())
                            .unwrap_or_default();
                        let query = json!({"alg": "io.iscc.v0", "value": value}).to_string();
                        send(
                            agent
                                .post(&format!("{base}/v1/matches/byBinding?maxResults=10"))
                                .header("Content-Type", "application/json")
                                .send(query.as_bytes()),
                        )
                    } else {
                        let index = next_file.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(index) else {
                            break; // every file published
                        };
                        let Ok(bytes) = std::fs::read(file) else {
                            break;
                        };
                        send(
                            agent
                                .post(&format!("{base}/v1/manifests"))
                                .header("Content-Type", mime(file))
                                .send(&bytes[..]),
                        )
                    };
                    let millis = sent.elapsed().as_secs_f64() * 1000.0;
                    let samples = if lookup { lookups_done } else { publishes };
                    if let Ok(mut samples) = samples.lock() {
                        samples.millis.push(millis);
                        *samples.statuses.entry(status).or_default() += 1;
                        if !matches!(status, 200 | 201) {
                            samples.errors += 1;
                        }
                    }
                    if !lookup
                        && status == 201
                        && let Some(value) = body["softBindings"][0]["value"].as_str()
                        && let Ok(mut p) = published.lock()
                    {
                        p.push(value.to_owned());
                    }
                }
            });
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut publishes = publishes.lock().map_err(|_| "poisoned")?;
    let mut lookups_done = lookups_done.lock().map_err(|_| "poisoned")?;
    let total = publishes.millis.len() + lookups_done.millis.len();
    println!(
        "{}",
        json!({
            "clients": clients,
            "seconds": (elapsed * 10.0).round() / 10.0,
            "requests_per_second": (total as f64 / elapsed).round(),
            "publish": publishes.summary(),
            "lookup": lookups_done.summary(),
        })
    );
    Ok(())
}

/// The status and JSON body of an answer; 0 for a failed connection.
fn send(answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, Value) {
    match answer {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let body = response
                .body_mut()
                .read_to_string()
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Value::Null);
            (status, body)
        }
        Err(_) => (0, Value::Null),
    }
}

/// The media type of a signed input, by its extension.
fn mime(file: &std::path::Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    }
}
