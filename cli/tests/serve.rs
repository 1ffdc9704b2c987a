//! `hallmark serve` as its README (server/README.md) shows it: started, asked with curl,
//! stopped with SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::*;
use serde_json::Value;

/// The README's service commands, in order.
fn readme_service_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("server/README.md")).unwrap();
    let start = readme
        .find("<!-- service:start -->")
        .expect("service start marker");
    let end = readme
        .find("<!-- service:end -->")
        .expect("service end marker");
    readme[start..end]
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("hallmark ") || l.starts_with("curl "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_service_example_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let signed = dir.path().join("signed.jpg");
    hallmark()
        .args(["sign", "--credentials"])
        .arg(example_credentials(dir.path()))
        .arg(media("sample.jpg"))
        .arg("-o")
        .arg(&signed)
        .env("HALLMARK_PASSPHRASE", EXAMPLE_PASSPHRASE)
        .assert()
        .success();
    std::fs::copy(media("sample.png"), dir.path().join("photo.png")).unwrap();

    let commands = readme_service_commands();
    let [serve, single, batch] = commands.as_slice() else {
        panic!("three service commands in the README: {commands:?}");
    };
    // The README listens on 8080; the test on a free port.
    let args: Vec<String> = serve
        .replace("127.0.0.1:8080", "127.0.0.1:0")
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect();
    let mut server = Command::new(env!("CARGO_BIN_EXE_hallmark"))
        .args(&args)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    let address = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the service exited"
        );
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let curl = |command: &str| -> Value {
        let command = command.replace("127.0.0.1:8080", &address);
        let output = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let report = curl(single);
    assert_eq!(report["state"], "trusted", "{report}");
    assert_eq!(report["may_use"], "notAllowed");
    let answer = curl(batch);
    let states: Vec<&str> = answer["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["trusted", "none"], "{answer}");

    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let exit = server.wait().unwrap();
    assert!(exit.success(), "{exit:?}: {rest}");
    assert!(rest.contains("shutting down"), "{rest}");
    assert!(
        rest.contains("route=\"/v1/verify\" status=200"),
        "one line per request: {rest}"
    );
}
