//! A stripped image's credentials found again in the browser: a real
//! `hallmark serve --repository` holding published manifests, the extension
//! on a page with a stripped copy, an unrelated image and a signed one, the
//! package's `fingerprint()` and `recover()` against the library, and the
//! demo page's "look it up". The Chromium side is the `recovery` suite of
//! `wasm/tests/browser.mjs`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use hallmark::fingerprint::{Fingerprint, hamming};
use hallmark::soft_binding::{ISCC_ALGORITHM, SoftBinding};
use hallmark_test_support::python::venv_python;
use serde_json::{Value, json};

use super::{artifacts, browser, tsc};
use crate::interop::common::*;

/// The most bits the browser's own decoder puts between its fingerprint of
/// a JPEG and the CLI's (see wasm/README.md, "Which decoder"): JPEG
/// decoders may round differently, the normalisation after them is the
/// library's. PNG is decoded exactly alike: 0 bits.
const BROWSER_DECODER_JPEG_TOLERANCE: u32 = 8;

/// A `hallmark serve --repository` process, killed when dropped.
struct Repository {
    child: Child,
    base: String,
}

impl Repository {
    /// A repository on SQLite in `dir`, on a free loopback port, answering
    /// CORS for `origin` only.
    fn start(dir: &Path, origin: &str) -> Repository {
        let url = format!("sqlite:{}", dir.join("repository.db").display());
        let mut child = Command::new(env!("CARGO_BIN_EXE_hallmark"))
            .args(["serve", "--listen", "127.0.0.1:0", "--repository", &url])
            .args(["--cors-origin", origin])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let base = loop {
            line.clear();
            if stderr.read_line(&mut line).unwrap() == 0 {
                let _ = child.kill();
                panic!("the repository exited before listening: {line}");
            }
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        // Keep draining its log so that it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while stderr.read_line(&mut sink).unwrap_or(0) > 0 {
                sink.clear();
            }
        });
        Repository { child, base }
    }
}

