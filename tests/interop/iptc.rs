//! The IPTC mirror against the tools that read it: ExifTool reads the
//! `plus:DataMining` hallmark writes in every format it writes it into, the
//! mirror merges into XMP that ExifTool wrote, c2pa-python still finds the
//! manifest intact (the mirror is written before signing, so the C2PA hash
//! covers it), a changed byte of the mirror breaks it for both, and every
//! value ExifTool can write is read back restrictively.

use std::path::{Path, PathBuf};

use hallmark_test_support::exiftool::{exiftool_json, exiftool_ok, exiftool_warnings};

use super::common::*;

/// Every format hallmark writes the mirror into, as a sample.
const MIRRORED: &[&str] = &[
    "sample.jpg",
    "sample.png",
    "sample.webp",
    "sample.tif",
    "sample.dng",
    "sample.gif",
    "sample.svg",
    "sample.mp4",
    "sample.mov",
    "sample.m4a",
];

/// The vocabulary's prefix: IPTC and ExifTool write the full URI.
const VOCABULARY: &str = "http://ns.useplus.org/ldf/vocab/";

/// The words hallmark writes for a policy the vocabulary cannot say.
const CONSTRAINED_LINES: &str = "AI training: not allowed\nGenerative AI training: not allowed\n\
AI inference: allowed\nData mining: allowed only on these terms: ask first";

/// The README's mapping, row by row: `sign` options, then the DMI code and
/// the OtherConstraints text ExifTool must read.
const ROWS: &[(&[&str], &str, Option<&str>)] = &[
    (&[], "DMI-PROHIBITED", None),
    (&["--allow", "all"], "DMI-ALLOWED", None),
    (
        &["--allow", "ai_inference", "--allow", "data_mining"],
        "DMI-PROHIBITED-AIMLTRAINING",
        None,
    ),
    (
        &[
            "--allow",
            "ai_training",
            "--allow",
            "ai_inference",
            "--allow",
            "data_mining",
        ],
        "DMI-PROHIBITED-GENAIMLTRAINING",
        None,
    ),
    (
        &[
            "--allow",
            "ai_inference",
            "--constrain",
            "data_mining=ask first",
        ],
        "DMI-PROHIBITED-SEECONSTRAINT",
        Some(CONSTRAINED_LINES),
    ),
];

/// How many XMP packets the file holds (one, or merging failed). SVG holds
/// its RDF in `<metadata>` without packet wrappers.
fn packets(file: &Path) -> usize {
    let bytes = std::fs::read(file).unwrap();
    let marker: &[u8] = if file.extension().is_some_and(|e| e == "svg") {
        b"<rdf:RDF"
    } else {
        b"<?xpacket begin"
    };
    bytes.windows(marker.len()).filter(|w| w == &marker).count()
}

/// ExifTool's `-validate` has nothing to say about `file`, beyond what the
/// C2PA engine's TIFF writer leaves in every signed TIFF (odd value offsets,
/// with or without the mirror: see `the_tiff_warnings_are_the_engines`).
fn assert_valid_for_exiftool(name: &str, file: &Path) {
    let warnings = exiftool_warnings(file);
    let tiff = name.ends_with(".tif") || name.ends_with(".dng");
    assert!(
        warnings
            .iter()
            .all(|w| tiff && w.starts_with("[minor] Odd offset for IFD0 tag")),
        "{name}: ExifTool's validation: {warnings:?}"
    );
}

/// `input` signed with `options` into `dir/label/`.
fn sign_into(
    credentials: &Path,
    input: &Path,
    dir: &Path,
    label: &str,
    options: &[&str],
) -> PathBuf {
    let into = dir.join(label);
    std::fs::create_dir_all(&into).unwrap();
    hallmark_sign(credentials, input, &into, options)
}

