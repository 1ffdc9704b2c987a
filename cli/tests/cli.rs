//! The `hallmark` command: each subcommand, its output and its exit status.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use crate::common::{PASS, hallmark, json_lines, keygen, media};
use predicates::prelude::*;

/// `hallmark sign INPUT -o OUTPUT` with the test credentials.
fn sign(creds: &Path, input: &Path, output: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    crate::common::sign(creds)
        .arg(input)
        .arg("-o")
        .arg(output)
        .args(extra)
        .assert()
}

#[test]
fn demo_needs_nothing_and_prints_the_policy() {
    // The demo keeps its folder for the reader to try; here it goes with the test's.
    let tmp = tempfile::tempdir().unwrap();
    hallmark()
        .arg("demo")
        .env("TMPDIR", tmp.path())
        .env("HALLMARK_PASSPHRASE", "not the example passphrase")
        .assert()
        .success()
        .stdout(predicate::str::contains("trusted: intact"))
        .stdout(predicate::str::contains(
            "Signed by Example Creator (hallmark local CA)",
        ))
        .stdout(predicate::str::contains("\n  AI training: not allowed\n"));
}

#[test]
fn keygen_makes_private_keys_and_never_replaces_them() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    for key in ["signer.key", "ca.key"] {
        let mode = std::fs::metadata(creds.join(key))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{key}");
    }
    hallmark()
        .args(["keygen", "--name", "Someone Else", "--out"])
        .arg(&creds)
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
        .code(64)
        .stderr(predicate::str::contains("already holds credentials"));
}

#[test]
fn no_passphrase_and_no_terminal_is_a_clear_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    hallmark()
        .args(["keygen", "--name", "Ada", "--out"])
        .arg(dir.path().join("c"))
        .timeout(Duration::from_secs(20))
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "set HALLMARK_PASSPHRASE, use --passphrase-file",
        ));
    assert!(!dir.path().join("c").exists());
}

#[test]
fn passphrase_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pass.txt");
    std::fs::write(&file, format!("{PASS}\n")).unwrap();
    hallmark()
        .args(["keygen", "--name", "Ada", "--out"])
        .arg(dir.path().join("c"))
        .arg("--passphrase-file")
        .arg(&file)
        .assert()
        .success();
    let out = dir.path().join("signed.png");
    sign(&dir.path().join("c"), &media("sample.png"), &out, &[]).success();
}

#[test]
fn a_wrong_passphrase_names_the_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    hallmark()
        .arg("sign")
        .arg(media("sample.png"))
        .arg("-o")
        .arg(dir.path().join("out.png"))
        .arg("--credentials")
        .arg(&creds)
        .env("HALLMARK_PASSPHRASE", "wrong")
        .assert()
        .code(64)
        .stderr(format!(
            "hallmark: wrong passphrase for {}\n",
            creds.join("signer.key").display()
        ));
    assert!(!dir.path().join("out.png").exists());
}

#[test]
fn sign_then_verify_with_and_without_trust() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let out = dir.path().join("signed.jpg");
    sign(
        &creds,
        &media("sample.jpg"),
        &out,
        &[
            "--allow",
            "ai_inference",
            "--constrain",
            "data_mining=ask me",
        ],
    )
    .success()
    .stdout(predicate::str::contains("AI inference: allowed"))
    .stdout(predicate::str::contains(
        "Data mining: only on terms: ask me",
    ));

    hallmark()
        .arg("verify")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "valid: intact, but the signer is not in your trust list",
        ))
        .stdout(predicate::str::contains("AI training: not allowed"))
        .stdout(predicate::str::contains("AI inference: allowed"));

    let assert = hallmark()
        .args(["verify", "--json", "--trust"])
        .arg(creds.join("ca.pem"))
        .arg(&out)
        .assert()
        .success();
    let lines = json_lines(&assert.get_output().stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["state"], "trusted");
    assert_eq!(lines[0]["file"], out.display().to_string());
    assert_eq!(lines[0]["schema_version"], 1);
    assert_eq!(lines[0]["policy"]["ai_training"]["use"], "notAllowed");
    assert_eq!(
        lines[0]["policy"]["data_mining"]["constraint_info"],
        "ask me"
    );
    assert_eq!(lines[0]["signer"]["common_name"], "Ada Lovelace");
}

#[test]
fn verify_json_keeps_input_order_and_exit_status_reflects_the_worst() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let signed = dir.path().join("signed.png");
    sign(&creds, &media("sample.png"), &signed, &[]).success();
    let mut bytes = std::fs::read(&signed).unwrap();
    let at = bytes.windows(4).position(|w| w == b"IDAT").unwrap() + 20;
    bytes[at] ^= 1;
    let tampered = dir.path().join("tampered.png");
    std::fs::write(&tampered, bytes).unwrap();
    let missing = dir.path().join("missing.png");

    let run = |files: &[&Path], code: i32| {
        let assert = hallmark()
            .args(["verify", "--json"])
            .args(files)
            .assert()
            .code(code);
        json_lines(&assert.get_output().stdout)
    };
    assert_eq!(run(&[&signed], 0)[0]["state"], "valid");
    assert_eq!(run(&[&signed, &media("sample.gif")], 2)[1]["state"], "none");
    let lines = run(&[&media("sample.gif"), &missing, &signed], 3);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["state"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["none", "error", "valid"]
    );
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("missing.png: cannot read")
    );
    let lines = run(&[&missing, &tampered, &signed], 1);
    assert_eq!(lines[1]["state"], "invalid");
    let codes: Vec<&str> = lines[1]["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "failure")
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"assertion.dataHash.mismatch"), "{codes:?}");
}

