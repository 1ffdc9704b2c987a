//! Signing and verifying many files: a bad file never stops the batch,
//! nothing is lost, results come back in order.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::*;
use predicates::prelude::*;

/// A portfolio of 200 files in nested folders: good media of several
/// formats, with broken ones mixed in, and one file that is not media.
/// Returns the relative names of the good and the broken files.
fn portfolio(dir: &Path) -> (Vec<String>, Vec<String>) {
    let samples = [
        "sample.jpg",
        "sample.png",
        "sample.wav",
        "sample.gif",
        "sample.webp",
        "sample.mp4",
    ];
    let mut good = Vec::new();
    let mut broken = Vec::new();
    for i in 0..200 {
        let sample = samples[i % samples.len()];
        let extension = sample.rsplit('.').next().unwrap();
        let folder = format!("set{}", i % 4);
        std::fs::create_dir_all(dir.join(&folder)).unwrap();
        let name = format!("{folder}/work-{i:03}.{extension}");
        let bytes = std::fs::read(media(sample)).unwrap();
        let content = match i % 25 {
            // Cut short.
            7 => bytes[..bytes.len() / 2].to_vec(),
            // Empty.
            13 => Vec::new(),
            // Another format under this name.
            19 => std::fs::read(media("sample.pdf")).unwrap(),
            _ => bytes,
        };
        if i % 25 == 7 || i % 25 == 13 || i % 25 == 19 {
            broken.push(name.clone());
        } else {
            good.push(name.clone());
        }
        std::fs::write(dir.join(&name), content).unwrap();
    }
    std::fs::write(dir.join("set0/notes.txt"), "not media").unwrap();
    good.sort();
    broken.sort();
    (good, broken)
}

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

#[test]
fn a_portfolio_with_broken_files_signs_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let input = dir.path().join("portfolio");
    let output = dir.path().join("signed");
    let (good, broken) = portfolio(&input);
    let before = contents(&input);

    let assert = sign(&creds)
        .arg("--recursive")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .args(["--jobs", "2"])
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for name in &broken {
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!("{}: ", input.join(name).display())))
            .unwrap_or_else(|| panic!("no failure reported for {name}:\n{stderr}"));
        assert!(line.starts_with("hallmark: "), "{line}");
    }
    assert!(stderr.contains("note: skipped"), "{stderr}");
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "signed {}, skipped 1, failed {} in ",
            good.len(),
            broken.len()
        )),
        "{stderr}"
    );

    assert_eq!(
        tree(&output),
        good,
        "exactly the good files are signed, in their layout"
    );
    assert_eq!(contents(&input), before, "no input changed");

    let assert = hallmark()
        .args(["verify", "--json", "--recursive", "--jobs", "2", "--trust"])
        .arg(creds.join("ca.pem"))
        .arg(&output)
        .assert()
        .success();
    let lines = json_lines(&assert.get_output().stdout);
    let files: Vec<String> = lines
        .iter()
        .map(|l| {
            Path::new(l["file"].as_str().unwrap())
                .strip_prefix(&output)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(files, good, "one line per file, in walk order");
    assert!(lines.iter().all(|l| l["state"] == "trusted"));
}

#[test]
fn in_place_replaces_originals_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    for name in ["a.jpg", "b.png", "c.flac"] {
        let path = work.join(name);
        std::fs::copy(
            media(&format!("sample.{}", name.rsplit('.').next().unwrap())),
            &path,
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    sign(&creds)
        .arg("--in-place")
        .arg("-r")
        .arg(&work)
        .assert()
        .success();
    assert_eq!(
        tree(&work),
        ["a.jpg", "b.png", "c.flac"],
        "no temporary files left"
    );
    for name in ["a.jpg", "b.png", "c.flac"] {
        let mode = std::fs::metadata(work.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o640);
    }
    hallmark()
        .args(["verify", "-r"])
        .arg(&work)
        .assert()
        .success();
    // Signing again keeps the first credentials as history.
    sign(&creds)
        .arg("--in-place")
        .arg(work.join("a.jpg"))
        .assert()
        .success();
    let assert = hallmark()
        .args(["verify", "--json"])
        .arg(work.join("a.jpg"))
        .assert()
        .success();
    assert_eq!(
        json_lines(&assert.get_output().stdout)[0]["manifest_count"],
        2
    );
}

#[test]
fn sidecars_leave_originals_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let pdf = dir.path().join("thesis.pdf");
    let jpg = dir.path().join("photo.jpg");
    std::fs::copy(media("sample.pdf"), &pdf).unwrap();
    std::fs::copy(media("sample.jpg"), &jpg).unwrap();
    let before = (std::fs::read(&pdf).unwrap(), std::fs::read(&jpg).unwrap());
    sign(&creds)
        .arg("--sidecar")
        .arg(&pdf)
        .arg(&jpg)
        .assert()
        .success();
    assert_eq!(
        (std::fs::read(&pdf).unwrap(), std::fs::read(&jpg).unwrap()),
        before
    );
    assert!(dir.path().join("thesis.c2pa").is_file());
    let assert = hallmark()
        .args(["verify", "--json"])
        .arg(&pdf)
        .arg(&jpg)
        .assert()
        .success();
    for line in json_lines(&assert.get_output().stdout) {
        assert_eq!(line["state"], "valid");
        assert!(line["sidecar"].as_str().unwrap().ends_with(".c2pa"));
        assert_eq!(line["policy"]["ai_training"]["use"], "notAllowed");
    }
    // Again without --force: the sidecar exists.
    sign(&creds)
        .arg("--sidecar")
        .arg(&pdf)
        .assert()
        .code(64)
        .stderr(predicate::str::contains("thesis.c2pa: already exists"));
}

#[test]
fn existing_outputs_are_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let out = dir.path().join("out.png");
    std::fs::write(&out, b"precious").unwrap();
    sign(&creds)
        .arg(media("sample.png"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(64)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    sign(&creds)
        .arg(media("sample.png"))
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    hallmark().arg("verify").arg(&out).assert().success();
}

/// `art/a/x.jpg` and `art/b/x.jpg` below `dir`: two inputs with one file name.
fn two_files_named_alike(dir: &Path) -> std::path::PathBuf {
    let art = dir.join("art");
    for folder in ["a", "b"] {
        std::fs::create_dir_all(art.join(folder)).unwrap();
        std::fs::copy(media("sample.jpg"), art.join(folder).join("x.jpg")).unwrap();
    }
    art
}

#[test]
fn plans_that_cannot_work_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let art = two_files_named_alike(dir.path());

    sign(&creds)
        .arg(&art)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(64)
        .stderr(predicate::str::contains("is a folder; add --recursive"));
    sign(&creds)
        .arg("-r")
        .arg(&art)
        .arg("-o")
        .arg(art.join("signed"))
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "is inside the folder being signed",
        ));
    sign(&creds)
        .arg(art.join("a/x.jpg"))
        .assert()
        .code(64)
        .stderr(predicate::str::contains("-o OUT, --in-place, or --sidecar"));
    hallmark()
        .args(["sign", "--in-place", "--sidecar"])
        .arg(art.join("a/x.jpg"))
        .assert()
        .code(64);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("readme.txt"), "text").unwrap();
    sign(&creds)
        .arg("-r")
        .arg(&empty)
        .arg("--in-place")
        .assert()
        .code(64)
        .stderr(predicate::str::contains("no media files"));
    assert_eq!(tree(&art), ["a/x.jpg", "b/x.jpg"]);
    assert!(!dir.path().join("out").exists() && !dir.path().join("flat").exists());
}

