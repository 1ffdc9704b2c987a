//! Signing: the library's [`SignOptions`] as keyword arguments, credentials
//! loaded once from a folder made by `hallmark keygen`.

use std::io::Cursor;
use std::path::PathBuf;

use hallmark::credentials::{CredentialsFolder, SigningCredentials};
use hallmark::sign::{
    SignOptions, Signed, SoftBindingOutcome, SourceType, sign_file, sign_sidecar, sign_stream,
};
use hallmark::{Kind, Overwrite, TrainingPolicy, Use};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use secrecy::SecretString;

use crate::errors::{BadSetup, bad_request, guarded, raise, to_py};
use crate::input::{BYTES_LABEL, Item, parse_format, type_name};

/// Signing credentials (a certificate chain and its private key), loaded
/// once from a folder made by ``hallmark keygen`` and decrypted with its
/// passphrase; pass it as ``credentials=`` to sign many files without
/// decrypting the key each time.
#[pyclass(module = "hallmark", frozen)]
pub(crate) struct Credentials {
    inner: SigningCredentials,
}

#[pymethods]
impl Credentials {
    #[new]
    fn new(py: Python<'_>, folder: PathBuf, passphrase: &str) -> PyResult<Self> {
        let secret = SecretString::from(passphrase.to_owned());
        load(py, folder, secret).map(|inner| Credentials { inner })
    }

    fn __repr__(&self) -> String {
        "hallmark.Credentials(...)".into()
    }
}

/// Load a credentials folder without the GIL (decrypting the key is slow on purpose).
fn load(py: Python<'_>, folder: PathBuf, passphrase: SecretString) -> PyResult<SigningCredentials> {
    let place = CredentialsFolder::at(&folder);
    if !place.exists() {
        return Err(BadSetup::new_err(format!(
            "{}: no credentials here; make them with `hallmark keygen --name \"Your Name\"`",
            folder.display()
        )));
    }
    py.detach(move || place.load(Some(&passphrase)))
        .map_err(|e| to_py(&e))
}

/// The credentials `credentials=` names: a loaded [`Credentials`] or a folder.
pub(crate) fn credentials_from(
    py: Python<'_>,
    credentials: &Bound<'_, PyAny>,
    passphrase: Option<&str>,
) -> PyResult<SigningCredentials> {
    if let Ok(loaded) = credentials.cast::<Credentials>() {
        return Ok(loaded.get().inner.clone());
    }
    let folder = credentials.extract::<PathBuf>().map_err(|_| {
        PyTypeError::new_err(format!(
            "credentials: expected hallmark.Credentials or a folder path, got {}",
            type_name(credentials)
        ))
    })?;
    let Some(passphrase) = passphrase else {
        return Err(BadSetup::new_err(
            "a passphrase is needed to unlock the credentials folder: pass passphrase=",
        ));
    };
    load(py, folder, SecretString::from(passphrase.to_owned()))
}

/// A kind of use, or `all` of them.
fn kinds(text: &str) -> PyResult<Vec<Kind>> {
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(Kind::ALL.to_vec());
    }
    text.parse::<Kind>()
        .map(|kind| vec![kind])
        .map_err(|e| bad_request(format!("{e}, or all")))
}

/// The policy `allow=` and `constrain=` state; every other use not allowed
/// (as `hallmark sign --allow --constrain`).
fn policy_from(
    allow: Option<&Bound<'_, PyAny>>,
    constrain: Option<&Bound<'_, PyDict>>,
) -> PyResult<TrainingPolicy> {
    let mut policy = TrainingPolicy::deny_all();
    let mut named = Vec::new();
    if let Some(allow) = allow.filter(|a| !a.is_none()) {
        let entries: Vec<String> = if allow.is_instance_of::<PyString>() {
            vec![allow.extract()?]
        } else {
            allow
                .try_iter()?
                .map(|entry| entry?.extract::<String>())
                .collect::<PyResult<_>>()?
        };
        for entry in entries {
            for kind in kinds(&entry)? {
                policy.set(kind, Use::Allowed);
                named.push(kind);
            }
        }
    }
    if let Some(constrain) = constrain {
        for (key, terms) in constrain.iter() {
            let key: String = key.extract()?;
            let terms: Option<String> = terms.extract()?;
            for kind in kinds(&key)? {
                if named.contains(&kind) {
                    return Err(bad_request(format!(
                        "{kind} is both allowed and constrained; say one or the other"
                    )));
                }
                let terms = terms.as_deref().map(str::trim).filter(|t| !t.is_empty());
                policy.set(kind, Use::Constrained(terms.map(str::to_owned)));
            }
        }
    }
    Ok(policy)
}

