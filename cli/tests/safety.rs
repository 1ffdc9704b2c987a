//! Safety of the creator's keys and files: nothing secret in any output, a
//! hostile signer name never reaches the terminal raw, a killed `hallmark
//! sign` loses nothing and leaves nothing behind, and a full disk gives a
//! clear error and no partial file.

use std::io::Write;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::Instant;

use crate::common::*;
use hallmark::credentials::{CredentialsFolder, Identity};
use predicates::prelude::*;
use secrecy::SecretString;
use sha2::{Digest, Sha256};

fn all_output(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn no_output_at_any_log_level_shows_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "correct horse battery staple 7261";
    let creds = dir.path().join("creds");
    let signed = dir.path().join("signed.png");
    let runs: Vec<(&str, Vec<std::ffi::OsString>, &str, bool)> = vec![
        (
            "keygen",
            vec![
                "keygen".into(),
                "-vv".into(),
                "--name".into(),
                "Ada".into(),
                "--out".into(),
                creds.clone().into(),
            ],
            secret,
            true,
        ),
        (
            "sign",
            vec![
                "sign".into(),
                "-vv".into(),
                "--credentials".into(),
                creds.clone().into(),
                media("sample.png").into(),
                "-o".into(),
                signed.clone().into(),
            ],
            secret,
            true,
        ),
        (
            "sign with a wrong passphrase",
            vec![
                "sign".into(),
                "-vv".into(),
                "--credentials".into(),
                creds.clone().into(),
                media("sample.jpg").into(),
                "-o".into(),
                dir.path().join("x.jpg").into(),
            ],
            "wrong horse 99",
            false,
        ),
    ];
    for (what, args, passphrase, succeeds) in runs {
        let output = hallmark()
            .args(&args)
            .env("HALLMARK_PASSPHRASE", passphrase)
            .output()
            .unwrap();
        assert_eq!(
            output.status.success(),
            succeeds,
            "{what}: {}",
            all_output(&output)
        );
        let text = all_output(&output);
        if what == "sign" {
            assert!(text.contains("DEBUG"), "{what}: -vv shows details:\n{text}");
        }
        assert!(
            !text.contains(passphrase),
            "{what}: the passphrase leaked:\n{text}"
        );
    }
    // Through a passphrase file too, and the refusal names the file, not its content.
    let pass_file = dir.path().join("pass.txt");
    std::fs::write(&pass_file, "not it at all\n").unwrap();
    let output = hallmark()
        .args(["sign", "-vv", "--credentials"])
        .arg(&creds)
        .arg("--passphrase-file")
        .arg(&pass_file)
        .arg(media("sample.gif"))
        .arg("-o")
        .arg(dir.path().join("y.gif"))
        .output()
        .unwrap();
    let text = all_output(&output);
    assert!(text.contains("wrong passphrase for"), "{text}");
    assert!(!text.contains("not it at all"), "{text}");
}

#[test]
fn a_key_file_others_can_read_is_refused_with_the_fix() {
    // (That keygen writes keys 0600 is checked in the CLI suite.)
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    std::fs::set_permissions(
        creds.join("signer.key"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let key = creds.join("signer.key").display().to_string();
    sign(&creds)
        .arg(media("sample.png"))
        .arg("-o")
        .arg(dir.path().join("s.png"))
        .assert()
        .code(64)
        .stderr(predicate::str::contains(format!(
            "{key}: is readable by other users (mode 640); a private key must be private: run `chmod 600 {key}`"
        )));
    assert!(!dir.path().join("s.png").exists());
}

#[test]
fn a_signer_name_with_control_characters_or_look_alikes_is_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // An escape sequence that would clear the screen, a right-to-left
    // override, a zero-width space, and a Cyrillic А posing as a Latin A.
    let name = "\u{410}da\u{200B} Lovelace\u{1b}[2J\u{202E}gpj";
    let creds = dir.path().join("creds");
    CredentialsFolder::at(&creds)
        .create(&Identity::named(name), &SecretString::from(PASS))
        .unwrap();
    let signed = dir.path().join("s.png");
    sign(&creds)
        .arg(media("sample.png"))
        .arg("-o")
        .arg(&signed)
        .assert()
        .success();

    let output = hallmark().arg("verify").arg(&signed).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("Signed by \\u{410}da\\u{200b} Lovelace\\u{1b}[2J\\u{202e}gpj ("),
        "{text}"
    );
    for raw in ['\u{1b}', '\u{202E}', '\u{200B}', '\u{410}'] {
        assert!(!text.contains(raw), "{raw:?} reached the terminal:\n{text}");
    }
    // JSON carries the name exactly, escaped by JSON itself.
    let output = hallmark()
        .args(["verify", "--json"])
        .arg(&signed)
        .output()
        .unwrap();
    let line = &json_lines(&output.stdout)[0];
    assert_eq!(line["signer"]["common_name"], name);
    assert!(!output.stdout.contains(&0x1b));
}

