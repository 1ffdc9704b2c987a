//! Strictness against Spawning's datadiligence, whose C2PA rule dataset
//! tools use today: on the same files, where its rule says "allowed" and
//! hallmark does not. Its rule reads only the old `c2pa.training-mining`
//! label, lets `constrained` through, ignores whether the signature holds,
//! and treats any error as "allowed". The README's table is this test's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::common::*;

/// datadiligence's `C2PAMetadataRule().is_allowed(path=…)` for each file.
fn datadiligence_allows(files: &[PathBuf]) -> Vec<bool> {
    let python = workspace().join("target/oracles/crawler/bin/python");
    assert!(
        python.exists(),
        "datadiligence is not installed at {}: run `bash tests/run.sh`",
        python.display()
    );
    let output = Command::new(python)
        .arg("-c")
        .arg(
            "import json, sys, logging\n\
             logging.disable(logging.CRITICAL)\n\
             from datadiligence.rules import C2PAMetadataRule\n\
             print(json.dumps([C2PAMetadataRule().is_allowed(path=p) for p in sys.argv[1:]]))",
        )
        .args(files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "datadiligence failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // datadiligence prints a notice about its network service's key first.
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("datadiligence printed no JSON ({e}): {stdout}"))
}

/// `hallmark scan`'s default decisions for the files, as one shard:
/// `(use, keep)` per file.
fn hallmark_decides(files: &[PathBuf], dir: &Path) -> Vec<(String, bool)> {
    let shard = dir.join("shard.tar");
    let mut builder = tar::Builder::new(std::fs::File::create(&shard).unwrap());
    for (i, file) in files.iter().enumerate() {
        let mut header = tar::Header::new_ustar();
        let data = std::fs::read(file).unwrap();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, format!("{i:03}.jpg"), data.as_slice())
            .unwrap();
    }
    builder.into_inner().unwrap().flush().unwrap();
    let output = hallmark()
        .args(["scan", "--for", "ai_training"])
        .arg(&shard)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let d: Value = serde_json::from_str(line).unwrap();
            (
                d["use"].as_str().unwrap().to_owned(),
                d["keep"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn hallmark_refuses_where_datadiligence_allows() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let credentials = example_credentials(work);
    let ca = oracle_ca(&work.join("ca"), &[]);
    let jpg = media("sample.jpg");
    let old = |name: &str, uses: Value| {
        let out = work.join(name);
        oracle_sign(
            python_oracle(),
            &jpg,
            &out,
            &ca,
            "c2pa.training-mining",
            Some(&json!({ "entries": uses })),
        );
        out
    };
    let not_allowed = json!({"c2pa.ai_training": {"use": "notAllowed"},
        "c2pa.ai_generative_training": {"use": "notAllowed"}});
    let cases: Vec<(&str, PathBuf)> = vec![
        (
            "signed by hallmark, AI training not allowed (cawg.training-mining)",
            hallmark_sign(&credentials, &jpg, work, &[]),
        ),
        (
            "c2pa.training-mining, AI training only on terms",
            old(
                "terms.jpg",
                json!({"c2pa.ai_training": {"use": "constrained", "constraint_info": "ask first"}}),
            ),
        ),
        (
            "c2pa.training-mining, AI training allowed, then one byte changed",
            {
                let signed = old(
                    "allowed.jpg",
                    json!({"c2pa.ai_training": {"use": "allowed"}}),
                );
                let mut bytes = std::fs::read(&signed).unwrap();
                let at = bytes.len() - 40;
                bytes[at] ^= 0x20;
                let tampered = work.join("tampered.jpg");
                std::fs::write(&tampered, bytes).unwrap();
                tampered
            },
        ),
        ("not an image (garbage named .jpg)", {
            let garbage = work.join("garbage.jpg");
            std::fs::write(&garbage, b"\xff\xd8\xff\xe0 truncated").unwrap();
            garbage
        }),
        (
            "c2pa.training-mining, AI training not allowed",
            old("refused.jpg", not_allowed),
        ),
        ("no credentials", jpg.clone()),
    ];
    let files: Vec<PathBuf> = cases.iter().map(|(_, f)| f.clone()).collect();
    let theirs = datadiligence_allows(&files);
    let ours = hallmark_decides(&files, work);
    let table: Vec<(&str, bool, &str, bool)> = cases
        .iter()
        .zip(theirs.iter().zip(&ours))
        .map(|((what, _), (dd, (answer, keep)))| (*what, *dd, answer.as_str(), *keep))
        .collect();
    assert_eq!(
        table,
        [
            (
                "signed by hallmark, AI training not allowed (cawg.training-mining)",
                true,
                "notAllowed",
                false
            ),
            (
                "c2pa.training-mining, AI training only on terms",
                true,
                "constrained",
                false
            ),
            (
                "c2pa.training-mining, AI training allowed, then one byte changed",
                true,
                "unknown",
                false
            ),
            ("not an image (garbage named .jpg)", true, "unknown", false),
            (
                "c2pa.training-mining, AI training not allowed",
                false,
                "notAllowed",
                false
            ),
            ("no credentials", true, "unknown", true),
        ]
    );
}
