//! `hallmark scan`: a shard of mixed samples gets exactly the documented
//! decisions, the filtered shard holds the kept members byte for byte and
//! the `webdataset` Python package reads it back, `.tar.gz` works the same,
//! and a truncated shard is an error naming it with the decisions before the
//! damage kept.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command as Process;

use serde_json::{Value, json};
use sha2::Digest;

use crate::common::*;

/// `input` signed into `dir/name` with the example credentials.
fn signed(credentials: &Path, input: &Path, dir: &Path, name: &str, options: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    hallmark()
        .arg("sign")
        .arg(input)
        .arg("-o")
        .arg(&out)
        .arg("--credentials")
        .arg(credentials)
        .args(options)
        .env("HALLMARK_PASSPHRASE", EXAMPLE_PASSPHRASE)
        .assert()
        .success();
    std::fs::read(out).unwrap()
}

/// The members of the mixed shard, in order.
fn mixed_members(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let credentials = example_credentials(dir);
    let jpg = media("sample.jpg");
    let png = media("sample.png");
    let allowed = signed(&credentials, &jpg, dir, "allowed.jpg", &["--allow", "all"]);
    let refused = signed(&credentials, &jpg, dir, "refused.jpg", &[]);
    let terms = signed(
        &credentials,
        &jpg,
        dir,
        "terms.jpg",
        &[
            "--allow",
            "ai_inference",
            "--allow",
            "data_mining",
            "--constrain",
            "ai_training=ask first",
            "--constrain",
            "ai_generative_training=ask first",
        ],
    );
    let refused_png = signed(&credentials, &png, dir, "refused.png", &[]);
    let mut tampered = allowed.clone();
    let at = tampered.len() - 40;
    tampered[at] ^= 0x20;
    let unsigned = std::fs::read(&jpg).unwrap();
    // An unsigned copy whose IPTC says no (what an allowed file's mirror
    // would never say): it can only restrict.
    let iptc_no = hallmark::xmp::embed_bytes(
        "iptc-no.jpg",
        &unsigned,
        &hallmark::xmp::Statement::from_policy(&hallmark::TrainingPolicy::deny_all()).unwrap(),
    )
    .unwrap();
    let label = |i: u32| format!("{{\"caption\": \"sample {i}\"}}").into_bytes();
    vec![
        ("s000.jpg".into(), allowed.clone()),
        ("s000.json".into(), label(0)),
        ("s001.jpg".into(), refused.clone()),
        ("s001.json".into(), label(1)),
        ("s002.jpg".into(), terms),
        ("s002.cls".into(), b"3".to_vec()),
        ("s003.jpg".into(), unsigned.clone()),
        ("s003.json".into(), label(3)),
        ("s004.jpg".into(), tampered),
        ("s004.json".into(), label(4)),
        ("s005.jpg".into(), b"GIF89a, not a JPEG at all".to_vec()),
        ("s005.json".into(), label(5)),
        // Two images: the refused one drops the sample.
        ("s006.jpg".into(), allowed.clone()),
        ("s006.left.png".into(), refused_png),
        // No extension: recognised by its content.
        ("s007".into(), refused),
        ("s008.jpg".into(), iptc_no),
        ("s008.json".into(), label(8)),
        ("nested/s009.jpg".into(), allowed),
        ("nested/s009.txt".into(), b"a caption".to_vec()),
        // No media at all.
        ("s010.json".into(), label(10)),
    ]
}

/// A tar of `members`, in order.
fn tar_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        builder
            .append_data(&mut header, name, data.as_slice())
            .unwrap();
    }
    builder.into_inner().unwrap()
}