/// A WAV file of `bytes` of noise.
fn write_wav(path: &Path, bytes: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let data = u32::try_from(bytes).unwrap();
    file.write_all(b"RIFF").unwrap();
    file.write_all(&(36 + data).to_le_bytes()).unwrap();
    file.write_all(b"WAVEfmt ").unwrap();
    // PCM, 2 channels, 44,100 Hz, 176,400 bytes/s, block 4, 16 bits.
    for field in [
        16u32.to_le_bytes().as_slice(),
        &1u16.to_le_bytes(),
        &2u16.to_le_bytes(),
        &44_100u32.to_le_bytes(),
        &176_400u32.to_le_bytes(),
        &4u16.to_le_bytes(),
        &16u16.to_le_bytes(),
    ] {
        file.write_all(field).unwrap();
    }
    file.write_all(b"data").unwrap();
    file.write_all(&data.to_le_bytes()).unwrap();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let block: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let mut left = bytes;
    while left > 0 {
        let n = left.min(block.len());
        file.write_all(&block[..n]).unwrap();
        left -= n;
    }
    file.flush().unwrap();
}

fn sha256_file(path: &Path) -> Vec<u8> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path).unwrap(), &mut hasher).unwrap();
    hasher.finalize().to_vec()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn sign_process(creds: &Path, args: &[&std::ffi::OsStr]) -> Process {
    let mut command = Process::new(env!("CARGO_BIN_EXE_hallmark"));
    command
        .arg("sign")
        .arg("--credentials")
        .arg(creds)
        .args(args)
        .env("HALLMARK_PASSPHRASE", PASS)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn verify_state(file: &Path) -> String {
    let output = hallmark()
        .args(["verify", "--json"])
        .arg(file)
        .output()
        .unwrap();
    json_lines(&output.stdout)[0]["state"]
        .as_str()
        .unwrap_or("error")
        .to_string()
}

#[test]
fn a_sign_killed_at_any_moment_loses_nothing_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let input = dir.path().join("concert.wav");
    write_wav(&input, 400 << 20);
    let original = sha256_file(&input);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let output = out_dir.join("concert.wav");

    // How long a whole run takes, to spread the kills across it.
    let started = Instant::now();
    let status = sign_process(
        &creds,
        &[input.as_os_str(), "-o".as_ref(), output.as_os_str()],
    )
    .status()
    .unwrap();
    assert!(status.success());
    let whole = started.elapsed();
    assert_eq!(verify_state(&output), "valid");
    std::fs::remove_file(&output).unwrap();

    let mut outcomes = Vec::new();
    for percent in [2u32, 10, 25, 40, 55, 70, 85, 95] {
        let at = whole * percent / 100;
        let mut child = sign_process(
            &creds,
            &[input.as_os_str(), "-o".as_ref(), output.as_os_str()],
        )
        .spawn()
        .unwrap();
        std::thread::sleep(at);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // No temporary file anywhere, and the output complete or absent.
        let left = names(&out_dir);
        match left.as_slice() {
            [] => outcomes.push(format!("{percent}%: no output")),
            [one] if one == "concert.wav" => {
                assert_eq!(
                    verify_state(&output),
                    "valid",
                    "killed at {percent}%: a partial output"
                );
                outcomes.push(format!("{percent}%: complete output"));
                std::fs::remove_file(&output).unwrap();
            }
            other => panic!("killed at {percent}% ({at:?}): left {other:?}"),
        }
        assert_eq!(
            names(dir.path()),
            ["concert.wav", "creds", "out"],
            "killed at {percent}%"
        );
    }
    eprintln!("whole run {whole:?}; {}", outcomes.join(", "));
    assert!(
        outcomes.iter().any(|o| o.ends_with("no output")),
        "some kills land mid-run: {outcomes:?}"
    );
    assert_eq!(sha256_file(&input), original, "the input is never modified");

    // In place: the original is either untouched or completely signed.
    let mut child = sign_process(&creds, &["--in-place".as_ref(), input.as_os_str()])
        .spawn()
        .unwrap();
    std::thread::sleep(whole / 2);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(names(dir.path()), ["concert.wav", "creds", "out"]);
    if sha256_file(&input) != original {
        assert_eq!(verify_state(&input), "valid");
    }
}

#[test]
fn a_full_disk_gives_a_clear_error_and_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let creds = keygen(dir.path());
    let input = dir.path().join("song.wav");
    write_wav(&input, 4 << 20);
    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    // A 1 MiB file system of our own, in private user and mount namespaces
    // (no privileges needed); the signed copy of a 4 MiB file cannot fit.
    let script = r#"mount -t tmpfs -o size=1m tmpfs "$1" || exit 90
"$2" sign --credentials "$3" "$4" -o "$1/song.wav"; status=$?
echo "status=$status"; ls -A "$1""#;
    let output = Process::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .arg(&full)
        .arg(env!("CARGO_BIN_EXE_hallmark"))
        .arg(&creds)
        .arg(&input)
        .env("HALLMARK_PASSPHRASE", PASS)
        .env("NO_COLOR", "1")
        .output()
        .expect("unshare (util-linux) runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(
        output.status.code(),
        Some(90),
        "cannot mount a tmpfs: {stderr}"
    );
    let target = full.join("song.wav").display().to_string();
    assert!(
        stderr.contains(&format!(
            "hallmark: {target}: cannot write: No space left on device (os error 28)"
        )),
        "{stderr}"
    );
    // Exit status 3 (a file could not be written), and the small file system is empty.
    assert_eq!(stdout.trim(), "status=3", "{stdout}\n{stderr}");
}
