//! ExifTool, pinned in `tests/oracle/exiftool/package.json` and installed by
//! `tests/run.sh`: the reference reader and writer of IPTC metadata in XMP.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::paths::workspace;

/// The ExifTool script (`HALLMARK_EXIFTOOL` overrides it); the test fails
/// with instructions when it is not installed.
pub fn exiftool_script() -> PathBuf {
    let script = std::env::var_os("HALLMARK_EXIFTOOL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            workspace().join("tests/oracle/exiftool/node_modules/exiftool-vendored.pl/bin/exiftool")
        });
    assert!(
        script.exists(),
        "ExifTool is not installed at {}: run `bash tests/run.sh`, which installs it",
        script.display()
    );
    script
}

/// ExifTool (run by perl), ready for its arguments.
pub fn exiftool() -> Command {
    let mut command = Command::new("perl");
    command.arg(exiftool_script());
    command
}

/// Run ExifTool; its stdout, or a panic with its stderr.
pub fn exiftool_ok(args: &[&str], file: &Path) -> String {
    let output = exiftool()
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ExifTool (perl): {e}"));
    assert!(
        output.status.success(),
        "exiftool {args:?} {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// ExifTool's JSON for `file` with `args` (e.g. `-XMP:all`): the one object
/// of its `-j` array.
pub fn exiftool_json(args: &[&str], file: &Path) -> Value {
    let mut all = vec!["-j"];
    all.extend_from_slice(args);
    let stdout = exiftool_ok(&all, file);
    let value: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "ExifTool printed no JSON for {}: {e}\n{stdout}",
            file.display()
        )
    });
    value[0].clone()
}

/// ExifTool's `-validate` warnings for `file` (empty when it says `OK`).
pub fn exiftool_warnings(file: &Path) -> Vec<String> {
    let stdout = exiftool_ok(&["-validate", "-warning", "-a", "-s3"], file);
    let mut lines = stdout.lines().map(str::trim).filter(|l| !l.is_empty());
    match lines.next() {
        Some("OK") => Vec::new(),
        Some(summary) => {
            assert!(summary.contains("Warning"), "{}: {stdout}", file.display());
            lines.map(String::from).collect()
        }
        None => panic!("ExifTool did not validate {}", file.display()),
    }
}
