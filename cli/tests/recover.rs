//! Durable credentials end to end, with real processes: natural photographs
//! are signed and their manifests published to a real `hallmark serve
//! --repository`; a platform strips the credentials by re-encoding the
//! images (JPEG quality 75, a 50 % resize, PNG to JPEG, JPEG to WebP); and
//! `hallmark verify --recover` / `policy --recover` find the creator's "no"
//! again. Once on SQLite, once on a real PostgreSQL server (the throwaway
//! cluster `tests/run.sh` starts; its URL comes in
//! `HALLMARK_TEST_POSTGRES_URL`, and without it the test fails).

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use hallmark_test_support::paths::workspace;
use hallmark_test_support::python::{fingerprint_oracle, platform_edit};
use serde_json::Value;

use crate::common::*;

/// Fresh credentials for `name` in `dir/folder`.
fn creator(dir: &Path, folder: &str, name: &str) -> PathBuf {
    let creds = dir.join(folder);
    hallmark()
        .args(["keygen", "--name", name, "--out"])
        .arg(&creds)
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
        .success();
    creds
}

/// `hallmark verify --recover --json` of one file: its report.
fn recovered_report(base: &str, trust: &[&Path], file: &Path) -> Value {
    let mut command = hallmark();
    command.args(["verify", "--json", "--recover", base]);
    for ca in trust {
        command.arg("--trust").arg(ca);
    }
    let output = command.arg(file).output().unwrap();
    let lines = json_lines(&output.stdout);
    assert_eq!(
        lines.len(),
        1,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    lines.into_iter().next().unwrap()
}

/// `hallmark policy --recover --json`: the answer and the exit status.
fn recovered_policy(base: &str, file: &Path, kind: &str) -> (Value, i32) {
    let output = hallmark()
        .args(["policy", "--json", "--recover", base, "--for", kind])
        .arg(file)
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (answer, output.status.code().unwrap())
}

/// The manifest id `hallmark verify --json` reports for a signed file.
fn manifest_id(file: &Path) -> String {
    let output = hallmark()
        .args(["verify", "--json"])
        .arg(file)
        .output()
        .unwrap();
    json_lines(&output.stdout)[0]["active_manifest"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The whole story against one repository URL.
fn stripped_copies_find_their_manifests(repository: &str) {
    let dir = tempfile::tempdir().unwrap();
    let server = Serving::start(&["--repository", repository]);
    let base = server.base.as_str();
    let photos = dir.path().join("photos");
    let _: Value = serde_json::from_str(&fingerprint_oracle(&[
        "photos",
        photos.to_str().unwrap(),
        "8",
    ]))
    .unwrap();
    let photo = |name: &str| photos.join(format!("{name}.png"));
    let ada = creator(dir.path(), "ada", "Ada Lovelace");
    let grace = creator(dir.path(), "grace", "Grace Hopper");
    let signed = dir.path().join("signed");
    std::fs::create_dir_all(&signed).unwrap();

    // Ada signs a PNG and a JPEG and publishes as she signs; every use is not allowed.
    let chelsea_jpeg = platform_edit("png2jpeg", &photo("chelsea"), dir.path(), "chelsea.jpg");
    for (input, output) in [
        (photo("astronaut"), signed.join("astronaut.png")),
        (chelsea_jpeg, signed.join("chelsea.jpg")),
        (photo("camera"), signed.join("camera.png")),
    ] {
        sign(&ada)
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .args(["--publish", base])
            .assert()
            .success()
            .stdout(predicates::str::contains("published as urn:c2pa:"));
    }
    // Grace allows everything on hers, signs a near-identical copy of Ada's
    // camera picture too, and publishes afterwards.
    let camera_near = platform_edit("near", &photo("camera"), dir.path(), "camera-near.png");
    for (input, output) in [
        (photo("coffee"), signed.join("coffee.png")),
        (camera_near, signed.join("camera-near.png")),
    ] {
        sign(&grace)
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .args(["--allow", "all"])
            .assert()
            .success();
    }
    hallmark()
        .args(["publish", "--to", base])
        .arg(signed.join("coffee.png"))
        .arg(signed.join("camera-near.png"))
        .assert()
        .success()
        .stdout(predicates::str::contains("published ").count(2));
    // Publishing again changes nothing.
    hallmark()
        .args(["publish", "--to", base])
        .arg(signed.join("coffee.png"))
        .assert()
        .success()
        .stdout(predicates::str::contains("already published"));

    // A platform strips every one of them by re-encoding.
    let stripped = dir.path().join("stripped");
    std::fs::create_dir_all(&stripped).unwrap();
    let ada_ca = ada.join("ca.pem");
    let cases = [
        ("jpeg75", "astronaut.png", "astronaut-q75.jpg"),
        ("resize50", "astronaut.png", "astronaut-half.jpg"),
        ("png2jpeg", "astronaut.png", "astronaut.jpg"),
        ("jpeg2webp", "chelsea.jpg", "chelsea.webp"),
        ("jpeg75", "camera.png", "camera-q75.jpg"),
    ];
    for (op, source, name) in cases {
        let copy = platform_edit(op, &signed.join(source), &stripped, name);
        let report = recovered_report(base, &[&ada_ca], &copy);
        assert_eq!(
            report["state"], "none",
            "{name}: its own credentials are gone"
        );
        let recovered = &report["recovered"];
        assert_eq!(
            recovered["manifest_id"],
            manifest_id(&signed.join(source)),
            "{name}: {report}"
        );
        assert_eq!(recovered["repository"], base, "{name}");
        assert_eq!(recovered["state"], "trusted", "{name}: {recovered}");
        assert_eq!(recovered["signer"]["common_name"], "Ada Lovelace", "{name}");
        assert_eq!(
            recovered["policy"]["ai_training"]["use"], "notAllowed",
            "{name}"
        );
        assert!(
            recovered["distance"].as_u64().unwrap() <= 53,
            "{name}: {recovered}"
        );
        assert_eq!(recovered["soft_binding"]["alg"], "io.iscc.v0");
        let (answer, code) = recovered_policy(base, &copy, "ai_training");
        assert_eq!(answer["answer"], "notAllowed", "{name}: {answer}");
        assert_eq!(answer["basis"], "recovered", "{name}: {answer}");
        assert_eq!(answer["signer"], "Ada Lovelace", "{name}");
        assert_eq!(code, 1, "{name}: not allowed");
    }

    // Near-identical pictures by two signers are told apart by distance.
    let grace_copy = platform_edit(
        "jpeg75",
        &signed.join("camera-near.png"),
        &stripped,
        "camera-near-q75.jpg",
    );
    let report = recovered_report(base, &[], &grace_copy);
    assert_eq!(
        report["recovered"]["manifest_id"],
        manifest_id(&signed.join("camera-near.png")),
        "{report}"
    );
    assert_eq!(report["recovered"]["signer"]["common_name"], "Grace Hopper");
    let ada_copy = recovered_report(base, &[], &stripped.join("camera-q75.jpg"));
    assert_eq!(
        ada_copy["recovered"]["signer"]["common_name"], "Ada Lovelace",
        "{ada_copy}"
    );
    assert_eq!(
        ada_copy["recovered"]["manifest_id"],
        manifest_id(&signed.join("camera.png"))
    );

    // A recovered "allowed" never answers "allowed".
    let coffee = platform_edit(
        "jpeg75",
        &signed.join("coffee.png"),
        &stripped,
        "coffee.jpg",
    );
    let (answer, code) = recovered_policy(base, &coffee, "ai_training");
    assert_eq!(answer["answer"], "unspecified", "{answer}");
    assert_eq!(answer["basis"], "recovered_allowance_ignored", "{answer}");
    assert!(
        answer["reason"]
            .as_str()
            .unwrap()
            .contains("can only restrict"),
        "{answer}"
    );
    assert_eq!(code, 2);

    // An unrelated picture finds nothing.
    let brick = platform_edit("jpeg75", &photo("brick"), &stripped, "brick.jpg");
    let report = recovered_report(base, &[], &brick);
    assert_eq!(report["state"], "none");
    assert!(report.get("recovered").is_none(), "{report}");
    let (answer, code) = recovered_policy(base, &brick, "ai_training");
    assert_eq!(answer["answer"], "unknown", "{answer}");
    assert_eq!(code, 2);

    // A file with its own intact credentials is answered by them alone.
    let report = recovered_report(base, &[&ada_ca], &signed.join("astronaut.png"));
    assert_eq!(report["state"], "trusted");
    assert!(report.get("recovered").is_none(), "{report}");

    // The repository refuses what it cannot vouch for: an unsigned file and
    // a tampered one.
    let tampered = dir.path().join("tampered.png");
    let mut bytes = std::fs::read(signed.join("astronaut.png")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&tampered, bytes).unwrap();
    for refused in [photo("brick"), tampered] {
        hallmark()
            .args(["publish", "--to", base])
            .arg(&refused)
            .assert()
            .code(3)
            .stderr(predicates::str::contains("refused it (HTTP 422)"));
    }
    drop(server);
}

#[test]
fn a_stripped_copy_says_no_again_through_a_sqlite_repository() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("repository.db").display());
    stripped_copies_find_their_manifests(&url);
}

#[test]
fn a_stripped_copy_says_no_again_through_a_postgresql_repository() {
    let url = std::env::var("HALLMARK_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "HALLMARK_TEST_POSTGRES_URL is not set: this test needs a PostgreSQL server; \
             `bash tests/run.sh` starts a throwaway one and sets it"
        )
    });
    stripped_copies_find_their_manifests(&fresh_schema(&url));
}

