//! Verifying files and bytes into the report dict `hallmark verify --json` prints.

use std::io::BufReader;
use std::sync::OnceLock;

use hallmark::verify::FileReport;
use hallmark::{ErrorKind, MediaFormat, Report, TrustAnchors};
use pyo3::prelude::*;
use serde::Serialize;

use crate::errors::{guarded, raise, to_py};
use crate::input::{BYTES_LABEL, Item, parse_format, trust_anchors};
use crate::many::VerifyMany;

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

/// The report dict for one item, or the exception for its error.
fn report_dict<'py>(
    py: Python<'py>,
    verifier: &hallmark::Verifier,
    item: Item,
    claimed: Option<MediaFormat>,
) -> PyResult<Bound<'py, PyAny>> {
    let file = item.file();
    let line = py.detach(move || {
        verify_item(verifier, &item, claimed).map(|report| json_line(file.as_deref(), &Ok(report)))
    });
    match line {
        Ok(text) => loads(py, &text),
        Err((kind, message)) => Err(raise(kind, message)),
    }
}

/// Trust settings built once, to verify any number of files with.
///
/// ``Verifier(trust=...)`` takes what ``hallmark.verify`` takes: a PEM file
/// path, PEM text, or a list of them. Reuse one verifier for many calls; it is
/// safe to share between threads.
#[pyclass(module = "hallmark", frozen, name = "Verifier")]
pub(crate) struct PyVerifier {
    pub(crate) inner: hallmark::Verifier,
}

#[pymethods]
impl PyVerifier {
    #[new]
    #[pyo3(signature = (*, trust = None))]
    fn new(trust: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let anchors = trust_anchors(trust)?;
        Ok(PyVerifier {
            inner: hallmark::Verifier::new(&anchors).map_err(|e| to_py(&e))?,
        })
    }

    /// Verify one file (a path) or bytes; see ``hallmark.verify``.
    #[pyo3(signature = (path_or_bytes, *, format = None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        path_or_bytes: &Bound<'py, PyAny>,
        format: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let claimed = parse_format(format)?;
        report_dict(py, &self.inner, Item::extract(path_or_bytes)?, claimed)
    }

    /// Verify many files or byte strings in parallel; see ``hallmark.verify_many``.
    #[pyo3(signature = (items, *, jobs = None, format = None))]
    fn verify_many(
        &self,
        items: &Bound<'_, PyAny>,
        jobs: Option<usize>,
        format: Option<&str>,
    ) -> PyResult<VerifyMany> {
        VerifyMany::start(self.inner.clone(), items, jobs, parse_format(format)?)
    }

    fn __repr__(&self) -> String {
        "hallmark.Verifier(...)".into()
    }
}

/// The verifier without trust anchors, made once.
fn untrusting() -> PyResult<hallmark::Verifier> {
    static SHARED: OnceLock<hallmark::Verifier> = OnceLock::new();
    if let Some(verifier) = SHARED.get() {
        return Ok(verifier.clone());
    }
    let verifier = hallmark::Verifier::new(&TrustAnchors::none()).map_err(|e| to_py(&e))?;
    Ok(SHARED.get_or_init(|| verifier).clone())
}

/// The verifier for a `trust=` argument.
pub(crate) fn verifier_for(trust: Option<&Bound<'_, PyAny>>) -> PyResult<hallmark::Verifier> {
    match trust.filter(|t| !t.is_none()) {
        None => untrusting(),
        Some(trust) => hallmark::Verifier::new(&trust_anchors(Some(trust))?).map_err(|e| to_py(&e)),
    }
}

/// Verify the Content Credentials of a file (a path) or of bytes.
///
/// Returns the report as a dict: exactly the object the line of
/// ``hallmark verify --json`` holds for the same file (``file`` is the path
/// as given, or ``None`` for bytes). Raises a ``hallmark.Error`` subclass when
/// the input cannot be verified at all.
#[pyfunction]
#[pyo3(signature = (path_or_bytes, *, format = None, trust = None))]
pub(crate) fn verify<'py>(
    py: Python<'py>,
    path_or_bytes: &Bound<'py, PyAny>,
    format: Option<&str>,
    trust: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let claimed = parse_format(format)?;
    let item = Item::extract(path_or_bytes)?;
    let verifier = verifier_for(trust)?;
    report_dict(py, &verifier, item, claimed)
}

/// Verify many files or byte strings in Rust threads; an iterator of report
/// dicts in input order (see the stub for the full contract).
#[pyfunction]
#[pyo3(signature = (items, *, jobs = None, trust = None, format = None))]
pub(crate) fn verify_many(
    items: &Bound<'_, PyAny>,
    jobs: Option<usize>,
    trust: Option<&Bound<'_, PyAny>>,
    format: Option<&str>,
) -> PyResult<VerifyMany> {
    let claimed = parse_format(format)?;
    VerifyMany::start(verifier_for(trust)?, items, jobs, claimed)
}
