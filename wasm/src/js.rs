//! What every module of the package shares: the browser's errors (`thrown`,
//! the one place the library's error kinds become browser errors) and the
//! reading of JavaScript arguments.

use hallmark::ErrorKind;
use js_sys::{ArrayBuffer, Function, Object, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// What the exports throw: a JavaScript `Error` made by `thrown`, which
/// says whose problem it is. Public only because the exports return it.
pub struct Thrown(js_sys::Error);

impl From<Thrown> for JsValue {
    fn from(thrown: Thrown) -> Self {
        thrown.0.into()
    }
}

impl From<hallmark::Error> for Thrown {
    fn from(error: hallmark::Error) -> Self {
        thrown(error.kind(), &error.to_string())
    }
}

impl Thrown {
    /// The `Error` itself, to hand to JavaScript as a value rather than throw
    /// it (the browser decoder's errors, made by the fingerprint module).
    #[cfg(any(feature = "fingerprint-module", feature = "sign-module"))]
    pub(crate) fn into_error(self) -> js_sys::Error {
        self.0
    }
}

/// The browser's error for an error of `kind`: a JavaScript `Error` with the
/// message as it is, its `name` saying whose problem it is (`BadInputError`,
/// `BadSetupError`…) and a `kind` property holding [`ErrorKind::as_str`]
/// (`bad_input`, `bad_setup`…). The one place the library's error kinds
/// become browser errors: every kind is mapped here, and nothing looks at a
/// message to decide.
pub(crate) fn thrown(kind: ErrorKind, message: &str) -> Thrown {
    let name = match kind {
        ErrorKind::BadInput => "BadInputError",
        ErrorKind::BadRequest => "BadRequestError",
        ErrorKind::BadSetup => "BadSetupError",
        ErrorKind::Environment => "EnvironmentError",
        ErrorKind::Internal => "InternalError",
    };
    let error = js_sys::Error::new(message);
    error.set_name(name);
    // Setting a property of a fresh, ordinary object cannot fail.
    let _ = Reflect::set(
        &error,
        &JsValue::from_str("kind"),
        &JsValue::from_str(kind.as_str()),
    );
    Thrown(error)
}

/// The error for a call the API cannot take as made: an unknown option, an
/// argument of the wrong type. It is the caller's request that is wrong.
pub(crate) fn misuse(message: &str) -> Thrown {
    thrown(ErrorKind::BadRequest, message)
}

/// What errors call the input when the caller gives no name.
pub(crate) const UNNAMED: &str = "input";

/// An options argument as an object whose keys are all among `known`;
/// `None` for `undefined` and `null`. `example` shows what one looks like.
pub(crate) fn options_object(
    options: Option<JsValue>,
    known: &[&str],
    example: &str,
) -> Result<Option<Object>, Thrown> {
    let value = match options {
        Some(value) if !value.is_null() && !value.is_undefined() => value,
        _ => return Ok(None),
    };
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(misuse(&format!(
            "options must be an object such as {example}, not {}",
            kind_of(&value)
        )));
    }
    let object: Object = value.unchecked_into();
    for key in Object::keys(&object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            let names = match known.split_last() {
                Some((last, [])) => (*last).to_owned(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            };
            return Err(misuse(&format!(
                "unknown option \"{key}\": the options are {names}"
            )));
        }
    }
    Ok(Some(object))
}

/// One field of an options object; `undefined` and `null` are absent.
pub(crate) fn field<T: DeserializeOwned>(
    object: &Object,
    key: &str,
    expected: &str,
) -> Result<Option<T>, Thrown> {
    let value = Reflect::get(object, &JsValue::from_str(key))
        .map_err(|_| misuse(&format!("options.{key} cannot be read")))?;
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value(value.clone())
        .map(Some)
        .map_err(|_| {
            misuse(&format!(
                "options.{key} must be {expected}, not {}",
                kind_of(&value)
            ))
        })
}

/// A JavaScript value's kind in words, for errors: "a string", "a DataView", "null".
pub(crate) fn kind_of(value: &JsValue) -> String {
    if value.is_null() || value.is_undefined() {
        return if value.is_null() { "null" } else { "undefined" }.into();
    }
    let name = if js_sys::Array::is_array(value) {
        "Array".to_owned()
    } else {
        match value.js_typeof().as_string().unwrap_or_default().as_str() {
            "object" => Reflect::get(value, &JsValue::from_str("constructor"))
                .ok()
                .and_then(|c| c.dyn_into::<Function>().ok())
                .map(|c| String::from(c.name()))
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "object".into()),
            other => other.to_owned(),
        }
    };
    let article = match name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    };
    format!("{article} {name}")
}

/// The input as a view of its bytes: a `Uint8Array`, or a whole `ArrayBuffer`.
pub(crate) fn byte_view(bytes: &JsValue, label: &str) -> Result<Uint8Array, Thrown> {
    if let Some(array) = bytes.dyn_ref::<Uint8Array>() {
        return Ok(array.clone());
    }
    if let Some(buffer) = bytes.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer));
    }
    Err(misuse(&format!(
        "{label}: the bytes must be a Uint8Array or an ArrayBuffer, not {}",
        kind_of(bytes)
    )))
}

/// A plain object with these properties, built directly: cheaper in the
/// module than a serde `Serialize` for each small answer.
pub(crate) fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in properties {
        // Setting a property of a fresh, ordinary object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

/// A value as the plain JavaScript object its JSON would parse to.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Thrown> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| thrown(ErrorKind::Internal, &e.to_string()))
}
