//! The studio page end to end in Chromium (`browser.mjs studio`), with the
//! keyboard alone: credentials made, the backup saved, a policy preset and
//! a source type chosen, photographs picked and signed, the zip downloaded;
//! then a dropped folder with a file no engine can sign; the nginx lines;
//! and a reload with the network gone. This side opens both archives with
//! Python's `zipfile` (an independent reader, which checks every CRC),
//! verifies the signed files with the CLI and c2pa-python, signs with the
//! backup in the CLI, and compares the page's nginx lines with `hallmark
//! headers --nginx`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{artifacts, browser, free_port};
use crate::common::Serving;
use crate::interop::common::*;
use hallmark_test_support::python::{fingerprint_oracle, platform_edit, venv_python};

/// The studio's passphrase in this test.
const PASSPHRASE: &str = "studio passphrase 1";

/// Extract `zip` into `into` with Python's zipfile; the member names.
fn unzip(zip: &Path, into: &Path) -> Vec<String> {
    let output = Command::new(venv_python())
        .arg("-c")
        .arg(
            "import json, sys, zipfile\n\
             with zipfile.ZipFile(sys.argv[1]) as z:\n\
             \x20   bad = z.testzip()\n\
             \x20   assert bad is None, f'CRC mismatch in {bad}'\n\
             \x20   z.extractall(sys.argv[2])\n\
             \x20   print(json.dumps(z.namelist()))\n",
        )
        .arg(zip)
        .arg(into)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "zipfile cannot read {}: {}",
        zip.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The files an artist gives the studio: three photographs, and a folder
/// with another photograph and a file that is not one.
fn corpus(dir: &Path) {
    let studio = dir.join("studio");
    let drop = studio.join("drop");
    std::fs::create_dir_all(&drop).unwrap();
    fingerprint_oracle(&["photos", studio.to_str().unwrap(), "2"]);
    std::fs::rename(studio.join("astronaut.png"), studio.join("photo.png")).unwrap();
    platform_edit("png2jpeg", &studio.join("photo.png"), &studio, "photo.jpg");
    platform_edit(
        "jpeg2webp",
        &studio.join("photo.jpg"),
        &studio,
        "photo.webp",
    );
    let second = std::fs::read_dir(&studio)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "png") && !p.ends_with("photo.png"))
        .unwrap();
    platform_edit("png2jpeg", &second, &drop, "more.jpg");
    std::fs::write(drop.join("broken.jpg"), b"not a photograph at all\n").unwrap();
}

/// `hallmark verify --json --trust ca` of `file`, which must succeed.
fn verified(file: &Path, ca: &Path) -> Value {
    let (report, status) = hallmark_verify(file, Some(ca));
    assert_eq!(status, 0, "{}: {report}", file.display());
    report
}

