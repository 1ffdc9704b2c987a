//! Interop with c2pa-python (Python over a newer release of the C2PA
//! reference SDK): each reads what the other signs, with the same verdict
//! and the same training policy.

use super::common::*;
use serde_json::json;

#[test]
fn c2pa_python_reads_every_format_hallmark_signs() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = example_credentials(dir.path());
    let ca = credentials.join("ca.pem");
    for name in SIGNABLE {
        let signed = hallmark_sign(&credentials, &media(name), dir.path(), &[]);
        let read = json_ok(python_oracle().arg("read").arg(&signed));
        assert_eq!(read["state"], "Valid", "{name}: {read}");
        assert_eq!(
            oracle_failures(&read),
            ["signingCredential.untrusted"],
            "{name}"
        );
        assert_eq!(
            read["training_mining"]["label"], "cawg.training-mining",
            "{name}"
        );
        for (kind, entry) in oracle_uses(&read) {
            assert_eq!(entry, json!({"use": "notAllowed"}), "{name}: {kind}");
        }
        assert_eq!(read["signer"]["common_name"], "Example Creator", "{name}");
        // hallmark's own reading of the file has the same verdict and codes.
        let (ours, _) = hallmark_verify(&signed, None);
        // Images carry their fingerprint; c2pa-python reads the same soft
        // binding, its value a byte string (base64 in its JSON).
        let theirs: Vec<(String, String)> = read["soft_bindings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["alg"].as_str().unwrap().to_owned(),
                    b["value"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let mine: Vec<(String, String)> = ours["soft_bindings"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|b| {
                        (
                            b["alg"].as_str().unwrap().to_owned(),
                            b["value"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(theirs, mine, "{name}: the soft bindings");
        let fingerprinted = matches!(
            name.rsplit('.').next(),
            Some("jpg" | "png" | "webp" | "tif" | "gif")
        );
        assert_eq!(mine.len(), usize::from(fingerprinted), "{name}: {ours}");
        assert_agree(name, &ours, &python_read(&signed, None));

        let trusted = python_read(&signed, Some(&ca));
        assert_eq!(trusted["state"], "Trusted", "{name}: {trusted}");
        assert_eq!(oracle_failures(&trusted), Vec::<String>::new(), "{name}");
        let (ours, _) = hallmark_verify(&signed, Some(&ca));
        assert_agree(name, &ours, &trusted);
    }
}

#[test]
fn c2pa_python_reads_hallmarks_allowed_and_constrained_uses() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = example_credentials(dir.path());
    let signed = hallmark_sign(
        &credentials,
        &media("sample.png"),
        dir.path(),
        &[
            "--allow",
            "ai_inference",
            "--constrain",
            "data_mining=research only, ask first",
        ],
    );
    let read = json_ok(python_oracle().arg("read").arg(&signed));
    assert_eq!(read["state"], "Valid");
    assert_eq!(
        read["training_mining"]["entries"],
        json!({
            "cawg.ai_training": {"use": "notAllowed"},
            "cawg.ai_generative_training": {"use": "notAllowed"},
            "cawg.ai_inference": {"use": "allowed"},
            "cawg.data_mining": {"use": "constrained", "constraint_info": "research only, ask first"},
        })
    );
}

/// Formats c2pa-python signs among the samples (all that hallmark signs, plus PDF).
fn python_signable() -> Vec<&'static str> {
    let mut names = SIGNABLE.to_vec();
    names.push("sample.pdf");
    names
}

#[test]
fn hallmark_agrees_with_c2pa_python_on_what_it_signs() {
    let dir = tempfile::tempdir().unwrap();
    let ca = oracle_ca(&dir.path().join("ca"), &[]);
    for name in python_signable() {
        let signed = dir.path().join(format!("python-{name}"));
        python_sign(&media(name), &signed, &ca, &[]);
        let theirs = python_read(&signed, None);
        let (ours, code) = hallmark_verify(&signed, None);
        assert_agree(name, &ours, &theirs);
        assert_eq!(ours["state"], "valid", "{name}");
        assert_eq!(code, 0, "{name}");
        assert_eq!(hallmark_failures(&ours), ["signingCredential.untrusted"]);
        assert_eq!(hallmark_uses(&ours), oracle_uses(&theirs), "{name}");
        assert_eq!(ours["policy_label"], "cawg.training-mining", "{name}");
        assert_eq!(ours["signer"]["common_name"], "Oracle Signer", "{name}");

        let theirs = python_read(&signed, Some(&ca.ca));
        let (ours, _) = hallmark_verify(&signed, Some(&ca.ca));
        assert_eq!(ours["state"], "trusted", "{name}: {ours}");
        assert_agree(name, &ours, &theirs);
    }
}

/// c2pa-python signs with ECDSA P-256 (ES256) and RSASSA-PSS (PS256) under
/// chains the test makes with `cryptography` (the CA's key of the same
/// kind): hallmark verifies both, as `trusted` under that CA, with the
/// signature algorithm named and the policy read, for a data hash (JPEG)
/// and a BMFF hash (MP4).
#[test]
fn hallmark_verifies_c2pa_python_es256_and_ps256_signatures() {
    let dir = tempfile::tempdir().unwrap();
    for alg in ["es256", "ps256"] {
        let ca = oracle_ca(&dir.path().join(alg), &["--alg", alg]);
        for name in ["sample.jpg", "sample.mp4"] {
            let what = format!("{alg} {name}");
            let signed = dir.path().join(format!("{alg}-{name}"));
            python_sign(&media(name), &signed, &ca, &["--alg", alg]);
            let theirs = python_read(&signed, None);
            let (ours, code) = hallmark_verify(&signed, None);
            assert_eq!(ours["state"], "valid", "{what}: {ours}");
            assert_eq!(code, 0, "{what}");
            assert_agree(&what, &ours, &theirs);
            assert_eq!(ours["signer"]["alg"], alg, "{what}");
            assert_eq!(
                theirs["signer"]["alg"].as_str().unwrap().to_lowercase(),
                alg,
                "{what}"
            );
            assert_eq!(ours["signer"]["common_name"], "Oracle Signer", "{what}");
            assert_eq!(ours["signer"]["issuer"], "Oracle Test CA", "{what}");
            assert_eq!(hallmark_failures(&ours), ["signingCredential.untrusted"]);
            for (kind, entry) in hallmark_uses(&ours) {
                assert_eq!(entry, json!({"use": "notAllowed"}), "{what}: {kind}");
            }
            assert_eq!(hallmark_uses(&ours), oracle_uses(&theirs), "{what}");

            let theirs = python_read(&signed, Some(&ca.ca));
            let (ours, code) = hallmark_verify(&signed, Some(&ca.ca));
            assert_eq!(ours["state"], "trusted", "{what}: {ours}");
            assert_eq!(code, 0, "{what}");
            assert_agree(&what, &ours, &theirs);
            assert!(
                hallmark_codes(&ours)
                    .success
                    .contains("signingCredential.trusted"),
                "{what}: {ours}"
            );
        }
    }
}

/// Sign a PNG with c2pa-python under `label` with `policy` (or none) and
/// return hallmark's and c2pa-python's reading of it.
fn python_signed_png(
    label: &str,
    policy: Option<serde_json::Value>,
) -> (serde_json::Value, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let ca = oracle_ca(&dir.path().join("ca"), &[]);
    let signed = dir.path().join("signed.png");
    oracle_sign(
        python_oracle(),
        &media("sample.png"),
        &signed,
        &ca,
        label,
        policy.as_ref(),
    );
    let (ours, _) = hallmark_verify(&signed, Some(&ca.ca));
    let theirs = json_ok(
        python_oracle()
            .arg("read")
            .arg(&signed)
            .arg("--trust")
            .arg(&ca.ca),
    );
    (ours, theirs)
}

#[test]
fn the_older_c2pa_training_mining_label_is_read() {
    let policy = json!({"entries": {
        "c2pa.ai_training": {"use": "notAllowed"},
        "c2pa.ai_generative_training": {"use": "notAllowed"},
        "c2pa.ai_inference": {"use": "allowed"},
        "c2pa.data_mining": {"use": "notAllowed"},
    }});
    let (ours, theirs) = python_signed_png("c2pa.training-mining", Some(policy));
    assert_eq!(ours["state"], "trusted");
    assert_eq!(ours["policy_label"], "c2pa.training-mining");
    assert_eq!(ours["policy"]["ai_inference"], json!({"use": "allowed"}));
    assert_eq!(hallmark_uses(&ours), oracle_uses(&theirs));
}

#[test]
fn a_mixed_policy_with_a_constraint_is_read_exactly() {
    let policy = json!({"entries": {
        "cawg.ai_training": {"use": "notAllowed"},
        "cawg.ai_inference": {"use": "allowed"},
        "cawg.data_mining": {"use": "constrained", "constraint_info": "licence at example.org/tdm"},
    }});
    let (ours, theirs) = python_signed_png("cawg.training-mining", Some(policy));
    assert_eq!(ours["state"], "trusted");
    assert_eq!(
        ours["policy"],
        json!({
            "ai_training": {"use": "notAllowed"},
            "ai_generative_training": null,
            "ai_inference": {"use": "allowed"},
            "data_mining": {"use": "constrained", "constraint_info": "licence at example.org/tdm"},
        })
    );
    assert_eq!(hallmark_uses(&ours), oracle_uses(&theirs));
}

#[test]
fn a_manifest_without_a_policy_says_nothing() {
    let (ours, theirs) = python_signed_png("cawg.training-mining", None);
    assert_eq!(ours["state"], "trusted");
    assert!(theirs["training_mining"].is_null());
    assert!(ours["policy_label"].is_null());
    for (_, entry) in hallmark_uses(&ours) {
        assert!(entry.is_null());
    }
}
