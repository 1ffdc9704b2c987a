//! The fingerprint module (`hallmark_wasm_fingerprint_bg.wasm`, built with
//! the feature `fingerprint-module`): the library's image decoders and
//! fingerprint, the same code `hallmark sign` and `hallmark verify
//! --recover` run, and nothing else. The package fetches it the first time
//! a file is fingerprinted, whichever decoder is used; it is too large for
//! the core module.

use hallmark::fingerprint::Fingerprint;
use hallmark::soft_binding::{ISCC_ALGORITHM, SoftBinding};
use hallmark::{Error, ErrorKind};
use js_sys::{Uint8Array, Uint8ClampedArray};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::js::{Thrown, byte_view, kind_of, misuse, thrown, to_js};

/// A fingerprint as the package gives it: a soft binding of `io.iscc.v0`
/// (`alg`, base64 `value`, `iscc`).
fn fingerprint_value(fingerprint: &Fingerprint) -> Result<JsValue, Thrown> {
    to_js(&SoftBinding::new(ISCC_ALGORITHM, &fingerprint.unit_bytes()))
}

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
    fingerprint_value(&fingerprint)
}

/// The fingerprint of pixels the browser decoded: `rgba` holds
/// `width × height` straight RGBA pixels in display orientation (an
/// `ImageData`'s `data`). The library's normalisation (alpha over white,
/// border trim, grayscale, Pillow's bicubic resize) and the ISCC
/// Image-Code, as for the CLI; only the decoder differs.
#[wasm_bindgen(js_name = fingerprintPixels, unchecked_return_type = "Fingerprint")]
pub fn fingerprint_pixels(
    width: u32,
    height: u32,
    #[wasm_bindgen(unchecked_param_type = "Uint8ClampedArray | Uint8Array")] rgba: JsValue,
    label: String,
) -> Result<JsValue, Thrown> {
    let pixels = if let Some(array) = rgba.dyn_ref::<Uint8ClampedArray>() {
        array.to_vec()
    } else if let Some(array) = rgba.dyn_ref::<Uint8Array>() {
        array.to_vec()
    } else {
        return Err(misuse(&format!(
            "{label}: the pixels must be a Uint8ClampedArray or a Uint8Array, not {}",
            kind_of(&rgba)
        )));
    };
    let fingerprint = Fingerprint::of_rgba(&label, width, height, &pixels).map_err(Error::from)?;
    fingerprint_value(&fingerprint)
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
