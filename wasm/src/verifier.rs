//! The verifier: `verify`, `formatOf`, `mayUse`, `decide`, `words` and the
//! package's TypeScript types. Built into the core module (and the PDF
//! module), not into the fingerprint module.

use std::path::Path;

use hallmark::format::SNIFF_LEN;
use hallmark::identity::{Identity, IdentityIssuers};
use hallmark::policy::{Kind, UnknownKind};
use hallmark::verify::FileReport;
use hallmark::{MediaFormat, Report, TrustAnchors, Verifier};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::js::{Thrown, UNNAMED, byte_view, field, misuse, options_object, to_js};

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
  /** The SHA-256 of the signer certificate (DER), hex: which certificate signed. */
  certificate_sha256?: string;
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

/** An identity the issuer verified (CAWG identity claims aggregation `verifiedIdentities`). */
export interface VerifiedIdentity {
  /** "cawg.social_media", "cawg.document_verification", "cawg.web_site", "cawg.affiliation", "cawg.crypto_wallet", … */
  type: string;
  name: string | null;
  username: string | null;
  uri: string | null;
  /** A wallet's address (crypto wallets only). */
  address?: string;
  provider: { id: string; name: string } | null;
  /** When the issuer verified it (RFC 3339). */
  verified_at: string | null;
}

/** One status an identity's validation reported. */
export interface IdentityCode {
  code: string;
  explanation: string | null;
  kind: "success" | "informational" | "failure";
}

/**
 * A CAWG identity assertion of the active manifest and its own verdict. `verified`: it holds up
 * and an issuer you pinned (`identityIssuers`) or a CA you trust vouches for it; `unverified`:
 * nothing is wrong with it, but nobody you named vouches for it (nothing is fetched to find
 * out); `invalid`: it fails its own checks. Show it with `describeIdentity`; it never decides
 * the policy's answer.
 */
export interface Identity {
  type: "x509" | "identity_claims_aggregation" | "unknown";
  state: "verified" | "unverified" | "invalid";
  /** The credential's issuer (a DID), or the certificate's issuing CA. */
  issuer: string | null;
  /** Who the identity names, in a few words. */
  named_actor: string | null;
  verified_identities: VerifiedIdentity[];
  /** The X.509 certificate (X.509 identities only). */
  certificate?: Signer;
  /** The certificate chain's subjects, signer first (X.509 identities only). */
  chain?: string[];
  /** The labels of the assertions the identity is bound to. */
  referenced_assertions: string[];
  roles?: string[];
  /** The assertion's label: "cawg.identity", "cawg.identity__1", … */
  label: string;
  codes: IdentityCode[];
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
  /** The CAWG identity assertions of the active manifest, each with its own verdict. */
  identities: Identity[];
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
  /** Unsigned training-and-mining statements in the file's XMP (IPTC, TDMRep); absent when none. They can only restrict. */
  unsigned?: UnsignedStatement;
  /** The policy through the active manifest's ingredients (parentOf, componentOf) whose manifests are in the store; absent when none binds the file. `decide` answers from its `effective` policy. */
  chain?: PolicyChain;
}

/** The policy through a file's ingredients: a file cannot allow more than the work it was made from. */
export interface PolicyChain {
  /** The active manifest's policy, restricted through its ingredients. */
  effective: Policy;
  /** Per kind of use whose answer is not the active manifest's own: the manifest it comes from. */
  sources?: Partial<Record<Kind, string>>;
  /** Every ingredient manifest reached. */
  links: ChainLink[];
  /** Manifests that try to allow more than their ingredients. */
  widening?: Widening[];
}

/** An ingredient manifest of a policy chain. */
export interface ChainLink {
  manifest: string;
  /** The manifest that names it as an ingredient. */
  ingredient_of: string;
  relationship: string;
  depth: number;
  /** Whether the chain down to it holds: only then do its allowances count. */
  intact: boolean;
  signer?: string;
  policy?: Policy;
}

/** A manifest that allows more than an ingredient of it. */
export interface Widening {
  kind: Kind;
  manifest: string;
  says: PolicyEntry;
  ingredient: string;
  ingredient_says: PolicyEntry;
}