#[test]
fn refusals_are_one_line_each_with_the_right_status() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let out = dir.path().join("out.jpg");

    sign(&creds, &media("sample.jpg"), &out, &["--allow", "training"])
        .code(64)
        .stderr(predicate::str::contains("unknown kind of use \"training\""));

    sign(
        &creds,
        &media("sample.pdf"),
        &dir.path().join("out.pdf"),
        &[],
    )
    .code(64)
    .stderr(predicate::str::contains("cannot sign PDF files"));

    let fake = dir.path().join("fake.jpg");
    std::fs::copy(media("sample.pdf"), &fake).unwrap();
    sign(&creds, &fake, &out, &[])
        .code(3)
        .stderr(predicate::str::starts_with(format!(
            "hallmark: {}: not a JPEG (its content is a PDF)\nsigned 0, skipped 0, failed 1 in ",
            fake.display()
        )));

    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    sign(&creds, &empty, &dir.path().join("e.png"), &[])
        .code(3)
        .stderr(predicate::str::contains("the file is empty"));

    sign(
        &creds,
        &media("sample.jpg"),
        &out,
        &["--source-type", "painting"],
    )
    .code(64)
    .stderr(predicate::str::contains(
        "unknown IPTC digital source type \"painting\"",
    ));
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| {
            let name = e.unwrap().file_name();
            name == "creds" || name == "fake.jpg" || name == "empty.png"
        }),
        "nothing was written for refused inputs"
    );

    hallmark()
        .args(["verify", "--trust"])
        .arg(media("sample.png"))
        .arg(media("sample.png"))
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "not a trust list: expected PEM text",
        ));
    let text = dir.path().join("notes.pem");
    std::fs::write(&text, "just some notes\n").unwrap();
    hallmark()
        .args(["verify", "--trust"])
        .arg(&text)
        .arg(media("sample.png"))
        .assert()
        .code(64)
        .stderr(predicate::str::contains("holds no PEM certificates"));
}

#[test]
fn usage_errors_exit_64_and_help_documents_exit_statuses() {
    hallmark().assert().code(64);
    hallmark().args(["verify"]).assert().code(64);
    hallmark()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("64  the command was used wrongly"));
    hallmark()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("hallmark "));
}

#[test]
fn unusable_keys_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let key = creds.join("signer.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    sign(&creds, &media("sample.png"), &dir.path().join("a.png"), &[])
        .code(64)
        .stderr(predicate::str::contains(format!(
            "run `chmod 600 {}`",
            key.display()
        )));
    // A chain whose first certificate is the CA: the profile check says what is wrong.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let chain = std::fs::read_to_string(creds.join("chain.pem")).unwrap();
    std::fs::copy(creds.join("ca.pem"), creds.join("chain.pem")).unwrap();
    sign(&creds, &media("sample.png"), &dir.path().join("a.png"), &[])
        .code(64)
        .stderr(predicate::str::contains(format!(
            "{}: the signer certificate is a CA certificate (BasicConstraints CA=true)",
            creds.join("chain.pem").display()
        )));
    std::fs::write(creds.join("chain.pem"), chain).unwrap();
    std::fs::remove_file(&key).unwrap();
    sign(&creds, &media("sample.png"), &dir.path().join("a.png"), &[])
        .code(64)
        .stderr(predicate::str::contains("signer.key: cannot read"))
        .stderr(predicate::str::contains(
            "are incomplete: restore the folder from your backup",
        ));
    assert!(!dir.path().join("a.png").exists());
    sign(
        &dir.path().join("nowhere"),
        &media("sample.png"),
        &dir.path().join("a.png"),
        &[],
    )
    .code(64)
    .stderr(predicate::str::contains(
        "no credentials here; make them with `hallmark keygen",
    ));
}

#[test]
fn quiet_verify_prints_nothing_and_exits_with_the_answer() {
    hallmark()
        .args(["verify", "--quiet"])
        .arg(media("sample.png"))
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn hallmark_credentials_names_the_folder_for_keygen_and_sign() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("studio-keys");
    hallmark()
        .args(["keygen", "--name", "Ada Lovelace"])
        .env("HALLMARK_CREDENTIALS", &creds)
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
        .success();
    assert!(creds.join("signer.key").is_file());
    let out = dir.path().join("signed.png");
    hallmark()
        .arg("sign")
        .arg(media("sample.png"))
        .arg("-o")
        .arg(&out)
        .env("HALLMARK_CREDENTIALS", &creds)
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
        .success();
    hallmark()
        .args(["verify", "--color", "never", "--trust"])
        .arg(creds.join("ca.pem"))
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("trusted: intact"))
        .stdout(predicate::str::contains("\u{1b}[").not());
}
