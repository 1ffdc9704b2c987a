//! `hallmark derive` with a real image pipeline: renditions of a signed
//! photograph made by libvips (`vips thumbnail`, Debian's libvips-tools) and
//! by Pillow, JPEG to WebP, JPEG and PNG at several sizes, signed by a
//! platform with the original as their parent. c2pa-python reads each one
//! `Valid` with the original's manifest as its one `parentOf` ingredient,
//! validated when it was added; hallmark answers the original's policy; a
//! derive of a derive still does; and what must be refused is, with nothing
//! written.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use hallmark_test_support::python::{fingerprint_oracle, json_ok, platform_edit, python_oracle};
use serde_json::Value;

use crate::common::*;

/// Fresh credentials named `name` in `dir/folder`.
fn credentials(dir: &Path, folder: &str, name: &str) -> PathBuf {
    let out = dir.join(folder);
    hallmark()
        .args(["keygen", "--name", name, "--out"])
        .arg(&out)
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
        .success();
    out
}

/// `vips thumbnail IN OUT WIDTH`: the rendition a libvips pipeline makes.
fn vips_thumbnail(input: &Path, output: &Path, width: u32) {
    let status = Process::new("vips")
        .arg("thumbnail")
        .arg(input)
        .arg(output)
        .arg(width.to_string())
        .status()
        .unwrap_or_else(|e| {
            panic!("vips (Debian's libvips-tools) is needed: bash tests/run.sh installs it ({e})")
        });
    assert!(status.success(), "vips thumbnail {}", input.display());
}

