//! hallmark in the browser: verify Content Credentials and read the
//! creator's training policy, offline, with no signing keys anywhere near.
//!
//! ```js
//! import init, { verify, mayUse, words } from "hallmark-wasm";
//! await init();
//! const report = await verify(bytes, "image/jpeg", { trustAnchors: [caPem], name: "photo.jpg" });
//! report.state;                      // "trusted" | "valid" | "invalid" | "none"
//! mayUse(report, "ai_training");     // "notAllowed"
//! words().states[report.state].describe; // "trusted: intact, and signed under a CA in your trust list"
//! ```
//!
//! The report is exactly the line `hallmark verify --json` prints: `file`
//! (the `name` option, or `null`) followed by the library's
//! [`hallmark::Report`], schema version 1. With a `name`, the report is the
//! CLI's for a file of that name holding these bytes.
//!
//! Errors are JavaScript `Error`s with the library's message, a `name` and a
//! `kind` that say whose problem it is (see `thrown`, the one place the
//! library's error kinds become browser errors).
//!
//! Every export here is synchronous; the package's `hallmark_wasm.js` wraps
//! `verify` in a promise. A synchronous call into WebAssembly that traps
//! throws at once, where a trap inside a future would leave its promise
//! pending for ever.

// As in every hallmark crate. wasm-bindgen's glue for the exports is unsafe
// code of the macro's own making (an external macro), which the lint does
// not count against this crate; this crate writes none itself.
#![forbid(unsafe_code)]

use std::path::Path;