#[test]
fn the_studio_signs_with_the_keyboard_alone_and_its_zip_verifies() {
    let work = tempfile::tempdir().unwrap();
    corpus(work.path());
    // A repository that lets the studio's origin publish.
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let url = format!("sqlite:{}", work.path().join("repository.db").display());
    let repository = Serving::start(&["--repository", &url, "--publish-cors-origin", &origin]);
    std::fs::write(
        work.path().join("studio.json"),
        serde_json::json!({"pagePort": port, "repository": repository.base}).to_string(),
    )
    .unwrap();
    let result = browser("studio", work.path());
    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
    assert!(
        result["signingAs"]
            .as_str()
            .unwrap()
            .contains("Studio Artist"),
        "{}",
        result["signingAs"]
    );
    assert_eq!(result["preset"], "mining");
    assert_eq!(result["sourceType"], "digitalCapture");
    println!(
        "studio: storage note {:?}; screenshot {}",
        result["persistNote"],
        artifacts().join("studio.png").display()
    );

    // Every file picked is signed and checked in the page.
    let picked = result["picked"].as_array().unwrap();
    assert_eq!(picked.len(), 3, "{picked:?}");
    for entry in picked {
        assert_eq!(entry["state"], "signed", "{entry}");
        assert_eq!(entry["verdict"], "trusted", "{entry}");
    }

    // The zip: the signed files, the CA certificate and the how-to, each
    // readable by another ZIP reader, each trusted under that certificate.
    let unpacked = work.path().join("zip");
    let mut names = unzip(Path::new(result["zipFile"].as_str().unwrap()), &unpacked);
    names.sort();
    assert_eq!(
        names,
        [
            "HOW-TO-VERIFY.txt",
            "ca.pem",
            "photo.jpg",
            "photo.png",
            "photo.webp"
        ]
    );
    let ca = work.path().join("ca.pem");
    std::fs::rename(unpacked.join("ca.pem"), &ca).unwrap();
    let how = std::fs::read_to_string(unpacked.join("HOW-TO-VERIFY.txt")).unwrap();
    assert!(how.contains("hallmark verify --trust ca.pem"), "{how}");
    std::fs::remove_file(unpacked.join("HOW-TO-VERIFY.txt")).unwrap();
    for photo in ["photo.jpg", "photo.png", "photo.webp"] {
        let file = unpacked.join(photo);
        let report = verified(&file, &ca);
        assert_eq!(report["state"], "trusted", "{photo}: {report}");
        assert_eq!(report["signer"]["common_name"], "Studio Artist");
        assert_eq!(report["policy"]["data_mining"]["use"], "allowed", "{photo}");
        for kind in ["ai_training", "ai_generative_training", "ai_inference"] {
            assert_eq!(
                report["policy"][kind]["use"], "notAllowed",
                "{photo}: {kind}"
            );
        }
        assert!(
            report["actions"][0]["digital_source_type"]
                .as_str()
                .unwrap()
                .ends_with("/digitalCapture"),
            "{photo}: {}",
            report["actions"]
        );
        let read = python_read(&file, Some(&ca));
        assert_eq!(lower_state(&read), "trusted", "c2pa-python on {photo}");
    }

    // The nginx lines are what `hallmark headers --nginx` prints for those files.
    let output = hallmark()
        .args(["headers", "--nginx", "--prefix", "/images/", "--trust"])
        .arg(&ca)
        .arg("--recursive")
        .arg(&unpacked)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        result["nginx"].as_str().unwrap().trim(),
        String::from_utf8_lossy(&output.stdout).trim(),
        "the page's nginx lines and the CLI's"
    );

    // The backup signs in the CLI.
    let restored = work.path().join("backup");
    let members = unzip(Path::new(result["backupZip"].as_str().unwrap()), &restored);
    let folder: PathBuf = restored.join(
        Path::new(members.iter().find(|m| m.ends_with("/signer.key")).unwrap())
            .parent()
            .unwrap(),
    );
    for file in ["chain.pem", "signer.key", "ca.pem", "ca.key", "README.txt"] {
        assert!(folder.join(file).is_file(), "the backup has no {file}");
    }
    for key in ["signer.key", "ca.key"] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder.join(key), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let cli_signed = work.path().join("cli-signed.jpg");
    let status = hallmark()
        .arg("sign")
        .arg(work.path().join("studio/photo.jpg"))
        .arg("-o")
        .arg(&cli_signed)
        .arg("--credentials")
        .arg(&folder)
        .env("HALLMARK_PASSPHRASE", PASSPHRASE)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(verified(&cli_signed, &ca)["state"], "trusted");

    // A dropped folder: the photograph is signed, the broken file says why, in words.
    let after = result["afterDrop"].as_array().unwrap();
    assert_eq!(after.len(), 5, "{after:?}");
    let by_name = |name: &str| {
        after
            .iter()
            .find(|e| e["file"].as_str().is_some_and(|f| f.ends_with(name)))
            .unwrap_or_else(|| panic!("no entry for {name}: {after:?}"))
    };
    assert_eq!(by_name("more.jpg")["state"], "signed");
    let broken = by_name("broken.jpg");
    assert_eq!(broken["state"], "failed", "{broken}");
    assert!(
        broken["text"].as_str().unwrap().contains("broken.jpg"),
        "the reason names the file: {broken}"
    );
    // Nothing signed before was lost.
    for entry in &after[..3] {
        assert_eq!(entry["state"], "signed", "{entry}");
    }

    // Published from the page: a copy stripped of its credentials finds them in the repository.
    assert_eq!(
        result["publishStatus"], "Published 3 of 3.",
        "{}",
        result["published"]
    );
    let stripped = platform_edit(
        "jpeg75",
        &unpacked.join("photo.jpg"),
        work.path(),
        "stripped.jpg",
    );
    let mut command = hallmark();
    command
        .args(["verify", "--json", "--recover", &repository.base, "--trust"])
        .arg(&ca)
        .arg(&stripped);
    let (report, _) = json_of(&mut command);
    assert_eq!(
        report["recovered"]["signer"]["common_name"], "Studio Artist",
        "{report}"
    );

    // Offline, after a reload: the page, the modules and the key are still there.
    assert!(
        result["offlineSigningAs"]
            .as_str()
            .unwrap()
            .contains("Studio Artist")
    );
    let offline = result["offline"].as_array().unwrap();
    assert_eq!(offline.last().unwrap()["state"], "signed", "{offline:?}");

    // No request left the page's origin until the artist asked to publish;
    // then only to the repository they named.
    let origin = result["origin"].as_str().unwrap();
    let before = result["requestsBeforePublishing"].as_u64().unwrap() as usize;
    for (index, url) in result["requests"].as_array().unwrap().iter().enumerate() {
        let url = url.as_str().unwrap();
        let own = url.starts_with(origin) || url.starts_with("blob:") || url.starts_with("data:");
        assert!(
            own || (index >= before && url.starts_with(&repository.base)),
            "a request to another origin: {url}"
        );
    }
}