/// The members of a tar, in order.
fn members_of(tar_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(tar_bytes);
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().display().to_string();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (name, data)
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The decisions as `key → (keep, state, use, basis)`.
fn summary(decisions: &[Value]) -> BTreeMap<String, (bool, String, String, Value)> {
    decisions
        .iter()
        .map(|d| {
            (
                d["key"].as_str().unwrap().to_owned(),
                (
                    d["keep"].as_bool().unwrap(),
                    d["state"].as_str().unwrap().to_owned(),
                    d["use"].as_str().unwrap().to_owned(),
                    d["basis"].clone(),
                ),
            )
        })
        .collect()
}

fn expected() -> BTreeMap<String, (bool, String, String, Value)> {
    let row = |keep: bool, state: &str, answer: &str, basis: Value| {
        (keep, state.to_owned(), answer.to_owned(), basis)
    };
    [
        ("s000", row(true, "valid", "allowed", json!("credentials"))),
        (
            "s001",
            row(false, "valid", "notAllowed", json!("credentials")),
        ),
        (
            "s002",
            row(false, "valid", "constrained", json!("credentials")),
        ),
        ("s003", row(true, "none", "unknown", json!("nothing"))),
        ("s004", row(false, "invalid", "unknown", json!("nothing"))),
        ("s005", row(false, "error", "unknown", Value::Null)),
        (
            "s006",
            row(false, "valid", "notAllowed", json!("credentials")),
        ),
        (
            "s007",
            row(false, "valid", "notAllowed", json!("credentials")),
        ),
        ("s008", row(false, "none", "notAllowed", json!("unsigned"))),
        (
            "nested/s009",
            row(true, "valid", "allowed", json!("credentials")),
        ),
        ("s010", row(true, "none", "unknown", json!("nothing"))),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Kept keys of `expected()`.
const KEPT: &[&str] = &["s000", "s003", "nested/s009", "s010"];

fn scan(args: &[&str], dir: &Path) -> (Vec<Value>, std::process::Output) {
    let decisions = dir.join("decisions.jsonl");
    let _ = std::fs::remove_file(&decisions);
    let output = hallmark()
        .arg("scan")
        .args(args)
        .arg("--decisions")
        .arg(&decisions)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&decisions).unwrap_or_default();
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, output)
}

#[test]
fn a_mixed_shard_gets_the_documented_decisions_and_a_byte_identical_filtered_copy() {
    let dir = tempfile::tempdir().unwrap();
    let members = mixed_members(dir.path());
    let shard = dir.path().join("shard-000000.tar");
    std::fs::write(&shard, tar_of(&members)).unwrap();
    let filtered = dir.path().join("filtered-000000.tar");
    let (decisions, output) = scan(
        &[
            shard.to_str().unwrap(),
            "--for",
            "ai_training",
            "-o",
            filtered.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(summary(&decisions), expected(), "{decisions:#?}");
    // Shard order, and every line names its shard and members.
    let keys: Vec<&str> = decisions
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "s000",
            "s001",
            "s002",
            "s003",
            "s004",
            "s005",
            "s006",
            "s007",
            "s008",
            "nested/s009",
            "s010"
        ]
    );
    assert!(
        decisions
            .iter()
            .all(|d| d["shard"] == shard.display().to_string())
    );
    let two = decisions.iter().find(|d| d["key"] == "s006").unwrap();
    assert_eq!(two["members"], json!(["s006.jpg", "s006.left.png"]));
    assert_eq!(two["media"].as_array().unwrap().len(), 2, "{two}");
    assert!(
        two["reason"]
            .as_str()
            .unwrap()
            .starts_with("s006.left.png: "),
        "{two}"
    );
    let broken = decisions.iter().find(|d| d["key"] == "s004").unwrap();
    assert!(
        broken["reason"]
            .as_str()
            .unwrap()
            .contains("assertion.dataHash.mismatch"),
        "{broken}"
    );
    let garbage = decisions.iter().find(|d| d["key"] == "s005").unwrap();
    assert!(
        garbage["reason"]
            .as_str()
            .unwrap()
            .starts_with("unreadable: "),
        "{garbage}"
    );
    // The stderr summary counts the pre-checked (unsigned) members.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("kept 4 of 11 samples"), "{stderr}");

    // The kept samples' members, byte for byte, in order.
    let kept: Vec<(String, Vec<u8>)> = members
        .iter()
        .filter(|(name, _)| {
            let key = name.split_once('.').map_or(name.as_str(), |(k, _)| k);
            KEPT.contains(&key)
        })
        .cloned()
        .collect();
    let written = members_of(&std::fs::read(&filtered).unwrap());
    assert!(
        written == kept,
        "the filtered shard's members differ from the input's"
    );

    // The webdataset package reads the filtered shard back: the kept
    // samples, their images intact.
    let python = root().join("target/oracles/crawler/bin/python");
    assert!(
        python.exists(),
        "webdataset is not installed: run `bash tests/run.sh`"
    );
    let read = Process::new(python)
        .arg("-c")
        .arg(
            "import hashlib, json, sys, webdataset as wds\n\
             print(json.dumps([[s['__key__'], sorted(k for k in s if not k.startswith('__')),\n\
             hashlib.sha256(s.get('jpg', b'')).hexdigest()] for s in wds.WebDataset(sys.argv[1], shardshuffle=False)]))",
        )
        .arg(&filtered)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let samples: Value = serde_json::from_slice(&read.stdout).unwrap();
    let keys: Vec<&str> = samples
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[0].as_str().unwrap())
        .collect();
    assert_eq!(keys, KEPT);
    assert_eq!(samples[0][1], json!(["jpg", "json"]));
    let first_image = &members.iter().find(|(n, _)| n == "s000.jpg").unwrap().1;
    let digest: String = sha2::Sha256::digest(first_image)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(samples[0][2], digest);
}

