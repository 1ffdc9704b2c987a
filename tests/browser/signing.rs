//! Signing in real browsers: Debian's Chromium and Debian's Firefox ESR,
//! each driven over WebDriver BiDi (`wasm/tests/signing.mjs`, puppeteer-core).
//! In each, credentials are made in the page and kept in IndexedDB with a
//! non-extractable key; real photographs (JPEG, PNG, WebP) are signed; the
//! page is reloaded and signs again; CLI-made credentials are imported and
//! sign. This side then checks every signed file with c2pa-python (`Valid`,
//! and `Trusted` under the browser-made CA) and with the CLI, against a copy
//! the CLI signed from the browser's backup with the same options: the same
//! policy, soft binding, IPTC mirror, title and signer.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{artifacts, run_script, suite_limit};
use crate::interop::common::*;
use hallmark_test_support::python::{fingerprint_oracle, platform_edit};

/// The browser-made credentials' passphrase.
const PASSPHRASE: &str = "a long browser passphrase";
/// The name the browser-made credentials certify.
const ARTIST: &str = "Browser Artist";

/// The photographs signed, as `(file, media type)`.
const PHOTOS: [(&str, &str); 3] = [
    ("photo.jpg", "image/jpeg"),
    ("photo.png", "image/png"),
    ("photo.webp", "image/webp"),
];

/// The options every photograph is signed with, in the browser's words.
fn browser_options() -> Value {
    json!({
        "policy": {"data_mining": "allowed", "ai_inference": {"constrained": "ask first"}},
        "title": "Astronaut",
        "author": ARTIST,
        "sourceType": "digitalCapture",
    })
}

/// The same options in the CLI's words.
const CLI_OPTIONS: [&str; 10] = [
    "--allow",
    "data_mining",
    "--constrain",
    "ai_inference=ask first",
    "--title",
    "Astronaut",
    "--author",
    ARTIST,
    "--source-type",
    "digitalCapture",
];

/// The corpus: three encodings of a natural photograph, a file no engine can
/// sign, the example credentials (whole and with a damaged key), and
/// `signing.json` saying what to do with them.
fn corpus(dir: &Path) {
    fingerprint_oracle(&["photos", dir.to_str().unwrap(), "1"]);
    std::fs::rename(dir.join("astronaut.png"), dir.join("photo.png")).unwrap();
    platform_edit("png2jpeg", &dir.join("photo.png"), dir, "photo.jpg");
    platform_edit("jpeg2webp", &dir.join("photo.jpg"), dir, "photo.webp");
    std::fs::write(dir.join("broken.jpg"), b"this is not a photograph\n").unwrap();
    let keys = hallmark_test_support::paths::example_keys();
    let chain = std::fs::read_to_string(keys.join("chain.pem")).unwrap();
    let key = std::fs::read_to_string(keys.join("signer.key")).unwrap();
    let damaged = key[..key.len() / 2].to_owned();
    let media = dir.join("media");
    std::fs::create_dir_all(&media).unwrap();
    let mut formats = Vec::new();
    for sample in SIGNABLE {
        std::fs::copy(
            hallmark_test_support::paths::media(sample),
            media.join(sample),
        )
        .unwrap();
        let format = hallmark::MediaFormat::from_path(Path::new(sample)).unwrap();
        formats.push(json!({"file": sample, "mime": format.mime_type()}));
    }
    let plan = json!({
        "name": ARTIST,
        "passphrase": PASSPHRASE,
        "photos": PHOTOS.iter().map(|(file, mime)| json!({"file": file, "mime": mime})).collect::<Vec<_>>(),
        "options": browser_options(),
        "unsignable": {"file": "broken.jpg", "mime": "image/jpeg"},
        "cli": {"folder": {"chain.pem": chain, "signer.key": key}, "passphrase": EXAMPLE_PASSPHRASE},
        "damaged": {"folder": {"chain.pem": chain, "signer.key": damaged}},
        "formats": formats,
    });
    std::fs::write(dir.join("signing.json"), plan.to_string()).unwrap();
}

