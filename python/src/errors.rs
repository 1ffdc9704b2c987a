//! The exception hierarchy: `hallmark.Error` and one subclass per
//! [`hallmark::ErrorKind`], chosen by the error's kind, never by its words.

use hallmark::ErrorKind;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    hallmark,
    Error,
    PyException,
    "Every error hallmark raises; its message names the file and the problem."
);
create_exception!(
    hallmark,
    BadInput,
    Error,
    "The file or bytes given are unusable: damaged, empty, of the wrong or an unsupported type, too large, or not a regular file."
);
create_exception!(
    hallmark,
    BadRequest,
    Error,
    "What was asked cannot be done as asked: invalid or conflicting options, an output that exists, a format that cannot be signed."
);
create_exception!(
    hallmark,
    BadSetup,
    Error,
    "The set-up is unusable: signing credentials, passphrase or trust anchors."
);
create_exception!(
    hallmark,
    Environment,
    Error,
    "The operating system refused a read or a write (permissions, a full disk, a vanished file)."
);
create_exception!(
    hallmark,
    Internal,
    Error,
    "hallmark, or the C2PA engine under it, failed in a way it has no better words for."
);

/// The Python exception for a library error: its class from the error's kind.
pub(crate) fn to_py(err: &hallmark::Error) -> PyErr {
    raise(err.kind(), err.to_string())
}

/// An exception of the class for `kind`, with `message`.
pub(crate) fn raise(kind: ErrorKind, message: String) -> PyErr {
    match kind {
        ErrorKind::BadInput => BadInput::new_err(message),
        ErrorKind::BadRequest => BadRequest::new_err(message),
        ErrorKind::BadSetup => BadSetup::new_err(message),
        ErrorKind::Environment => Environment::new_err(message),
        ErrorKind::Internal => Internal::new_err(message),
    }
}

/// Run `work` (signing, verifying) so that a panic in it becomes an internal
/// error about `file`, never a Python `PanicException`.
pub(crate) fn guarded<T>(
    file: &str,
    work: impl FnOnce() -> hallmark::Result<T>,
) -> Result<T, (ErrorKind, String)> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err((err.kind(), err.to_string())),
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            Err((
                ErrorKind::Internal,
                format!("{file}: hallmark failed on this file ({why}); please report it"),
            ))
        }
    }
}

/// A `hallmark.BadRequest` with `message`.
pub(crate) fn bad_request(message: impl Into<String>) -> PyErr {
    raise(ErrorKind::BadRequest, message.into())
}

/// Add the exception classes to the module, each with its `kind` (the
/// library's stable name: `bad_input`, `bad_request`, …) as a class attribute.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<Error>();
    base.setattr("kind", py.None())?;
    m.add("Error", base)?;
    let kinds = [
        (ErrorKind::BadInput, py.get_type::<BadInput>()),
        (ErrorKind::BadRequest, py.get_type::<BadRequest>()),
        (ErrorKind::BadSetup, py.get_type::<BadSetup>()),
        (ErrorKind::Environment, py.get_type::<Environment>()),
        (ErrorKind::Internal, py.get_type::<Internal>()),
    ];
    for (kind, class) in kinds {
        class.setattr("kind", kind.as_str())?;
        m.add(class.name()?, class)?;
    }
    Ok(())
}
