//! The fingerprint module (`hallmark_wasm_fingerprint_bg.wasm`, built with
//! the feature `fingerprint-module`): the library's image decoders and
//! fingerprint, the same code `hallmark sign` and `hallmark verify
//! --recover` run, and nothing else. The package fetches it the first time
//! a file is fingerprinted; it is too large for the core module.

use hallmark::Error;
use hallmark::fingerprint::Fingerprint;
use hallmark::soft_binding::{ISCC_ALGORITHM, SoftBinding};
use wasm_bindgen::prelude::*;

use crate::js::{Thrown, byte_view, to_js};

/// The fingerprint of an encoded image (JPEG, PNG, WebP, TIFF, GIF or BMP),
/// decoded by the library within its default limits: exactly what the CLI
/// computes for the same bytes. `label` names the file in errors.
#[wasm_bindgen(js_name = fingerprintBytes, unchecked_return_type = "Fingerprint")]
pub fn fingerprint_bytes(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    label: String,
) -> Result<JsValue, Thrown> {
    let bytes = byte_view(&bytes, &label)?.to_vec();
    let fingerprint = Fingerprint::of_bytes(&label, &bytes).map_err(Error::from)?;
    to_js(&SoftBinding::new(ISCC_ALGORITHM, &fingerprint.unit_bytes()))
}
