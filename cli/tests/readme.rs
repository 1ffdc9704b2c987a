//! The README's examples, run as written: every command between the
//! `examples:start` and `examples:end` markers must exit as its comment says
//! (`# exit N`), 0 when it says nothing.

use std::path::Path;
use std::process::Command;

fn readme_commands() -> Vec<(String, i32)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let start = readme
        .find("<!-- examples:start -->")
        .expect("examples start marker");
    let end = readme
        .find("<!-- examples:end -->")
        .expect("examples end marker");
    let mut commands = Vec::new();
    let mut in_block = false;
    for line in readme[start..end].lines() {
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
    commands
}

#[test]
fn readme_examples_run_as_documented() {
    let commands = readme_commands();
    assert!(
        commands.len() >= 8,
        "the README lost its examples: {commands:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::copy(
        root.join("cli/assets/sample.jpg"),
        dir.path().join("artwork.jpg"),
    )
    .unwrap();
    std::fs::copy(
        root.join("tests/fixtures/media/sample.wav"),
        dir.path().join("song.wav"),
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
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("HALLMARK_PASSPHRASE", "readme example passphrase")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(expected),
            "README example `{command}` exited {:?}, expected {expected}\nstdout: {}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