/** What a file's XMP says about training and mining, outside its signed credentials. */
export interface UnsignedStatement {
  /** Where it was found: "xmp". */
  source: string;
  /** plus:DataMining as written, e.g. "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED". */
  data_mining?: string;
  /** plus:OtherConstraints as written. */
  other_constraints?: string;
  /** TDMRep tdm:reservation as written ("1" reserves the rights). */
  tdm_reservation?: string;
  /** TDMRep tdm:policy: where the terms are. */
  tdm_policy?: string;
  /** What it says, read restrictively: never "allowed". */
  policy: Policy;
  /** Whether it is the statement hallmark writes for the signed policy; null when there is nothing to compare. */
  agrees_with_signed: boolean | null;
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

/** A fingerprint: the 256-bit ISCC Image-Code of an image (soft binding `io.iscc.v0`). */
export interface Fingerprint {
  alg: "io.iscc.v0";
  /** The 34 ISCC unit bytes in base64: what the Soft Binding Resolution API's `value` takes. */
  value: string;
  /** The ISCC code, "ISCC:EED…". */
  iscc: string;
}

/** Options of `fingerprint`; any other key is an error. */
export interface FingerprintOptions {
  /** The file's name: it starts error messages, and its extension is a format claim. */
  name?: string;
  /**
   * What decodes the image: `"wasm"` (the default), the library's own decoders, which give
   * exactly the CLI's fingerprint; or `"browser"`, the browser's decoder (`createImageBitmap`)
   * followed by the library's normalisation: the same for PNG, a few bits from the CLI's for
   * some JPEGs (see the README), and no faster. Either way the fingerprint module
   * (`hallmark_wasm_fingerprint_bg.wasm`) is fetched on first use.
   */
  decoder?: "wasm" | "browser";
}

/** Options of `recoverFingerprint`; any other key is an error. */
export interface RecoverOptions {
  /** The repository's base URL (the API lives under its `/v1`), as for `hallmark verify --recover`. */
  repository: string;
  /** PEM texts of the CA certificates you trust: a recovered manifest's signer is checked against them. */
  trustAnchors?: string[];
}

/** Options of `recover`: those of a lookup and of the fingerprint. */
export interface RecoverFileOptions extends RecoverOptions, FingerprintOptions {}

/** What an answer of `decide` rests on. */
export type Basis =
  | "credentials"
  | "recovered"
  | "recovered_allowance_ignored"
  | "unsigned"
  | "unsigned_allowance_ignored"
  | "ingredient"
  | "nothing";

/** `decide`'s answer: `mayUse`'s, with what it rests on and, when that needs saying, why. */
export interface Decision {
  answer: Answer;
  basis: Basis;
  /** The library's words for the basis ("from a manifest a repository recovered…"), or null. */
  explain: string | null;
}

/** Options of `verify` and `formatOf`; any other key is an error. */
export interface VerifyOptions {
  /** PEM texts of the CA certificates you trust (for signers and X.509 identities). */
  trustAnchors?: string[];
  /**
   * DID documents (JSON texts) of the identity issuers you trust, such as the one a provider
   * serves at https://HOST/.well-known/did.json: a credential checked against one is
   * `verified`. Nothing is ever fetched.
   */
  identityIssuers?: string[];
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
 * What `verify`, `formatOf`, `mayUse`, `decide`, `words`, `fingerprint`, `recover` and
 * `recoverFingerprint` throw (a WebAssembly trap aside): an `Error` whose `name` and `kind` say whose problem it is, so a
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

/// The option keys `verify` knows; any other is refused rather than ignored.
const OPTION_KEYS: [&str; 3] = ["trustAnchors", "identityIssuers", "name"];

/// Options of `verify`, read from the caller's object.
#[derive(Debug, Default)]
pub(crate) struct VerifyOptions {
    /// PEM texts of the CA certificates the caller trusts.
    pub(crate) trust_anchors: Vec<String>,
    /// DID documents (JSON texts) of the identity issuers the caller pins.
    pub(crate) identity_issuers: Vec<String>,
    /// The file's name: the report's `file`, the label in errors, a format claim.
    pub(crate) name: Option<String>,
}

impl VerifyOptions {
    /// Read the options object, refusing unknown keys and wrong types.
    pub(crate) fn read(options: Option<VerifyOptionsArg>) -> Result<Self, Thrown> {
        let Some(object) = options_object(
            options.map(JsValue::from),
            &OPTION_KEYS,
            "{ trustAnchors: [pem], identityIssuers: [didDocumentJson], name: \"photo.jpg\" }",
        )?
        else {
            return Ok(Self::default());
        };
        Ok(Self {
            trust_anchors: field(&object, "trustAnchors", "an array of PEM strings")?
                .unwrap_or_default(),
            identity_issuers: field(
                &object,
                "identityIssuers",
                "an array of DID documents (JSON strings)",
            )?
            .unwrap_or_default(),
            name: field(&object, "name", "a string")?,
        })
    }

