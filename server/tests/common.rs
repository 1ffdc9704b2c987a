//! Helpers shared by the service suites: a running service, an HTTP
//! client, signed sample files.

use std::thread;
use std::time::Duration;

use hallmark::sign::SignOptions;
use hallmark_server::{Config, Service};
pub use hallmark_test_support::library::{issued, sign_with};
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
                let mut service = Service::new(&config).await.unwrap();
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

/// Send only the headers of a POST declaring a body of `length` bytes, and
/// read the answer the service gives without waiting for that body: the
/// status and the JSON answer.
pub fn post_headers_only(
    base: &str,
    path: &str,
    content_type: &str,
    length: usize,
) -> (u16, Value) {
    use std::io::{Read, Write};
    let address = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // The service answers at once but need not close the connection: read
    // the head, then as many bytes as its Content-Length says.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, body_start, length) = loop {
        let read = stream.read(&mut chunk).unwrap();
        assert!(read > 0, "connection closed before an answer: {answer:?}");
        answer.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&answer).into_owned();
        if let Some((head, _)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or_else(|| panic!("expected a sized answer: {head}"));
            break (head.to_owned(), head.len() + 4, length);
        }
    };
    while answer.len() < body_start + length {
        let read = stream.read(&mut chunk).unwrap();
        assert!(read > 0, "connection closed inside the answer");
        answer.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8_lossy(&answer[body_start..body_start + length]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status: {head}"));
    let json =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {body}"));
    (status, json)
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

/// A committed sample file's bytes.
pub fn media(name: &str) -> Vec<u8> {
    std::fs::read(hallmark_test_support::paths::media(name)).unwrap()
}

/// A committed sample, signed with the test credentials and the default options.
pub fn signed(name: &str) -> Vec<u8> {
    sign_with(name, &media(name), &SignOptions::default())
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
