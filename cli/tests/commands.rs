//! `policy`, `inspect`, `completions`, `man`, keygen's defaults, logging and
//! colour: each answer and each exit status.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::common::*;
use hallmark::credentials::{Identity, SigningCredentials, Validity, issue};
use hallmark::policy::Kind;
use hallmark::sign::{SignOptions, sign_stream};
use hallmark::{TrainingPolicy, Use};
use predicates::prelude::*;
use serde_json::Value;

/// A PNG whose credentials state: ai_training allowed, ai_inference not
/// allowed, data_mining only on terms, ai_generative_training nothing.
fn mixed_policy_png(dir: &Path) -> PathBuf {
    let issued = issue(&Identity::named("Grace Hopper"), Validity::default()).unwrap();
    let credentials = SigningCredentials::from_issued(&issued).unwrap();
    let mut policy = TrainingPolicy::default();
    policy
        .set(Kind::AiTraining, Use::Allowed)
        .set(Kind::AiInference, Use::NotAllowed)
        .set(
            Kind::DataMining,
            Use::Constrained(Some("attribution required".into())),
        );
    let options = SignOptions {
        policy,
        ..SignOptions::default()
    };
    let original = std::fs::read(media("sample.png")).unwrap();
    let mut signed = Cursor::new(Vec::new());
    sign_stream(
        &credentials,
        "mixed.png",
        None,
        &mut Cursor::new(original),
        &mut signed,
        &options,
    )
    .unwrap();
    let path = dir.join("mixed.png");
    std::fs::write(&path, signed.into_inner()).unwrap();
    path
}

fn policy_json(file: &Path, kind: &str, code: i32) -> Value {
    let assert = hallmark()
        .args(["policy", "--json", "--for", kind])
        .arg(file)
        .assert()
        .code(code);
    serde_json::from_slice(&assert.get_output().stdout).unwrap()
}

#[test]
fn policy_answers_each_question_with_its_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let mixed = mixed_policy_png(dir.path());

    hallmark()
        .args(["policy", "--for", "ai_training"])
        .arg(&mixed)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "AI training is allowed (signed by Grace Hopper; identity not vouched for",
        ));
    assert_eq!(policy_json(&mixed, "ai_training", 0)["answer"], "allowed");

    hallmark()
        .args(["policy", "--for", "ai_inference"])
        .arg(&mixed)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("AI inference is not allowed"));
    assert_eq!(
        policy_json(&mixed, "ai_inference", 1)["answer"],
        "notAllowed"
    );

    hallmark()
        .args(["policy", "--for", "data-mining"])
        .arg(&mixed)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "Data mining is allowed only on terms: attribution required",
        ));
    let constrained = policy_json(&mixed, "data_mining", 1);
    assert_eq!(constrained["answer"], "constrained");
    assert_eq!(constrained["constraint_info"], "attribution required");

    hallmark()
        .args(["policy", "--for", "ai_generative_training"])
        .arg(&mixed)
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "the creator said nothing about generative ai training",
        ));
    assert_eq!(
        policy_json(&mixed, "ai_generative_training", 2)["answer"],
        "unspecified"
    );

    let unsigned = media("sample.png");
    let none = policy_json(&unsigned, "ai_training", 2);
    assert_eq!(
        (none["answer"].as_str(), none["state"].as_str()),
        (Some("unknown"), Some("none"))
    );

    let mut bytes = std::fs::read(&mixed).unwrap();
    let at = bytes.windows(4).position(|w| w == b"IDAT").unwrap() + 30;
    bytes[at] ^= 1;
    let tampered = dir.path().join("tampered.png");
    std::fs::write(&tampered, bytes).unwrap();
    hallmark()
        .args(["policy", "--for", "ai_training"])
        .arg(&tampered)
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "unknown: its Content Credentials are broken",
        ));
    let invalid = policy_json(&tampered, "ai_training", 3);
    assert_eq!(
        (invalid["answer"].as_str(), invalid["state"].as_str()),
        (Some("unknown"), Some("invalid"))
    );

    let missing = dir.path().join("missing.png");
    assert_eq!(policy_json(&missing, "ai_training", 3)["state"], "error");
    hallmark()
        .args(["policy", "--for", "training"])
        .arg(&mixed)
        .assert()
        .code(64)
        .stderr(predicate::str::contains("unknown kind of use"));
}

