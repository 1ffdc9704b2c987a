//! The browser verifier in real Chromium: the API against a corpus signed by
//! hallmark and by two independent implementations, compared field by field
//! with the CLI; the demo page; the extension. The Chromium side is
//! `wasm/tests/browser.mjs`; this side builds the corpus and judges.

#[path = "../interop/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use hallmark::policy::Kind;
use hallmark::{MediaFormat, Report};
use serde_json::{Value, json};

/// Where screenshots go.
fn artifacts() -> PathBuf {
    let dir = workspace().join("target/browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run one suite of `wasm/tests/browser.mjs` and parse what it prints.
fn browser(suite: &str, corpus: &Path) -> Value {
    let wasm = workspace().join("wasm");
    assert!(
        wasm.join("pkg/hallmark_wasm_bg.wasm").exists(),
        "the browser package is not built: run `bash wasm/build.sh` (tests/run.sh does)"
    );
    assert!(
        wasm.join("tests/node_modules/playwright-core").exists(),
        "the browser test driver is not installed: run `bash tests/run.sh`, which installs it"
    );
    let output = Command::new("node")
        .arg(wasm.join("tests/browser.mjs"))
        .arg(suite)
        .arg(corpus)
        .arg(artifacts())
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "browser suite {suite} failed to run:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "browser suite {suite} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// One file of the corpus and what the CLI says about it.
struct Entry {
    file: String,
    trust: Vec<String>,
    expected: Value,
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

    // What the CLI says about each.
    let entries: Vec<Entry> = files
        .into_iter()
        .map(|(file, trust)| {
            let mut command = hallmark();
            command.args(["verify", "--json"]);
            for anchor in &trust {
                command.arg("--trust").arg(root.join(anchor));
            }
            let (mut expected, _) = json_of(command.arg(root.join(&file)));
            expected.as_object_mut().unwrap().remove("file");
            Entry {
                file,
                trust,
                expected,
            }
        })
        .collect();
    let listing: Vec<Value> = entries
        .iter()
        .map(|e| json!({"file": e.file, "mime": mime_of(&e.file), "trust": e.trust}))
        .collect();
    std::fs::write(
        root.join("corpus.json"),
        serde_json::to_string_pretty(&listing).unwrap(),
    )
    .unwrap();
    Corpus { dir, entries }
}

#[test]
fn the_browser_api_agrees_with_the_cli_on_every_file() {
    let corpus = corpus();
    let outcome = browser("api", corpus.dir.path());
    assert_eq!(outcome["alive"], true, "the page stopped answering");
    let results = outcome["results"].as_array().unwrap();
    assert_eq!(results.len(), corpus.entries.len());
    let mut states = std::collections::BTreeMap::new();
    for (entry, result) in corpus.entries.iter().zip(results) {
        let label = format!("{} (trust {:?})", entry.file, entry.trust);
        assert_eq!(result["file"], entry.file.as_str());
        if entry.expected["state"] == "error" {
            let error = result["error"]
                .as_str()
                .unwrap_or_else(|| panic!("{label}: expected an error, got {result}"));
            assert_eq!(result["isError"], true, "{label}: rejects with an Error");
            assert!(!error.starts_with("HANG"), "{label}: {error}");
            assert!(!error.is_empty(), "{label}");
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
}

#[test]
fn the_typescript_types_describe_the_api() {
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
    let output = Command::new("node")
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
        .arg(wasm.join("tests/types-check.ts"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the package's TypeScript types do not check:\n{}{}",
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
        ],
        "cards in the order picked"
    );
    let signed = card("hallmark-sample.jpg");
    assert!(
        signed["verdict"]
            .as_str()
            .unwrap()
            .starts_with("valid: intact, but the signer is not in your trust list")
    );
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
    assert_eq!(tampered["answer"], "unknown");
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
            .unwrap_or_else(|| panic!("no image {id}"))
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
    let tampered = image("before", "tampered");
    assert_eq!(tampered["state"], "invalid");
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
    let uses = report["uses"].as_array().unwrap();
    assert!(
        uses.contains(&json!("AI training: not allowed")),
        "{uses:?}"
    );
}
