//! `hallmark.derive`: a platform's rendition signed with the creator's
//! original as its parent ingredient, keeping the original's policy.

use std::path::PathBuf;

use hallmark::sign::{CheckedOriginal, DeriveOptions, derive_file};
use hallmark::{Overwrite, Verifier};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{bad_request, guarded, raise, to_py};
use crate::input::{parse_kind, trust_anchors};
use crate::signing::credentials_from;

/// Sign the rendition `rendition` into `output`, derived from `original`.
///
/// See the stub (``hallmark/_native.pyi``) for every argument.
#[pyfunction]
#[pyo3(signature = (
    rendition, output, *, original, credentials, passphrase = None, trust = None,
    action = None, restrict = None, overwrite = false,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per derive option"
)]
pub(crate) fn derive<'py>(
    py: Python<'py>,
    rendition: PathBuf,
    output: PathBuf,
    original: PathBuf,
    credentials: &Bound<'py, PyAny>,
    passphrase: Option<&str>,
    trust: Option<&Bound<'py, PyAny>>,
    action: Option<String>,
    restrict: Option<Vec<String>>,
    overwrite: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let mut options = DeriveOptions::default();
    if let Some(action) = action {
        if !action.starts_with("c2pa.") {
            return Err(bad_request(format!(
                "action={action:?}: a C2PA action name such as c2pa.resized or c2pa.transcoded"
            )));
        }
        options.action = action;
    }
    for kind in restrict.unwrap_or_default() {
        options.restrict.push(parse_kind(&kind)?);
    }
    let anchors = trust_anchors(trust)?;
    let verifier = Verifier::new(&anchors).map_err(|e| to_py(&e))?;
    let credentials = credentials_from(py, credentials, passphrase)?;
    let overwrite = if overwrite {
        Overwrite::Replace
    } else {
        Overwrite::Never
    };
    let label = rendition.display().to_string();
    let derived = py.detach(|| {
        guarded(&label, || {
            let original = CheckedOriginal::from_file(&verifier, &original, &options)?;
            derive_file(
                &credentials,
                &original,
                &rendition,
                &output,
                &options,
                overwrite,
            )
        })
    });
    let derived = derived.map_err(|(kind, message)| raise(kind, message))?;
    let dict = PyDict::new(py);
    dict.set_item("output", output.display().to_string())?;
    dict.set_item("format", derived.signed.format.name())?;
    dict.set_item("original_manifest", &derived.original_manifest)?;
    let policy = serde_json::to_string(&derived.policy).unwrap_or_else(|_| "{}".into());
    let policy = py.import("json")?.call_method1("loads", (policy,))?;
    dict.set_item("policy", policy)?;
    Ok(dict)
}