/// Run the signing suite in `browser` on `corpus`.
fn run(browser: &str, corpus: &Path) -> Value {
    super::browser_tools();
    assert!(
        workspace()
            .join("wasm/tests/node_modules/puppeteer-core")
            .exists(),
        "the WebDriver BiDi driver is not installed: run `bash tests/run.sh`, which installs it"
    );
    let limit = suite_limit();
    let node_limit = limit
        .saturating_sub(std::time::Duration::from_secs(30))
        .max(limit / 2);
    run_script("signing.mjs", browser, corpus, limit, node_limit)
        .outcome
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `hallmark sign` of `input` into `output` with the credentials in `dir`,
/// with the options of [`CLI_OPTIONS`].
fn cli_sign(dir: &Path, passphrase: &str, input: &Path, output: &Path) {
    cli_sign_with(dir, passphrase, input, output, &CLI_OPTIONS);
}

/// `hallmark sign` of `input` into `output` with the credentials in `dir` and `options`.
fn cli_sign_with(dir: &Path, passphrase: &str, input: &Path, output: &Path, options: &[&str]) {
    let result = hallmark()
        .arg("sign")
        .arg(input)
        .arg("-o")
        .arg(output)
        .arg("--credentials")
        .arg(dir)
        .args(options)
        .env("HALLMARK_PASSPHRASE", passphrase)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "hallmark sign {} with {}: {}",
        input.display(),
        dir.display(),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// What of a report must be equal between a browser-signed file and a
/// CLI-signed copy: everything but the times and the manifest's identifier.
fn comparable(report: &Value) -> Value {
    let mut actions = report["actions"].clone();
    for action in actions.as_array_mut().into_iter().flatten() {
        action.as_object_mut().unwrap().remove("when");
    }
    json!({
        "state": report["state"],
        "format": report["format"],
        "title": report["title"],
        "claim_generator": report["claim_generator"],
        "signer": report["signer"],
        "policy": report["policy"],
        "soft_bindings": report["soft_bindings"],
        "unsigned": report["unsigned"],
        "actions": actions,
        "manifest_count": report["manifest_count"],
    })
}

/// c2pa-python's state of `file`, with and without trusting `ca`.
fn python_states(file: &Path, ca: &Path) -> (String, String) {
    (
        lower_state(&python_read(file, None)),
        lower_state(&python_read(file, Some(ca))),
    )
}

/// Whether `url` is one of the browser package's own module files.
fn is_package_file(url: &str, origin: &str) -> bool {
    url.strip_prefix(origin)
        .and_then(|path| path.strip_prefix("/pkg/"))
        .is_some_and(|file| file.starts_with("hallmark_wasm"))
}

fn check(browser: &str) {
    let work = tempfile::tempdir().unwrap();
    let corpus_dir = work.path().join("corpus");
    std::fs::create_dir_all(&corpus_dir).unwrap();
    corpus(&corpus_dir);
    // This run's files only: the CLI refuses to write over an earlier run's.
    let _ = std::fs::remove_dir_all(artifacts().join(format!("signing-{browser}")));
    let result = run(browser, &corpus_dir);
    let label = format!("{browser} ({})", result["version"]);
    println!("{label}: console {}", result["console"]);

    // The key: a non-extractable Ed25519 CryptoKey that signs, and nothing more.
    let created = &result["created"];
    assert_eq!(created["name"], ARTIST, "{label}");
    let key = &created["key"];
    assert_eq!(key["isCryptoKey"], true, "{label}: {key}");
    assert_eq!(key["algorithm"], "Ed25519", "{label}: {key}");
    assert_eq!(key["type"], "private", "{label}: {key}");
    assert_eq!(key["extractable"], false, "{label}: {key}");
    assert_eq!(key["usages"], json!(["sign"]), "{label}: {key}");
    for (format, attempt) in key["exports"].as_object().unwrap() {
        assert_eq!(
            attempt["failed"], true,
            "{label}: exportKey({format}): {attempt}"
        );
        assert_eq!(
            attempt["name"], "InvalidAccessError",
            "{label}: exportKey({format}): {attempt}"
        );
    }

    // The backup is the CLI's credentials folder, keys encrypted.
    let out = artifacts().join(format!("signing-{browser}"));
    let backup = out.join("backup");
    for file in ["chain.pem", "signer.key", "ca.pem", "ca.key"] {
        assert!(backup.join(file).is_file(), "{label}: backup has no {file}");
    }
    for file in ["signer.key", "ca.key"] {
        let text = std::fs::read_to_string(backup.join(file)).unwrap();
        assert!(
            text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{label}: {file} is not encrypted"
        );
    }
    let ca = backup.join("ca.pem");
    assert_eq!(
        std::fs::read_to_string(&ca).unwrap(),
        created["caCertificatePem"].as_str().unwrap(),
        "{label}"
    );

    // Every photograph the browser signed: valid to c2pa-python, trusted
    // under the browser-made CA, and the same to the CLI as a copy the CLI
    // signs with the backup.
    let signed = result["signed"].as_array().unwrap();
    assert_eq!(signed.len(), PHOTOS.len(), "{label}");
    for entry in signed {
        let file = PathBuf::from(entry["file"].as_str().unwrap());
        let photo = entry["photo"].as_str().unwrap();
        assert_eq!(
            python_states(&file, &ca),
            ("valid".into(), "trusted".into()),
            "{label}: c2pa-python on {photo} signed in the browser"
        );
        let cli_copy = out.join(format!("cli-{photo}"));
        cli_sign(&backup, PASSPHRASE, &corpus_dir.join(photo), &cli_copy);
        let (browser_report, status) = hallmark_verify(&file, Some(&ca));
        assert_eq!(status, 0, "{label}: {browser_report}");
        assert_eq!(browser_report["state"], "trusted", "{label}: {photo}");
        let (cli_report, _) = hallmark_verify(&cli_copy, Some(&ca));
        assert_eq!(
            comparable(&browser_report),
            comparable(&cli_report),
            "{label}: {photo} signed in the browser and by the CLI"
        );
        assert_eq!(
            browser_report["soft_bindings"][0]["alg"], "io.iscc.v0",
            "{label}: {photo}"
        );
        assert_eq!(
            browser_report["unsigned"]["source"], "xmp",
            "{label}: {photo}: no IPTC mirror"
        );
        // What the browser made of the key is what the backup holds.
        assert_eq!(browser_report["signer"]["common_name"], ARTIST, "{label}");
    }

    // No request while signing: the package's own modules on first use, then nothing.
    let origin = result["origin"].as_str().unwrap();
    for request in result["requests"].as_array().unwrap() {
        let url = request["url"].as_str().unwrap();
        assert!(
            url.starts_with(origin),
            "{label}: a request left the page's origin: {request}"
        );
        let step = request["step"].as_str().unwrap();
        if step.starts_with("sign") || step == "create" || step == "import" {
            assert!(
                is_package_file(url, origin),
                "{label}: a request while signing: {request}"
            );
        }
        assert!(
            ![
                "sign 1",
                "sign 2",
                "sign with imported",
                "sign after bad input"
            ]
            .contains(&step),
            "{label}: a request once the modules were loaded: {request}"
        );
    }

    // The key outlives the page.
    let after = &result["afterReload"];
    assert_eq!(after["name"], ARTIST, "{label}: {after}");
    assert_eq!(after["key"]["extractable"], false, "{label}: {after}");
    let reloaded = PathBuf::from(result["reloadFile"].as_str().unwrap());
    assert_eq!(
        python_states(&reloaded, &ca),
        ("valid".into(), "trusted".into()),
        "{label}: signed after a reload"
    );

    // CLI-made credentials sign in the browser.
    assert_eq!(result["imported"]["name"], "Example Creator", "{label}");
    assert_eq!(result["imported"]["key"]["extractable"], false, "{label}");
    let imported = PathBuf::from(result["importFile"].as_str().unwrap());
    let example_ca = hallmark_test_support::paths::example_keys().join("ca.pem");
    let (report, _) = hallmark_verify(&imported, Some(&example_ca));
    assert_eq!(report["state"], "trusted", "{label}: {report}");
    assert_eq!(report["signer"]["common_name"], "Example Creator");
    assert_eq!(
        python_states(&imported, &example_ca),
        ("valid".into(), "trusted".into()),
        "{label}: signed with imported credentials"
    );

    // Every format the CLI signs is signed in the browser too, as the CLI signs it.
    let formats = result["formats"].as_array().unwrap();
    assert_eq!(formats.len(), SIGNABLE.len(), "{label}");
    for entry in formats {
        let sample = entry["file"].as_str().unwrap();
        let Some(signed) = entry["signed"].as_str() else {
            panic!(
                "{label}: {sample} cannot be signed in the browser: {}",
                entry["error"]
            );
        };
        let cli_copy = out.join(format!("cli-{sample}"));
        cli_sign_with(
            &backup,
            PASSPHRASE,
            &corpus_dir.join("media").join(sample),
            &cli_copy,
            &[],
        );
        let (browser_report, _) = hallmark_verify(Path::new(signed), Some(&ca));
        let (cli_report, _) = hallmark_verify(&cli_copy, Some(&ca));
        assert_eq!(
            browser_report["state"], "trusted",
            "{label}: {sample}: {browser_report}"
        );
        assert_eq!(
            comparable(&browser_report),
            comparable(&cli_report),
            "{label}: {sample} signed in the browser and by the CLI"
        );
    }

    // Bad input: each a clear error naming what is wrong; signing goes on.
    let failures = &result["failures"];
    let expect = |case: &str, kind: &str, words: &[&str]| {
        let failure = &failures[case];
        assert_eq!(failure["failed"], true, "{label}: {case}: {failure}");
        assert_eq!(failure["kind"], kind, "{label}: {case}: {failure}");
        let message = failure["message"].as_str().unwrap_or_default();
        for word in words {
            assert!(
                message.contains(word),
                "{label}: {case}: {message:?} lacks {word:?}"
            );
        }
    };
    expect(
        "wrongPassphrase",
        "bad_setup",
        &["signer.key", "passphrase"],
    );
    expect("damagedKey", "bad_setup", &["signer.key"]);
    expect("missingKey", "bad_request", &["signer.key is missing"]);
    expect("unsignable", "bad_input", &["broken.jpg"]);
    expect("noName", "bad_request", &["options.name"]);
    expect("notCredentials", "bad_request", &["credentials"]);
    assert_eq!(
        result["afterFailures"]["failed"], false,
        "{label}: {}",
        result["afterFailures"]
    );
}

#[test]
fn chromium_signs_what_every_verifier_reads_as_the_artists() {
    check("chromium");
}

#[test]
fn firefox_signs_what_every_verifier_reads_as_the_artists() {
    check("firefox");
}