#[test]
fn outputs_that_collide_or_replace_originals_refuse_only_those_files() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let art = two_files_named_alike(dir.path());
    std::fs::copy(media("sample.png"), art.join("a/y.png")).unwrap();
    let original = std::fs::read(art.join("b/x.jpg")).unwrap();

    // Both x.jpg would become flat/x.jpg: the first named is signed, the second refused.
    let flat = dir.path().join("flat");
    sign(&creds)
        .arg(art.join("a/x.jpg"))
        .arg(art.join("b/x.jpg"))
        .arg(art.join("a/y.png"))
        .arg("-o")
        .arg(&flat)
        .assert()
        .code(64)
        .stderr(predicate::str::contains(format!(
            "{}: its signed result would go to {}, as that of {} does",
            art.join("b/x.jpg").display(),
            flat.join("x.jpg").display(),
            art.join("a/x.jpg").display()
        )))
        .stderr(predicate::str::contains("signed 2, skipped 0, failed 1"));
    hallmark()
        .arg("verify")
        .arg(flat.join("x.jpg"))
        .assert()
        .success();
    hallmark()
        .arg("verify")
        .arg(flat.join("y.png"))
        .assert()
        .success();

    // Sidecars are named without the extension: p.jpg and p.png would share p.c2pa.
    std::fs::copy(media("sample.png"), art.join("a/x.png")).unwrap();
    sign(&creds)
        .arg("--sidecar")
        .arg(art.join("a/x.jpg"))
        .arg(art.join("a/x.png"))
        .assert()
        .code(64)
        .stderr(predicate::str::contains(format!(
            "{}: its signed result would go to {}, as that of {} does; a sidecar is named after the file without its extension",
            art.join("a/x.png").display(),
            art.join("a/x.c2pa").display(),
            art.join("a/x.jpg").display()
        )));
    hallmark()
        .arg("verify")
        .arg(art.join("a/x.jpg"))
        .assert()
        .success();

    // -o naming the inputs' own folder would replace them, even with --force.
    sign(&creds)
        .arg(art.join("b/x.jpg"))
        .arg("-o")
        .arg(art.join("b"))
        .arg("--force")
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "the signed copy would replace the original; use --in-place for that",
        ));
    assert_eq!(std::fs::read(art.join("b/x.jpg")).unwrap(), original);
}