#[test]
fn exiftool_reads_the_mirror_in_every_format_hallmark_writes_it_into() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = example_credentials(dir.path());
    for name in MIRRORED {
        // Every format with the default policy and the policy that needs
        // words; the JPEG with every row of the mapping.
        let rows: Vec<_> = ROWS
            .iter()
            .enumerate()
            .filter(|(i, (_, code, _))| {
                *name == "sample.jpg" || *i == 0 || *code == "DMI-PROHIBITED-SEECONSTRAINT"
            })
            .collect();
        for (i, (options, code, lines)) in rows {
            let signed = sign_into(
                &credentials,
                &media(name),
                dir.path(),
                &format!("row{i}"),
                options,
            );
            let read = exiftool_json(
                &["-n", "-XMP-plus:DataMining", "-XMP-plus:OtherConstraints"],
                &signed,
            );
            assert_eq!(read["DataMining"], *code, "{name} {options:?}: {read}");
            assert_eq!(
                read["OtherConstraints"].as_str(),
                *lines,
                "{name} {options:?}: {read}"
            );
            assert_eq!(packets(&signed), 1, "{name} {options:?}");
            assert_valid_for_exiftool(name, &signed);

            // The C2PA reference reads the same file as intact, and hallmark
            // says the mirror agrees with what is signed.
            let theirs = python_read(&signed, None);
            assert_eq!(theirs["state"], "Valid", "{name} {options:?}: {theirs}");
            let (ours, status) = hallmark_verify(&signed, None);
            assert_eq!(
                (ours["state"].as_str(), status),
                (Some("valid"), 0),
                "{name}"
            );
            assert_eq!(
                ours["unsigned"]["data_mining"],
                format!("{VOCABULARY}{code}"),
                "{name}: {ours}"
            );
            assert_eq!(
                ours["unsigned"]["agrees_with_signed"], true,
                "{name}: {ours}"
            );
        }
    }
}

#[test]
fn the_tiff_warnings_are_the_engines() {
    // The odd-offset warnings `assert_valid_for_exiftool` lets through for
    // TIFF come from the C2PA engine's TIFF writer: a copy signed without
    // the mirror has the same ones.
    let dir = tempfile::tempdir().unwrap();
    let credentials = example_credentials(dir.path());
    let with = sign_into(&credentials, &media("sample.tif"), dir.path(), "with", &[]);
    let without = sign_into(
        &credentials,
        &media("sample.tif"),
        dir.path(),
        "without",
        &["--no-iptc"],
    );
    assert!(exiftool_warnings(&media("sample.tif")).is_empty());
    let engine = exiftool_warnings(&without);
    assert!(
        !engine.is_empty(),
        "the engine's TIFF writer changed: drop the allowance"
    );
    let ours: Vec<String> = exiftool_warnings(&with)
        .into_iter()
        .filter(|w| !engine.contains(w))
        .collect();
    assert!(
        ours.iter().all(|w| w.contains("0x02bc")),
        "warnings the mirror adds beyond the XMP tag's own offset: {ours:?}"
    );
    // Without the mirror, there is no plus:DataMining at all.
    let read = exiftool_json(&["-XMP-plus:DataMining"], &without);
    assert!(read.get("DataMining").is_none(), "{read}");
}

#[test]
fn a_changed_byte_of_the_mirror_breaks_the_signature_for_both_readers() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = example_credentials(dir.path());
    for name in ["sample.jpg", "sample.mp4"] {
        let signed = sign_into(&credentials, &media(name), dir.path(), "signed", &[]);
        let mut bytes = std::fs::read(&signed).unwrap();
        // "DMI-PROHIBITED" becomes "DMI-ALLOWED\0\0\0"-sized nonsense: one byte.
        let at = find(&bytes, b"DMI-PROHIBITED").unwrap();
        bytes[at + 4] = b'Q';
        let tampered = dir.path().join(format!("tampered-{name}"));
        std::fs::write(&tampered, &bytes).unwrap();

        let (ours, status) = hallmark_verify(&tampered, None);
        assert_eq!(
            (ours["state"].as_str(), status),
            (Some("invalid"), 1),
            "{name}"
        );
        assert!(
            hallmark_failures(&ours).contains(&"assertion.dataHash.mismatch".to_string())
                || hallmark_failures(&ours).contains(&"assertion.bmffHash.mismatch".to_string()),
            "{name}: {ours}"
        );
        let theirs = python_read(&tampered, None);
        assert_eq!(theirs["state"], "Invalid", "{name}: {theirs}");
        assert_eq!(oracle_failures(&theirs), hallmark_failures(&ours), "{name}");
        // The broken manifest allows nothing; the altered statement is
        // unknown vocabulary, read as prohibited-with-an-exception.
        assert_ne!(ours["unsigned"]["policy"]["ai_training"]["use"], "allowed");
    }
}

