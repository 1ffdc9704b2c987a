//! Helpers the interoperability and browser suites share: the built
//! `hallmark` binary, the oracles' command lines, and status codes compared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub use hallmark_test_support::example::{EXAMPLE_PASSPHRASE, example_credentials};
pub use hallmark_test_support::find;
pub use hallmark_test_support::paths::{media, workspace};
pub use hallmark_test_support::python::{json_of, json_ok, python_oracle};

/// The `hallmark` binary cargo built for this test run.
pub fn hallmark() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hallmark"));
    command
        .env_remove("HALLMARK_PASSPHRASE")
        .env("NO_COLOR", "1");
    command
}

/// c2pa-python's reading of `file` with `read --detail` (claim version,
/// signing time and every ingredient's validation results), trusting `trust`.
pub fn python_read(file: &Path, trust: Option<&Path>) -> Value {
    let mut command = python_oracle();
    command.arg("read").arg(file).arg("--detail");
    if let Some(ca) = trust {
        command.arg("--trust").arg(ca);
    }
    json_ok(&mut command)
}

/// The c2pa-ts oracle (Node). Installed by `tests/run.sh`.
pub fn ts_oracle() -> Command {
    let dir = workspace().join("tests/oracle/ts");
    assert!(
        dir.join("node_modules/@trustnxt/c2pa-ts").exists(),
        "the c2pa-ts oracle is not installed in {}: run `bash tests/run.sh`, which installs it",
        dir.display()
    );
    let mut command = Command::new("node");
    command.arg(dir.join("oracle.mjs"));
    command
}

/// A CA and signer made by the Python oracle with `cryptography`.
pub struct OracleCa {
    pub ca: PathBuf,
    pub chain: PathBuf,
    pub key: PathBuf,
}

/// c2pa-python signs `input` into `output` under `ca`'s signer (`extra`: more oracle flags).
pub fn python_sign(input: &Path, output: &Path, ca: &OracleCa, extra: &[&str]) {
    json_ok(sign_command(python_oracle(), input, output, ca).args(extra));
}

/// An oracle's `sign` command line, up to the signer's chain and key.
fn sign_command(mut oracle: Command, input: &Path, output: &Path, ca: &OracleCa) -> Command {
    oracle
        .arg("sign")
        .arg(input)
        .arg(output)
        .arg("--chain")
        .arg(&ca.chain)
        .arg("--key")
        .arg(&ca.key);
    oracle
}

pub fn oracle_ca(dir: &Path, extra: &[&str]) -> OracleCa {
    let v = json_ok(python_oracle().arg("make-ca").arg(dir).args(extra));
    let path = |k: &str| PathBuf::from(v[k].as_str().unwrap());
    OracleCa {
        ca: path("ca"),
        chain: path("chain"),
        key: path("key"),
    }
}

/// `hallmark verify --json` of one file, with optional trust anchors.
pub fn hallmark_verify(file: &Path, trust: Option<&Path>) -> (Value, i32) {
    let mut command = hallmark();
    command.arg("verify").arg("--json").arg(file);
    if let Some(ca) = trust {
        command.arg("--trust").arg(ca);
    }
    json_of(&mut command)
}

/// A policy's four uses as `(kind, use)` pairs from a hallmark report.
pub fn hallmark_uses(report: &Value) -> Vec<(String, Value)> {
    [
        "ai_training",
        "ai_generative_training",
        "ai_inference",
        "data_mining",
    ]
    .iter()
    .map(|k| (k.to_string(), report["policy"][k].clone()))
    .collect()
}

/// The same pairs from an oracle's `training_mining` entries (either prefix).
pub fn oracle_uses(oracle: &Value) -> Vec<(String, Value)> {
    let entries = &oracle["training_mining"]["entries"];
    [
        "ai_training",
        "ai_generative_training",
        "ai_inference",
        "data_mining",
    ]
    .iter()
    .map(|k| {
        let entry = entries
            .get(format!("cawg.{k}"))
            .or_else(|| entries.get(format!("c2pa.{k}")))
            .cloned()
            .unwrap_or(Value::Null);
        (k.to_string(), entry)
    })
    .collect()
}

/// Every signable sample: (file name, extension).
pub const SIGNABLE: &[&str] = &[
    "sample.jpg",
    "sample.png",
    "sample.webp",
    "sample.tif",
    "sample.dng",
    "sample.gif",
    "sample.svg",
    "sample.heic",
    "sample.avif",
    "sample.jxl",
    "sample.mp4",
    "sample.mov",
    "sample.avi",
    "sample.m4a",
    "sample.wav",
    "sample.mp3",
    "sample.flac",
];