/// The guide's recovery example, run as written (the service on a free
/// port): every command between `recovery:start` and `recovery:end` exits
/// as its comment says. `photo-from-social.jpg` is made from the signed
/// photo the way a platform would, before the first command that names it.
#[test]
fn the_guide_recovery_example_runs_as_documented() {
    let guide = std::fs::read_to_string(workspace().join("GUIDE.md")).unwrap();
    let start = guide.find("<!-- recovery:start -->").unwrap();
    let end = guide.find("<!-- recovery:end -->").unwrap();
    let commands: Vec<&str> = guide[start..end]
        .lines()
        .filter(|l| l.starts_with("hallmark "))
        .collect();
    let [serve, rest @ ..] = commands.as_slice() else {
        panic!("the guide's recovery example: {commands:?}");
    };
    assert!(rest.len() >= 4, "{commands:?}");

    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    fingerprint_oracle(&["photos", work.to_str().unwrap(), "1"]);
    std::fs::rename(work.join("astronaut.png"), work.join("photo.png")).unwrap();
    let credentials = creator(work, "credentials", "Ada Lovelace");
    let repository = serve
        .split_whitespace()
        .skip_while(|w| *w != "--repository")
        .nth(1)
        .unwrap()
        .replace("sqlite:", &format!("sqlite:{}/", work.display()));
    let server = Serving::start(&["--repository", &repository]);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hallmark")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in rest {
        if command.contains("photo-from-social.jpg") && !work.join("photo-from-social.jpg").exists()
        {
            platform_edit(
                "png2jpeg",
                &work.join("photo-signed.png"),
                work,
                "photo-from-social.jpg",
            );
        }
        let expected: i32 = command
            .split("# exit ")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .map_or(0, |n| n.parse().unwrap());
        let line = command.replace("http://127.0.0.1:8080", &server.base);
        let output = Process::new("bash")
            .arg("-c")
            .arg(&line)
            .current_dir(work)
            .env("PATH", &path)
            .env("HALLMARK_CREDENTIALS", &credentials)
            .env("HALLMARK_PASSPHRASE", PASS)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(expected),
            "`{line}`\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if line.contains("verify --recover") {
            assert!(stdout.contains("Recovered from "), "{stdout}");
            assert!(stdout.contains("AI training: not allowed"), "{stdout}");
        }
        if line.contains("policy --recover") {
            assert!(
                stdout.contains("is not allowed (recovered from "),
                "{stdout}"
            );
        }
    }
}