fn report(file: &Path) -> Value {
    let output = hallmark()
        .args(["verify", "--json"])
        .arg(file)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `hallmark derive RENDITIONS --from ORIGINAL -o OUT` with the platform's credentials.
fn derive(
    platform: &Path,
    original: &Path,
    renditions: &[&Path],
    out: &Path,
) -> assert_cmd::assert::Assert {
    hallmark()
        .arg("derive")
        .args(renditions)
        .arg("--from")
        .arg(original)
        .arg("-o")
        .arg(out)
        .arg("--credentials")
        .arg(platform)
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
}

#[test]
fn renditions_of_a_signed_photograph_keep_the_creators_policy() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    fingerprint_oracle(&["photos", work.to_str().unwrap(), "1"]);
    let photo = platform_edit("png2jpeg", &work.join("astronaut.png"), work, "photo.jpg");
    let creator = credentials(work, "creator", "Ada Artist");
    let platform = credentials(work, "platform", "Example Platform");
    let original = work.join("original.jpg");
    hallmark()
        .arg("sign")
        .arg(&photo)
        .arg("-o")
        .arg(&original)
        .arg("--credentials")
        .arg(&creator)
        .args([
            "--allow",
            "data_mining",
            "--constrain",
            "ai_inference=ask first",
        ])
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
        .success();
    let original_report = report(&original);
    let original_id = original_report["active_manifest"]
        .as_str()
        .unwrap()
        .to_owned();

    // The pipeline: libvips thumbnails and Pillow re-encodings.
    let renditions = work.join("renditions");
    std::fs::create_dir_all(&renditions).unwrap();
    vips_thumbnail(&original, &renditions.join("vips-256.webp"), 256);
    vips_thumbnail(&original, &renditions.join("vips-512.jpg"), 512);
    vips_thumbnail(&original, &renditions.join("vips-128.png"), 128);
    platform_edit("resize50", &original, &renditions, "pillow-half.jpg");
    platform_edit("jpeg2webp", &original, &renditions, "pillow.webp");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&renditions)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let out = work.join("signed");
    let inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    derive(&platform, &original, &inputs, &out).success();

    for file in &files {
        let derived = out.join(file.file_name().unwrap());
        let label = derived.display().to_string();
        // c2pa-python: intact, one parentOf ingredient carrying the original's manifest, validated.
        let read = json_ok(python_oracle().arg("read").arg(&derived).arg("--detail"));
        assert_eq!(read["state"], "Valid", "{label}: {read}");
        let ingredients = read["ingredients"].as_array().unwrap();
        assert_eq!(ingredients.len(), 1, "{label}: {ingredients:?}");
        assert_eq!(ingredients[0]["relationship"], "parentOf");
        assert_eq!(
            ingredients[0]["active_manifest"],
            original_id.as_str(),
            "{label}"
        );
        let failures: Vec<&str> = ingredients[0]["recorded_failures"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .filter(|c| !c.ends_with(".untrusted"))
            .collect();
        assert!(failures.is_empty(), "{label}: {failures:?}");
        assert!(
            ingredients[0]["recorded_success"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "claimSignature.validated"),
            "{label}: {ingredients:?}"
        );
        // hallmark: the original's policy, a fresh fingerprint, the IPTC mirror, the actions.
        let ours = report(&derived);
        assert_eq!(ours["state"], "valid", "{label}");
        assert_eq!(ours["policy"], original_report["policy"], "{label}");
        assert_eq!(ours["signer"]["common_name"], "Example Platform");
        assert!(
            ours["chain"]["sources"].is_null(),
            "{label}: the copied policy is its own: {ours}"
        );
        assert_eq!(ours["soft_bindings"][0]["alg"], "io.iscc.v0", "{label}");
        assert_eq!(ours["unsigned"]["source"], "xmp", "{label}");
        let actions: Vec<&str> = ours["actions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["action"].as_str())
            .collect();
        assert_eq!(actions, ["c2pa.opened", "c2pa.transcoded"], "{label}");
        for (kind, answer) in [
            ("ai_training", 1),
            ("ai_generative_training", 1),
            ("ai_inference", 1),
            ("data_mining", 0),
        ] {
            hallmark()
                .args(["policy", "--for", kind])
                .arg(&derived)
                .assert()
                .code(answer);
        }
    }

    // A derive of a derive (three manifests) still answers the original's policy.
    let second = work.join("second");
    std::fs::create_dir_all(&second).unwrap();
    let thumb = out.join("vips-512.jpg");
    vips_thumbnail(&thumb, &second.join("tiny.jpg"), 64);
    let twice = work.join("twice.jpg");
    hallmark()
        .arg("derive")
        .arg(second.join("tiny.jpg"))
        .arg("--from")
        .arg(&thumb)
        .arg("-o")
        .arg(&twice)
        .arg("--credentials")
        .arg(&platform)
        .args(["--action", "c2pa.resized", "--restrict", "data_mining"])
        .env("HALLMARK_PASSPHRASE", PASS)
        .assert()
        .success();
    let twice_report = report(&twice);
    assert_eq!(twice_report["manifest_count"], 3, "{twice_report}");
    assert_eq!(
        twice_report["policy"]["ai_inference"],
        original_report["policy"]["ai_inference"]
    );
    assert_eq!(
        twice_report["policy"]["data_mining"]["use"], "notAllowed",
        "restricted"
    );
    assert_eq!(lower_state(&python_read(&twice)), "valid");
}

/// c2pa-python's reading of a file (no trust list).
fn python_read(file: &Path) -> Value {
    json_ok(python_oracle().arg("read").arg(file))
}

fn lower_state(read: &Value) -> String {
    read["state"].as_str().unwrap_or("none").to_lowercase()
}

#[test]
fn what_cannot_carry_a_chain_is_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let platform = credentials(work, "platform", "Example Platform");
    let creds = example_credentials(&work.join("example"));
    let unsigned = media("sample.jpg");
    let signed = work.join("signed.jpg");
    hallmark()
        .arg("sign")
        .arg(&unsigned)
        .arg("-o")
        .arg(&signed)
        .arg("--credentials")
        .arg(&creds)
        .env("HALLMARK_PASSPHRASE", EXAMPLE_PASSPHRASE)
        .assert()
        .success();
    let rendition = media("sample.png");
    let refuse = |original: &Path, rendition: &Path, words: &str| {
        let out = work.join(format!(
            "out-{}",
            rendition.file_name().unwrap().to_string_lossy()
        ));
        let assert = derive(&platform, original, &[rendition], &out).failure();
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.contains(words), "{}: {stderr}", original.display());
        assert!(!out.exists(), "{} was written", out.display());
    };
    refuse(&unsigned, &rendition, "carries no Content Credentials");
    let mut bytes = std::fs::read(&signed).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x40;
    let tampered = work.join("tampered.jpg");
    std::fs::write(&tampered, bytes).unwrap();
    refuse(&tampered, &rendition, "do not hold up");
    // A JPEG named as a PNG: the engine would write a rendition without its chain.
    let misnamed = work.join("original.png");
    std::fs::copy(&signed, &misnamed).unwrap();
    refuse(&misnamed, &rendition, "not a PNG");
    // A rendition hallmark does not sign embedded.
    refuse(&signed, &media("sample.pdf"), "PDF");
    // Nothing loosens the original's policy.
    hallmark()
        .args(["derive", "--allow", "ai_training", "--from"])
        .arg(&signed)
        .arg(&rendition)
        .arg("-o")
        .arg(work.join("x.png"))
        .assert()
        .code(64);
}
