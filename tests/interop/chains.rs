//! Ingredient chains made by another C2PA tool: c2pa-python signs renditions
//! with a signed original as their `parentOf` ingredient, saying nothing,
//! saying more, or saying less than the original; hallmark's answer must
//! follow the rule of `hallmark::chain` — restrictions anywhere in the chain
//! count, an allowance only where the chain holds, and no child widens its
//! parent. Prints the cases as a table: case, c2pa-python's state, hallmark's
//! answer and basis.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::interop::common::*;

/// A c2pa-python policy object saying `use` for every kind.
fn everything(use_: &str) -> Value {
    let entries: serde_json::Map<String, Value> = [
        "ai_training",
        "ai_generative_training",
        "ai_inference",
        "data_mining",
    ]
    .iter()
    .map(|k| (format!("cawg.{k}"), json!({"use": use_})))
    .collect();
    json!({"entries": entries})
}

/// c2pa-python signs `input` into `output` with `input` as its parent
/// ingredient, stating `policy` (or nothing).
fn child(ca: &OracleCa, input: &Path, output: &Path, policy: Option<&Value>) {
    let mut command = python_oracle();
    command
        .arg("sign")
        .arg(input)
        .arg(output)
        .arg("--chain")
        .arg(&ca.chain)
        .arg("--key")
        .arg(&ca.key)
        .arg("--parent");
    match policy {
        Some(data) => {
            let file = output.with_extension("policy.json");
            std::fs::write(&file, data.to_string()).unwrap();
            command.arg("--policy").arg(file);
        }
        None => {
            command.arg("--no-policy");
        }
    }
    json_ok(&mut command);
}

/// `hallmark policy --json FILE --for ai_training`: (answer, basis, exit code).
fn hallmark_answer(file: &Path) -> (String, String, i32) {
    let output = hallmark()
        .args(["policy", "--json", "--for", "ai_training"])
        .arg(file)
        .output()
        .unwrap();
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    (
        line["answer"].as_str().unwrap_or_default().to_owned(),
        line["basis"].as_str().unwrap_or_default().to_owned(),
        output.status.code().unwrap_or(-1),
    )
}

/// One byte of the image data flipped: the original's credentials no
/// longer hold (its hash does not match).
fn tampered(file: &Path, dir: &Path) -> PathBuf {
    let mut bytes = std::fs::read(file).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x40;
    let out = dir.join(format!(
        "tampered-{}",
        file.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&out, bytes).unwrap();
    out
}

#[test]
fn no_child_launders_its_parents_no() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let ca = oracle_ca(&work.join("oracle-ca"), &[]);
    let credentials = example_credentials(&work.join("creds"));
    let photo = media("sample.jpg");
    // The creator's originals: everything "not allowed" (hallmark's default), and everything allowed.
    for folder in ["no", "yes"] {
        std::fs::create_dir_all(work.join(folder)).unwrap();
    }
    let no = hallmark_sign(&credentials, &photo, &work.join("no"), &[]);
    let yes = hallmark_sign(&credentials, &photo, &work.join("yes"), &["--allow", "all"]);
    let file = |name: &str| work.join(name);

    // (case, file, expected answer, expected basis)
    let mut cases: Vec<(&str, PathBuf, &str, &str)> = Vec::new();
    child(&ca, &no, &file("silent.jpg"), None);
    cases.push((
        "silent child, parent says no",
        file("silent.jpg"),
        "notAllowed",
        "ingredient",
    ));
    child(
        &ca,
        &no,
        &file("widening.jpg"),
        Some(&everything("allowed")),
    );
    cases.push((
        "child says allowed, parent says no",
        file("widening.jpg"),
        "notAllowed",
        "ingredient",
    ));
    child(
        &ca,
        &yes,
        &file("restricting.jpg"),
        Some(&everything("notAllowed")),
    );
    cases.push((
        "child says no, parent allows",
        file("restricting.jpg"),
        "notAllowed",
        "credentials",
    ));
    child(&ca, &yes, &file("silent-yes.jpg"), None);
    cases.push((
        "silent child, parent allows",
        file("silent-yes.jpg"),
        "allowed",
        "ingredient",
    ));
    child(
        &ca,
        &tampered(&yes, work),
        &file("tampered-yes-child.jpg"),
        None,
    );
    cases.push((
        "silent child of a tampered parent that allows",
        file("tampered-yes-child.jpg"),
        "unspecified",
        "credentials",
    ));
    child(
        &ca,
        &tampered(&no, work),
        &file("tampered-no-child.jpg"),
        Some(&everything("allowed")),
    );
    cases.push((
        "child says allowed, tampered parent says no",
        file("tampered-no-child.jpg"),
        "notAllowed",
        "ingredient",
    ));
    child(
        &ca,
        &file("silent.jpg"),
        &file("grandchild.jpg"),
        Some(&everything("allowed")),
    );
    cases.push((
        "grandchild says allowed, silent parent, grandparent says no",
        file("grandchild.jpg"),
        "notAllowed",
        "ingredient",
    ));

    println!("| case | c2pa-python | hallmark policy --for ai_training (basis) |");
    println!("| --- | --- | --- |");
    for (case, path, answer, basis) in &cases {
        let oracle = python_read(path, None);
        let (got, got_basis, code) = hallmark_answer(path);
        println!(
            "| {case} | {} | {got} ({got_basis}), exit {code} |",
            oracle["state"]
        );
        assert_eq!(
            (got.as_str(), got_basis.as_str()),
            (*answer, *basis),
            "{case}: {}",
            path.display()
        );
        // Every one of them is a file c2pa-python reads as intact (a tampered
        // parent is its ingredient's problem, recorded, not the child's).
        assert_eq!(lower_state(&oracle), "valid", "{case}: {oracle}");
    }
}
