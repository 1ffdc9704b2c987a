//! Fingerprints in the core module: which files get one, with which
//! decoder, and the errors of the browser's decoder. The fingerprint itself
//! (of the file's bytes, or of the pixels the browser decoded) is the
//! fingerprint module's job (`decoders.rs`), fetched on first use: the
//! ISCC code and the image decoders do not fit in the core's size budget.

use hallmark::format::SNIFF_LEN;
use hallmark::{Error, ErrorKind, MediaFormat};
use js_sys::Object;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::js::{Thrown, byte_view, field, misuse, options_object, thrown, to_js};
use crate::verifier::{VerifyOptions, identify};

#[wasm_bindgen]
extern "C" {
    /// The `options` argument of `fingerprint`, typed for TypeScript.
    #[wasm_bindgen(typescript_type = "FingerprintOptions")]
    pub type FingerprintOptionsArg;
}

/// The option keys `fingerprint` knows.
pub(crate) const FINGERPRINT_KEYS: [&str; 2] = ["name", "decoder"];

/// Which decoder turns the file into pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
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

/// What `fingerprint` is to do with a file.
#[derive(Serialize)]
struct Plan {
    /// What errors call the file.
    label: String,
    /// The media type it is (what the browser's decoder is told).
    format: &'static str,
    /// The decoder to use.
    decoder: Decoder,
}

/// Check a `fingerprint` call and say what to do: the file's label, its
/// media type and the decoder. Throws for bad options, and for a file
/// hallmark does not fingerprint (an SVG, a video, a format it cannot
/// read), as the CLI refuses them.
#[wasm_bindgen(js_name = fingerprintPlan)]
pub fn fingerprint_plan(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(js_name = mimeType)] mime_type: String,
    options: Option<FingerprintOptionsArg>,
) -> Result<JsValue, Thrown> {
    let options = match options_object(
        options.map(JsValue::from),
        &FINGERPRINT_KEYS,
        "{ name: \"photo.jpg\", decoder: \"wasm\" }",
    )? {
        Some(object) => FingerprintOptions::from_object(&object)?,
        None => FingerprintOptions::default(),
    };
    plan(&bytes, &mime_type, options)
}

/// The plan for a file, once the options are read.
pub(crate) fn plan(
    bytes: &JsValue,
    mime_type: &str,
    options: FingerprintOptions,
) -> Result<JsValue, Thrown> {
    let claims = VerifyOptions {
        trust_anchors: Vec::new(),
        name: options.name,
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
    to_js(&Plan {
        label,
        format: format.mime_type(),
        decoder: options.decoder,
    })
}

/// The error for a format that gets no fingerprint.
fn unsupported(label: &str, format: MediaFormat, reason: &str) -> Thrown {
    Error::UnsupportedFormat {
        file: label.to_owned(),
        detail: format!("no fingerprint of {}: {reason}", format.name()),
    }
    .into()
}

/// The error for an image the browser could not decode (`detail`, from
/// the browser): the file's problem.
#[wasm_bindgen(js_name = undecodable)]
pub fn undecodable(label: String, detail: String) -> js_sys::Error {
    Thrown::from(Error::DamagedMedia {
        file: label,
        format: "image",
        detail: format!("the browser cannot decode it ({detail})"),
    })
    .into_error()
}

/// The error for a page or worker without the browser decoder
/// (`createImageBitmap` and `OffscreenCanvas`): the environment's problem.
#[wasm_bindgen(js_name = noBrowserDecoder)]
pub fn no_browser_decoder(label: String) -> js_sys::Error {
    thrown(
        ErrorKind::Environment,
        &format!(
            "{label}: this browser context has no image decoder for scripts \
             (createImageBitmap and OffscreenCanvas); use the decoder \"wasm\""
        ),
    )
    .into_error()
}
