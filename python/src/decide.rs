//! "May this file be used for KIND?" over a report dict.

use hallmark::verify::PolicyAnswer;
use hallmark::{Answer, Report};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{Internal, bad_request};
use crate::input::{parse_kind, type_name};
use crate::report::loads;

/// A report dict back as the library's report; `None` for an error line
/// (`"state": "error"`), whose answer is always `unknown`.
pub(crate) fn report_from(report: &Bound<'_, PyAny>) -> PyResult<Option<Report>> {
    let dict = report.cast::<PyDict>().map_err(|_| {
        bad_request(format!(
            "expected a report dict from hallmark.verify, got {}",
            type_name(report)
        ))
    })?;
    let state = dict.get_item("state")?;
    if let Some(state) = state
        && state.extract::<&str>().is_ok_and(|s| s == "error")
    {
        return Ok(None);
    }
    let text: String = report
        .py()
        .import("json")?
        .getattr("dumps")?
        .call1((dict,))?
        .extract()?;
    serde_json::from_str::<Report>(&text)
        .map(Some)
        .map_err(|e| bad_request(format!("not a hallmark report: {e}")))
}

/// What ``hallmark.may_use`` answers for ``kind``, from a report dict.
///
/// One of ``"allowed"``, ``"notAllowed"``, ``"constrained"``,
/// ``"unspecified"`` or ``"unknown"``. Only intact credentials (``valid`` or
/// ``trusted``) answer for themselves; broken or absent credentials, and error
/// lines, answer ``"unknown"``, never ``"allowed"``. A constrained use is
/// ``"constrained"``, never ``"allowed"``.
#[pyfunction]
pub(crate) fn may_use(report: &Bound<'_, PyAny>, kind: &str) -> PyResult<&'static str> {
    let kind = parse_kind(kind)?;
    Ok(match report_from(report)? {
        Some(report) => report.may_use(kind).as_str(),
        None => Answer::Unknown.as_str(),
    })
}

/// The answer with what it rests on, as ``hallmark policy --json`` prints it:
/// ``file``, ``kind``, ``answer``, ``state``, ``basis``, and when they apply
/// ``constraint_info``, ``signer``, ``reason``, ``recovered_manifest`` and ``error``.
#[pyfunction]
pub(crate) fn decide<'py>(report: &Bound<'py, PyAny>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
    let kind = parse_kind(kind)?;
    let file = match report.cast::<PyDict>() {
        Ok(dict) => dict
            .get_item("file")?
            .and_then(|f| f.extract::<String>().ok()),
        Err(_) => None,
    };
    let parsed = report_from(report)?;
    let error = match (&parsed, report.cast::<PyDict>()) {
        (None, Ok(dict)) => dict
            .get_item("error")?
            .and_then(|e| e.extract::<String>().ok()),
        _ => None,
    };
    let line = PolicyAnswer::new(
        file.as_deref(),
        kind,
        parsed
            .as_ref()
            .ok_or(error.as_deref().unwrap_or("could not be verified")),
    );
    let text = serde_json::to_string(&line)
        .map_err(|e| Internal::new_err(format!("hallmark failed: {e}")))?;
    loads(report.py(), &text)
}
