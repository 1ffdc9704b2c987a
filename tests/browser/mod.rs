//! The browser verifier in real Chromium: the API against a corpus signed by
//! hallmark and by two independent implementations, compared field by field
//! with the CLI; the demo page; the extension; recovering a stripped image's
//! credentials from a repository (`recovery`). The Chromium side is
//! `wasm/tests/browser.mjs`; this side builds the corpus and judges.
//!
//! Every suite runs under a time limit (`HALLMARK_BROWSER_TIMEOUT_SECS`,
//! 600 s by default): past it, node and the Chromium it started are killed and
//! the test fails saying so.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::interop::common::*;
use hallmark::policy::Kind;
use hallmark::{MediaFormat, Report, State};
use serde_json::{Value, json};

mod recovery;
mod signing;
mod studio;

/// Where screenshots and generated files go.
fn artifacts() -> PathBuf {
    let dir = workspace().join("target/browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A free loopback port for a page's server (a repository must know the
/// page's origin before the browser suite starts).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// How long one browser suite may run.
fn suite_limit() -> Duration {
    let secs = std::env::var("HALLMARK_BROWSER_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    Duration::from_secs(secs)
}

/// What a run of `browser.mjs` gave: its process group and the outcome.
struct Run {
    /// node's process id, which is also the id of its process group.
    group: u32,
    /// The JSON it printed, or why it failed.
    outcome: Result<Value, String>,
}

/// Read a child's pipe to the end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buffer);
        }
        let _ = tx.send(buffer);
    });
    rx
}

