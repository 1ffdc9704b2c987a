//! One session with every command, recorded whole: what each prints on
//! stdout and stderr and the status it exits with, pinned by a snapshot.
//! Anything that changes between runs (times, dates, identifiers, serial
//! numbers, the temporary folder) is replaced by a placeholder.

use std::fmt::Write as _;
use std::path::Path;

use crate::common::*;

/// A recorded session, run in one folder.
struct Session<'a> {
    dir: &'a Path,
    text: String,
}

impl Session<'_> {
    /// Run `hallmark ARGS` (with `HALLMARK_PASSPHRASE` set when `passphrase`
    /// is given) and record it.
    fn run(&mut self, args: &[&str], passphrase: Option<&str>) -> i32 {
        let mut command = hallmark();
        command
            .current_dir(self.dir)
            .args(args)
            .env("COLUMNS", "100");
        if let Some(passphrase) = passphrase {
            command.env("HALLMARK_PASSPHRASE", passphrase);
        }
        let output = command.output().unwrap();
        let code = output.status.code().unwrap_or(-1);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stdout = if args.contains(&"--json") {
            stdout
                .lines()
                .map(|line| {
                    let value: serde_json::Value = serde_json::from_str(line).unwrap();
                    serde_json::to_string_pretty(&value).unwrap() + "\n"
                })
                .collect()
        } else {
            stdout.into_owned()
        };
        let _ = writeln!(self.text, "$ hallmark {}", args.join(" "));
        self.text += &stdout;
        for line in String::from_utf8_lossy(&output.stderr).lines() {
            let _ = writeln!(self.text, "[stderr] {line}");
        }
        let _ = writeln!(self.text, "[exit {code}]\n");
        code
    }

    fn redacted(&self) -> String {
        let dir = std::fs::canonicalize(self.dir).unwrap();
        self.text
            .replace(&dir.display().to_string(), "[DIR]")
            .replace(&self.dir.display().to_string(), "[DIR]")
    }
}

#[test]
fn every_command_and_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(media("sample.jpg"), d.join("sunset.jpg")).unwrap();
    std::fs::create_dir_all(d.join("portfolio/sketches")).unwrap();
    std::fs::copy(media("sample.png"), d.join("portfolio/study.png")).unwrap();
    std::fs::copy(media("sample.webp"), d.join("portfolio/sketches/line.webp")).unwrap();
    std::fs::write(d.join("portfolio/notes.txt"), "ideas").unwrap();
    let jpeg = std::fs::read(media("sample.jpg")).unwrap();
    std::fs::write(d.join("portfolio/cut.jpg"), &jpeg[..jpeg.len() / 3]).unwrap();
    std::fs::copy(media("sample.gif"), d.join("unsigned.gif")).unwrap();

    let mut s = Session {
        dir: d,
        text: String::new(),
    };
    let pass = Some(PASS);
    let creds = ["--credentials", "creds"];

    // keygen
    s.run(
        &[
            "keygen",
            "--name",
            "Ada Lovelace",
            "--org",
            "Analytical Studio",
            "--out",
            "creds",
        ],
        pass,
    );
    s.run(
        &["keygen", "--name", "Ada Lovelace", "--out", "creds"],
        pass,
    );
    s.run(
        &["keygen", "--name", "Ada Lovelace", "--out", "creds2"],
        None,
    );

    // sign
    let one = [
        &["sign", "sunset.jpg", "-o", "signed/sunset.jpg"][..],
        &creds,
        &["--title", "Sunset", "--author", "Ada Lovelace"],
        &[
            "--allow",
            "ai_inference",
            "--constrain",
            "data_mining=research only",
        ],
    ]
    .concat();
    s.run(&one, pass);
    s.run(&one, pass);
    s.run(
        &[
            &["sign", "-r", "portfolio", "-o", "signed/portfolio"][..],
            &creds,
        ]
        .concat(),
        pass,
    );
    s.run(
        &[&["sign", "sunset.jpg", "-o", "x.jpg"][..], &creds].concat(),
        Some("wrong"),
    );
    s.run(
        &[
            &["sign", "sunset.jpg", "-o", "x.jpg", "--allow", "everything"][..],
            &creds,
        ]
        .concat(),
        pass,
    );
    s.run(
        &[&["sign", "portfolio", "-o", "x"][..], &creds].concat(),
        pass,
    );

    // A copy with one byte of the picture changed after signing.
    let mut tampered = std::fs::read(d.join("signed/sunset.jpg")).unwrap();
    let last = tampered.len() - 10;
    tampered[last] ^= 0x55;
    std::fs::write(d.join("tampered.jpg"), tampered).unwrap();

    // verify
    s.run(&["verify", "signed/sunset.jpg"], None);
    s.run(
        &["verify", "--trust", "creds/ca.pem", "signed/sunset.jpg"],
        None,
    );
    s.run(&["verify", "tampered.jpg"], None);
    s.run(&["verify", "unsigned.gif"], None);
    s.run(&["verify", "portfolio/cut.jpg"], None);
    s.run(
        &[
            "verify",
            "--json",
            "--trust",
            "creds/ca.pem",
            "signed/sunset.jpg",
            "tampered.jpg",
            "unsigned.gif",
            "portfolio/cut.jpg",
        ],
        None,
    );
    s.run(&["verify", "--quiet", "-r", "signed"], None);
    s.run(
        &["verify", "--trust", "missing.pem", "signed/sunset.jpg"],
        None,
    );

    // policy
    for kind in ["ai_training", "ai_inference", "data_mining"] {
        s.run(&["policy", "signed/sunset.jpg", "--for", kind], None);
    }
    s.run(
        &[
            "policy",
            "--trust",
            "creds/ca.pem",
            "signed/sunset.jpg",
            "--for",
            "ai_inference",
        ],
        None,
    );
    s.run(
        &[
            "policy",
            "--json",
            "signed/sunset.jpg",
            "--for",
            "data_mining",
        ],
        None,
    );
    s.run(&["policy", "unsigned.gif", "--for", "ai_training"], None);
    s.run(&["policy", "tampered.jpg", "--for", "ai_inference"], None);
    s.run(
        &[
            "policy",
            "--json",
            "portfolio/cut.jpg",
            "--for",
            "ai_training",
        ],
        None,
    );
    s.run(&["policy", "signed/sunset.jpg", "--for", "all"], None);

    // inspect
    s.run(&["inspect", "signed/sunset.jpg"], None);
    s.run(&["inspect", "unsigned.gif"], None);
    s.run(&["inspect", "portfolio/cut.jpg"], None);
    s.run(&["inspect", "--depth", "2", "signed/sunset.jpg"], None);

    // completions and man
    s.run(&["completions", "tcsh"], None);
    s.run(&["man", "--out-dir", "manual"], None);
    s.run(&["man", "frobnicate"], None);

    let text = s.redacted();
    insta::with_settings!({filters => vec![
        (r"urn:c2pa:[0-9a-f-]{36}(:[^\s\x22]*)?", "urn:c2pa:[ID]"),
        (r"xmp:iid:[0-9a-f-]{36}", "xmp:iid:[ID]"),
        (r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?", "[DATE]"),
        (r"replaced-\S+", "replaced-[STAMP]"),
        (r"in \d+\.\d+ s", "in [TIME] s"),
        (r#""serial": "[0-9a-f:]+""#, r#""serial": "[SERIAL]""#),
        (r#""certificate_sha256": "[0-9a-f]{64}""#, r#""certificate_sha256": "[SHA-256]""#),
    ]}, {
        insta::assert_snapshot!(text);
    });
}