#[test]
fn inspect_shows_the_whole_store() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let first = dir.path().join("first.jpg");
    let second = dir.path().join("second.jpg");
    sign(&creds)
        .arg(media("sample.jpg"))
        .arg("-o")
        .arg(&first)
        .assert()
        .success();
    sign(&creds)
        .arg(&first)
        .arg("-o")
        .arg(&second)
        .assert()
        .success();

    let assert = hallmark().arg("inspect").arg(&second).assert().success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert_eq!(text.matches("  manifest urn:").count(), 2, "{text}");
    assert!(text.contains("(active)"), "{text}");
    assert!(text.contains("assertion: cawg.training-mining"), "{text}");
    assert!(
        text.contains("ingredient: first.jpg (parentOf) -> urn:"),
        "{text}"
    );

    let assert = hallmark()
        .args(["inspect", "--json"])
        .arg(&second)
        .assert()
        .success();
    let store: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(store["manifests"].as_object().unwrap().len(), 2);
    assert!(store["active_manifest"].is_string());

    hallmark()
        .arg("inspect")
        .arg(media("sample.jpg"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("no Content Credentials"));
}

#[test]
fn completions_and_manual() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let assert = hallmark().args(["completions", shell]).assert().success();
        let script = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        assert!(script.contains("hallmark"), "{shell}");
        assert!(
            script.contains("verify") && script.contains("trust"),
            "{shell}"
        );
    }
    hallmark()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH hallmark"));
    // Each command has its own page, with its own options.
    hallmark()
        .args(["man", "sign"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH hallmark-sign"))
        .stdout(predicate::str::contains("in\\-place"))
        .stdout(predicate::str::contains("passphrase\\-file"));
    let dir = tempfile::tempdir().unwrap();
    hallmark()
        .args(["man", "--out-dir"])
        .arg(dir.path())
        .assert()
        .success();
    for page in [
        "hallmark",
        "hallmark-sign",
        "hallmark-verify",
        "hallmark-policy",
        "hallmark-keygen",
    ] {
        let text = std::fs::read_to_string(dir.path().join(format!("{page}.1"))).unwrap();
        assert!(text.contains(&format!(".TH {page}")), "{page}");
    }
}

#[test]
fn a_reader_that_stops_early_never_crashes_a_command() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let many = dir.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..300 {
        std::fs::copy(media("sample.png"), many.join(format!("p{i:03}.png"))).unwrap();
    }
    // Each command's stdout is a pipe whose reader takes one byte and leaves.
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hallmark"))
            .args(args)
            .current_dir(dir.path())
            .env("HALLMARK_PASSPHRASE", PASS)
            .env("NO_COLOR", "1")
            .env("TMPDIR", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        (output.status.code(), stderr)
    };
    // Signing finishes every file even when nobody reads what it says.
    let (code, stderr) = run(&["sign", "-r", "many", "-o", "out", "--credentials", "creds"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("signed 300, skipped 0, failed 0"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        300
    );
    // Reports nobody reads stop, quietly, with 141.
    for args in [
        &["verify", "-r", "out"][..],
        &["verify", "--json", "-r", "out"],
    ] {
        let (code, stderr) = run(args);
        assert_eq!(code, Some(141), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
    for args in [&["man"][..], &["completions", "bash"], &["demo"]] {
        let (code, stderr) = run(args);
        assert!(matches!(code, Some(0 | 141)), "{args:?}: {code:?} {stderr}");
    }
    let _ = creds;
}

#[test]
fn keygen_defaults_to_the_config_folder_and_force_keeps_the_old_keys() {
    let home = tempfile::tempdir().unwrap();
    let env = |command: &mut assert_cmd::Command| {
        command
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("HALLMARK_PASSPHRASE", PASS);
    };
    let mut keygen = hallmark();
    keygen.args(["keygen", "--name", "Ada"]);
    env(&mut keygen);
    keygen.assert().success();
    let folder = home.path().join("config/hallmark/credentials");
    assert!(folder.join("signer.key").is_file());

    let mut sign = hallmark();
    sign.arg("sign")
        .arg(media("sample.gif"))
        .arg("-o")
        .arg(home.path().join("s.gif"));
    env(&mut sign);
    sign.assert().success();

    let mut again = hallmark();
    again.args(["keygen", "--name", "Ada"]);
    env(&mut again);
    again
        .assert()
        .code(64)
        .stderr(predicate::str::contains("use --force"));

    let old_key = std::fs::read(folder.join("signer.key")).unwrap();
    let mut forced = hallmark();
    forced.args(["keygen", "--name", "Ada", "--force"]);
    env(&mut forced);
    forced.assert().success().stdout(predicate::str::contains(
        "Moved the previous credentials to",
    ));
    let retired: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(retired.len(), 1);
    assert_eq!(
        std::fs::read(retired[0].join("signer.key")).unwrap(),
        old_key
    );
    assert_ne!(std::fs::read(folder.join("signer.key")).unwrap(), old_key);
}

#[test]
fn verbose_logs_never_show_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let assert = sign(&creds)
        .arg("-vv")
        .arg(media("sample.png"))
        .arg("-o")
        .arg(dir.path().join("s.png"))
        .assert()
        .success();
    let output = assert.get_output();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(all.contains("DEBUG"), "-vv shows details:\n{all}");
    assert!(!all.contains(PASS), "the passphrase leaked:\n{all}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let signed = dir.path().join("s.png");
    sign(&creds)
        .arg(media("sample.png"))
        .arg("-o")
        .arg(&signed)
        .assert()
        .success();
    hallmark()
        .args(["verify", "--color", "always"])
        .arg(&signed)
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b["));
    hallmark()
        .arg("verify")
        .arg(&signed)
        .env_remove("NO_COLOR")
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn help_texts() {
    for command in [
        &["--help"][..],
        &["sign", "--help"],
        &["derive", "--help"],
        &["verify", "--help"],
        &["policy", "--help"],
        &["keygen", "--help"],
        &["inspect", "--help"],
        &["publish", "--help"],
        &["headers", "--help"],
        &["scan", "--help"],
        &["demo", "--help"],
        &["serve", "--help"],
        &["token", "--help"],
        &["repository", "--help"],
        &["completions", "--help"],
        &["man", "--help"],
    ] {
        let assert = hallmark()
            .args(command)
            .env("COLUMNS", "100")
            .assert()
            .success();
        let name = command.join("_").replace("--", "");
        insta::assert_snapshot!(name, String::from_utf8_lossy(&assert.get_output().stdout));
    }
}

#[test]
fn the_human_report() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let signed = dir.path().join("art.jpg");
    sign(&creds)
        .arg(media("sample.jpg"))
        .arg("-o")
        .arg(&signed)
        .args([
            "--allow",
            "ai_inference",
            "--constrain",
            "data_mining=ask first",
        ])
        .assert()
        .success();
    let unsigned = media("sample.gif");
    let assert = hallmark()
        .args(["verify", "--trust"])
        .arg(creds.join("ca.pem"))
        .arg(&signed)
        .arg(&unsigned)
        .assert()
        .code(2);
    let text = String::from_utf8_lossy(&assert.get_output().stdout)
        .replace(&dir.path().display().to_string(), "[DIR]")
        .replace(&root().display().to_string(), "[ROOT]");
    insta::with_settings!({filters => vec![(r"\d{4}-\d{2}-\d{2}", "[DATE]")]}, {
        insta::assert_snapshot!(text);
    });
}