/// Whether any process of a process group is still alive.
fn group_alive(group: u32) -> bool {
    Command::new("kill")
        .args(["-0", "--", &format!("-{group}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kill node's whole process group (node and the Chromium it started) and
/// wait, up to 10 s, until it is gone. Says whether it is.
fn kill_group(child: &mut Child) -> bool {
    let group = child.id();
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .status();
    let _ = child.kill();
    let _ = child.wait();
    let deadline = Instant::now() + Duration::from_secs(10);
    while group_alive(group) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    !group_alive(group)
}

/// Run one suite of `wasm/tests/browser.mjs`, killing it after `limit`;
/// node abandons it by itself after `node_limit`.
fn run_suite(suite: &str, corpus: &Path, limit: Duration, node_limit: Duration) -> Run {
    run_script("browser.mjs", suite, corpus, limit, node_limit)
}

/// Run `wasm/tests/SCRIPT SUITE CORPUS ARTIFACTS`, killing it (and the
/// browser it started) after `limit`; node abandons it by itself after
/// `node_limit`.
fn run_script(
    script: &str,
    suite: &str,
    corpus: &Path,
    limit: Duration,
    node_limit: Duration,
) -> Run {
    let wasm = workspace().join("wasm");
    // Temporary files of node, Playwright and Chromium, removed when this run
    // ends, even when they were killed before they could clean up.
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let mut child = Command::new("node")
        .env("TMPDIR", scratch.path())
        .arg(wasm.join("tests").join(script))
        .arg(suite)
        .arg(corpus)
        .arg(artifacts())
        .env(
            "HALLMARK_SUITE_TIMEOUT_MS",
            node_limit.as_millis().to_string(),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a kill reaches the browser it started too.
        .process_group(0)
        .spawn()
        .expect("node starts");
    let group = child.id();
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let text = |rx: &mpsc::Receiver<Vec<u8>>| {
        String::from_utf8_lossy(&rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default())
            .into_owned()
    };
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                let gone = kill_group(&mut child);
                let outcome = Err(format!(
                    "browser suite {suite} did not finish within {} s: killed node and the browser it started \
                     ({}); its output so far:\n{}",
                    limit.as_secs(),
                    if gone { "all gone" } else { "some SURVIVE" },
                    text(&stderr)
                ));
                return Run { group, outcome };
            }
            Err(e) => panic!("cannot wait for the browser suite {suite}: {e}"),
        }
    };
    let (out, err) = (text(&stdout), text(&stderr));
    let outcome = if !status.success() {
        Err(format!("browser suite {suite} failed ({status}):\n{err}"))
    } else {
        serde_json::from_str(&out)
            .map_err(|e| format!("browser suite {suite} printed no JSON ({e}): {out}\n{err}"))
    };
    Run { group, outcome }
}

/// The checks every suite needs before it can run.
fn browser_tools() {
    let wasm = workspace().join("wasm");
    assert!(
        wasm.join("pkg/hallmark_wasm_bg.wasm").exists(),
        "the browser package is not built: run `bash wasm/build.sh` (tests/run.sh does)"
    );
    assert!(
        wasm.join("tests/node_modules/playwright-core").exists(),
        "the browser test driver is not installed: run `bash tests/run.sh`, which installs it"
    );
}

/// Run one suite of `wasm/tests/browser.mjs` and parse what it prints.
fn browser(suite: &str, corpus: &Path) -> Value {
    browser_tools();
    let limit = suite_limit();
    // node gives up first, closing its browser tidily; the kill is the last resort.
    let node_limit = limit.saturating_sub(Duration::from_secs(30)).max(limit / 2);
    run_suite(suite, corpus, limit, node_limit)
        .outcome
        .unwrap_or_else(|e| panic!("{e}"))
}

/// One verification the browser makes, and what the CLI says of the same bytes.
struct Entry {
    /// The corpus file whose bytes are verified.
    file: String,
    /// The media type handed to `verify`.
    mime: String,
    /// `options.name`, if given.
    name: Option<String>,
    /// Trust anchors (`.pem`) and pinned identity issuers (`.json`), as corpus paths.
    trust: Vec<String>,
    /// Whether the bytes go in as an `ArrayBuffer` rather than a `Uint8Array`.
    array_buffer: bool,
    /// The CLI's `--json` line for these bytes under the same format claim.
    expected: Value,
}

impl Entry {
    fn label(&self) -> String {
        format!(
            "{} as {:?} named {:?} (trust {:?}{})",
            self.file,
            self.mime,
            self.name,
            self.trust,
            if self.array_buffer {
                ", ArrayBuffer"
            } else {
                ""
            }
        )
    }
}

/// The corpus, built once per test binary.
struct Corpus {
    dir: tempfile::TempDir,
    entries: Vec<Entry>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(build_corpus)
}

fn mime_of(file: &str) -> &'static str {
    MediaFormat::from_path(Path::new(file)).map_or("application/octet-stream", |f| f.mime_type())
}

/// The CLI's `--json` line for `path` (relative to the corpus, so that its
/// `file` is the name the browser is given), trusting the CAs of the `.pem`
/// files of `trust` and pinning the identity issuers of its `.json` files.
fn cli_line(root: &Path, path: &str, trust: &[String]) -> Value {
    let mut command = hallmark();
    command.current_dir(root).args(["verify", "--json"]);
    for anchor in trust {
        let flag = if anchor.ends_with(".json") {
            "--identity-issuer"
        } else {
            "--trust"
        };
        command.arg(flag).arg(root.join(anchor));
    }
    let (line, _) = json_of(command.arg(path));
    assert_eq!(line["file"], path, "the CLI names the file as given");
    line
}

/// What the browser says without a name: the CLI's line for `path`, with
/// `file` null and errors starting "input: " instead of the path.
fn unnamed(mut line: Value, path: &str) -> Value {
    if let Some(error) = line["error"].as_str() {
        let rest = error
            .strip_prefix(&format!("{path}: "))
            .unwrap_or_else(|| panic!("the CLI's error does not start with the file: {error}"));
        line["error"] = json!(format!("input: {rest}"));
    }
    line["file"] = Value::Null;
    line
}

fn build_corpus() -> Corpus {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let credentials = example_credentials(&root.join("creds"));
    let ca = oracle_ca(&root.join("oracle"), &[]);
    std::fs::create_dir_all(root.join("anchors")).unwrap();
    std::fs::copy(
        credentials.join("ca.pem"),
        root.join("anchors/example-ca.pem"),
    )
    .unwrap();
    std::fs::copy(&ca.ca, root.join("anchors/oracle-ca.pem")).unwrap();
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    let example = || vec!["anchors/example-ca.pem".to_string()];
    let oracle = || vec!["anchors/oracle-ca.pem".to_string()];

    // Signed by hallmark, every format; trusted cases with the example CA.
    for name in SIGNABLE {
        let signed = hallmark_sign(
            &credentials,
            &media(name),
            root,
            &["--constrain", "data_mining=ask first"],
        );
        let file = signed.file_name().unwrap().to_string_lossy().into_owned();
        files.push((file.clone(), vec![]));
        if matches!(*name, "sample.jpg" | "sample.png" | "sample.mp4") {
            files.push((file, example()));
        }
    }
    // Signed by c2pa-python, every format it signs (PDF too).
    for name in SIGNABLE.iter().chain(&["sample.pdf"]) {
        let out = root.join(format!("python-{name}"));
        oracle_sign(
            python_oracle(),
            &media(name),
            &out,
            &ca,
            "cawg.training-mining",
            None,
        );
        files.push((format!("python-{name}"), vec![]));
    }
    files.push(("python-sample.jpg".into(), oracle()));
    files.push(("python-sample.pdf".into(), oracle()));
    // Signed by c2pa-ts, with the older label and a mixed policy.
    let mixed = json!({"entries": {
        "c2pa.ai_training": {"use": "notAllowed"},
        "c2pa.ai_inference": {"use": "allowed"},
        "c2pa.data_mining": {"use": "constrained", "constraint_info": "research only"},
    }});
    for name in ["sample.jpg", "sample.png"] {
        let out = root.join(format!("ts-{name}"));
        oracle_sign(
            ts_oracle(),
            &media(name),
            &out,
            &ca,
            "c2pa.training-mining",
            Some(&mixed),
        );
        files.push((format!("ts-{name}"), vec![]));
        files.push((format!("ts-{name}"), oracle()));
    }
    // Tampered, truncated, unsigned, garbage.
    for (from, to) in [
        ("hallmark-sample.jpg", "tampered.jpg"),
        ("hallmark-sample.png", "tampered.png"),
        ("python-sample.wav", "tampered.wav"),
    ] {
        let mut bytes = std::fs::read(root.join(from)).unwrap();
        let at = bytes.len() - 200;
        bytes[at] ^= 0x01;
        std::fs::write(root.join(to), bytes).unwrap();
        files.push((to.into(), example()));
    }
    for (from, to) in [
        ("hallmark-sample.jpg", "truncated.jpg"),
        ("hallmark-sample.mp4", "truncated.mp4"),
        ("hallmark-sample.flac", "truncated.flac"),
    ] {
        let bytes = std::fs::read(root.join(from)).unwrap();
        std::fs::write(root.join(to), &bytes[..bytes.len() / 2]).unwrap();
        files.push((to.into(), vec![]));
    }
    for name in [
        "sample.jpg",
        "sample.png",
        "sample.webp",
        "sample.mp4",
        "sample.wav",
        "sample.pdf",
        "sample.svg",
    ] {
        let to = format!("unsigned-{name}");
        std::fs::copy(media(name), root.join(&to)).unwrap();
        files.push((to, vec![]));
    }
    std::fs::write(root.join("garbage.jpg"), b"this is not a picture at all").unwrap();
    std::fs::write(root.join("empty.png"), b"").unwrap();
    std::fs::copy(media("sample.aif"), root.join("unsupported.aif")).unwrap();
    for name in ["garbage.jpg", "empty.png", "unsupported.aif"] {
        files.push((name.into(), vec![]));
    }
    // Identities made elsewhere: Adobe's connected identities, with the issuer
    // unpinned, pinned, and pinned under another DID; an X.509 identity that
    // fails its own checks; a credential whose signature does not match.
    let identity = workspace().join("tests/fixtures/identity");
    std::fs::copy(
        identity.join("claim_aggregation/connected_identities_did.json"),
        root.join("anchors/adobe-stage-did.json"),
    )
    .unwrap();
    std::fs::write(
        root.join("anchors/other-did.json"),
        std::fs::read_to_string(identity.join("claim_aggregation/connected_identities_did.json"))
            .unwrap()
            .replace(
                "connected-identities.identity-stage.adobe.com",
                "issuer.example",
            ),
    )
    .unwrap();
    for (from, to) in [
        (
            "claim_aggregation/adobe_connected_identities.jpg",
            "adobe-connected.jpg",
        ),
        (
            "claim_aggregation/ims_multiple_manifests.jpg",
            "adobe-two-manifests.jpg",
        ),
        (
            "validation_method/pad1_invalid.jpg",
            "x509-pad1-invalid.jpg",
        ),
        (
            "claim_aggregation/ica_validation/signature_mismatch.jpg",
            "ica-signature-mismatch.jpg",
        ),
    ] {
        std::fs::copy(identity.join(from), root.join(to)).unwrap();
        files.push((to.into(), vec![]));
    }
    for issuer in ["anchors/adobe-stage-did.json", "anchors/other-did.json"] {
        files.push(("adobe-connected.jpg".into(), vec![issuer.into()]));
    }
    files.push((
        "adobe-two-manifests.jpg".into(),
        vec!["anchors/adobe-stage-did.json".into()],
    ));

    // Each file as the browser would meet it: its type from its extension, its name given.
    let mut entries: Vec<Entry> = files
        .into_iter()
        .map(|(file, trust)| Entry {
            mime: mime_of(&file).into(),
            name: Some(file.clone()),
            expected: cli_line(root, &file, &trust),
            file,
            trust,
            array_buffer: false,
        })
        .collect();
    let named = |file: &str, mime: &str, trust: Vec<String>, array_buffer: bool| Entry {
        file: file.into(),
        mime: mime.into(),
        name: Some(file.into()),
        expected: cli_line(root, file, &trust),
        trust,
        array_buffer,
    };
    // A generic or empty media type: the name's extension is the claim, as for the CLI.
    let mut generic: Vec<String> = SIGNABLE.iter().map(|n| format!("hallmark-{n}")).collect();
    generic.extend(["python-sample.pdf", "tampered.jpg", "garbage.jpg"].map(String::from));
    for file in &generic {
        entries.push(named(file, "application/octet-stream", vec![], false));
    }
    entries.push(named("hallmark-sample.heic", "", vec![], false));
    // A wrong media type: with a name, the report is still the CLI's for that name.
    for (file, mime) in [
        ("hallmark-sample.jpg", "image/png"),
        ("hallmark-sample.png", "application/pdf"),
        ("hallmark-sample.mov", "video/mp4"),
        ("hallmark-sample.m4a", "video/mp4"),
        ("hallmark-sample.dng", "image/tiff"),
        ("hallmark-sample.flac", "audio/mpeg"),
        ("python-sample.pdf", "image/jpeg"),
        ("garbage.jpg", "image/png"),
    ] {
        entries.push(named(file, mime, vec![], false));
    }
    // ArrayBuffers instead of Uint8Arrays, the PDF module included.
    entries.push(named("hallmark-sample.jpg", "image/jpeg", example(), true));
    entries.push(named(
        "python-sample.pdf",
        "application/pdf",
        oracle(),
        true,
    ));
    entries.push(named("hallmark-sample.mp4", "video/mp4", vec![], true));
    // No name: the media type alone is the claim, as an extension is for the
    // CLI. Compared with the CLI on a copy whose extension says what the type
    // says (none for a generic type).
    std::fs::create_dir_all(root.join("claims")).unwrap();
    for (file, mime, extension, trust) in [
        ("hallmark-sample.mov", "video/mp4", Some("mp4"), vec![]),
        ("hallmark-sample.dng", "image/tiff", Some("tif"), vec![]),
        (
            "hallmark-sample.dng",
            "application/octet-stream",
            None,
            vec![],
        ),
        (
            "hallmark-sample.flac",
            "application/octet-stream",
            None,
            vec![],
        ),
        ("hallmark-sample.jpg", "image/png", Some("png"), vec![]),
        ("hallmark-sample.png", "image/png", Some("png"), example()),
        (
            "python-sample.pdf",
            "application/octet-stream",
            None,
            vec![],
        ),
        ("garbage.jpg", "image/jpeg", Some("jpg"), vec![]),
        ("garbage.jpg", "application/octet-stream", None, vec![]),
    ] {
        let stem = file.replace('.', "-");
        let copy = match extension {
            Some(extension) => format!("claims/{stem}.{extension}"),
            None => format!("claims/{stem}"),
        };
        std::fs::copy(root.join(file), root.join(&copy)).unwrap();
        entries.push(Entry {
            file: file.into(),
            mime: mime.into(),
            name: None,
            expected: unnamed(cli_line(root, &copy, &trust), &copy),
            trust,
            array_buffer: extension.is_none(),
        });
    }

    let corpus = json!({
        "entries": entries
            .iter()
            .map(|e| json!({
                "file": e.file, "mime": e.mime, "name": e.name, "trust": e.trust, "arrayBuffer": e.array_buffer,
            }))
            .collect::<Vec<_>>(),
        "edges": {
            "jpeg": "hallmark-sample.jpg", "pdf": "python-sample.pdf",
            "garbage": "garbage.jpg", "anchor": "anchors/example-ca.pem",
        },
        "watchdog": {"file": "hallmark-sample.jpg", "mime": "image/jpeg", "name": "hallmark-sample.jpg", "trust": []},
    });
    std::fs::write(
        root.join("corpus.json"),
        serde_json::to_string_pretty(&corpus).unwrap(),
    )
    .unwrap();
    Corpus { dir, entries }
}

/// The library's words, as JSON: what the browser package's `words()` must give.
fn library_words() -> Value {
    serde_json::to_value(hallmark::words::catalogue()).unwrap()
}

/// The policy lines the CLI prints for a report ("AI training: not allowed"),
/// in the library's words.
fn policy_lines(report: &Value) -> Vec<String> {
    let parsed: Report = serde_json::from_value(report.clone()).unwrap();
    Kind::ALL
        .iter()
        .map(|kind| {
            format!(
                "{}: {}",
                kind.describe(),
                parsed.policy.get(*kind).describe()
            )
        })
        .collect()
}

/// The human report the CLI prints for the corpus file `path` (no colour).
fn cli_text(root: &Path, path: &str, trust: &[&str]) -> String {
    let mut command = hallmark();
    command
        .current_dir(root)
        .args(["verify", "--color", "never"]);
    for anchor in trust {
        command.arg("--trust").arg(root.join(anchor));
    }
    let output = command.arg(path).output().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// The corpus entry for `file` named as itself with these trust anchors.
fn entry<'a>(corpus: &'a Corpus, file: &str, trust: &[&str]) -> &'a Entry {
    corpus
        .entries
        .iter()
        .find(|e| {
            e.file == file
                && e.name.as_deref() == Some(file)
                && e.mime == mime_of(file)
                && e.trust == trust
                && !e.array_buffer
        })
        .unwrap_or_else(|| panic!("no corpus entry for {file} with {trust:?}"))
}

