//! The service against independent Python tools: files signed by
//! c2pa-python verify through it; its OpenAPI document is valid OpenAPI 3
//! and true to what it answers; and a property-based API fuzz (schemathesis)
//! against it finds no server error.

use std::path::PathBuf;
use std::process::Command;

use hallmark_server::Config;
use serde_json::Value;

use crate::common::*;
use hallmark_test_support::python::venv_python;

fn run_python(script: &str, args: &[&str]) -> String {
    let output = Command::new(venv_python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    text
}

#[test]
fn the_document_is_valid_openapi_and_describes_real_answers() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        repository: Some(format!(
            "sqlite:{}",
            dir.path().join("repository.db").display()
        )),
        ..config(&dir, 64 << 20)
    };
    let server = Running::start(config, None);
    let (status, document) = get_text(&server.url("/openapi.json"));
    assert_eq!(status, 200);
    let spec: Value = serde_json::from_str(&document).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/verify",
        "/v1/verify/batch",
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/matches/byBinding",
        "/v1/matches/byContent",
        "/v1/manifests",
        "/v1/manifests/{manifestId}",
        "/v1/services/supportedAlgorithms",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} is documented");
    }
    for method in ["get", "post"] {
        assert!(
            spec["paths"]["/v1/matches/byBinding"].get(method).is_some(),
            "{method} /v1/matches/byBinding is documented"
        );
    }
    let spec_file = dir.path().join("openapi.json");
    std::fs::write(&spec_file, &document).unwrap();

    // Real answers: trusted, none, with may_use, an error, a batch.
    let (_, trusted) = post(
        &server.url("/v1/verify?for=ai_training"),
        "image/jpeg",
        &signed("sample.jpg"),
    );
    let (_, none) = post(&server.url("/v1/verify"), "image/png", &media("sample.png"));
    let (_, error) = post(&server.url("/v1/verify"), "text/plain", b"hello");
    // The repository's answers: a publication, matches, the algorithms.
    let (status, published) = post(
        &server.url("/v1/manifests"),
        "image/jpeg",
        &signed("sample.jpg"),
    );
    assert_eq!(status, 201, "{published}");
    let value = published["softBindings"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, matches) = post(
        &server.url("/v1/matches/byBinding"),
        "application/json",
        serde_json::json!({"alg": "io.iscc.v0", "value": value})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(status, 200, "{matches}");
    assert_eq!(matches["matches"][0]["manifestId"], published["manifestId"]);
    assert_eq!(matches["matches"][0]["similarityScore"], 100);
    let (status, algorithms) = get_text(&server.url("/v1/services/supportedAlgorithms"));
    assert_eq!(status, 200);
    let algorithms: Value = serde_json::from_str(&algorithms).unwrap();
    let answers = serde_json::json!([
        ["VerifyAnswer", trusted],
        ["VerifyAnswer", none],
        ["ErrorBody", error],
        ["PublishAnswer", published],
        ["MatchAnswer", matches],
        ["SupportedAlgorithms", algorithms],
    ]);
    let answers_file = dir.path().join("answers.json");
    std::fs::write(&answers_file, answers.to_string()).unwrap();

    let script = r##"
import json, sys
from openapi_spec_validator import validate
from openapi_schema_validator import OAS31Validator
spec = json.load(open(sys.argv[1]))
validate(spec)
for name, answer in json.load(open(sys.argv[2])):
    OAS31Validator({"$ref": "#/components/schemas/" + name, "components": spec["components"]}).validate(answer)
    # Nothing undocumented: every field of the answer is in the schema.
    schema = spec["components"]["schemas"][name]
    props = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        ref = part.get("$ref", "").split("/")[-1]
        props |= set(spec["components"]["schemas"].get(ref, part).get("properties", {}))
    extra = set(answer) - props
    assert not extra, (name, extra)
print("ok")
"##;
    let out = run_python(
        script,
        &[spec_file.to_str().unwrap(), answers_file.to_str().unwrap()],
    );
    assert!(out.trim_end().ends_with("ok"), "{out}");
}

#[test]
fn schemathesis_finds_no_server_error() {
    let dir = tempfile::tempdir().unwrap();
    // With a repository, so that its routes are exercised too.
    let config = Config {
        repository: Some(format!(
            "sqlite:{}",
            dir.path().join("repository.db").display()
        )),
        ..config(&dir, 1 << 20)
    };
    let server = Running::start(config, None);
    let venv_bin = venv_python().parent().unwrap().to_path_buf();
    let output = Command::new(venv_bin.join("schemathesis"))
        .args(["run", &server.url("/openapi.json")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance",
        ])
        .args([
            "--max-examples",
            "60",
            "--seed",
            "20261125",
            // One worker: with two threads, CPython 3.11's `ast.parse` (which
            // hypothesis calls to describe filters) can fail with "AST
            // constructor recursion depth mismatch", an interpreter bug that
            // would read as a finding.
            "--workers",
            "1",
        ])
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .output()
        .expect("schemathesis runs (installed by tests/run.sh)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    assert!(text.contains("passed"), "{text}");
    eprintln!(
        "{}",
        text.lines()
            .filter(|l| l.contains("generated") || l.contains("Tested"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn files_signed_by_c2pa_python_verify_through_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let oracle = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/oracle/python/oracle.py");
    let oracle_json = |args: &[&std::ffi::OsStr]| -> Value {
        let output = Command::new(venv_python())
            .arg(&oracle)
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let ca = oracle_json(&["make-ca".as_ref(), dir.path().join("ca").as_os_str()]);
    let path = |key: &str| PathBuf::from(ca[key].as_str().unwrap());
    let mut config = config(&dir, 64 << 20);
    config.trust.push(path("ca"));
    let server = Running::start(config, None);
    let media_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/media");
    for (name, mime) in [
        ("sample.jpg", "image/jpeg"),
        ("sample.png", "image/png"),
        ("sample.mp4", "video/mp4"),
        ("sample.wav", "audio/wav"),
    ] {
        let output = dir.path().join(format!("python-{name}"));
        oracle_json(&[
            "sign".as_ref(),
            media_dir.join(name).as_os_str(),
            output.as_os_str(),
            "--chain".as_ref(),
            path("chain").as_os_str(),
            "--key".as_ref(),
            path("key").as_os_str(),
        ]);
        let (status, report) = post(
            &server.url("/v1/verify?for=ai_training"),
            mime,
            &std::fs::read(&output).unwrap(),
        );
        assert_eq!(status, 200, "{name}: {report}");
        assert_eq!(report["state"], "trusted", "{name}: {report}");
        assert_eq!(report["may_use"], "notAllowed", "{name}");
        assert_eq!(report["policy_label"], "cawg.training-mining", "{name}");
        assert_eq!(report["signer"]["common_name"], "Oracle Signer", "{name}");
    }
}