/// [`SignOptions`] from keyword arguments.
#[allow(clippy::too_many_arguments, reason = "one argument per signing option")]
fn options(
    title: Option<String>,
    author: Option<String>,
    source_type: Option<&str>,
    allow: Option<&Bound<'_, PyAny>>,
    constrain: Option<&Bound<'_, PyDict>>,
    soft_binding: bool,
    iptc: bool,
) -> PyResult<SignOptions> {
    let source_type = match source_type {
        None => SourceType::default(),
        Some(text) => text
            .parse::<SourceType>()
            .map_err(|e| bad_request(e.to_string()))?,
    };
    Ok(SignOptions {
        title,
        author,
        source_type,
        policy: policy_from(allow, constrain)?,
        soft_binding,
        iptc,
    })
}

/// What signing did, as a dict.
fn signed_dict<'py>(
    py: Python<'py>,
    output: Option<&str>,
    signed: &Signed,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("output", output)?;
    dict.set_item("format", signed.format.name())?;
    dict.set_item("kept_parent", signed.kept_parent)?;
    dict.set_item("manifest_bytes", signed.manifest_bytes)?;
    let soft_binding = match &signed.soft_binding {
        SoftBindingOutcome::Added(_) => Some("added".to_owned()),
        SoftBindingOutcome::Off => None,
        SoftBindingOutcome::NotFingerprinted(why) => Some(format!("none: {why}")),
        SoftBindingOutcome::Failed(why) => Some(format!("failed: {why}")),
        // A new outcome of a later library: say that it is not a binding.
        _ => Some("none".to_owned()),
    };
    dict.set_item("soft_binding", soft_binding)?;
    Ok(dict)
}

/// Sign a file, or bytes, with a C2PA manifest stating the creator's training policy.
///
/// See the stub (``hallmark/_native.pyi``) for every argument.
#[pyfunction]
#[pyo3(signature = (
    input, output = None, *, credentials, passphrase = None, title = None, author = None,
    source_type = None, allow = None, constrain = None, soft_binding = true, iptc = true,
    overwrite = false, sidecar = false, format = None,
))]
#[allow(
    clippy::too_many_arguments,
    reason = "one keyword argument per signing option"
)]
pub(crate) fn sign<'py>(
    py: Python<'py>,
    input: &Bound<'py, PyAny>,
    output: Option<PathBuf>,
    credentials: &Bound<'py, PyAny>,
    passphrase: Option<&str>,
    title: Option<String>,
    author: Option<String>,
    source_type: Option<&str>,
    allow: Option<&Bound<'py, PyAny>>,
    constrain: Option<&Bound<'py, PyDict>>,
    soft_binding: bool,
    iptc: bool,
    overwrite: bool,
    sidecar: bool,
    format: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = options(
        title,
        author,
        source_type,
        allow,
        constrain,
        soft_binding,
        iptc,
    )?;
    let claimed = parse_format(format)?;
    let item = Item::extract(input)?;
    let credentials = credentials_from(py, credentials, passphrase)?;
    let overwrite = if overwrite {
        Overwrite::Replace
    } else {
        Overwrite::Never
    };
    match (item, output) {
        (Item::Bytes(bytes), None) => {
            if sidecar {
                return Err(bad_request(
                    "sidecar=True signs a file: give a path and an output",
                ));
            }
            let signed = py.detach(move || {
                guarded(BYTES_LABEL, || {
                    let mut out = Cursor::new(Vec::new());
                    sign_stream(
                        &credentials,
                        BYTES_LABEL,
                        claimed,
                        &mut Cursor::new(bytes),
                        &mut out,
                        &options,
                    )
                    .map(|_| out.into_inner())
                })
            });
            let signed = signed.map_err(|(kind, message)| raise(kind, message))?;
            Ok(PyBytes::new(py, &signed).into_any())
        }
        (Item::Bytes(_), Some(_)) => Err(bad_request(
            "bytes are signed into bytes: call sign(data) without an output and write the result",
        )),
        (Item::Path(_), None) => Err(bad_request(
            "say where the signed copy goes: sign(input, output); the input is never modified",
        )),
        (Item::Path(input), Some(output)) => {
            if claimed.is_some() {
                return Err(bad_request(
                    "format= applies to bytes; a file's format is read from its content",
                ));
            }
            let name = output.display().to_string();
            let label = input.display().to_string();
            let signed = py.detach(|| {
                guarded(&label, || {
                    if sidecar {
                        sign_sidecar(&credentials, &input, &output, &options, overwrite)
                    } else {
                        sign_file(&credentials, &input, &output, &options, overwrite)
                    }
                })
            });
            let signed = signed.map_err(|(kind, message)| raise(kind, message))?;
            Ok(signed_dict(py, Some(&name), &signed)?.into_any())
        }
    }
}
