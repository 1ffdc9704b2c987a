//! Helpers shared by the CLI suites: the `hallmark` binary, fresh
//! credentials through it, and what its output looks like.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

pub use hallmark_test_support::example::{EXAMPLE_PASSPHRASE, example_credentials};
pub use hallmark_test_support::paths::media;

/// The passphrase test credentials are made with.
pub const PASS: &str = "test passphrase";

/// The `hallmark` binary, with no passphrase or colour from the environment.
pub fn hallmark() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hallmark"));
    command
        .env_remove("HALLMARK_PASSPHRASE")
        .env_remove("HALLMARK_CREDENTIALS")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(300));
    command
}

pub use hallmark_test_support::paths::workspace as root;

/// Fresh credentials in `dir/creds`.
pub fn keygen(dir: &Path) -> PathBuf {
    let creds = dir.join("creds");
    hallmark()
        .args(["keygen", "--name", "Ada Lovelace", "--out"])
        .arg(&creds)
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "Created signing credentials for Ada Lovelace",
        ));
    creds
}

/// `hallmark sign` with the test passphrase and credentials.
pub fn sign(creds: &Path) -> Command {
    let mut command = hallmark();
    command
        .arg("sign")
        .arg("--credentials")
        .arg(creds)
        .env("HALLMARK_PASSPHRASE", PASS);
    command
}

/// Parse JSON Lines.
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every file below `dir`, relative, sorted.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// A `hallmark serve` process on a free loopback port, killed (by its PID)
/// when dropped; `base` is its URL.
pub struct Serving {
    child: std::process::Child,
    /// The service's base URL, from its "listening on" line.
    pub base: String,
    /// Every line it logged so far.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Serving {
    /// Start `hallmark serve --listen 127.0.0.1:0 ARGS` and wait until it listens.
    pub fn start(args: &[&str]) -> Serving {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hallmark"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let base = loop {
            line.clear();
            if stderr.read_line(&mut line).unwrap() == 0 {
                let _ = child.kill();
                panic!("the service exited before listening: {line}");
            }
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        // Keep draining its log so that it never blocks on a full pipe.
        let log = std::sync::Arc::new(std::sync::Mutex::new(vec![line.clone()]));
        let kept = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            let mut next = String::new();
            while stderr.read_line(&mut next).unwrap_or(0) > 0 {
                kept.lock().unwrap().push(std::mem::take(&mut next));
            }
        });
        Serving { child, base, log }
    }

    /// The lines it logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill_hard(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The URL of a new, empty schema in the database at `base`, so that this
/// run's manifests are the only ones the repository holds.
pub fn fresh_schema(base: &str) -> String {
    let schema = format!(
        "e2e_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = sqlx::PgPool::connect(base).await.unwrap();
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}