    /// The verifier these options describe: the trust anchors and the
    /// pinned identity issuers.
    pub(crate) fn verifier(&self) -> Result<Verifier, Thrown> {
        let mut anchors = TrustAnchors::none();
        for (i, pem) in self.trust_anchors.iter().enumerate() {
            anchors.add_pem(&format!("trust anchor {}", i + 1), pem)?;
        }
        let mut issuers = IdentityIssuers::none();
        for (i, document) in self.identity_issuers.iter().enumerate() {
            issuers.add_json(&format!("identity issuer {}", i + 1), document)?;
        }
        Ok(Verifier::with_identity_issuers(&anchors, &issuers)?)
    }

    /// What errors call the input.
    pub(crate) fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(UNNAMED)
    }

    /// The format the caller claims: the name's extension, as the CLI takes
    /// it, else the media type. The content still decides; a claim only picks
    /// between formats that share a container (TIFF or DNG; MP4, MOV, M4A,
    /// HEIF or AVIF) and finds a FLAC behind a long ID3 tag.
    pub(crate) fn claim(&self, mime_type: &str) -> Option<MediaFormat> {
        self.name
            .as_deref()
            .and_then(|name| MediaFormat::from_path(Path::new(name)))
            .or_else(|| MediaFormat::from_mime_type(mime_type))
    }
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
pub(crate) fn identify(
    head: &[u8],
    options: &VerifyOptions,
    mime_type: &str,
) -> Option<MediaFormat> {
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
    let verifier = options.verifier()?;
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
    let (report, kind) = report_and_kind(report, &kind)?;
    Ok(report.may_use(kind).as_str().to_owned())
}

/// What `decide` answers: the answer, what it rests on, and why in words.
#[derive(Serialize)]
struct Decision {
    /// The answer, as `mayUse` gives it.
    answer: &'static str,
    /// What it rests on (`credentials`, `recovered`, `recovered_allowance_ignored`, `nothing`).
    basis: hallmark::verify::Basis,
    /// The library's words for the basis, when it needs saying.
    explain: Option<&'static str>,
}

/// May the file be used for `kind`, and on what basis? `mayUse`'s answer,
/// with what it rests on: the file's own credentials, a manifest a
/// repository recovered (which can only restrict), or nothing; and the
/// library's words for why, when it needs saying.
#[wasm_bindgen(unchecked_return_type = "Decision")]
pub fn decide(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Kind")] kind: String,
) -> Result<JsValue, Thrown> {
    let (report, kind) = report_and_kind(report, &kind)?;
    let (answer, basis) = report.decide(kind);
    to_js(&Decision {
        answer: answer.as_str(),
        basis,
        explain: basis.explain(),
    })
}

/// A report and a kind of use from JavaScript.
fn report_and_kind(report: JsValue, kind: &str) -> Result<(Report, Kind), Thrown> {
    let report: Report = serde_wasm_bindgen::from_value(report)
        .map_err(|e| misuse(&format!("not a report: {e}")))?;
    let kind: Kind = kind
        .parse()
        .map_err(|e: UnknownKind| misuse(&e.to_string()))?;
    Ok((report, kind))
}

/// One identity of a report (`report.identities[i]`) in the words
/// `hallmark verify` prints after "Identity: ", e.g. "testuser23 on Behance
/// (claimed via did:web:…; not checked: issuer not pinned)".
#[wasm_bindgen(js_name = describeIdentity)]
pub fn describe_identity(
    #[wasm_bindgen(unchecked_param_type = "Identity")] identity: JsValue,
) -> Result<String, Thrown> {
    let identity: Identity = serde_wasm_bindgen::from_value(identity)
        .map_err(|e| misuse(&format!("not an identity of a report: {e}")))?;
    Ok(identity.describe())
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
