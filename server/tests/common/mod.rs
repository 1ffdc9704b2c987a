//! Helpers shared by the service suites: a running service, an HTTP
//! client, signed sample files.
#![allow(dead_code)]

use std::io::Cursor;
use std::thread;
use std::time::Duration;

use hallmark::credentials::{Identity, IssuedCredentials, SigningCredentials, Validity, issue};
use hallmark::sign::{SignOptions, sign_stream};
use hallmark_server::{Config, Service};
use serde_json::Value;
use tokio::sync::oneshot;

/// A running service and how to stop it.
pub struct Running {
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    done: Option<thread::JoinHandle<()>>,
}

impl Running {
    pub fn start(config: Config, timeout: Option<Duration>) -> Running {
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, address) = std::sync::mpsc::channel();
        let done = thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let mut service = Service::new(&config).unwrap();
                if let Some(timeout) = timeout {
                    service = service.with_request_timeout(timeout);
                }
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                ready.send(listener.local_addr().unwrap()).unwrap();
                service
                    .serve_with_grace(
                        listener,
                        async move {
                            let _ = stopped.await;
                        },
                        Duration::from_secs(20),
                    )
                    .await
                    .unwrap();
            });
        });
        let address = address.recv().unwrap();
        Running {
            base: format!("http://{address}"),
            stop: Some(stop),
            done: Some(done),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            done.join().unwrap();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .new_agent()
}

/// POST `body` with `content_type`; the status and the JSON answer.
pub fn post(url: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    let mut response = agent()
        .post(url)
        .header("Content-Type", content_type)
        .send(body)
        .unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {text}")),
    )
}

pub fn get_text(url: &str) -> (u16, String) {
    let mut response = agent().get(url).call().unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

pub fn media(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/media")
            .join(name),
    )
    .unwrap()
}

pub fn issued() -> &'static IssuedCredentials {
    static ISSUED: std::sync::OnceLock<IssuedCredentials> = std::sync::OnceLock::new();
    ISSUED.get_or_init(|| issue(&Identity::named("Service Tester"), Validity::default()).unwrap())
}

pub fn signed(name: &str) -> Vec<u8> {
    let credentials = SigningCredentials::from_issued(issued()).unwrap();
    let mut out = Cursor::new(Vec::new());
    sign_stream(
        &credentials,
        name,
        None,
        &mut Cursor::new(media(name)),
        &mut out,
        &SignOptions::default(),
    )
    .unwrap();
    out.into_inner()
}

/// A config trusting the test CA, with `max_body_bytes`.
pub fn config(dir: &tempfile::TempDir, max_body_bytes: usize) -> Config {
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &issued().ca_certificate_pem).unwrap();
    Config {
        trust: vec![ca],
        max_body_bytes,
        max_concurrency: 2,
        ..Config::default()
    }
}

pub fn metric(text: &str, line_start: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}
