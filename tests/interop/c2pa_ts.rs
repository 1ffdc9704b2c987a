//! Interop with c2pa-ts (a pure TypeScript C2PA implementation that shares
//! no code with the reference SDK): it reads what hallmark signs, and
//! hallmark reads what it signs, with the same verdict and policy.

use super::common::*;
use serde_json::json;

/// Formats c2pa-ts 0.9.4 reads among the samples. It reads MP3 too, but only
/// with the GEOB media type the C2PA specification has deprecated; see
/// `c2pa_ts_misses_mp3_manifests_written_to_the_current_specification`.
const TS_READS: &[&str] = &["sample.jpg", "sample.png", "sample.heic", "sample.avif"];

#[test]
fn c2pa_ts_reads_what_hallmark_signs() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = example_credentials(dir.path());
    for name in TS_READS {
        let signed = hallmark_sign(
            &credentials,
            &media(name),
            dir.path(),
            &["--constrain", "ai_inference=ask first"],
        );
        let read = json_ok(ts_oracle().arg("read").arg(&signed));
        assert_eq!(read["valid"], true, "{name}: {read}");
        assert_eq!(oracle_failures(&read), Vec::<String>::new(), "{name}");
        assert_eq!(
            read["training_mining"]["label"], "cawg.training-mining",
            "{name}"
        );
        let uses = oracle_uses(&read);
        assert_eq!(uses[0].1, json!({"use": "notAllowed"}), "{name}");
        assert_eq!(
            uses[2].1,
            json!({"use": "constrained", "constraint_info": "ask first"}),
            "{name}"
        );

        let (ours, _) = hallmark_verify(&signed, None);
        assert_eq!(
            hallmark_uses(&ours),
            uses,
            "{name}: both read the same policy"
        );
    }
}

/// Sign a sample with c2pa-ts under `label` with `policy` (or none).
fn ts_signed(
    name: &str,
    label: &str,
    policy: Option<serde_json::Value>,
) -> (serde_json::Value, serde_json::Value, i32) {
    let dir = tempfile::tempdir().unwrap();
    let ca = oracle_ca(&dir.path().join("ca"), &[]);
    let signed = dir.path().join(format!("ts-{name}"));
    oracle_sign(
        ts_oracle(),
        &media(name),
        &signed,
        &ca,
        label,
        policy.as_ref(),
    );
    let theirs = json_ok(ts_oracle().arg("read").arg(&signed));
    assert_eq!(theirs["valid"], true, "{name}: {theirs}");
    let (untrusted, _) = hallmark_verify(&signed, None);
    assert_eq!(untrusted["state"], "valid", "{name}: {untrusted}");
    assert_eq!(
        hallmark_failures(&untrusted),
        ["signingCredential.untrusted"],
        "{name}"
    );
    let (ours, code) = hallmark_verify(&signed, Some(&ca.ca));
    (ours, theirs, code)
}

#[test]
fn hallmark_reads_what_c2pa_ts_signs() {
    for name in ["sample.jpg", "sample.png"] {
        let (ours, theirs, code) = ts_signed(
            name,
            "cawg.training-mining",
            Some(json!({"entries": {
                "cawg.ai_training": {"use": "notAllowed"},
                "cawg.ai_generative_training": {"use": "notAllowed"},
                "cawg.ai_inference": {"use": "notAllowed"},
                "cawg.data_mining": {"use": "notAllowed"},
            }})),
        );
        assert_eq!(ours["state"], "trusted", "{name}: {ours}");
        assert_eq!(code, 0);
        assert_eq!(hallmark_failures(&ours), Vec::<String>::new(), "{name}");
        assert_eq!(hallmark_uses(&ours), oracle_uses(&theirs), "{name}");
        assert_eq!(ours["policy"]["ai_training"], json!({"use": "notAllowed"}));
        assert_eq!(ours["claim_generator"], "c2pa-ts-oracle");
    }
}

#[test]
fn c2pa_ts_legacy_label_mixed_policy_and_no_policy() {
    let legacy = json!({"entries": {
        "c2pa.ai_training": {"use": "notAllowed"},
        "c2pa.data_mining": {"use": "constrained", "constraint_info": "non-commercial research"},
    }});
    let (ours, theirs, _) = ts_signed("sample.jpg", "c2pa.training-mining", Some(legacy));
    assert_eq!(ours["state"], "trusted");
    assert_eq!(ours["policy_label"], "c2pa.training-mining");
    assert_eq!(
        ours["policy"]["data_mining"],
        json!({"use": "constrained", "constraint_info": "non-commercial research"})
    );
    assert!(ours["policy"]["ai_inference"].is_null());
    assert_eq!(hallmark_uses(&ours), oracle_uses(&theirs));

    let (ours, theirs, _) = ts_signed("sample.png", "cawg.training-mining", None);
    assert!(theirs["training_mining"].is_null());
    assert!(ours["policy_label"].is_null());
    assert_eq!(ours["state"], "trusted");
}

#[test]
fn c2pa_ts_misses_mp3_manifests_written_to_the_current_specification() {
    // The C2PA reference SDK (and so hallmark and c2pa-python) writes the
    // MP3 manifest's GEOB frame with media type application/c2pa, as the
    // specification now requires; c2pa-ts 0.9.4 only looks for the deprecated
    // application/x-c2pa-manifest-store. When c2pa-ts catches up this test
    // fails, and MP3 joins TS_READS.
    let dir = tempfile::tempdir().unwrap();
    let credentials = example_credentials(dir.path());
    let signed = hallmark_sign(&credentials, &media("sample.mp3"), dir.path(), &[]);
    let bytes = std::fs::read(&signed).unwrap();
    assert!(find(&bytes[..64], b"application/c2pa\0").is_some());
    let read = json_ok(ts_oracle().arg("read").arg(&signed));
    assert_eq!(read["has_manifest"], false, "{read}");
}
