//! The C2PA soft-binding assertion (`c2pa.soft-binding`, C2PA 2.2 §18.10):
//! a fingerprint of the content, recorded in the signed manifest, that
//! survives re-encoding where the manifest itself does not, so that a
//! manifest repository can find the manifest again from a stripped copy.
//!
//! hallmark writes one block whose value is the ISCC Image-Code (ISO 24138,
//! algorithm `io.iscc.v0` of the C2PA soft-binding algorithm list) as ISCC
//! unit bytes: a 2-byte header and the 256-bit body, the ISCC-SEQ form of
//! IEP-0020. The specification makes `value` and `pad` CBOR byte strings;
//! the engine's own typed `SoftBinding` of c2pa 0.90 encodes `value` as
//! text, so hallmark serialises its own struct (`serde_bytes`).
//!
//! CDDL (soft-binding.cddl): `{ "alg": tstr, "blocks": [+ { "scope": {…},
//! "value": bstr }], "pad": bstr, ? "pad2": bstr, ? "name": tstr,
//! ? "alg-params": bstr }`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The assertion's label.
pub const LABEL: &str = "c2pa.soft-binding";

/// The ISCC algorithm's name in the C2PA soft-binding algorithm list.
pub const ISCC_ALGORITHM: &str = "io.iscc.v0";

/// The ISCC unit header of a 256-bit Image-Code (Content, Image, v0, 256 bits).
pub const ISCC_IMAGE_256_HEADER: [u8; 2] = [0x21, 0x07];

/// The most soft bindings read from one manifest (a guard against hostile files).
const MAX_BINDINGS: usize = 16;

/// The largest soft-binding value read (far more than any fingerprint needs).
const MAX_VALUE_BYTES: usize = 4096;

/// The assertion as it is written: CBOR with byte strings where the
/// specification says `bstr`.
#[cfg(feature = "sign")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SoftBindingAssertion {
    /// The algorithm, e.g. `io.iscc.v0`.
    alg: String,
    /// The values, one per scope (hallmark writes one, for the whole asset).
    blocks: Vec<Block>,
    /// Required padding (empty).
    #[serde(with = "serde_bytes")]
    pad: Vec<u8>,
}

/// One soft-binding block.
#[cfg(feature = "sign")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Block {
    /// The part of the asset it covers; empty: all of it.
    scope: Scope,
    /// The algorithm's value for that part.
    #[serde(with = "serde_bytes")]
    value: Vec<u8>,
}

/// An empty scope: the whole asset.
#[cfg(feature = "sign")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Scope {}

#[cfg(feature = "sign")]
impl SoftBindingAssertion {
    /// The assertion for one whole-asset value of `alg`.
    pub(crate) fn whole_asset(alg: &str, value: Vec<u8>) -> Self {
        SoftBindingAssertion {
            alg: alg.to_owned(),
            blocks: vec![Block {
                scope: Scope::default(),
                value,
            }],
            pad: Vec::new(),
        }
    }
}

/// A soft binding read from a manifest, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoftBinding {
    /// The algorithm, e.g. `io.iscc.v0`.
    pub alg: String,
    /// The value, base64 (standard alphabet, padded): what the Soft Binding
    /// Resolution API's `value` parameter takes.
    pub value: String,
    /// For `io.iscc.v0`, the value as an ISCC code (`ISCC:EED…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iscc: Option<String>,
}

impl SoftBinding {
    /// The binding of `alg` with raw `value` bytes.
    pub fn new(alg: &str, value: &[u8]) -> Self {
        SoftBinding {
            alg: alg.to_owned(),
            value: BASE64.encode(value),
            iscc: (alg == ISCC_ALGORITHM)
                .then(|| iscc_string(value))
                .flatten(),
        }
    }

    /// The value's bytes, when `value` is valid base64.
    pub fn value_bytes(&self) -> Option<Vec<u8>> {
        BASE64.decode(&self.value).ok()
    }
}

/// `ISCC:` and the RFC 4648 base32 (no padding) of ISCC unit bytes, for a
/// 256-bit Image-Code; `None` for anything else.
pub fn iscc_string(unit: &[u8]) -> Option<String> {
    if unit.len() != 34 || unit[..2] != ISCC_IMAGE_256_HEADER {
        return None;
    }
    Some(format!("ISCC:{}", data_encoding::BASE32_NOPAD.encode(unit)))
}