#[test]
fn the_rules_change_what_is_kept_and_a_gzip_shard_is_read_and_written_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let members = mixed_members(dir.path());
    let shard = dir.path().join("shard.tar.gz");
    std::fs::write(&shard, gzip(&tar_of(&members))).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let (decisions, output) = scan(
        &[
            shard.to_str().unwrap(),
            "--for",
            "ai_training",
            "-o",
            out.to_str().unwrap(),
            "--constrained",
            "keep",
            "--unsigned",
            "drop",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    let mut wanted = expected();
    wanted.get_mut("s002").unwrap().0 = true;
    for key in ["s003", "s010"] {
        wanted.get_mut(key).unwrap().0 = false;
    }
    assert_eq!(summary(&decisions), wanted);
    // The filtered shard has the input's name, and is gzip as it is.
    let written = gunzip(&std::fs::read(out.join("shard.tar.gz")).unwrap());
    let keys: Vec<String> = members_of(&written).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        keys,
        [
            "s000.jpg",
            "s000.json",
            "s002.jpg",
            "s002.cls",
            "nested/s009.jpg",
            "nested/s009.txt"
        ]
    );
    // An existing filtered shard is not replaced without --force.
    let (_, again) = scan(
        &[
            shard.to_str().unwrap(),
            "--for",
            "ai_training",
            "-o",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(again.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists; use --force"));
}

#[test]
fn a_truncated_shard_is_an_error_naming_it_with_the_decisions_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let members = mixed_members(dir.path());
    let whole = tar_of(&members);
    // Cut inside s004.jpg's content.
    let s004 = whole.windows(8).position(|w| w == b"s004.jpg").unwrap();
    let shard = dir.path().join("cut.tar");
    std::fs::write(&shard, &whole[..s004 + 512 + 100]).unwrap();
    let second = dir.path().join("whole.tar");
    std::fs::write(&second, &whole).unwrap();
    let out = dir.path().join("filtered");
    let (decisions, output) = scan(
        &[
            shard.to_str().unwrap(),
            second.to_str().unwrap(),
            "--for",
            "ai_training",
            "-o",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "hallmark: {}: not a readable tar shard",
            shard.display()
        )),
        "{stderr}"
    );
    // The complete samples before the damage are decided; the cut one is not.
    let cut: Vec<&str> = decisions
        .iter()
        .filter(|d| d["shard"] == shard.display().to_string())
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(cut, ["s000", "s001", "s002", "s003"]);
    // No half-written filtered shard; the next shard is still scanned.
    assert!(!out.join("cut.tar").exists());
    assert!(!out.join("cut.tar.partial").exists());
    assert!(out.join("whole.tar").exists());
    assert_eq!(decisions.len(), 4 + 11);
}

#[test]
fn a_shard_that_is_not_a_tar_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("garbage.tar");
    std::fs::write(&shard, vec![0x42; 3000]).unwrap();
    let (decisions, output) = scan(
        &[shard.to_str().unwrap(), "--for", "ai_training"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(decisions.is_empty());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("garbage.tar: not a readable tar shard"),
        "{output:?}"
    );
}

#[test]
fn a_pipe_or_a_device_as_output_is_written_into_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let members = mixed_members(dir.path());
    let shard = dir.path().join("shard-000000.tar");
    std::fs::write(&shard, tar_of(&members)).unwrap();
    let file = dir.path().join("filtered.tar");
    let (_, output) = scan(
        &[
            shard.to_str().unwrap(),
            "--for",
            "ai_training",
            "-o",
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");

    // A named pipe, read by another thread: it receives the same filtered shard, stays a
    // pipe, and no `.partial` file is left beside it. Exists, yet needs no --force.
    let fifo = dir.path().join("filtered.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let (_, output) = scan(
        &[
            shard.to_str().unwrap(),
            "--for",
            "ai_training",
            "-o",
            fifo.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(reader.join().unwrap(), std::fs::read(&file).unwrap());
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(!dir.path().join("filtered.fifo.partial").exists());

    // /dev/null stays the device it is.
    let (_, output) = scan(
        &[
            shard.to_str().unwrap(),
            "--for",
            "ai_training",
            "-o",
            "/dev/null",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}
