//! Verifying files and bytes into the report dict `hallmark verify --json` prints.

use std::sync::OnceLock;

use hallmark::{MediaFormat, TrustAnchors};
use pyo3::prelude::*;

use crate::errors::{raise, to_py};
use crate::input::{self, Item, parse_format, trust_anchors};
use crate::many::VerifyMany;
use crate::report::{json_line, loads, verify_item};

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
/// path, PEM text, or a list of them. ``identity_issuers=`` pins identity
/// issuers: a DID document's path, its JSON text, or a list of them; an
/// identity whose credential checks out against a pinned issuer is
/// ``"verified"`` (nothing is ever fetched). Reuse one verifier for many
/// calls; it is safe to share between threads.
#[pyclass(module = "hallmark", frozen, name = "Verifier")]
pub(crate) struct PyVerifier {
    pub(crate) inner: hallmark::Verifier,
}

#[pymethods]
impl PyVerifier {
    #[new]
    #[pyo3(signature = (*, trust = None, identity_issuers = None))]
    fn new(
        trust: Option<&Bound<'_, PyAny>>,
        identity_issuers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let anchors = trust_anchors(trust)?;
        let issuers = input::identity_issuers(identity_issuers)?;
        Ok(PyVerifier {
            inner: hallmark::Verifier::with_identity_issuers(&anchors, &issuers)
                .map_err(|e| to_py(&e))?,
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