/// What the API suite found, run once for the tests that judge it.
fn api_outcome() -> &'static Value {
    static OUTCOME: OnceLock<Value> = OnceLock::new();
    OUTCOME.get_or_init(|| browser("api", corpus().dir.path()))
}

#[test]
fn the_browser_api_agrees_with_the_cli_on_every_file() {
    let corpus = corpus();
    let outcome = api_outcome();
    assert_eq!(outcome["alive"], true, "the page stopped answering");
    let results = outcome["results"].as_array().unwrap();
    assert_eq!(results.len(), corpus.entries.len());
    let mut states = std::collections::BTreeMap::new();
    for (entry, result) in corpus.entries.iter().zip(results) {
        let label = entry.label();
        assert_eq!(result["file"], entry.file.as_str());
        assert!(result["hang"].is_null(), "{label}: {result}");
        if entry.expected["state"] == "error" {
            let error = result["error"]
                .as_str()
                .unwrap_or_else(|| panic!("{label}: expected an error, got {result}"));
            assert_eq!(result["isError"], true, "{label}: rejects with an Error");
            assert_eq!(
                error, entry.expected["error"],
                "{label}: browser and CLI errors differ"
            );
            *states.entry("error".to_string()).or_insert(0) += 1;
            continue;
        }
        let report = &result["report"];
        assert_eq!(
            report, &entry.expected,
            "{label}: browser and CLI reports differ"
        );
        let parsed: Report = serde_json::from_value(entry.expected.clone()).unwrap();
        for kind in Kind::ALL {
            assert_eq!(
                result["answers"][kind.as_str()],
                parsed.may_use(kind).as_str(),
                "{label}: mayUse {kind}"
            );
        }
        *states
            .entry(report["state"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    // The corpus covers every verdict.
    for state in ["trusted", "valid", "invalid", "none", "error"] {
        assert!(
            states.get(state).copied().unwrap_or(0) > 0,
            "no {state} case: {states:?}"
        );
    }
    // The claims matter where the CLI says they do: the names and types that
    // claim DNG, MOV or M4A keep them, a wrong claim across containers does not.
    let format_of = |file: &str, mime: &str, named: bool| {
        let at = corpus
            .entries
            .iter()
            .position(|e| e.file == file && e.mime == mime && e.name.is_some() == named)
            .unwrap_or_else(|| panic!("no entry {file} {mime}"));
        results[at]["report"]["format"].clone()
    };
    assert_eq!(
        format_of("hallmark-sample.dng", "application/octet-stream", true),
        "image/x-adobe-dng"
    );
    assert_eq!(
        format_of("hallmark-sample.dng", "application/octet-stream", false),
        "image/tiff"
    );
    assert_eq!(
        format_of("hallmark-sample.mov", "video/mp4", true),
        "video/quicktime"
    );
    assert_eq!(
        format_of("hallmark-sample.mov", "video/mp4", false),
        "video/mp4"
    );
    assert_eq!(
        format_of("hallmark-sample.jpg", "image/png", false),
        "image/jpeg"
    );
}

#[test]
fn the_browser_api_takes_buffers_refuses_unknown_options_and_recovers_from_a_trap() {
    let corpus = corpus();
    let outcome = api_outcome();
    let edges = &outcome["edges"];
    assert!(edges["failed"].is_null(), "{}", edges["failed"]);
    let signed = entry(corpus, "hallmark-sample.jpg", &["anchors/example-ca.pem"]);

    // An ArrayBuffer is read like the Uint8Array over it.
    assert_eq!(edges["arrayBuffer"]["view"], signed.expected);
    assert_eq!(edges["arrayBuffer"]["buffer"], signed.expected);

    // Misuse is an Error that says what is wrong.
    let message = |case: &str| -> String {
        let failure = &edges[case];
        assert_eq!(failure["isError"], true, "{case}: {failure}");
        failure["message"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(
        message("unknownOption"),
        "unknown option \"trustAnchor\": the options are trustAnchors, identityIssuers and name"
    );
    assert!(
        message("optionsNotObject").starts_with("options must be an object"),
        "{}",
        message("optionsNotObject")
    );
    assert_eq!(
        message("nameNotString"),
        "options.name must be a string, not a number"
    );
    assert_eq!(
        message("bytesArray"),
        "photo.jpg: the bytes must be a Uint8Array or an ArrayBuffer, not an Array"
    );
    assert_eq!(
        message("bytesString"),
        "input: the bytes must be a Uint8Array or an ArrayBuffer, not a string"
    );
    // Errors start with the name when there is one.
    let named = message("namedError");
    assert!(named.starts_with("photo.jpg: not a JPEG"), "{named}");
    assert_eq!(
        message("unnamedError"),
        named.replacen("photo.jpg: ", "input: ", 1)
    );

    // Every error says whose problem it is, in its name and its kind: a page
    // tells a damaged file from a bad trust anchor without reading messages.
    let kind_of = |case: &str| -> (String, String) {
        let failure = &edges[case];
        assert_eq!(failure["isError"], true, "{case}: {failure}");
        assert_eq!(failure["kind"], "Error", "{case}: a plain Error: {failure}");
        let text = |key: &str| failure[key].as_str().unwrap_or_default().to_owned();
        (text("name"), text("errorKind"))
    };
    let bad_input = ("BadInputError".to_owned(), "bad_input".to_owned());
    let bad_request = ("BadRequestError".to_owned(), "bad_request".to_owned());
    for case in ["namedError", "unnamedError", "damaged"] {
        assert_eq!(kind_of(case), bad_input, "{case}: {}", edges[case]);
    }
    let damaged = message("damaged");
    assert!(damaged.starts_with("hallmark-sample.jpg: "), "{damaged}");
    assert_eq!(
        kind_of("badAnchor"),
        ("BadSetupError".to_owned(), "bad_setup".to_owned())
    );
    let anchor = message("badAnchor");
    assert!(
        anchor.starts_with("trust anchor 2: certificate 1 cannot be parsed"),
        "{anchor}"
    );
    for case in [
        "unknownOption",
        "optionsNotObject",
        "nameNotString",
        "bytesArray",
        "bytesString",
        "badKind",
    ] {
        assert_eq!(kind_of(case), bad_request, "{case}: {}", edges[case]);
    }

    // words() gives the library's catalogue, word for word.
    assert_eq!(edges["words"], library_words());

    let formats = &edges["formatOf"];
    assert_eq!(formats["jpegGeneric"], "image/jpeg");
    assert_eq!(formats["jpegClaimedPng"], "image/jpeg");
    assert_eq!(formats["pdfClaimedJpeg"], "application/pdf");
    assert!(formats["garbage"].is_null(), "{formats}");

    // Two PDFs verified at once load the PDF module once.
    let pdf = &edges["pdf"];
    assert_eq!(
        (pdf["before"].as_u64(), pdf["after"].as_u64()),
        (Some(0), Some(1)),
        "{pdf}"
    );
    assert_eq!(pdf["states"], json!(["valid", "valid"]));
    assert_eq!(
        pdf["formats"],
        json!(["application/pdf", "application/pdf"])
    );

    // A trap fails the call that meets it; the next call has a fresh module.
    let trap = &edges["trap"];
    assert_eq!(trap["first"]["kind"], "RuntimeError", "{trap}");
    assert_eq!(trap["then"]["returned"], signed.expected, "{trap}");

    // The harness's watchdog ends a job that never answers, and the next job works.
    let watchdog = &outcome["watchdog"];
    assert_eq!(watchdog["hang"]["hang"], true, "{watchdog}");
    assert!(
        watchdog["hang"]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("HANG")),
        "{watchdog}"
    );
    assert_eq!(watchdog["after"]["report"]["state"], "valid", "{watchdog}");
}

#[test]
fn a_browser_suite_that_hangs_is_killed_with_its_chromium() {
    browser_tools();
    let scratch = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let run = run_suite(
        "hang",
        scratch.path(),
        Duration::from_secs(30),
        Duration::from_secs(3600),
    );
    let error = run.outcome.expect_err("a suite that never finishes fails");
    assert!(
        error.contains("did not finish within 30 s") && error.contains("(all gone)"),
        "{error}"
    );
    assert!(
        error.contains("hang: Chromium started"),
        "Chromium was running when the limit struck: {error}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(!group_alive(run.group));
}

#[test]
fn a_browser_suite_that_hangs_gives_up_by_itself_first() {
    browser_tools();
    let scratch = tempfile::tempdir().unwrap();
    let run = run_suite(
        "hang",
        scratch.path(),
        Duration::from_secs(120),
        Duration::from_secs(15),
    );
    let error = run.outcome.expect_err("a suite that never finishes fails");
    assert!(
        error.contains("browser suite hang did not finish within 15 s: abandoned")
            && !error.contains("killed node"),
        "{error}"
    );
    // It closed the Chromium it started.
    let deadline = Instant::now() + Duration::from_secs(10);
    while group_alive(run.group) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!group_alive(run.group), "Chromium outlived the suite");
}

/// A TypeScript file holding `reports` as object literals typed `Report`,
/// and `words` typed `Words`: tsc refuses a field the type lacks and a field
/// it requires that is missing. Literals that must fail (`@ts-expect-error`)
/// show that it does.
fn reports_as_typescript(reports: &[&Value], words: &Value) -> String {
    let mut ts = String::from(
        "// Generated by tests/browser/mod.rs from real reports and words: checked with tsc, never edited.\n\
         import type { Report, Words } from \"../../wasm/pkg/hallmark_wasm.js\";\n\n",
    );
    ts.push_str(&format!("export const words: Words = {words};\n"));
    let mut extra = words.clone();
    extra["states"]["unexpected"] = json!({"describe": "", "explain": ""});
    let mut missing = words.clone();
    missing["uses"]
        .as_object_mut()
        .unwrap()
        .remove("constrainedWithoutTerms");
    ts.push_str(&format!(
        "// @ts-expect-error: a state Words does not have\nexport const extraState: Words = {extra};\n\
         // @ts-expect-error: a use wording Words requires is missing\nexport const missingUse: Words = {missing};\n"
    ));
    for (i, report) in reports.iter().enumerate() {
        // One line each, so that every error points at the line it is about.
        ts.push_str(&format!("export const report{i}: Report = {report};\n"));
    }
    let mut extra = reports[0].clone();
    extra["unexpected_field"] = json!(1);
    let mut missing = reports[0].clone();
    missing.as_object_mut().unwrap().remove("state");
    ts.push_str(&format!(
        "// @ts-expect-error: a field Report does not have\nexport const extra: Report = {extra};\n\
         // @ts-expect-error: a field Report requires is missing\nexport const missing: Report = {missing};\n"
    ));
    ts
}

/// `tsc --strict --noEmit` over `files`, against the built package's types.
fn tsc(files: &[&Path]) -> std::process::Output {
    let wasm = workspace().join("wasm");
    let tsc = wasm.join("tests/node_modules/typescript/bin/tsc");
    assert!(
        tsc.exists(),
        "TypeScript is not installed: run `bash tests/run.sh`"
    );
    assert!(
        wasm.join("pkg/hallmark_wasm.d.ts").exists(),
        "run `bash wasm/build.sh` first"
    );
    Command::new("node")
        .arg(&tsc)
        .args([
            "--strict", "--noEmit", "--target", "es2022", "--module", "es2022",
        ])
        .args([
            "--moduleResolution",
            "bundler",
            "--lib",
            "es2022,dom",
            "--skipLibCheck",
            "false",
        ])
        .args(files)
        .output()
        .unwrap()
}

#[test]
fn the_typescript_types_describe_the_api_and_the_real_reports() {
    let wasm = workspace().join("wasm");
    // Every distinct report of the corpus (the API test shows the browser's are the same).
    let corpus = corpus();
    let mut reports: Vec<&Value> = Vec::new();
    for e in &corpus.entries {
        if e.expected["state"] != "error" && !reports.contains(&&e.expected) {
            reports.push(&e.expected);
        }
    }
    for state in ["trusted", "valid", "invalid", "none"] {
        assert!(
            reports.iter().any(|r| r["state"] == state),
            "no {state} report"
        );
    }
    assert!(reports.iter().any(|r| r["file"].is_null()));
    // The words as the browser gives them (the API test shows they are the library's).
    let generated = artifacts().join("reports.ts");
    std::fs::write(
        &generated,
        reports_as_typescript(&reports, &library_words()),
    )
    .unwrap();

    let output = tsc(&[&wasm.join("tests/types-check.ts"), &generated]);
    assert!(
        output.status.success(),
        "the package's TypeScript types do not check (the reports are in {}):\n{}{}",
        generated.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_demo_page_reports_in_plain_words() {
    let corpus = corpus();
    let outcome = browser("demo", corpus.dir.path());
    assert_eq!(outcome["errors"], json!([]), "page errors");
    let cards = outcome["untrusted"].as_array().unwrap();
    let card = |file: &str| {
        cards
            .iter()
            .find(|c| c["file"] == file)
            .unwrap_or_else(|| panic!("no card for {file}: {cards:?}"))
    };
    let states: Vec<(&str, &str)> = cards
        .iter()
        .map(|c| (c["file"].as_str().unwrap(), c["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("hallmark-sample.jpg", "valid"),
            ("tampered.jpg", "invalid"),
            ("unsigned-sample.png", "none"),
            ("garbage.jpg", "error"),
            ("hallmark-sample.wav", "valid"),
            ("python-sample.pdf", "valid"),
            ("adobe-connected.jpg", "valid"),
        ],
        "cards in the order picked"
    );
    // An identity is shown in the library's words, with its own verdict.
    assert_eq!(
        card("adobe-connected.jpg")["identities"],
        json!([{"state": "unverified", "text": "Identity: testuser23 on Behance (claimed via \
            did:web:connected-identities.identity-stage.adobe.com; not checked: issuer not pinned)"}])
    );
    assert_eq!(card("hallmark-sample.jpg")["identities"], json!([]));
    let signed = card("hallmark-sample.jpg");
    assert!(
        signed["verdict"]
            .as_str()
            .unwrap()
            .starts_with("valid: intact, but the signer is not in your trust list")
    );
    // The page says what the CLI says, in the library's words: the verdict
    // line and one line per kind of use.
    let root = corpus.dir.path();
    for (file, trust, state, cards) in [
        (
            "hallmark-sample.jpg",
            &[][..],
            State::Valid,
            &outcome["untrusted"],
        ),
        (
            "tampered.jpg",
            &[][..],
            State::Invalid,
            &outcome["untrusted"],
        ),
        (
            "unsigned-sample.png",
            &[][..],
            State::None,
            &outcome["untrusted"],
        ),
        (
            "hallmark-sample.jpg",
            &["anchors/example-ca.pem"][..],
            State::Trusted,
            &outcome["trusted"],
        ),
    ] {
        let shown = cards
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["file"] == file)
            .unwrap();
        assert_eq!(shown["verdict"], state.describe(), "{file}: {shown}");
        let text = cli_text(root, file, trust);
        assert!(
            text.lines().any(|l| l.trim() == state.describe()),
            "the CLI's verdict for {file}:\n{text}"
        );
        if state != State::None {
            let trust: Vec<String> = trust.iter().map(|t| t.to_string()).collect();
            let lines = policy_lines(&cli_line(root, file, &trust));
            assert_eq!(shown["uses"], json!(lines), "{file}");
            for line in &lines {
                assert!(
                    text.lines().any(|l| l.trim() == line),
                    "the CLI's {line:?} for {file}:\n{text}"
                );
            }
        }
    }
    // The legend explains each state in the library's words.
    let legend: Vec<String> = State::ALL
        .iter()
        .map(|state| format!("{} {}", state.as_str(), state.explain()))
        .collect();
    assert_eq!(outcome["legend"], json!(legend));
    let uses = signed["uses"].as_array().unwrap();
    assert!(
        uses.contains(&json!("AI training: not allowed")),
        "{uses:?}"
    );
    assert!(
        uses.contains(&json!("Data mining: only on terms: ask first")),
        "{uses:?}"
    );
    assert_eq!(signed["answer"], "notAllowed");
    assert!(
        signed["text"]
            .as_str()
            .unwrap()
            .contains("Signed by Example Creator (hallmark local CA)")
    );
    let tampered = card("tampered.jpg");
    assert!(tampered["verdict"].as_str().unwrap().starts_with("INVALID"));
    assert_eq!(
        tampered["failures"],
        json!(["signingCredential.untrusted", "assertion.dataHash.mismatch"])
    );
    // The broken credentials allow nothing, but the IPTC mirror hallmark wrote
    // into the file's XMP still says no, and the page says what that rests on.
    assert_eq!(tampered["answer"], "notAllowed");
    assert!(
        tampered["text"]
            .as_str()
            .unwrap()
            .contains("from an unsigned statement in the file's metadata"),
        "{tampered}"
    );
    assert!(
        card("unsigned-sample.png")["verdict"]
            .as_str()
            .unwrap()
            .contains("no Content Credentials")
    );
    assert!(
        card("garbage.jpg")["verdict"]
            .as_str()
            .unwrap()
            .contains("not a JPEG")
    );

    let trusted = outcome["trusted"].as_array().unwrap();
    assert_eq!(trusted.len(), 1);
    assert_eq!(trusted[0]["state"], "trusted");
    assert!(
        trusted[0]["verdict"]
            .as_str()
            .unwrap()
            .starts_with("trusted: intact")
    );
}

#[test]
fn the_extension_badges_images_and_reports_on_request() {
    let corpus = corpus();
    let outcome = browser("extension", corpus.dir.path());
    let image = |when: &str, id: &str| -> Value {
        outcome[when]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no image {id} in {when}"))
    };
    let signed = image("before", "signed");
    assert_eq!(
        (signed["state"].as_str(), signed["aiTraining"].as_str()),
        (Some("valid"), Some("notAllowed"))
    );
    assert_eq!(signed["badge"]["state"], "valid");
    assert!(
        signed["badge"]["label"]
            .as_str()
            .unwrap()
            .contains("no AI training"),
        "{signed}"
    );
    // The badge's title is in the library's words: the state's sentence, then
    // one line per kind of use as the CLI prints it.
    let title = signed["badge"]["title"].as_str().unwrap();
    let lines: Vec<&str> = title.lines().collect();
    assert_eq!(
        lines[0],
        format!("Content Credentials — {}", State::Valid.explain()),
        "{title}"
    );
    let expected = &entry(corpus, "hallmark-sample.jpg", &[]).expected;
    for line in policy_lines(expected) {
        assert!(
            lines.contains(&format!("{line}.").as_str()),
            "{line:?} in {title}"
        );
    }
    assert!(
        title.contains("Data mining: only on terms: ask first."),
        "{title}"
    );
    // An intact file whose identity could not be checked is badged as intact,
    // with the identity in the library's words in the badge's title.
    let identity = image("before", "identity");
    assert_eq!(identity["state"], "valid", "{identity}");
    assert_eq!(identity["badge"]["state"], "valid", "{identity}");
    let title = identity["badge"]["title"].as_str().unwrap();
    assert!(
        title.contains(
            "Identity: testuser23 on Behance (claimed via \
             did:web:connected-identities.identity-stage.adobe.com; not checked: issuer not pinned)."
        ),
        "{title}"
    );
    let tampered = image("before", "tampered");
    assert_eq!(tampered["state"], "invalid");
    assert!(
        tampered["badge"]["title"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "Content Credentials — {}",
                State::Invalid.explain()
            )),
        "{tampered}"
    );
    assert!(
        tampered["badge"]["label"]
            .as_str()
            .unwrap()
            .contains("tampered"),
        "{tampered}"
    );
    let unsigned = image("before", "unsigned");
    assert_eq!(unsigned["state"], "none");
    assert!(
        unsigned["badge"].is_null(),
        "no badge on an image without credentials"
    );
    let foreign = image("before", "foreign");
    assert_eq!(
        foreign["state"], "valid",
        "a cross-origin image signed by c2pa-ts: {foreign}"
    );
    assert_eq!(foreign["aiTraining"], "notAllowed");

    // An image that did not load is not checked, nor fetched by the extension.
    let broken = image("before", "broken");
    assert_eq!(broken["loaded"], false);
    assert_eq!(broken["attributes"], json!([]), "{broken}");
    let requests = &outcome["requests"];
    assert_eq!(
        requests["page/corpus/no-such-image.png"], 1,
        "only the page asked for the broken image: {requests}"
    );
    assert_eq!(
        requests["page/corpus/hallmark-sample.jpg"], 2,
        "the page and the extension fetched the signed image: {requests}"
    );

    // On a page from a public host, a loopback image is refused without a
    // fetch, and the page learns nothing but "error".
    let own = image("onPublicPage", "own");
    assert_eq!(own["state"], "valid", "{own}");
    let loopback = image("onPublicPage", "loopback");
    assert_eq!(loopback["loaded"], true);
    assert_eq!(loopback["state"], "error", "{loopback}");
    assert_eq!(loopback["attributes"], json!(["data-hallmark-state"]));
    assert!(loopback["badge"].is_null());
    assert_eq!(
        requests["other/python-sample.jpg"], 1,
        "the extension did not fetch the loopback image: {requests}"
    );
    // No reason for a failure ever enters a page.
    for when in ["before", "onPublicPage", "after"] {
        for img in outcome[when].as_array().unwrap() {
            assert!(
                img["attributes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|a| a == "data-hallmark-state" || a == "data-hallmark-ai-training"),
                "{when}: {img}"
            );
        }
    }

    // The context-menu item exists, and its click handler opens the report,
    // which shows what the page was not told.
    assert_eq!(outcome["menu"]["item"], "exists");
    assert!(
        outcome["menu"]["missing"]
            .as_str()
            .unwrap()
            .contains("no-such-item"),
        "{}",
        outcome["menu"]
    );
    let broken_report = &outcome["brokenReport"];
    assert_eq!(broken_report["state"], "error");
    assert!(
        broken_report["verdict"]
            .as_str()
            .unwrap()
            .contains("HTTP 404"),
        "{broken_report}"
    );

    // PDFs are not checked by the extension, and it says so.
    let pdf_report = &outcome["pdfReport"];
    assert_eq!(pdf_report["state"], "error");
    assert_eq!(
        pdf_report["verdict"],
        "Could not check this image: this is a PDF document; the extension checks images only, not PDF files",
    );

    // Trust anchors saved through the options page apply at once.
    assert_eq!(
        outcome["saved"],
        json!({"kind": "ok", "text": "Saved 1 trusted CA certificate."})
    );
    assert_eq!(
        image("after", "signed")["state"],
        "trusted",
        "trust anchors from the options apply"
    );
    assert_eq!(image("after", "tampered")["state"], "invalid");

    let report = &outcome["report"];
    assert!(
        report["url"].as_str().unwrap().contains("report.html?src="),
        "{report}"
    );
    assert_eq!(report["state"], "trusted");
    assert_eq!(report["verdict"], State::Trusted.explain(), "{report}");
    let uses = report["uses"].as_array().unwrap();
    assert!(
        uses.contains(&json!("AI training: not allowed")),
        "{uses:?}"
    );
    let trusted = &entry(corpus, "hallmark-sample.jpg", &["anchors/example-ca.pem"]).expected;
    assert_eq!(report["uses"], json!(policy_lines(trusted)), "{report}");
}