/// Sign `input` with hallmark's CLI and the example credentials into `dir`.
pub fn hallmark_sign(credentials: &Path, input: &Path, dir: &Path, extra: &[&str]) -> PathBuf {
    let output = dir.join(format!(
        "hallmark-{}",
        input.file_name().unwrap().to_string_lossy()
    ));
    let result = hallmark()
        .arg("sign")
        .arg(input)
        .arg("-o")
        .arg(&output)
        .arg("--credentials")
        .arg(credentials)
        .args(extra)
        .env("HALLMARK_PASSPHRASE", EXAMPLE_PASSPHRASE)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "hallmark sign {} failed: {}",
        input.display(),
        String::from_utf8_lossy(&result.stderr)
    );
    output
}

/// hallmark's failure codes from a JSON report, sorted.
pub fn hallmark_failures(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> = report["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "failure")
        .map(|s| s["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// An oracle's failure codes, sorted.
pub fn oracle_failures(read: &Value) -> Vec<String> {
    let mut codes: Vec<String> = read["failure_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// hallmark's state for c2pa-python's (`Trusted` → `trusted`, …; no manifest → `none`).
pub fn lower_state(python_read: &Value) -> String {
    match python_read["state"].as_str() {
        Some(state) => state.to_lowercase(),
        None => "none".into(),
    }
}

/// Sign `input` into `output` with an oracle (both share one `sign` contract):
/// the training-mining assertion under `label` holds `policy`, or is left
/// out when `policy` is `None`.
pub fn oracle_sign(
    oracle: Command,
    input: &Path,
    output: &Path,
    ca: &OracleCa,
    label: &str,
    policy: Option<&Value>,
) {
    let mut oracle = sign_command(oracle, input, output, ca);
    oracle.arg("--label").arg(label);
    match policy {
        Some(data) => {
            let file = output.with_extension("policy.json");
            std::fs::write(&file, data.to_string()).unwrap();
            oracle.arg("--policy").arg(file)
        }
        None => oracle.arg("--no-policy"),
    };
    json_ok(&mut oracle);
}

/// Status codes that only c2pa-python's engine (c2pa-rs 0.91) reports, and
/// that hallmark's (c2pa-rs 0.90) never does. They say nothing about whether
/// the credentials hold, and are left out on both sides before comparing.
pub const NEWER_ENGINE_ONLY: &[&str] = &[
    // 0.91 notes that it did not check revocation when OCSP fetching is off
    // (both implementations verify offline); 0.90 says nothing.
    "signingCredential.ocsp.skipped",
    // 0.91 notes a BMFF hash with exclusions beyond the required ones; 0.90 does not.
    "assertion.bmffHash.additionalExclusionsPresent",
    // 0.91 reports a verified CAWG X.509 identity signature; 0.90 reports only its failures.
    "cawg.x509.signature.validated",
];

/// Codes c2pa-rs 0.91 renamed, as (0.91's name, 0.90's name): 0.90 reports
/// an untrusted CAWG X.509 identity credential under the claim signer's code.
pub const NEWER_ENGINE_RENAMED: &[(&str, &str)] = &[(
    "cawg.x509.credential.untrusted",
    "signingCredential.untrusted",
)];

/// One manifest's validation status codes by kind, as sets (an engine may
/// report a code once per assertion or once per check), in the names of
/// hallmark's engine, without [`NEWER_ENGINE_ONLY`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Codes {
    pub success: BTreeSet<String>,
    pub informational: BTreeSet<String>,
    pub failure: BTreeSet<String>,
}

impl Codes {
    fn insert(&mut self, kind: &str, code: &str) {
        if NEWER_ENGINE_ONLY.contains(&code) {
            return;
        }
        let code = NEWER_ENGINE_RENAMED
            .iter()
            .find(|(newer, _)| *newer == code)
            .map_or(code, |(_, older)| older);
        let set = match kind {
            "success" => &mut self.success,
            "informational" => &mut self.informational,
            "failure" => &mut self.failure,
            other => panic!("unknown status kind {other}"),
        };
        set.insert(code.to_owned());
    }

    fn from_oracle(read: &Value) -> Codes {
        let mut codes = Codes::default();
        for kind in ["success", "informational", "failure"] {
            for code in read[format!("{kind}_codes")].as_array().unwrap() {
                codes.insert(kind, code.as_str().unwrap());
            }
        }
        codes
    }

    fn is_empty(&self) -> bool {
        self.success.is_empty() && self.informational.is_empty() && self.failure.is_empty()
    }
}

/// A set of status codes, to compare with a field of [`Codes`].
pub fn codes(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|code| code.to_string()).collect()
}

/// The codes hallmark reports for the active manifest.
pub fn hallmark_codes(report: &Value) -> Codes {
    hallmark_codes_by_manifest(report)
        .remove(&None)
        .unwrap_or_default()
}

/// The codes c2pa-python reports for the active manifest.
pub fn oracle_codes(read: &Value) -> Codes {
    Codes::from_oracle(read)
}

/// hallmark's codes for each ingredient's manifest, by ingredient assertion URI.
pub fn hallmark_ingredient_codes(report: &Value) -> BTreeMap<String, Codes> {
    hallmark_codes_by_manifest(report)
        .into_iter()
        .filter_map(|(ingredient, codes)| Some((ingredient?, codes)))
        .filter(|(_, codes)| !codes.is_empty())
        .collect()
}

/// c2pa-python's codes for each ingredient's manifest (`read --detail`).
pub fn oracle_ingredient_codes(read: &Value) -> BTreeMap<String, Codes> {
    read["ingredient_deltas"]
        .as_array()
        .unwrap_or_else(|| panic!("no ingredient_deltas (read without --detail?): {read}"))
        .iter()
        .map(|delta| {
            let uri = delta["ingredient"].as_str().unwrap().to_owned();
            (uri, Codes::from_oracle(delta))
        })
        .filter(|(_, codes)| !codes.is_empty())
        .collect()
}

fn hallmark_codes_by_manifest(report: &Value) -> BTreeMap<Option<String>, Codes> {
    let mut by_manifest: BTreeMap<Option<String>, Codes> = BTreeMap::new();
    for status in report["statuses"].as_array().unwrap() {
        let ingredient = status["ingredient"].as_str().map(str::to_owned);
        by_manifest.entry(ingredient).or_default().insert(
            status["kind"].as_str().unwrap(),
            status["code"].as_str().unwrap(),
        );
    }
    // The active manifest's identities carry their codes themselves; the
    // reference logs them with the manifest's.
    for identity in report["identities"].as_array().into_iter().flatten() {
        for code in identity["codes"].as_array().into_iter().flatten() {
            by_manifest.entry(None).or_default().insert(
                code["kind"].as_str().unwrap(),
                code["code"].as_str().unwrap(),
            );
        }
    }
    by_manifest
}

/// hallmark's report and c2pa-python's `read --detail` of the same file
/// agree: the same state, and the same success, informational and failure
/// codes for the active manifest and for each ingredient's manifest (up to
/// the engine differences named in [`NEWER_ENGINE_ONLY`] and [`NEWER_ENGINE_RENAMED`]).
pub fn assert_agree(what: &str, ours: &Value, theirs: &Value) {
    assert_agree_but(what, ours, theirs, &[]);
}

/// As [`assert_agree`], except for `differing`: codes of the active manifest
/// in which the two engines differ for this particular file, left out on
/// both sides (the caller pins what each reports).
pub fn assert_agree_but(what: &str, ours: &Value, theirs: &Value, differing: &[&str]) {
    assert_eq!(
        ours["state"].as_str().unwrap(),
        lower_state(theirs),
        "{what}: state\nhallmark: {ours}\nc2pa-python: {theirs}"
    );
    assert_same_codes_but(what, ours, theirs, differing);
}

/// The status codes of [`assert_agree_but`] alone, whatever the states.
pub fn assert_same_codes_but(what: &str, ours: &Value, theirs: &Value, differing: &[&str]) {
    let without_differing = |mut codes: Codes| {
        for set in [
            &mut codes.success,
            &mut codes.informational,
            &mut codes.failure,
        ] {
            set.retain(|code| !differing.contains(&code.as_str()));
        }
        codes
    };
    assert_eq!(
        without_differing(hallmark_codes(ours)),
        without_differing(oracle_codes(theirs)),
        "{what}: codes of the active manifest\nhallmark: {ours}\nc2pa-python: {theirs}"
    );
    assert_eq!(
        hallmark_ingredient_codes(ours),
        oracle_ingredient_codes(theirs),
        "{what}: codes of the ingredients' manifests\nhallmark: {ours}\nc2pa-python: {theirs}"
    );
}