impl Drop for Repository {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fingerprint oracle's commands (Pillow, in the venv).
fn oracle(args: &[&str]) {
    let output = Command::new(venv_python())
        .arg(workspace().join("tests/oracle/python/fingerprints.py"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "fingerprints.py {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `source` re-encoded by the oracle's `op` into `dir/name`, as a platform
/// would: no metadata survives.
fn edit(op: &str, source: &Path, dir: &Path, name: &str) {
    let target = dir.join(name);
    oracle(&[
        "edit",
        op,
        source.to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
}

/// A free loopback port for the page's server (the repository must know
/// the page's origin before the browser suite starts).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The CLI's `verify --json [--recover BASE]` line for a file.
fn cli_report(file: &Path, recover: Option<&str>) -> Value {
    let mut command = hallmark();
    command.args(["verify", "--json"]);
    if let Some(base) = recover {
        command.args(["--recover", base]);
    }
    let (line, _) = json_of(command.arg(file));
    line
}

/// The library's fingerprint of a file (what `hallmark sign` records and
/// `verify --recover` looks up), as the package gives one.
fn cli_fingerprint(file: &Path) -> (Fingerprint, Value) {
    let name = file.file_name().unwrap().to_string_lossy();
    let fingerprint = Fingerprint::of_bytes(&name, &std::fs::read(file).unwrap()).unwrap();
    let binding = SoftBinding::new(ISCC_ALGORITHM, &fingerprint.unit_bytes());
    (fingerprint, serde_json::to_value(binding).unwrap())
}

/// The fingerprint the package gave (`{alg, value, iscc}`), as the library's.
fn browser_fingerprint(value: &Value, what: &str) -> Fingerprint {
    let iscc = value["iscc"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: no fingerprint: {value}"));
    Fingerprint::from_iscc(iscc).unwrap()
}

/// A TypeScript file holding the package's real answers as literals of its
/// types: a `Fingerprint`, a `Recovered` and the CLI's report with it; and
/// literals that must fail (`@ts-expect-error`), which show that tsc looks.
fn recovery_as_typescript(fingerprint: &Value, recovered: &Value, report: &Value) -> String {
    let mut ts = String::from(
        "// Generated by tests/browser/recovery.rs from real answers: checked with tsc, never edited.\n\
         import type { Fingerprint, Recovered, Report } from \"../../wasm/pkg/hallmark_wasm.js\";\n\n",
    );
    ts.push_str(&format!(
        "export const fingerprint: Fingerprint = {fingerprint};\n"
    ));
    ts.push_str(&format!(
        "export const recovered: Recovered = {recovered};\n"
    ));
    ts.push_str(&format!("export const report: Report = {report};\n"));
    let mut wrong_alg = fingerprint.clone();
    wrong_alg["alg"] = json!("io.example.v1");
    let mut missing = recovered.clone();
    missing.as_object_mut().unwrap().remove("similarity");
    let mut extra = recovered.clone();
    extra["unexpected_field"] = json!(1);
    ts.push_str(&format!(
        "// @ts-expect-error: not the ISCC algorithm\nexport const wrongAlg: Fingerprint = {wrong_alg};\n\
         // @ts-expect-error: a field Recovered requires is missing\nexport const missing: Recovered = {missing};\n\
         // @ts-expect-error: a field Recovered does not have\nexport const extra: Recovered = {extra};\n"
    ));
    ts
}

/// The requests the repository answered on `route` at a checkpoint of the suite.
fn requests(counts: &Value, checkpoint: &str, route: &str) -> u64 {
    counts[checkpoint][route].as_u64().unwrap_or(0)
}

/// One image of a checkpoint of the suite, by id.
fn image(outcome: &Value, checkpoint: &str, id: &str) -> Value {
    outcome[checkpoint]
        .as_array()
        .unwrap_or_else(|| panic!("no {checkpoint} in {outcome}"))
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no image {id} in {checkpoint}"))
}

#[test]
fn the_extension_recovers_a_stripped_images_credentials_from_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let repository = Repository::start(root, &origin);
    let base = repository.base.as_str();

    // Photographs; two of them signed by the example creator ("do not
    // train", the default) and published as they are signed.
    let photos = root.join("photos");
    oracle(&["photos", photos.to_str().unwrap(), "3"]);
    let credentials = example_credentials(&root.join("creds"));
    let signed_astronaut = hallmark_sign(
        &credentials,
        &photos.join("astronaut.png"),
        root,
        &["--publish", base],
    );
    let signed_camera = hallmark_sign(
        &credentials,
        &photos.join("camera.png"),
        root,
        &["--publish", base],
    );
    // A platform strips the first by re-encoding it; the brick photograph
    // was never signed.
    edit("jpeg75", &signed_astronaut, root, "stripped.jpg");
    edit("jpeg75", &photos.join("brick.png"), root, "unrelated.jpg");
    std::fs::copy(&signed_camera, root.join("signed.png")).unwrap();
    // More JPEGs of other encodings, to compare the browser's decoder with the library's.
    edit("jpeg50", &signed_camera, root, "camera-q50.jpg");
    edit("resize50", &signed_astronaut, root, "astronaut-half.jpg");
    std::fs::copy(photos.join("astronaut.png"), root.join("original.png")).unwrap();
    // Larger JPEGs, only to time the fingerprint (1 and 12 megapixels).
    let script = "import sys\nfrom PIL import Image\nim = Image.open(sys.argv[1]).convert('RGB')\n\
                  im.resize((1000, 1000)).save(sys.argv[2], quality=90)\n\
                  im.resize((4000, 3000)).save(sys.argv[3], quality=90)\n";
    let status = Command::new(venv_python())
        .args(["-c", script])
        .arg(photos.join("camera.png"))
        .arg(root.join("1mp.jpg"))
        .arg(root.join("12mp.jpg"))
        .status()
        .unwrap();
    assert!(status.success(), "the timing images could not be made");

    let stripped_cli = cli_report(&root.join("stripped.jpg"), Some(base));
    assert_eq!(
        stripped_cli["state"], "none",
        "the copy lost its credentials"
    );
    assert!(
        stripped_cli["recovered"].is_object(),
        "the CLI finds it again: {stripped_cli}"
    );
    let signed_id = cli_report(&signed_astronaut, None)["active_manifest"].clone();

    let fingerprint_files = [
        ("stripped.jpg", "image/jpeg"),
        ("unrelated.jpg", "image/jpeg"),
        ("signed.png", "image/png"),
        ("original.png", "image/png"),
        ("camera-q50.jpg", "image/jpeg"),
        ("astronaut-half.jpg", "image/jpeg"),
    ];
    let setup = json!({
        "repository": base,
        "pagePort": port,
        "images": {"stripped": "stripped.jpg", "unrelated": "unrelated.jpg", "signed": "signed.png"},
        "files": fingerprint_files.iter().map(|(file, mime)| json!({"file": file, "mime": mime})).collect::<Vec<_>>(),
        "timed": [
            {"file": "1mp.jpg", "mime": "image/jpeg", "pixels": "1000 x 1000"},
            {"file": "12mp.jpg", "mime": "image/jpeg", "pixels": "4000 x 3000"},
        ],
        "demoFiles": ["stripped.jpg", "unrelated.jpg", "signed.png"],
    });
    std::fs::write(
        root.join("recovery.json"),
        serde_json::to_string(&setup).unwrap(),
    )
    .unwrap();

    let outcome = browser("recovery", root);
    std::fs::write(
        artifacts().join("recovery.json"),
        serde_json::to_string_pretty(&outcome).unwrap(),
    )
    .unwrap();
    assert_eq!(outcome["errors"], json!([]), "page errors");
    assert_eq!(outcome["origin"], origin.as_str());
    let counts = &outcome["counts"];
    let by_binding = "/v1/matches/byBinding";
    let manifests = "/v1/manifests/{manifest_id}";

    // Without a repository (the default) nothing is looked up: the stripped
    // copy is just an image without credentials.
    let stripped = image(&outcome, "withoutRepository", "stripped");
    assert_eq!(stripped["state"], "none", "{stripped}");
    assert!(stripped["badge"].is_null(), "{stripped}");
    for route in [by_binding, manifests] {
        assert_eq!(
            requests(counts, "withoutRepository", route),
            requests(counts, "start", route),
            "no lookup without a repository: {counts}"
        );
    }

    // The options page saves the repository with its origin's permission.
    let saved = &outcome["saved"];
    assert_eq!(saved["kind"], "ok", "{saved}");
    assert_eq!(saved["text"], "Saved 1 repository.");
    assert_eq!(saved["stored"], json!([base]));
    assert_eq!(saved["permitted"], true, "{saved}");

    // With it: the stripped copy is badged "recovered", in a look of its
    // own; the unrelated image stays unbadged; the signed one shows its own.
    let stripped = image(&outcome, "withRepository", "stripped");
    assert_eq!(stripped["state"], "recovered", "{stripped}");
    assert_eq!(stripped["aiTraining"], "notAllowed", "{stripped}");
    let badge = &stripped["badge"];
    assert_eq!(badge["state"], "recovered", "{stripped}");
    assert_eq!(badge["label"], "recovered: not for AI training");
    let title = badge["title"].as_str().unwrap();
    assert!(title.contains(base), "{title}");
    assert!(title.contains("Example Creator"), "{title}");
    assert!(
        title.contains("can only restrict") || title.contains("recovered for this copy"),
        "{title}"
    );
    let unrelated = image(&outcome, "withRepository", "unrelated");
    assert_eq!(unrelated["state"], "none", "{unrelated}");
    assert!(unrelated["badge"].is_null(), "{unrelated}");
    let signed = image(&outcome, "withRepository", "signed");
    assert_eq!(signed["state"], "valid", "{signed}");
    assert_eq!(signed["aiTraining"], "notAllowed");
    assert_eq!(signed["badge"]["state"], "valid");
    assert_eq!(signed["badge"]["label"], "CR ✓ · no AI training");
    // One lookup for each image without credentials, none for the signed one.
    assert_eq!(
        requests(counts, "withRepository", by_binding)
            - requests(counts, "withoutRepository", by_binding),
        2,
        "{counts}"
    );
    assert!(requests(counts, "withRepository", manifests) > requests(counts, "start", manifests));

    // The context menu's report shows the match.
    let report = &outcome["report"];
    assert_eq!(report["state"], "recovered", "{report}");
    let facts = &report["recovered"];
    let recovered = &stripped_cli["recovered"];
    assert_eq!(facts["Repository"], base, "{report}");
    assert_eq!(
        facts["Similarity"],
        format!(
            "{} % ({} of 256 bits differ)",
            recovered["similarity"], recovered["distance"]
        ),
        "{report}"
    );
    assert!(
        facts["Signed by"]
            .as_str()
            .unwrap()
            .starts_with("Example Creator"),
        "{report}"
    );
    assert_eq!(facts["Manifest"], signed_id, "{report}");
    let uses = report["uses"].as_array().unwrap();
    let training = uses.iter().find(|u| u["kind"] == "ai_training").unwrap();
    assert_eq!(training["answer"], "notAllowed", "{report}");
    assert_eq!(training["basis"], "recovered", "{report}");
    // The report came from the cache: the image was not looked up again.
    assert_eq!(
        requests(counts, "afterReport", by_binding),
        requests(counts, "withRepository", by_binding),
        "{counts}"
    );

    // The repository removed: no lookup at all, not even for a new image.
    let removed = &outcome["removed"];
    assert_eq!(removed["kind"], "ok", "{removed}");
    assert_eq!(removed["text"], "No repository: nothing is looked up.");
    assert_eq!(removed["stored"], json!([]));
    let stripped = image(&outcome, "afterRemoval", "stripped");
    assert_eq!(stripped["state"], "none", "{stripped}");
    assert!(stripped["badge"].is_null());
    assert_eq!(image(&outcome, "later", "later")["state"], "none");
    assert_eq!(image(&outcome, "afterRemoval", "signed")["state"], "valid");
    for route in [by_binding, manifests] {
        assert_eq!(
            requests(counts, "afterRemoval", route),
            requests(counts, "afterReport", route),
            "no lookup once the repository is removed: {counts}"
        );
    }

    // The package: fingerprint() with its own decoders is the CLI's, bit for
    // bit; the browser's decoder is 0 bits off for PNG and within the
    // documented tolerance for JPEG. recover() is the CLI's `recovered`.
    let calls = &outcome["calls"];
    for (result, (file, mime)) in calls["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(fingerprint_files)
    {
        assert_eq!(result["file"], file);
        let (cli, cli_value) = cli_fingerprint(&root.join(file));
        assert_eq!(result["wasm"]["value"], cli_value, "{file}: {result}");
        let browser = browser_fingerprint(&result["browser"]["value"], file);
        let bits = hamming(&cli, &browser);
        eprintln!("{file}: the browser's decoder is {bits} bits from the CLI's fingerprint");
        if mime == "image/png" {
            assert_eq!(bits, 0, "{file}: {result}");
        } else {
            assert!(
                bits <= BROWSER_DECODER_JPEG_TOLERANCE,
                "{file}: {bits} bits"
            );
        }
    }
    let results = calls["results"].as_array().unwrap();
    assert_eq!(
        results[0]["recovered"]["value"], stripped_cli["recovered"],
        "recover() in the browser is the CLI's recovered object"
    );
    assert_eq!(results[0]["recovered"]["value"]["manifest_id"], signed_id);
    assert!(
        results[1]["recovered"]["value"].is_null(),
        "an unrelated image matches nothing: {}",
        results[1]
    );
    let edges = &calls["edges"];
    assert_eq!(
        edges["byFingerprint"]["value"], stripped_cli["recovered"],
        "{edges}"
    );
    for (case, kind, words) in [
        (
            "noRepository",
            "bad_request",
            "options.repository is required",
        ),
        ("badRepository", "bad_request", "ftp://repository.example"),
        ("unknownOption", "bad_request", "unknown option \"decode\""),
        ("badDecoder", "bad_request", "options.decoder must be"),
        ("notAFingerprint", "bad_request", "not a fingerprint"),
    ] {
        let edge = &edges[case];
        assert_eq!(edge["kind"], kind, "{case}: {edge}");
        assert!(
            edge["error"].as_str().unwrap_or_default().contains(words),
            "{case}: {edge}"
        );
    }
    // The package's types describe these real answers.
    let generated = artifacts().join("recovery.ts");
    std::fs::write(
        &generated,
        recovery_as_typescript(
            &results[0]["wasm"]["value"],
            &results[0]["recovered"]["value"],
            &stripped_cli,
        ),
    )
    .unwrap();
    let output = tsc(&[&workspace().join("wasm/tests/types-check.ts"), &generated]);
    assert!(
        output.status.success(),
        "the package's types do not describe fingerprint() and recover() (see {}):\n{}{}",
        generated.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    for timing in calls["timings"].as_array().unwrap() {
        let (cli, _) = cli_fingerprint(&root.join(timing["file"].as_str().unwrap()));
        let bits = hamming(
            &cli,
            &browser_fingerprint(&timing["browserFingerprint"], "timed"),
        );
        assert!(
            bits <= BROWSER_DECODER_JPEG_TOLERANCE,
            "{timing}: {bits} bits"
        );
        assert_eq!(
            browser_fingerprint(&timing["wasmFingerprint"], "timed"),
            cli,
            "{timing}"
        );
        eprintln!(
            "{}: the browser's decoder is {bits} bits from the CLI's fingerprint",
            timing["file"]
        );
        eprintln!(
            "fingerprint of a {} JPEG in Chromium: {} ms (wasm decoder), {} ms (browser decoder); \
             lookup round trip to the local repository: {} ms",
            timing["pixels"], timing["wasm"], timing["browser"], timing["lookup"]
        );
    }

    // The demo page's "look it up": the stripped copy is recovered, the
    // unrelated image matches nothing, the signed one is not looked up.
    let demo = outcome["demo"].as_array().unwrap();
    let card = |file: &str| {
        demo.iter()
            .find(|c| c["file"] == file)
            .unwrap_or_else(|| panic!("no card for {file}: {demo:?}"))
    };
    let stripped = card("stripped.jpg");
    assert_eq!(stripped["state"], "none", "{stripped}");
    assert_eq!(stripped["lookup"], "found", "{stripped}");
    assert_eq!(stripped["answer"], "notAllowed", "{stripped}");
    assert!(
        stripped["match"].as_str().unwrap().starts_with(base),
        "{stripped}"
    );
    assert!(
        stripped["reply"]
            .as_str()
            .unwrap()
            .contains("recovered for this copy"),
        "{stripped}"
    );
    assert_eq!(card("unrelated.jpg")["lookup"], "none");
    assert_eq!(card("unrelated.jpg")["answer"], "unknown");
    let signed = card("signed.png");
    assert_eq!(signed["state"], "valid", "{signed}");
    assert!(signed["lookup"].is_null(), "{signed}");
    drop(repository);
}
