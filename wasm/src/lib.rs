//! hallmark in the browser: verify Content Credentials and read the
//! creator's training policy, offline, with no signing keys anywhere near.
//!
//! ```js
//! import init, { verify, mayUse } from "hallmark-wasm";
//! await init();
//! const report = await verify(bytes, "image/jpeg", { trustAnchors: [caPem] });
//! report.state;                      // "trusted" | "valid" | "invalid" | "none"
//! mayUse(report, "ai_training");     // "notAllowed"
//! ```
//!
//! The report has exactly the shape of `hallmark verify --json` (without
//! `file`): the library's [`hallmark::Report`], schema version 1.

use hallmark::policy::{Kind, UnknownKind};
use hallmark::{MediaFormat, Report, TrustAnchors, Verifier};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** How a creator allows one kind of use; `null` when the manifest does not mention it. */
export interface PolicyEntry {
  use: "allowed" | "notAllowed" | "constrained";
  constraint_info?: string;
}

/** The creator's training-and-data-mining policy. */
export interface Policy {
  ai_training: PolicyEntry | null;
  ai_generative_training: PolicyEntry | null;
  ai_inference: PolicyEntry | null;
  data_mining: PolicyEntry | null;
}

/** One validation status, as the C2PA engine reported it. */
export interface Status {
  code: string;
  explanation: string | null;
  url?: string;
  kind: "success" | "informational" | "failure";
  ingredient?: string;
}

/** Who signed, from the signing certificate. */
export interface Signer {
  common_name: string | null;
  organization: string | null;
  issuer: string | null;
  serial: string | null;
  alg: string | null;
  not_before: string | null;
  not_after: string | null;
}

/** One action of the active manifest. */
export interface Action {
  action: string;
  digital_source_type: string | null;
  when: string | null;
  software_agent: string | null;
}

/** One ingredient of the active manifest. */
export interface Ingredient {
  title: string | null;
  format: string | null;
  relationship: string;
  active_manifest: string | null;
}

/** What verification found: the shape of `hallmark verify --json`, schema version 1. */
export interface Report {
  schema_version: 1;
  state: "trusted" | "valid" | "invalid" | "none";
  format: string;
  title: string | null;
  claim_generator: string | null;
  signer: Signer | null;
  signed_at: string | null;
  policy: Policy;
  policy_label: string | null;
  statuses: Status[];
  actions: Action[];
  ingredients: Ingredient[];
  active_manifest: string | null;
  manifest_count: number;
  sidecar?: string;
}

/** Options of `verify`. */
export interface VerifyOptions {
  /** PEM texts of the CA certificates you trust. */
  trustAnchors?: string[];
}

/** A kind of use. */
export type Kind = "ai_training" | "ai_generative_training" | "ai_inference" | "data_mining";

/** The answer to "may this file be used for KIND?". */
export type Answer = "allowed" | "notAllowed" | "constrained" | "unspecified" | "unknown";
"#;

#[wasm_bindgen]
extern "C" {
    /// The `options` argument of `verify`, typed for TypeScript.
    #[wasm_bindgen(typescript_type = "VerifyOptions")]
    pub type VerifyOptionsArg;
}

/// Options of `verify`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyOptions {
    /// PEM texts of the CA certificates the caller trusts.
    #[serde(default)]
    trust_anchors: Vec<String>,
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Verify the Content Credentials of a file's bytes. `mimeType` is what the
/// caller believes the file is; its content decides. Bytes that cannot be
/// parsed reject with an `Error` saying why.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub async fn verify(
    bytes: Vec<u8>,
    #[wasm_bindgen(js_name = mimeType)] mime_type: String,
    options: Option<VerifyOptionsArg>,
) -> Result<JsValue, JsError> {
    let options: VerifyOptions = match options.map(JsValue::from) {
        Some(options) if !options.is_null() && !options.is_undefined() => {
            serde_wasm_bindgen::from_value(options)
                .map_err(|e| JsError::new(&format!("bad options: {e}")))?
        }
        _ => VerifyOptions::default(),
    };
    let mut anchors = TrustAnchors::none();
    for (i, pem) in options.trust_anchors.iter().enumerate() {
        anchors
            .add_pem(&format!("trust anchor {}", i + 1), pem)
            .map_err(|e| JsError::new(&e.to_string()))?;
    }
    let verifier = Verifier::new(&anchors).map_err(|e| JsError::new(&e.to_string()))?;
    let report = verifier
        .verify_bytes("input", MediaFormat::from_mime_type(&mime_type), &bytes)
        .map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&report)
}

/// May the verified file be used for `kind`? Only intact credentials answer;
/// broken or absent ones give `"unknown"`, and a constrained use is never
/// `"allowed"` — the same rule as the library and the CLI.
#[wasm_bindgen(js_name = mayUse, unchecked_return_type = "Answer")]
pub fn may_use(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Kind")] kind: String,
) -> Result<String, JsError> {
    let report: Report = serde_wasm_bindgen::from_value(report)
        .map_err(|e| JsError::new(&format!("not a report: {e}")))?;
    let kind: Kind = kind
        .parse()
        .map_err(|e: UnknownKind| JsError::new(&e.to_string()))?;
    Ok(report.may_use(kind).as_str().to_owned())
}

/// Run the engine's hashing code briefly, so the browser optimises it before
/// the first real file. Engines run WebAssembly with a baseline compiler and
/// optimise a function once it has been called often enough; a large file
/// hashed in one long call would otherwise run wholly unoptimised, several
/// times slower. `init()` of the package calls this; it takes a few
/// milliseconds.
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() {
    let block = vec![0u8; 64 * 1024];
    for _ in 0..8 {
        let _ = c2pa::hash_stream_by_alg("sha256", &mut std::io::Cursor::new(&block), None, true);
    }
}
