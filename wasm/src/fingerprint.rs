//! Fingerprints in the core module: which files get one, and with which
//! decoder. The fingerprint itself (of the file's bytes, or of the pixels
//! the browser decoded) and the errors of the browser's decoder are the
//! fingerprint module's (`decoders.rs`), fetched on first use: the ISCC
//! code and the image decoders do not fit in the core's size budget.

use hallmark::format::SNIFF_LEN;
use hallmark::{Error, MediaFormat};
use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::js::{Thrown, byte_view, field, misuse, object, options_object};
use crate::recovery::{LOOKUP_KEYS, Lookup};
use crate::verifier::{VerifyOptions, identify};

#[wasm_bindgen]
extern "C" {
    /// The `options` argument of `fingerprint`, typed for TypeScript.
    #[wasm_bindgen(typescript_type = "FingerprintOptions")]
    pub type FingerprintOptionsArg;
}

/// The option keys `fingerprint` knows.
const FINGERPRINT_KEYS: [&str; 2] = ["name", "decoder"];

/// Which decoder turns the file into pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Decoder {
    /// The fingerprint module: the library's own decoders, as the CLI.
    #[default]
    Wasm,
    /// The browser's decoder (`createImageBitmap`), then the library's normalisation.
    Browser,
}

/// Options of `fingerprint`, read from the caller's object.
#[derive(Debug, Default)]
pub(crate) struct FingerprintOptions {
    /// The file's name: the label in errors, a format claim.
    pub(crate) name: Option<String>,
    /// Which decoder to use.
    pub(crate) decoder: Decoder,
}

impl FingerprintOptions {
    /// Read `name` and `decoder` from an options object whose keys were checked.
    pub(crate) fn from_object(object: &Object) -> Result<Self, Thrown> {
        let decoder =
            match field::<String>(object, "decoder", "\"wasm\" or \"browser\"")?.as_deref() {
                None | Some("wasm") => Decoder::Wasm,
                Some("browser") => Decoder::Browser,
                Some(other) => {
                    return Err(misuse(&format!(
                        "options.decoder must be \"wasm\" or \"browser\", not \"{other}\""
                    )));
                }
            };
        Ok(Self {
            name: field(object, "name", "a string")?,
            decoder,
        })
    }
}

/// Check a `fingerprint` call (or, with `look_up`, a `recover` call) and
/// say what to do: `{label, format, decoder}`, the file's label, its media
/// type and the decoder; with `look_up`, `{fingerprint: that, lookUp:
/// {repository, trustAnchors}}`. Throws, before anything is decoded or
/// fetched, for bad options, a repository that is no http(s) URL, a trust
/// anchor that cannot be used, and a file hallmark does not fingerprint (an
/// SVG, a video, a format it cannot read), as the CLI refuses them.
#[wasm_bindgen(js_name = fingerprintPlan)]
pub fn fingerprint_plan(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(js_name = mimeType)] mime_type: String,
    options: Option<FingerprintOptionsArg>,
    #[wasm_bindgen(js_name = lookUp)] look_up: bool,
) -> Result<JsValue, Thrown> {
    let mut keys = FINGERPRINT_KEYS.to_vec();
    if look_up {
        keys.extend(LOOKUP_KEYS);
    }
    let example = if look_up {
        "{ repository: \"https://repository.example\", trustAnchors: [pem], name: \"photo.jpg\" }"
    } else {
        "{ name: \"photo.jpg\", decoder: \"wasm\" }"
    };
    let object = options_object(options.map(JsValue::from), &keys, example)?;
    // The lookup's options first: a bad repository fails before the file is looked at.
    let lookup = if look_up {
        Some(Lookup::from_object(object.as_ref())?)
    } else {
        None
    };
    let options = match &object {
        Some(object) => FingerprintOptions::from_object(object)?,
        None => FingerprintOptions::default(),
    };
    let plan = plan(&bytes, &mime_type, options)?;
    Ok(match lookup {
        Some(lookup) => object_of_both(plan, &lookup),
        None => plan,
    })
}

/// `{fingerprint, lookUp}`: a `recover` call's plan.
fn object_of_both(plan: JsValue, lookup: &Lookup) -> JsValue {
    object(&[("fingerprint", plan), ("lookUp", lookup.to_js())])
}

/// The plan for a file, once the options are read.
fn plan(bytes: &JsValue, mime_type: &str, options: FingerprintOptions) -> Result<JsValue, Thrown> {
    let claims = VerifyOptions {
        name: options.name,
        ..VerifyOptions::default()
    };
    let label = claims.label().to_owned();
    let view = byte_view(bytes, &label)?;
    let end = view
        .length()
        .min(u32::try_from(SNIFF_LEN).unwrap_or(u32::MAX));
    let head = view.subarray(0, end).to_vec();
    let format = match identify(&head, &claims, mime_type) {
        Some(format) => format,
        None => {
            // Say why, in the library's words, as verify() would.
            let claim = claims.claim(mime_type);
            return Err(match MediaFormat::identify(&label, claim, &head, false) {
                Err(error) => error.into(),
                Ok(format) => unsupported(&label, format, "hallmark cannot read it"),
            });
        }
    };
    if let Some(reason) = format.fingerprint_refusal() {
        return Err(unsupported(&label, format, reason));
    }
    let decoder = match options.decoder {
        Decoder::Wasm => "wasm",
        Decoder::Browser => "browser",
    };
    Ok(object(&[
        ("label", JsValue::from_str(&label)),
        ("format", JsValue::from_str(format.mime_type())),
        ("decoder", JsValue::from_str(decoder)),
    ]))
}

/// The error for a format that gets no fingerprint.
fn unsupported(label: &str, format: MediaFormat, reason: &str) -> Thrown {
    Error::UnsupportedFormat {
        file: label.to_owned(),
        detail: format!("no fingerprint of {}: {reason}", format.name()),
    }
    .into()
}
