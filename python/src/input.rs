//! What Python hands in: files or bytes, trust anchors, formats, kinds.

use std::path::PathBuf;

use hallmark::identity::IdentityIssuers;
use hallmark::{Kind, MediaFormat, TrustAnchors};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

use crate::errors::{BadSetup, bad_request, to_py};

/// The label of bytes in error messages (bytes have no file name).
pub(crate) const BYTES_LABEL: &str = "bytes";

/// One thing to verify: a file, or bytes held in memory.
pub(crate) enum Item {
    /// A file, by path.
    Path(PathBuf),
    /// Media bytes, copied out of Python so that they can be read without the GIL.
    Bytes(Vec<u8>),
}

impl Item {
    /// Read a path (`str` or `os.PathLike`) or bytes (`bytes`, `bytearray`, `memoryview`).
    pub(crate) fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Item> {
        if let Ok(bytes) = obj.cast::<PyBytes>() {
            return Ok(Item::Bytes(bytes.as_bytes().to_vec()));
        }
        if let Ok(array) = obj.cast::<PyByteArray>() {
            return Ok(Item::Bytes(array.to_vec()));
        }
        if obj.is_instance_of::<PyMemoryView>() {
            let copied = obj.py().get_type::<PyBytes>().call1((obj,))?;
            let bytes = copied.cast::<PyBytes>()?;
            return Ok(Item::Bytes(bytes.as_bytes().to_vec()));
        }
        obj.extract::<PathBuf>().map(Item::Path).map_err(|_| {
            PyTypeError::new_err(format!(
                "expected a path (str or os.PathLike) or bytes, got {}",
                type_name(obj)
            ))
        })
    }

    /// The name the report and error lines carry: the path as given, or none for bytes.
    pub(crate) fn file(&self) -> Option<String> {
        match self {
            Item::Path(path) => Some(path.display().to_string()),
            Item::Bytes(_) => None,
        }
    }
}

/// The Python type name of `obj`, for messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".into())
}

/// A claimed media format: a file extension (`jpg`, `.png`) or a media type (`image/jpeg`).
pub(crate) fn parse_format(text: Option<&str>) -> PyResult<Option<MediaFormat>> {
    let Some(text) = text else { return Ok(None) };
    let trimmed = text.trim();
    let found = if trimmed.contains('/') {
        MediaFormat::from_mime_type(trimmed)
    } else {
        MediaFormat::from_extension(trimmed.trim_start_matches('.'))
    };
    found.map(Some).ok_or_else(|| {
        bad_request(format!(
            "unknown format \"{text}\": give a file extension (jpg, png, …) or a media type (image/jpeg, …)"
        ))
    })
}

/// A kind of use: `ai_training`, `ai_generative_training`, `ai_inference` or `data_mining`.
pub(crate) fn parse_kind(text: &str) -> PyResult<Kind> {
    text.parse::<Kind>().map_err(|e| bad_request(e.to_string()))
}

/// Trust anchors from what `trust=` holds: `None`, one PEM file path or PEM
/// text, or a list of them; a file as `hallmark verify --trust` reads it.
pub(crate) fn trust_anchors(trust: Option<&Bound<'_, PyAny>>) -> PyResult<TrustAnchors> {
    let mut anchors = TrustAnchors::none();
    one_or_many(
        trust,
        "trust: expected a PEM file path, PEM text, or a list of them",
        |entry| add_anchor(&mut anchors, entry),
    )?;
    Ok(anchors)
}

/// Call `add` for what a `trust=`-like argument holds: nothing for `None`,
/// the value itself when it is one item (a `str`, `bytes` or path-like
/// object), else each item of it; `expected` (ending in what was expected)
/// opens the error for anything else.
fn one_or_many(
    value: Option<&Bound<'_, PyAny>>,
    expected: &str,
    mut add: impl FnMut(&Bound<'_, PyAny>) -> PyResult<()>,
) -> PyResult<()> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(());
    };
    let single = value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyBytes>()
        || value.hasattr("__fspath__")?;
    if single {
        return add(value);
    }
    let items = value
        .try_iter()
        .map_err(|_| PyTypeError::new_err(format!("{expected}, got {}", type_name(value))))?;
    for entry in items {
        add(&entry?)?;
    }
    Ok(())
}

/// Add one PEM file (a path) or PEM text (`str` or `bytes` holding `-----BEGIN`).
fn add_anchor(anchors: &mut TrustAnchors, entry: &Bound<'_, PyAny>) -> PyResult<()> {
    let pem_text = if let Ok(text) = entry.extract::<String>() {
        text.contains("-----BEGIN").then_some(text)
    } else if let Ok(bytes) = entry.cast::<PyBytes>() {
        let text = String::from_utf8(bytes.as_bytes().to_vec()).map_err(|_| {
            BadSetup::new_err(
                "trust: not PEM text: expected -----BEGIN CERTIFICATE-----, found binary data",
            )
        })?;
        Some(text)
    } else {
        None
    };
    if let Some(text) = pem_text {
        anchors.add_pem("trust", &text).map_err(|e| to_py(&e))?;
        return Ok(());
    }
    let path = entry.extract::<PathBuf>().map_err(|_| {
        PyTypeError::new_err(format!(
            "trust: expected a PEM file path or PEM text, got {}",
            type_name(entry)
        ))
    })?;
    let name = path.display().to_string();
    let bytes = std::fs::read(&path)
        .map_err(|e| BadSetup::new_err(format!("{name}: cannot read the trust list: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        BadSetup::new_err(format!(
            "{name}: not a trust list: expected PEM text (-----BEGIN CERTIFICATE-----), found binary data"
        ))
    })?;
    anchors.add_pem(&name, &text).map_err(|e| to_py(&e))?;
    Ok(())
}

/// The pinned identity issuers of an `identity_issuers=` argument: a DID
/// document's path, its JSON text (`str` or `bytes`), or a list of them.
pub(crate) fn identity_issuers(value: Option<&Bound<'_, PyAny>>) -> PyResult<IdentityIssuers> {
    let mut issuers = IdentityIssuers::none();
    one_or_many(
        value,
        "identity_issuers: expected a DID document's path, its JSON text, or a list of them",
        |entry| add_issuer(&mut issuers, entry),
    )?;
    Ok(issuers)
}

/// Pin one DID document: JSON text (`str` starting with `{`, or `bytes`) or a path.
fn add_issuer(issuers: &mut IdentityIssuers, entry: &Bound<'_, PyAny>) -> PyResult<()> {
    let text = if let Ok(text) = entry.extract::<String>() {
        text.trim_start().starts_with('{').then_some(text)
    } else if let Ok(bytes) = entry.cast::<PyBytes>() {
        Some(String::from_utf8(bytes.as_bytes().to_vec()).map_err(|_| {
            BadSetup::new_err(
                "identity_issuers: not a DID document: expected JSON text, found binary data",
            )
        })?)
    } else {
        None
    };
    if let Some(text) = text {
        return issuers
            .add_json("identity_issuers", &text)
            .map_err(|e| to_py(&e));
    }
    let path = entry.extract::<PathBuf>().map_err(|_| {
        PyTypeError::new_err(format!(
            "identity_issuers: expected a DID document's path or JSON text, got {}",
            type_name(entry)
        ))
    })?;
    issuers.add_file(&path).map_err(|e| to_py(&e))
}
