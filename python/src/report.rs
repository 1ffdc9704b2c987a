//! One item verified into the report line `hallmark verify --json` prints,
//! and that line as Python objects: what `verify` and `verify_many` share.

use std::io::BufReader;

use hallmark::verify::FileReport;
use hallmark::{ErrorKind, MediaFormat, Report};
use pyo3::prelude::*;
use serde::Serialize;

use crate::errors::guarded;
use crate::input::{BYTES_LABEL, Item};

/// How an item's verification ended: the report, or why there is none.
pub(crate) type Outcome = Result<Report, (ErrorKind, String)>;

/// Verify one item without the GIL. A panic in the engine becomes an
/// internal error naming the item, never a Python `PanicException`.
pub(crate) fn verify_item(
    verifier: &hallmark::Verifier,
    item: &Item,
    claimed: Option<MediaFormat>,
) -> Outcome {
    let run = || match (item, claimed) {
        (Item::Path(path), None) => verifier.verify_file(path),
        (Item::Path(path), Some(_)) => {
            let name = path.display().to_string();
            let file = std::fs::File::open(path).map_err(|e| hallmark::Error::Io {
                file: name.clone(),
                action: "cannot read",
                source: e,
            })?;
            verifier.verify_stream(&name, claimed, BufReader::new(file))
        }
        (Item::Bytes(bytes), _) => verifier.verify_bytes(BYTES_LABEL, claimed, bytes),
    };
    let file = item.file().unwrap_or_else(|| BYTES_LABEL.into());
    guarded(&file, run)
}

/// The JSON line `hallmark verify --json` prints for this outcome (without
/// its newline): the report with `file` first, or `{"file", "state": "error", "error"}`.
pub(crate) fn json_line(file: Option<&str>, outcome: &Outcome) -> String {
    let text = match outcome {
        Ok(report) => serde_json::to_string(&FileReport { file, report }),
        Err((_, error)) => serde_json::to_string(&ErrorLine {
            file,
            state: "error",
            error,
        }),
    };
    // Serialising these plain structures cannot fail; an empty object is the CLI's fallback too.
    text.unwrap_or_else(|_| "{}".into())
}

/// The CLI's line for a file that could not be verified, keys in its order.
#[derive(Serialize)]
struct ErrorLine<'a> {
    file: Option<&'a str>,
    state: &'static str,
    error: &'a str,
}

/// A JSON text as Python objects, by the standard library's `json.loads`:
/// the very dict a Python program gets from the CLI's line.
pub(crate) fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.getattr("loads")?.call1((text,))
}