#[test]
fn hallmark_merges_into_the_xmp_exiftool_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = example_credentials(dir.path());
    let fixtures = workspace().join("tests/fixtures/xmp");
    for name in ["exiftool.jpg", "exiftool.mp4", "exiftool.mov"] {
        let original = fixtures.join(name);
        let before = exiftool_json(&["-XMP:all"], &original);
        assert_eq!(before["DataMining"], "Allowed", "{name}: {before}");

        let signed = sign_into(&credentials, &original, dir.path(), "deny", &[]);
        let after = exiftool_json(&["-XMP:all"], &signed);
        // Every property ExifTool wrote is still there, unchanged; the
        // choice replaced the old DataMining; text that is not hallmark's
        // (the licence) is kept when the policy needs no words.
        for key in ["Creator", "Title", "Credit", "Rating", "OtherConstraints"] {
            assert_eq!(after[key], before[key], "{name}: {key}: {after}");
        }
        let codes = exiftool_json(&["-n", "-XMP-plus:DataMining"], &signed);
        assert_eq!(codes["DataMining"], "DMI-PROHIBITED", "{name}");
        assert_eq!(packets(&signed), 1, "{name}");
        assert_valid_for_exiftool(name, &signed);
        assert_eq!(python_read(&signed, None)["state"], "Valid", "{name}");

        // A policy that needs words replaces the foreign text with hallmark's.
        let constrained = sign_into(
            &credentials,
            &original,
            dir.path(),
            "constrained",
            &[
                "--allow",
                "ai_inference",
                "--constrain",
                "data_mining=ask first",
            ],
        );
        let after = exiftool_json(&["-XMP:all"], &constrained);
        assert_eq!(after["OtherConstraints"], CONSTRAINED_LINES, "{name}");
        assert_eq!(after["Title"], before["Title"], "{name}");
        assert_eq!(packets(&constrained), 1, "{name}");
    }
    // The input is never modified.
    assert_eq!(
        exiftool_json(&["-XMP-plus:DataMining"], &fixtures.join("exiftool.jpg"))["DataMining"],
        "Allowed"
    );
}

#[test]
fn every_value_exiftool_writes_is_read_restrictively() {
    // ExifTool writes each PLUS value into a file without credentials;
    // hallmark reads it as an unsigned statement: it may answer "not
    // allowed", never "allowed". Expected answers for (ai_training,
    // ai_generative_training, ai_inference, data_mining); "unknown" is the
    // answer for a file without credentials that nothing restricts.
    let n = "notAllowed";
    let c = "constrained";
    let u = "unknown";
    let table: &[(&str, [&str; 4])] = &[
        ("DMI-UNSPECIFIED", [u, u, u, u]),
        ("DMI-ALLOWED", [u, u, u, u]),
        ("DMI-PROHIBITED", [n, n, n, n]),
        ("DMI-PROHIBITED-AIMLTRAINING", [n, n, u, u]),
        ("DMI-PROHIBITED-GENAIMLTRAINING", [u, n, u, u]),
        ("DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", [n, n, n, c]),
        ("DMI-PROHIBITED-SEECONSTRAINT", [c, c, c, c]),
        ("DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR", [c, c, c, c]),
        ("DMI-PROHIBITED-SEELINKEDRIGHTSEXPR", [c, c, c, c]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let fixtures = workspace().join("tests/fixtures/xmp");
    for sample in ["plain.jpg", "plain.png", "plain.webp", "plain.mp4"] {
        for (value, answers) in table {
            let file = dir.path().join(format!("{value}-{sample}"));
            exiftool_ok(
                &[
                    "-q",
                    &format!("-XMP-plus:DataMining#={value}"),
                    "-o",
                    file.to_str().unwrap(),
                ],
                &fixtures.join(sample),
            );
            let (report, status) = hallmark_verify(&file, None);
            assert_eq!(
                (report["state"].as_str(), status),
                (Some("none"), 2),
                "{value}"
            );
            assert_eq!(
                report["unsigned"]["data_mining"],
                format!("{VOCABULARY}{value}"),
                "{sample} {value}: {report}"
            );
            for (kind, expected) in [
                "ai_training",
                "ai_generative_training",
                "ai_inference",
                "data_mining",
            ]
            .iter()
            .zip(answers)
            {
                let output = hallmark()
                    .args(["policy", "--json", "--for", kind])
                    .arg(&file)
                    .output()
                    .unwrap();
                let answer: serde_json::Value = serde_json::from_slice(&output.stdout)
                    .unwrap_or_else(|e| {
                        panic!(
                            "{value} {kind}: {e}: {}",
                            String::from_utf8_lossy(&output.stdout)
                        )
                    });
                assert_eq!(
                    answer["answer"], *expected,
                    "{sample} {value} {kind}: {answer}"
                );
                assert_ne!(answer["answer"], "allowed");
            }
        }
    }
}
