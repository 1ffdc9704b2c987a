//! "May this file be used for KIND?" over a report dict.

use hallmark::verify::Basis;
use hallmark::{Answer, Report, State, Use};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;

use crate::errors::{Internal, bad_request};
use crate::input::{parse_kind, type_name};
use crate::verify::loads;

/// The line of `hallmark policy --json`, keys in its order.
#[derive(Serialize)]
struct Decision {
    file: Option<String>,
    kind: &'static str,
    answer: &'static str,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraint_info: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<String>,
    basis: Basis,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recovered_manifest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

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
    let (answer, basis, state) = match &parsed {
        Some(report) => {
            let (answer, basis) = report.decide(kind);
            (answer, basis, Some(report.state))
        }
        None => (Answer::Unknown, Basis::Nothing, None),
    };
    let constraint = parsed
        .as_ref()
        .and_then(|r| match r.policy_for(basis).get(kind) {
            Use::Constrained(info) if answer == Answer::Constrained => info.clone(),
            _ => None,
        });
    let recovered = parsed
        .as_ref()
        .and_then(|r| r.recovered.as_ref())
        .filter(|_| matches!(basis, Basis::Recovered | Basis::RecoveredAllowanceIgnored));
    let signer = match basis {
        Basis::Credentials | Basis::Nothing => parsed.as_ref().and_then(|r| r.signer.as_ref()),
        Basis::Recovered | Basis::RecoveredAllowanceIgnored => {
            recovered.and_then(|r| r.signer.as_ref())
        }
        Basis::Unsigned | Basis::UnsignedAllowanceIgnored => None,
    }
    .and_then(|s| s.common_name.clone().or_else(|| s.organization.clone()));
    let error = match (&parsed, report.cast::<PyDict>()) {
        (None, Ok(dict)) => dict
            .get_item("error")?
            .and_then(|e| e.extract::<String>().ok()),
        _ => None,
    };
    let line = Decision {
        file,
        kind: kind.as_str(),
        answer: answer.as_str(),
        state: state.map_or("error", State::as_str),
        constraint_info: constraint,
        signer,
        basis,
        reason: basis.explain(),
        recovered_manifest: recovered.map(|r| r.manifest_id.clone()),
        error,
    };
    let text = serde_json::to_string(&line)
        .map_err(|e| Internal::new_err(format!("hallmark failed: {e}")))?;
    loads(report.py(), &text)
}
