//! The web signals against real crawlers: a real nginx serves a signed
//! portfolio with the snippet `hallmark headers --nginx` writes and the
//! README's configuration, and
//! img2dataset (the downloader behind LAION-5B and DataComp) and Spawning's
//! datadiligence crawl it. The no-train image is refused with img2dataset's
//! X-Robots-Tag reason; the others are downloaded byte for byte, credentials
//! intact; TDMRep reserves what is only allowed on terms.
//!
//! nginx is Debian's (`nginx-light`), the crawlers are in the venv
//! `target/oracles/crawler`; `tests/run.sh` installs both.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

/// The crawler venv's Python; the test fails with instructions without it.
fn crawler_python() -> PathBuf {
    let python = root().join("target/oracles/crawler/bin/python");
    assert!(
        python.exists(),
        "the crawlers (img2dataset, datadiligence) are not installed at {}: run `bash tests/run.sh`",
        python.display()
    );
    python
}

/// An nginx master process serving `conf`, stopped (by its PID) when dropped.
struct Nginx {
    child: Child,
    prefix: PathBuf,
}

impl Nginx {
    fn start(prefix: &Path, conf: &Path, port: u16) -> Nginx {
        let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .map(Path::new)
            .find(|p| p.exists())
            .expect("nginx is not installed: run `bash tests/run.sh`, which installs Debian's nginx-light");
        let child = Command::new(nginx)
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(conf)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut server = Nginx {
            child,
            prefix: prefix.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = server.child.try_wait().unwrap() {
                let mut stderr = String::new();
                let _ = server
                    .child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut stderr);
                panic!("nginx exited ({status}) before listening: {stderr}");
            }
            assert!(Instant::now() < deadline, "nginx did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGQUIT: the master stops its workers and exits; the workers would
        // outlive a SIGKILLed master.
        let _ = Command::new("kill")
            .args(["-QUIT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(self.prefix.join("nginx.pid"));
    }
}

/// The README's nginx example (its one `nginx` code block).
fn readme_nginx_example() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```nginx\n")
        .expect("README.md has no nginx example")
        + 9;
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].to_owned()
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The response head of `GET path`, header names lower-cased.
fn head_of(port: u16, path: &str) -> (u16, Vec<(String, String)>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let end = find(&response, b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..end]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sign `input` into `to` with `options` and the example credentials.
fn sign_as(credentials: &Path, input: &Path, to: &Path, options: &[&str]) {
    hallmark()
        .arg("sign")
        .arg(input)
        .arg("-o")
        .arg(to)
        .arg("--credentials")
        .arg(credentials)
        .args(options)
        .env("HALLMARK_PASSPHRASE", EXAMPLE_PASSPHRASE)
        .assert()
        .success();
}

#[test]
fn img2dataset_and_datadiligence_honour_the_headers_nginx_serves() {
    let python = crawler_python();
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    // nginx's workers run as another user when the tests run as root.
    std::fs::set_permissions(work, std::fs::Permissions::from_mode(0o755)).unwrap();
    let credentials = example_credentials(work);
    let portfolio = work.join("portfolio");
    std::fs::create_dir_all(portfolio.join("sketches")).unwrap();
    sign_as(
        &credentials,
        &media("sample.jpg"),
        &portfolio.join("no-train.jpg"),
        &[],
    );
    sign_as(
        &credentials,
        &media("sample.jpg"),
        &portfolio.join("sketches/open.jpg"),
        &["--allow", "all"],
    );
    sign_as(
        &credentials,
        &media("sample.jpg"),
        &portfolio.join("terms.jpg"),
        &[
            "--allow",
            "ai_training",
            "--allow",
            "ai_generative_training",
            "--allow",
            "ai_inference",
            "--constrain",
            "data_mining=https://example.org/tdm-terms",
        ],
    );
    std::fs::copy(
        root().join("tests/fixtures/xmp/plain.jpg"),
        portfolio.join("unsigned.jpg"),
    )
    .unwrap();

    // The snippet, exactly as the README tells a site owner to make it.
    let snippet = hallmark()
        .args(["headers", "--recursive", "--nginx", "--prefix", "/art"])
        .arg(&portfolio)
        .output()
        .unwrap();
    // Exit 2: one file (unsigned.jpg) has no credentials, so no headers.
    assert_eq!(snippet.status.code(), Some(2), "{snippet:?}");
    std::fs::write(work.join("hallmark-headers.conf"), &snippet.stdout).unwrap();

    // The nginx configuration of the README, as written there, with this
    // machine's paths and port.
    let port = free_port();
    let conf = work.join("nginx.conf");
    let w = work.display();
    let guide = readme_nginx_example()
        .replace("/srv/portfolio-signed/", &format!("{w}/portfolio/"))
        .replacen(
            "http {",
            &format!(
                "http {{\n    access_log {w}/access.log;\n    client_body_temp_path {w}/client_body;\n    \
                 proxy_temp_path {w}/proxy;\n    fastcgi_temp_path {w}/fastcgi;\n    \
                 uwsgi_temp_path {w}/uwsgi;\n    scgi_temp_path {w}/scgi;\n    types {{ image/jpeg jpg; }}"
            ),
            1,
        )
        .replacen(
            "server {",
            &format!("server {{\n        listen 127.0.0.1:{port};"),
            1,
        );
    std::fs::write(
        &conf,
        format!(
            "worker_processes 1;\npid {w}/nginx.pid;\nerror_log {w}/error.log;\n\
             events {{ worker_connections 64; }}\n{guide}"
        ),
    )
    .unwrap();
    let nginx = Nginx::start(work, &conf, port);

    // What nginx sends, header by header.
    let expected = [
        (
            "/art/no-train.jpg",
            Some("noai, noimageai"),
            Some("1"),
            None,
        ),
        ("/art/sketches/open.jpg", None, Some("0"), None),
        (
            "/art/terms.jpg",
            None,
            Some("1"),
            Some("https://example.org/tdm-terms"),
        ),
        ("/art/unsigned.jpg", None, None, None),
    ];
    for (path, robots, reservation, policy) in expected {
        let (status, headers) = head_of(port, path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            header(&headers, "x-robots-tag"),
            robots,
            "{path}: {headers:?}"
        );
        assert_eq!(
            header(&headers, "tdm-reservation"),
            reservation,
            "{path}: {headers:?}"
        );
        assert_eq!(
            header(&headers, "tdm-policy"),
            policy,
            "{path}: {headers:?}"
        );
    }

    let urls: Vec<String> = expected
        .iter()
        .map(|(path, ..)| format!("http://127.0.0.1:{port}{path}"))
        .collect();
    let output = Command::new(&python)
        .arg(root().join("tests/crawler/crawl.py"))
        .arg(work.join("crawl"))
        .args(&urls)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "crawl.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    drop(nginx);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let crawled: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("crawl.py printed no JSON ({e}): {stdout}"));

    // img2dataset refuses the no-train image for its X-Robots-Tag…
    let refused = &crawled["img2dataset"][&urls[0]];
    assert_eq!(refused["status"], "failed_to_download", "{crawled}");
    assert_eq!(
        refused["error"], "Use of image disallowed by X-Robots-Tag directive",
        "{crawled}"
    );
    // …and downloads the others byte for byte: open.jpg keeps its
    // credentials, and they still allow training.
    for (url, served) in urls[1..].iter().zip([
        portfolio.join("sketches/open.jpg"),
        portfolio.join("terms.jpg"),
        portfolio.join("unsigned.jpg"),
    ]) {
        let got = &crawled["img2dataset"][url];
        assert_eq!(got["status"], "success", "{url}: {crawled}");
        let file = PathBuf::from(got["file"].as_str().unwrap());
        assert_eq!(
            std::fs::read(&file).unwrap(),
            std::fs::read(&served).unwrap(),
            "{url}"
        );
    }
    let downloaded = crawled["img2dataset"][&urls[1]]["file"].as_str().unwrap();
    hallmark()
        .args(["policy", "--for", "ai_training", "--trust"])
        .arg(credentials.join("ca.pem"))
        .arg(downloaded)
        .assert()
        .code(0);

    // datadiligence's header rules: X-Robots-Tag refuses the no-train image;
    // TDMRep reserves it and the image that allows mining only on terms.
    let diligence = &crawled["datadiligence"];
    let verdicts: Vec<(bool, bool)> = urls
        .iter()
        .map(|url| {
            (
                diligence[url]["x_robots_tag"].as_bool().unwrap(),
                diligence[url]["tdmrep"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [(false, false), (true, true), (true, false), (true, true)],
        "{diligence}"
    );
}