/// The soft bindings of the assertions with the soft-binding label among
/// `assertions` (each the assertion's data as the engine renders it in
/// JSON), at most a few, values bounded. Anything unreadable is skipped:
/// a soft binding is a lookup aid, never part of the verdict.
pub fn from_assertion_values<'a>(
    assertions: impl IntoIterator<Item = &'a Value>,
) -> Vec<SoftBinding> {
    let mut out = Vec::new();
    for data in assertions {
        let Some(alg) = data.get("alg").and_then(Value::as_str) else {
            continue;
        };
        let blocks = data.get("blocks").and_then(Value::as_array);
        for block in blocks.into_iter().flatten() {
            if out.len() >= MAX_BINDINGS {
                return out;
            }
            if let Some(value) = block.get("value").and_then(bytes_of) {
                out.push(SoftBinding::new(alg, &value));
            }
        }
    }
    out
}

/// The bytes of a CBOR byte string as the engine renders it in JSON: an
/// array of numbers, or a base64 string.
fn bytes_of(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::Array(items) if items.len() <= MAX_VALUE_BYTES => items
            .iter()
            .map(|item| item.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect(),
        Value::String(text) if text.len() <= MAX_VALUE_BYTES * 2 => {
            BASE64.decode(text).ok().or_else(|| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(text)
                    .ok()
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit() -> Vec<u8> {
        let mut unit = ISCC_IMAGE_256_HEADER.to_vec();
        unit.extend((0u8..32).map(|i| i.wrapping_mul(37)));
        unit
    }

    #[test]
    #[cfg(feature = "sign")]
    fn the_value_and_the_pad_are_cbor_byte_strings() {
        let assertion = SoftBindingAssertion::whole_asset(ISCC_ALGORITHM, unit());
        let cbor = c2pa_cbor::to_vec(&assertion).unwrap();
        // Find the "value" key; the item after it must be of major type 2 (bstr).
        let key = b"\x65value";
        let at = cbor.windows(key.len()).position(|w| w == key).unwrap() + key.len();
        assert_eq!(cbor[at] >> 5, 2, "value is a byte string: {:02x}", cbor[at]);
        assert_eq!(cbor[at] & 0x1f, 24, "with a one-byte length");
        assert_eq!(usize::from(cbor[at + 1]), 34);
        let key = b"\x63pad";
        let at = cbor.windows(key.len()).position(|w| w == key).unwrap() + key.len();
        assert_eq!(cbor[at], 0x40, "pad is an empty byte string");
        let key = b"\x65scope";
        let at = cbor.windows(key.len()).position(|w| w == key).unwrap() + key.len();
        assert_eq!(cbor[at], 0xa0, "scope is an empty map");
    }

    #[test]
    fn an_iscc_value_reads_as_its_code() {
        let binding = SoftBinding::new(ISCC_ALGORITHM, &unit());
        assert!(binding.iscc.as_deref().unwrap().starts_with("ISCC:EED"));
        assert_eq!(binding.value_bytes().unwrap(), unit());
        let other = SoftBinding::new("com.example.watermark", &[1, 2, 3]);
        assert_eq!(other.iscc, None);
        assert_eq!(other.value, "AQID");
    }

    #[test]
    fn values_are_read_as_numbers_or_base64_and_bounded() {
        let as_numbers = serde_json::json!({"alg": ISCC_ALGORITHM, "blocks": [{"scope": {}, "value": unit()}], "pad": []});
        let as_text = serde_json::json!({"alg": ISCC_ALGORITHM, "blocks": [{"scope": {}, "value": BASE64.encode(unit())}]});
        let read = from_assertion_values([&as_numbers, &as_text]);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0], read[1]);
        let hostile =
            serde_json::json!({"alg": "x", "blocks": [{"value": [300]}, {"value": {"no": 1}}, {}]});
        assert!(from_assertion_values([&hostile]).is_empty());
        let many: Vec<Value> = (0..40)
            .map(|_| serde_json::json!({"alg": "x", "blocks": [{"value": [1]}]}))
            .collect();
        assert_eq!(from_assertion_values(&many).len(), MAX_BINDINGS);
    }
}
