//! The documents' command-line examples, run as written: every command
//! between a document's `examples:start` and `examples:end` markers must
//! exit as its comment says (`# exit N`), 0 when it says nothing. The guide
//! (GUIDE.md) holds the manual's examples; the README's quick look is marked
//! the same way.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The commands of `document`'s marked examples (every block between an
/// `examples:start` and the next `examples:end` marker, in order), with the
/// exit status each expects.
fn example_commands(document: &str) -> Vec<(String, i32)> {
    let text = std::fs::read_to_string(root().join(document)).unwrap();
    let mut commands = Vec::new();
    let mut rest = text.as_str();
    let mut blocks = 0;
    while let Some(start) = rest.find("<!-- examples:start -->") {
        let end = rest[start..]
            .find("<!-- examples:end -->")
            .unwrap_or_else(|| panic!("{document}: an examples start marker without an end"))
            + start;
        let mut in_block = false;
        for line in rest[start..end].lines() {
            match line.trim() {
                "```sh" => in_block = true,
                "```" => in_block = false,
                command if in_block && !command.is_empty() => {
                    let expected = command
                        .split("# exit ")
                        .nth(1)
                        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                        .map(|n| n.parse().unwrap())
                        .unwrap_or(0);
                    commands.push((command.to_owned(), expected));
                }
                _ => {}
            }
        }
        blocks += 1;
        rest = &rest[end..];
    }
    assert!(blocks > 0, "{document}: no examples start marker");
    commands
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Run `document`'s examples in order, in a fresh folder holding `artwork.jpg`,
/// `song.wav`, and a file with a connected identity (`connected-identity.jpg`)
/// with its issuer's DID document (`adobe-stage-did.json`), with `hallmark`
/// on the PATH and `home` as HOME (so
/// credentials made without `--out` land in a throwaway configuration folder).
fn run_examples(document: &str, at_least: usize) {
    let commands = example_commands(document);
    assert!(
        commands.len() >= at_least,
        "{document} lost its examples: {commands:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    std::fs::copy(
        root().join("cli/assets/sample.jpg"),
        work.join("artwork.jpg"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/fixtures/media/sample.wav"),
        work.join("song.wav"),
    )
    .unwrap();
    let identity = root().join("tests/fixtures/identity/claim_aggregation");
    std::fs::copy(
        identity.join("adobe_connected_identities.jpg"),
        work.join("connected-identity.jpg"),
    )
    .unwrap();
    std::fs::copy(
        identity.join("connected_identities_did.json"),
        work.join("adobe-stage-did.json"),
    )
    .unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hallmark")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    for (command, expected) in commands {
        let output = Command::new("bash")
            .arg("-c")
            .arg(&command)
            .current_dir(&work)
            .env("PATH", &path)
            .env("HOME", &home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("HALLMARK_CREDENTIALS")
            .env("HALLMARK_PASSPHRASE", "example passphrase")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{document} example `{command}` exited {:?}, expected {expected}\nstdout: {}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn the_guide_examples_run_as_documented() {
    run_examples("GUIDE.md", 8);
}

#[test]
fn the_readme_quick_look_runs_as_documented() {
    run_examples("README.md", 5);
}
