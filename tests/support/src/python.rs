//! The Python venv `tests/run.sh` installs (c2pa-python and the service's
//! API checkers), and the interop oracle script that runs in it.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::paths::workspace;

/// The venv's Python (`HALLMARK_ORACLE_PYTHON` overrides it); the test fails
/// with instructions when it is not installed.
pub fn venv_python() -> PathBuf {
    let python = std::env::var_os("HALLMARK_ORACLE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/oracles/venv/bin/python"));
    assert!(
        python.exists(),
        "the Python oracles are not installed at {}: run `bash tests/run.sh`, which installs them",
        python.display()
    );
    python
}

/// The c2pa-python oracle (`tests/oracle/python/oracle.py`), ready for its arguments.
pub fn python_oracle() -> Command {
    let mut command = Command::new(venv_python());
    command.arg(workspace().join("tests/oracle/python/oracle.py"));
    command
}

/// Run a command and parse its stdout as one JSON value, whatever its exit status.
pub fn json_of(command: &mut Command) -> (Value, i32) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "{command:?} printed no JSON ({e}):\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (value, output.status.code().unwrap_or(-1))
}

/// Run a command that must succeed and print one JSON value.
pub fn json_ok(command: &mut Command) -> Value {
    let (value, code) = json_of(command);
    assert_eq!(code, 0, "{command:?} failed: {value}");
    value
}

/// The fingerprint oracle (`tests/oracle/python/fingerprints.py`: iscc-sdk,
/// Pillow and scikit-image in the venv) run with `args`; its stdout.
pub fn fingerprint_oracle(args: &[&str]) -> String {
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
    String::from_utf8(output.stdout).unwrap()
}

/// `source` re-encoded by the fingerprint oracle's edit `op` (`jpeg75`,
/// `png2jpeg`, …) into `dir/name`, as a platform would: no metadata survives.
pub fn platform_edit(
    op: &str,
    source: &std::path::Path,
    dir: &std::path::Path,
    name: &str,
) -> std::path::PathBuf {
    let target = dir.join(name);
    fingerprint_oracle(&[
        "edit",
        op,
        source.to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
    target
}