use hallmark::format::SNIFF_LEN;
use hallmark::policy::{Kind, UnknownKind};
use hallmark::verify::FileReport;
use hallmark::{ErrorKind, MediaFormat, Report, TrustAnchors, Verifier};
use js_sys::{ArrayBuffer, Function, Object, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
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

/** What verification found: the line `hallmark verify --json` prints, schema version 1. */
export interface Report {
  /** The `name` option given to `verify`, or `null`. */
  file: string | null;
  schema_version: 1;
  state: "trusted" | "valid" | "invalid" | "none";
  /** The media type verified, from the content (e.g. "image/jpeg"). */
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
  /** The soft bindings (fingerprints) the active manifest records; absent when none. */
  soft_bindings?: SoftBinding[];
  /** A manifest a repository recovered for this file by its fingerprint; absent when not looked up or none matched. */
  recovered?: Recovered;
}

/** A soft binding (`c2pa.soft-binding`): a fingerprint that survives re-encoding. */
export interface SoftBinding {
  /** The algorithm, e.g. "io.iscc.v0". */
  alg: string;
  /** The value, base64: what the Soft Binding Resolution API's `value` takes. */
  value: string;
  /** For io.iscc.v0, the ISCC code ("ISCC:EED…"). */
  iscc?: string;
}

/** A manifest a repository found for a copy that lost its own; it can only restrict. */
export interface Recovered {
  /** The repository's base URL. */
  repository: string;
  /** The recovered manifest's label (urn:c2pa:…). */
  manifest_id: string;
  /** Bits between this file's fingerprint and the soft binding signed in the manifest. */
  distance: number;
  /** The same as a score, 0–100. */
  similarity: number;
  /** The recovered manifest's own verdict, its content binding aside. */
  state: "trusted" | "valid" | "invalid";
  title: string | null;
  signer: Signer | null;
  policy: Policy;
  policy_label: string | null;
  soft_binding: SoftBinding;
  statuses: Status[];
}

/** Options of `verify` and `formatOf`; any other key is an error. */
export interface VerifyOptions {
  /** PEM texts of the CA certificates you trust. */
  trustAnchors?: string[];
  /**
   * The file's name, e.g. `file.name`. It becomes the report's `file`, starts
   * error messages ("photo.jpg: …"), and its extension is the format claim, as
   * for the CLI.
   */
  name?: string;
}

/** A kind of use. */
export type Kind = "ai_training" | "ai_generative_training" | "ai_inference" | "data_mining";

/** The answer to "may this file be used for KIND?". */
export type Answer = "allowed" | "notAllowed" | "constrained" | "unspecified" | "unknown";

/** A report's verdict. */
export type State = Report["state"];

/**
 * The words hallmark uses for people, from the library: the same words the
 * CLI prints. Show reports in these rather than in words of your own.
 */
export interface Words {
  /** Every kind of use with its words ("AI training"), in the order reports list them. */
  kinds: { kind: Kind; words: string }[];
  /** Each answer of `mayUse` in words: "allowed", "not allowed", "only on terms", "not stated", "unknown". */
  answers: Record<Answer, string>;
  /**
   * Each state in words: `describe` is the CLI's verdict line ("valid: intact, but the signer is
   * not in your trust list (identity not vouched for)"), `explain` a plain sentence.
   */
  states: Record<State, { describe: string; explain: string }>;
  /**
   * What a policy entry says, in words, by its `use` (`unspecified` for a `null` entry). A
   * constrained entry with `constraint_info` reads `constrained` with `terms` replaced by it
   * ("only on terms: ask first"); without, `constrainedWithoutTerms`.
   */
  uses: {
    allowed: string;
    notAllowed: string;
    constrained: string;
    constrainedWithoutTerms: string;
    unspecified: string;
  };
  /** What stands for the terms in `uses.constrained`: "{terms}". */
  terms: string;
  /** Phrases report views share. */
  phrases: {
    /** For a report whose `policy_label` is null. */
    noPolicy: string;
    /** Heads the policy of an invalid report, which cannot be relied on. */
    policyAsWritten: string;
    /** Follows a date only the signer states (no `signed_at`). */
    statedBySigner: string;
    /** For a signer whose certificate names neither a person nor an organisation. */
    unnamedSigner: string;
  };
}

/**
 * Whose problem an error is: the file (`bad_input`), the call or its options
 * (`bad_request`), the set-up such as a trust anchor (`bad_setup`), the
 * environment (`environment`), or hallmark itself (`internal`).
 */
export type ErrorKind = "bad_input" | "bad_request" | "bad_setup" | "environment" | "internal";

/**
 * What `verify`, `formatOf`, `mayUse` and `words` throw (a WebAssembly trap
 * aside): an `Error` whose `name` and `kind` say whose problem it is, so a
 * page can tell a damaged file from a bad trust anchor without reading the
 * message. `name` is `kind` in the style of JavaScript's error names.
 */
export interface HallmarkError extends Error {
  name: "BadInputError" | "BadRequestError" | "BadSetupError" | "EnvironmentError" | "InternalError";
  kind: ErrorKind;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The `options` argument of `verify`, typed for TypeScript.
    #[wasm_bindgen(typescript_type = "VerifyOptions")]
    pub type VerifyOptionsArg;
}

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

/// The browser's error for an error of `kind`: a JavaScript `Error` with the
/// message as it is, its `name` saying whose problem it is (`BadInputError`,
/// `BadSetupError`…) and a `kind` property holding [`ErrorKind::as_str`]
/// (`bad_input`, `bad_setup`…). The one place the library's error kinds
/// become browser errors: every kind is mapped here, and nothing looks at a
/// message to decide.
fn thrown(kind: ErrorKind, message: &str) -> Thrown {
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
fn misuse(message: &str) -> Thrown {
    thrown(ErrorKind::BadRequest, message)
}

/// What errors call the input when the caller gives no name.
const UNNAMED: &str = "input";

/// The option keys `verify` knows; any other is refused rather than ignored.
const OPTION_KEYS: [&str; 2] = ["trustAnchors", "name"];

/// Options of `verify`, read from the caller's object.
#[derive(Debug, Default)]
struct VerifyOptions {
    /// PEM texts of the CA certificates the caller trusts.
    trust_anchors: Vec<String>,
    /// The file's name: the report's `file`, the label in errors, a format claim.
    name: Option<String>,
}

impl VerifyOptions {
    /// Read the options object, refusing unknown keys and wrong types.
    fn read(options: Option<VerifyOptionsArg>) -> Result<Self, Thrown> {
        let value = match options.map(JsValue::from) {
            Some(value) if !value.is_null() && !value.is_undefined() => value,
            _ => return Ok(Self::default()),
        };
        if !value.is_object() || js_sys::Array::is_array(&value) {
            return Err(misuse(&format!(
                "options must be an object such as {{ trustAnchors: [pem], name: \"photo.jpg\" }}, not {}",
                kind_of(&value)
            )));
        }
        let object: &Object = value.unchecked_ref();
        for key in Object::keys(object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !OPTION_KEYS.contains(&key.as_str()) {
                return Err(misuse(&format!(
                    "unknown option \"{key}\": the options are {}",
                    OPTION_KEYS.join(" and ")
                )));
            }
        }
        Ok(Self {
            trust_anchors: field(object, "trustAnchors", "an array of PEM strings")?
                .unwrap_or_default(),
            name: field(object, "name", "a string")?,
        })
    }

    /// What errors call the input.
    fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(UNNAMED)
    }

    /// The format the caller claims: the name's extension, as the CLI takes
    /// it, else the media type. The content still decides; a claim only picks
    /// between formats that share a container (TIFF or DNG; MP4, MOV, M4A,
    /// HEIF or AVIF) and finds a FLAC behind a long ID3 tag.
    fn claim(&self, mime_type: &str) -> Option<MediaFormat> {
        self.name
            .as_deref()
            .and_then(|name| MediaFormat::from_path(Path::new(name)))
            .or_else(|| MediaFormat::from_mime_type(mime_type))
    }
}

/// One field of the options object; `undefined` and `null` are absent.
fn field<T: DeserializeOwned>(
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
fn kind_of(value: &JsValue) -> String {
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
fn byte_view(bytes: &JsValue, label: &str) -> Result<Uint8Array, Thrown> {
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

/// A value as the plain JavaScript object its JSON would parse to.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Thrown> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| thrown(ErrorKind::Internal, &e.to_string()))
}

/// This module has no PDF reader: say so rather than call a PDF damaged.
#[cfg(not(feature = "pdf"))]
fn refuse_pdf(label: &str, format: Option<MediaFormat>) -> Result<(), Thrown> {
    if format == Some(MediaFormat::Pdf) {
        return Err(misuse(&format!(
            "{label}: PDF is read by the separate PDF module (hallmark_wasm_pdf_bg.wasm), not by this one; \
             the package's verify() loads it when it is given a PDF"
        )));
    }
    Ok(())
}

/// The PDF module reads PDF.
#[cfg(feature = "pdf")]
fn refuse_pdf(_label: &str, _format: Option<MediaFormat>) -> Result<(), Thrown> {
    Ok(())
}

/// The format `verify` reads `head` as, given the caller's claims, if it reads it at all.
fn identify(head: &[u8], options: &VerifyOptions, mime_type: &str) -> Option<MediaFormat> {
    let head = head.get(..SNIFF_LEN).unwrap_or(head);
    MediaFormat::identify(options.label(), options.claim(mime_type), head, false)
        .ok()
        .filter(|format| format.can_verify())
}

/// Verify the Content Credentials of a file's bytes (a `Uint8Array` or an
/// `ArrayBuffer`). `mimeType` is what the caller believes the file is; its
/// content decides. The report is the line `hallmark verify --json` prints,
/// with `file` set to `options.name` (or `null`). Bytes that cannot be parsed
/// throw an `Error` saying why, starting with the name ("photo.jpg: …") or
/// "input", with `kind` `"bad_input"`; a trust anchor that cannot be used
/// throws one with `kind` `"bad_setup"`, unknown option keys one with `kind`
/// `"bad_request"`.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn verify(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(js_name = mimeType)] mime_type: String,
    options: Option<VerifyOptionsArg>,
) -> Result<JsValue, Thrown> {
    let options = VerifyOptions::read(options)?;
    let label = options.label();
    let bytes = byte_view(&bytes, label)?.to_vec();
    refuse_pdf(label, identify(&bytes, &options, &mime_type))?;
    let mut anchors = TrustAnchors::none();
    for (i, pem) in options.trust_anchors.iter().enumerate() {
        anchors.add_pem(&format!("trust anchor {}", i + 1), pem)?;
    }
    let verifier = Verifier::new(&anchors)?;
    let report = verifier.verify_bytes(label, options.claim(&mime_type), &bytes)?;
    to_js(&FileReport {
        file: options.name.as_deref(),
        report: &report,
    })
}

/// The media type `verify` would read these bytes as (`"image/jpeg"`,
/// `"application/pdf"`…, as in the report's `format`), or `undefined` when it
/// would refuse them. Only the first bytes are looked at; `trustAnchors` play
/// no part.
#[wasm_bindgen(js_name = formatOf, unchecked_return_type = "string | undefined")]
pub fn format_of(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(js_name = mimeType)] mime_type: String,
    options: Option<VerifyOptionsArg>,
) -> Result<JsValue, Thrown> {
    let options = VerifyOptions::read(options)?;
    let view = byte_view(&bytes, options.label())?;
    let end = view
        .length()
        .min(u32::try_from(SNIFF_LEN).unwrap_or(u32::MAX));
    let head = view.subarray(0, end).to_vec();
    Ok(identify(&head, &options, &mime_type)
        .map_or(JsValue::UNDEFINED, |format| format.mime_type().into()))
}

/// May the verified file be used for `kind`? Only intact credentials answer;
/// broken or absent ones give `"unknown"`, and a constrained use is never
/// `"allowed"` — the same rule as the library and the CLI.
#[wasm_bindgen(js_name = mayUse, unchecked_return_type = "Answer")]
pub fn may_use(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Kind")] kind: String,
) -> Result<String, Thrown> {
    let report: Report = serde_wasm_bindgen::from_value(report)
        .map_err(|e| misuse(&format!("not a report: {e}")))?;
    let kind: Kind = kind
        .parse()
        .map_err(|e: UnknownKind| misuse(&e.to_string()))?;
    Ok(report.may_use(kind).as_str().to_owned())
}

/// The words hallmark uses for people, from the library
/// ([`hallmark::words::catalogue`]), as a plain object: every kind of use,
/// answer and state in words, how a policy entry reads, and the phrases a
/// report view needs. The CLI prints the same words; pages show reports in
/// these rather than in copies of their own.
#[wasm_bindgen(unchecked_return_type = "Words")]
pub fn words() -> Result<JsValue, Thrown> {
    to_js(&hallmark::words::catalogue())
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
