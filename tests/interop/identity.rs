//! Credentials made elsewhere with CAWG identity assertions: every identity
//! fixture of the c2pa crate (`tests/fixtures/identity/`) gets the state the
//! reference SDK gives it through c2pa-python — except that an identity whose
//! issuer could not be checked offline never makes a file invalid — and each
//! identity its own verdict. Adobe's connected identities are `verified` with
//! their issuer's DID document pinned, `unverified` without it, and a
//! document for another DID verifies nothing. Nothing is fetched: the CLI's
//! and the service's runs are watched for network connections.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::common::*;
use serde_json::Value;

const STAGE_ISSUER: &str = "did:web:connected-identities.identity-stage.adobe.com";

fn fixture(name: &str) -> PathBuf {
    workspace().join("tests/fixtures/identity").join(name)
}

fn stage_did_document() -> PathBuf {
    fixture("claim_aggregation/connected_identities_did.json")
}

/// Every identity fixture, by its path under `tests/fixtures/identity`.
fn all_fixtures() -> Vec<String> {
    let mut names = Vec::new();
    for dir in [
        "validation_method",
        "claim_aggregation",
        "claim_aggregation/ica_validation",
    ] {
        for entry in std::fs::read_dir(fixture(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "jpg") {
                names.push(format!(
                    "{dir}/{}",
                    path.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    names.sort();
    names
}

/// What each fixture's one identity must be: its type and its verdict
/// (offline, nothing pinned, no trust anchors).
fn expected_identity(name: &str) -> (&'static str, &'static str) {
    let file = name.rsplit('/').next().unwrap();
    if name.starts_with("validation_method/") {
        return match file {
            // A CBOR that is not an identity assertion, and a signature type
            // nobody can check.
            "malformed_cbor.jpg" => ("unknown", "invalid"),
            "invalid_sig_type.jpg" => ("unknown", "invalid"),
            // Sound, but its certificate is not under a trust anchor given.
            "extra_field.jpg" => ("x509", "unverified"),
            _ => ("x509", "invalid"),
        };
    }
    match file {
        // Issued by a did:web hallmark does not fetch: not checked.
        "adobe_connected_identities.jpg"
        | "ims_multiple_manifests.jpg"
        | "unresolvable_did.jpg"
        | "did_doc_without_assertion_method.jpg" => ("identity_claims_aggregation", "unverified"),
        // Sound, issued by a did:jwk, which vouches for itself.
        "success.jpg" | "valid_time_stamp.jpg" | "valid_until_in_future.jpg" => {
            ("identity_claims_aggregation", "unverified")
        }
        _ => ("identity_claims_aggregation", "invalid"),
    }
}

fn verify_json(file: &Path, extra: &[&str]) -> Value {
    let (line, _) = json_of(hallmark().args(["verify", "--json"]).args(extra).arg(file));
    line
}

#[test]
fn every_identity_fixture_reads_as_the_reference_does_but_an_unchecked_issuer() {
    let mut table = vec![
        "| fixture | c2pa-python | hallmark | identity |".to_owned(),
        "| --- | --- | --- | --- |".to_owned(),
    ];
    let mut mismatches = Vec::new();
    for name in all_fixtures() {
        let file = fixture(&name);
        let theirs = python_read(&file, None);
        let ours = verify_json(&file, &[]);
        let their_state = lower_state(&theirs);
        let failures = oracle_failures(&theirs);
        // The one exception: an issuer that could not be checked offline is the
        // identity's business, not the file's.
        let unchecked_issuer_only = failures.iter().any(|c| c == "cawg.ica.did_unavailable")
            && failures
                .iter()
                .all(|c| c == "cawg.ica.did_unavailable" || c == "signingCredential.untrusted");
        let expected_state = if unchecked_issuer_only {
            "valid".to_owned()
        } else {
            their_state.clone()
        };
        let identities = ours["identities"].as_array().unwrap();
        let identity = identities
            .first()
            .unwrap_or_else(|| panic!("{name}: no identity in {ours}"));
        table.push(format!(
            "| {name} | {their_state} | {} | {} {} |",
            ours["state"].as_str().unwrap(),
            identity["type"].as_str().unwrap(),
            identity["state"].as_str().unwrap()
        ));
        if ours["state"] != expected_state.as_str() {
            mismatches.push(format!(
                "{name}: hallmark {} where {expected_state} is expected (c2pa-python {their_state}, {failures:?})",
                ours["state"]
            ));
        }
        let (kind, state) = expected_identity(&name);
        if identities.len() != 1 || identity["type"] != kind || identity["state"] != state {
            mismatches.push(format!(
                "{name}: identity {} {} where {kind} {state} is expected: {identity}",
                identity["type"], identity["state"]
            ));
        }
        // A failure of the file is always explained by a status.
        if ours["state"] == "invalid" {
            assert!(
                ours["statuses"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["kind"] == "failure" && s["code"] != "signingCredential.untrusted"),
                "{name}: {ours}"
            );
        }
    }
    println!("{}", table.join("\n"));
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn adobes_connected_identity_is_verified_only_with_its_issuer_pinned() {
    let file = fixture("claim_aggregation/adobe_connected_identities.jpg");

    // Unpinned: the identity is shown, not checked; the file is valid.
    let unpinned = verify_json(&file, &[]);
    assert_eq!(unpinned["state"], "valid", "{unpinned}");
    let identity = &unpinned["identities"][0];
    assert_eq!(identity["type"], "identity_claims_aggregation");
    assert_eq!(identity["state"], "unverified");
    assert_eq!(identity["issuer"], STAGE_ISSUER);
    assert_eq!(identity["named_actor"], "testuser23");
    let verified = &identity["verified_identities"][0];
    assert_eq!(verified["type"], "cawg.social_media");
    assert_eq!(verified["username"], "testuser23");
    assert_eq!(verified["uri"], "https://net.s2stagehance.com/testuser23");
    assert_eq!(verified["provider"]["id"], "https://behance.net");
    assert_eq!(verified["provider"]["name"], "behance");
    assert_eq!(verified["verified_at"], "2025-04-09T22:45:26Z");
    assert_eq!(identity["referenced_assertions"][0], "c2pa.hash.data");
    assert!(
        identity["codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "cawg.ica.did_unavailable" && c["kind"] == "failure"),
        "{identity}"
    );
    // The issuer that could not be checked is no failure of the file.
    assert!(
        unpinned["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !s["code"].as_str().unwrap().starts_with("cawg.")),
        "{unpinned}"
    );

    // Pinned: checked against the issuer's DID document, offline.
    let document = stage_did_document();
    let pinned = verify_json(&file, &["--identity-issuer", document.to_str().unwrap()]);
    assert_eq!(pinned["state"], "valid", "{pinned}");
    assert_eq!(pinned["identities"][0]["state"], "verified", "{pinned}");
    assert!(
        pinned["identities"][0]["codes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] != "failure"),
        "{pinned}"
    );
    let two = verify_json(
        &fixture("claim_aggregation/ims_multiple_manifests.jpg"),
        &["--identity-issuer", document.to_str().unwrap()],
    );
    assert_eq!(two["identities"][0]["state"], "verified", "{two}");
    assert_eq!(two["manifest_count"], 2);

    // A document for another DID (the same key) verifies nothing.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        std::fs::read_to_string(&document).unwrap().replace(
            "connected-identities.identity-stage.adobe.com",
            "issuer.example",
        ),
    )
    .unwrap();
    let elsewhere = verify_json(&file, &["--identity-issuer", other.to_str().unwrap()]);
    assert_eq!(
        elsewhere["identities"][0]["state"], "unverified",
        "{elsewhere}"
    );
    assert_eq!(elsewhere["state"], "valid");

    // The policy answer does not depend on the identity.
    for extra in [
        &[][..],
        &["--identity-issuer", document.to_str().unwrap()][..],
    ] {
        let output = hallmark()
            .args(["policy", "--for", "ai_training"])
            .args(extra)
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "nothing said: {output:?}");
    }
}

#[test]
fn people_read_who_an_identity_names_and_whether_it_holds_up() {
    let adobe = fixture("claim_aggregation/adobe_connected_identities.jpg");
    let text = |extra: &[&str], file: &Path| {
        let output = hallmark()
            .arg("verify")
            .args(extra)
            .arg(file)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let unpinned = text(&[], &adobe);
    assert!(
        unpinned.contains(&format!(
            "  Identity: testuser23 on Behance (claimed via {STAGE_ISSUER}; not checked: issuer not pinned)\n"
        )),
        "{unpinned}"
    );
    assert!(unpinned.contains("valid: intact"), "{unpinned}");
    let document = stage_did_document();
    let pinned = text(&["--identity-issuer", document.to_str().unwrap()], &adobe);
    assert!(
        pinned.contains(&format!(
            "  Identity: testuser23 on Behance (verified by the pinned issuer {STAGE_ISSUER})\n"
        )),
        "{pinned}"
    );
    let broken = text(
        &[],
        &fixture("claim_aggregation/ica_validation/signature_mismatch.jpg"),
    );
    assert!(
        broken.contains("does not hold up: cawg.ica.signature_mismatch"),
        "{broken}"
    );
    assert!(broken.contains("INVALID"), "{broken}");
    let x509 = text(&[], &fixture("validation_method/pad1_invalid.jpg"));
    assert!(
        x509.contains("(X.509 certificate from ")
            && x509.contains("does not hold up: cawg.identity.pad.invalid"),
        "{x509}"
    );

    // inspect shows the same identities, as JSON and in the outline.
    let (inspected, _) = json_of(hallmark().args(["inspect", "--json"]).arg(&adobe));
    let verified = verify_json(&adobe, &[]);
    assert_eq!(inspected["identities"], verified["identities"]);
    let outline = hallmark().arg("inspect").arg(&adobe).output().unwrap();
    let outline = String::from_utf8(outline.stdout).unwrap();
    assert!(
        outline.contains("    identity: testuser23 on Behance (claimed via")
            && outline.contains("[unverified]"),
        "{outline}"
    );
}

#[test]
fn an_x509_identity_is_verified_under_the_trust_anchors_given() {
    let roots = workspace().join("tests/fixtures/other-producers/test_cert_root_bundle.pem");
    let file = fixture("validation_method/extra_field.jpg");
    let untrusted = verify_json(&file, &[]);
    assert_eq!(
        untrusted["identities"][0]["state"], "unverified",
        "{untrusted}"
    );
    let trusted = verify_json(&file, &["--trust", roots.to_str().unwrap()]);
    let identity = &trusted["identities"][0];
    assert_eq!(identity["state"], "verified", "{trusted}");
    assert!(
        identity["certificate"]["common_name"].is_string(),
        "{identity}"
    );
    assert!(
        !identity["chain"].as_array().unwrap().is_empty(),
        "{identity}"
    );
    assert_eq!(trusted["state"], "trusted", "{trusted}");
    // The reference (engine 0.91), given the same anchors for identities, applies CAWG 1.3's
    // X.509 trust rules, which this test certificate does not meet: its only failure is the
    // identity's, and the file is valid rather than trusted. Engine 0.90, in hallmark, trusts
    // the certificate under the anchors given.
    let theirs = python_read(&file, Some(&roots));
    assert_eq!(theirs["state"], "Valid", "{theirs}");
    assert_eq!(oracle_failures(&theirs), ["cawg.x509.credential.untrusted"]);
    // A broken X.509 identity under the same anchors is invalid, the file still not.
    let broken = verify_json(
        &fixture("validation_method/pad1_invalid.jpg"),
        &["--trust", roots.to_str().unwrap()],
    );
    assert_eq!(broken["identities"][0]["state"], "invalid", "{broken}");
    assert_ne!(broken["state"], "invalid", "{broken}");
}

#[test]
fn a_pinned_document_that_cannot_verify_anything_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ec-key.json");
    std::fs::write(
        &bad,
        r#"{"id": "did:web:issuer.example", "assertionMethod": [{"publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": "a", "y": "b"}}]}"#,
    )
    .unwrap();
    let file = fixture("claim_aggregation/adobe_connected_identities.jpg");
    let output = hallmark()
        .args(["verify", "--identity-issuer"])
        .arg(&bad)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(64), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "ec-key.json: did:web:issuer.example: its first assertionMethod is not an Ed25519 key"
        ),
        "{stderr}"
    );
}

/// The `connect`/`socket` calls for Internet addresses a traced command made.
fn network_calls(trace: &Path) -> Vec<String> {
    std::fs::read_to_string(trace)
        .unwrap()
        .lines()
        .filter(|line| {
            (line.contains("connect(") || line.contains("sendto("))
                && (line.contains("AF_INET") || line.contains("AF_INET6"))
        })
        .map(str::to_owned)
        .collect()
}

fn strace() -> Command {
    let probe = Command::new("strace").arg("-V").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "strace is needed to watch for network connections: tests/run.sh installs it"
    );
    Command::new("strace")
}

#[test]
fn verifying_opens_no_network_connection_pinned_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let document = stage_did_document();
    for (n, extra) in [
        vec![],
        vec!["--identity-issuer", document.to_str().unwrap()],
    ]
    .into_iter()
    .enumerate()
    {
        let trace = dir.path().join(format!("trace-{n}"));
        let output = strace()
            .args(["-f", "-qq", "-e", "trace=connect,sendto,openat", "-o"])
            .arg(&trace)
            .arg(env!("CARGO_BIN_EXE_hallmark"))
            .args(["verify", "--json"])
            .args(&extra)
            .arg(fixture("claim_aggregation/adobe_connected_identities.jpg"))
            .arg(fixture(
                "claim_aggregation/ica_validation/unresolvable_did.jpg",
            ))
            .arg(fixture(
                "claim_aggregation/ica_validation/did_doc_without_assertion_method.jpg",
            ))
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        // The trace saw the run: the files verified were opened under it.
        let traced = std::fs::read_to_string(&trace).unwrap();
        assert!(
            traced.contains("adobe_connected_identities.jpg"),
            "{traced}"
        );
        let calls = network_calls(&trace);
        assert!(calls.is_empty(), "network calls while verifying: {calls:?}");
    }
}

#[test]
fn the_service_verifies_identities_without_opening_a_connection() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    let document = stage_did_document();
    // strace and the service in a process group of their own, stopped together.
    let mut service = strace()
        .args(["-f", "-qq", "-e", "trace=connect,sendto,openat", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_hallmark"))
        .args(["serve", "--listen", "127.0.0.1:0", "--identity-issuer"])
        .arg(&document)
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let group = service.id();
    let stop = |signal: &str| {
        let _ = Command::new("kill")
            .args([signal, "--", &format!("-{group}")])
            .status();
    };
    let mut stderr = BufReader::new(service.stderr.take().unwrap());
    let mut line = String::new();
    let address = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the service stopped"
        );
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let file = fixture("claim_aggregation/adobe_connected_identities.jpg");
    let body = std::fs::read(&file).unwrap();
    let answer: Value = curl_post(&format!("http://{address}/v1/verify"), &body);
    // SIGTERM: the service finishes and exits, and strace with it; KILL if not within 30 s.
    stop("-TERM");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while service.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            stop("-KILL");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let cli = verify_json(&file, &["--identity-issuer", document.to_str().unwrap()]);
    assert_eq!(answer["identities"], cli["identities"], "{answer}");
    assert_eq!(answer["identities"][0]["state"], "verified");
    let traced = std::fs::read_to_string(&trace).unwrap();
    assert!(traced.contains("connected_identities_did.json"), "{traced}");
    let calls = network_calls(&trace);
    assert!(
        calls.is_empty(),
        "the service opened connections: {calls:?}"
    );
}

/// POST a JPEG body and read the JSON answer (with curl: this binary has no HTTP client).
fn curl_post(url: &str, body: &[u8]) -> Value {
    use std::io::Write;
    let mut curl = Command::new("curl")
        .args([
            "-sS",
            "--fail",
            "-H",
            "Content-Type: image/jpeg",
            "--data-binary",
            "@-",
            url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl");
    curl.stdin.take().unwrap().write_all(body).unwrap();
    let output = curl.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}
