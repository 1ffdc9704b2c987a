//! The signing module (`hallmark_wasm_sign_bg.wasm`, built with the feature
//! `sign-module`): credentials made and opened in the browser, and signing
//! a step at a time with a key that stays a non-extractable WebCrypto
//! `CryptoKey` — the library's own code, the same manifest `hallmark sign`
//! makes, the image's fingerprint (the soft binding) included, computed by
//! the library's decoders as the CLI computes it. The package fetches it the
//! first time credentials are made, imported or used; the verifier's core
//! module does not carry it, nor does a signing need the core.
//!
//! Keys exist in the clear here only while credentials are made or opened:
//! the signer's key leaves as a PKCS#8 document for `crypto.subtle.importKey`
//! (which the package zeroes at once and then resets this module, so that
//! its memory holds no copy), and never comes back. Signing hands out the
//! bytes to be signed ([`SigningStep::to_be_signed`]) and takes the
//! signature ([`SigningStep::finish`]).

use hallmark::MediaFormat;
use hallmark::credentials::{
    CredentialFiles, DEFAULT_SIGNER_YEARS, Identity, SigningCredentials, Validity,
};
use hallmark::policy::{Kind, TrainingPolicy, Use};
use hallmark::recover;
use hallmark::sign::deferred::{self, PendingSignature};
use hallmark::sign::{SignOptions, SourceType};
use hallmark::verify::Report;
use hallmark::web::{self, Served};
use js_sys::{Object, Uint8Array};
use secrecy::SecretString;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::js::{
    Thrown, UNNAMED, byte_view, field, misuse, object as object_of, options_object, thrown, to_js,
};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** What the signing module's issueCredentials and openCredentials give the package. */
export interface CreateCredentialsOptions {
  /** Who signs: verifiers show "Signed by NAME". */
  name: string;
  /** Encrypts both keys of the backup (scrypt, as `hallmark keygen`). */
  passphrase: string;
  organization?: string;
  email?: string;
  /** How long the signer certificate is valid (default 5; the CA five years more). */
  years?: number;
}

/** A credentials folder as files: what `hallmark keygen` writes. */
export interface CredentialsFolder {
  "chain.pem": string;
  "signer.key": string;
  "ca.pem"?: string;
  "ca.key"?: string;
}

export interface OpenedCredentials {
  certificateChainPem: string;
  caCertificatePem: string;
  name: string;
  /** The signer's key, PKCS#8 (v1, DER): imported into WebCrypto at once, then zeroed. */
  signerPkcs8: Uint8Array;
  /** With issueCredentials: the CLI's credentials folder, keys encrypted. */
  backup?: { "chain.pem": string; "signer.key": string; "ca.pem": string; "ca.key": string };
}
"#;

/// The option keys of a signing.
const SIGN_OPTION_KEYS: [&str; 7] = [
    "policy",
    "title",
    "author",
    "sourceType",
    "name",
    "iptc",
    "softBinding",
];

/// The option keys of making credentials.
const CREATE_KEYS: [&str; 5] = ["name", "passphrase", "organization", "email", "years"];

/// Make credentials as `hallmark keygen` does — a local CA and a signer
/// certificate for `name` (and `organization`, `email`), valid for `years`
/// (default 5; the CA five years more) — with both keys encrypted under
/// `passphrase` for the backup.
#[wasm_bindgen(js_name = issueCredentials, unchecked_return_type = "OpenedCredentials")]
pub fn issue_credentials(
    #[wasm_bindgen(unchecked_param_type = "CreateCredentialsOptions")] options: JsValue,
) -> Result<JsValue, Thrown> {
    const EXAMPLE: &str = "{ name: \"Ada Lovelace\", passphrase: \"…\" }";
    let object = options_object(Some(options), &CREATE_KEYS, EXAMPLE)?.ok_or_else(|| {
        misuse(&format!(
            "createCredentials needs options such as {EXAMPLE}"
        ))
    })?;
    let name = field::<String>(&object, "name", "a string")?
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            misuse("createCredentials: options.name is needed: verifiers show it as \"Signed by NAME\"")
        })?;
    let passphrase = required_passphrase(&object, "createCredentials")?;
    let identity = Identity {
        name,
        organization: field::<String>(&object, "organization", "a string")?
            .filter(|o| !o.trim().is_empty()),
        email: field::<String>(&object, "email", "a string")?.filter(|e| !e.trim().is_empty()),
    };
    let years =
        field::<u16>(&object, "years", "a whole number of years")?.unwrap_or(DEFAULT_SIGNER_YEARS);
    if !(1..=50).contains(&years) {
        return Err(misuse(&format!(
            "createCredentials: options.years must be between 1 and 50, not {years}"
        )));
    }
    let (files, credentials) =
        CredentialFiles::issue_with_key(&identity, &passphrase, Validity::for_years(years))?;
    let backup = object_of(&[
        ("chain.pem", JsValue::from_str(&files.chain_pem)),
        ("signer.key", JsValue::from_str(&files.signer_key_pem)),
        ("ca.pem", JsValue::from_str(&files.ca_certificate_pem)),
        ("ca.key", JsValue::from_str(&files.ca_key_pem)),
    ]);
    let opened = opened(
        &credentials,
        &files.chain_pem,
        &files.ca_certificate_pem,
        &identity.name,
    )?;
    js_sys::Reflect::set(&opened, &JsValue::from_str("backup"), &backup)
        .map_err(|_| misuse("createCredentials: cannot hand the backup out"))?;
    Ok(opened)
}

/// The passphrase of `options`, which must be a non-empty string.
fn required_passphrase(options: &Object, call: &str) -> Result<SecretString, Thrown> {
    field::<String>(options, "passphrase", "a string")?
        .filter(|p| !p.is_empty())
        .map(SecretString::from)
        .ok_or_else(|| {
            misuse(&format!(
                "{call}: a passphrase is needed: it encrypts the keys of the backup"
            ))
        })
}

/// The file names of a credentials folder `openCredentials` reads.
const FOLDER_KEYS: [&str; 4] = ["chain.pem", "signer.key", "ca.pem", "ca.key"];

/// Open credentials `hallmark keygen` made (or a backup of ones made in the
/// browser): `files["chain.pem"]` and the encrypted `files["signer.key"]`,
/// decrypted with `passphrase` and checked against each other and the C2PA
/// profile. The folder's other files may be there; they are not needed.
#[wasm_bindgen(js_name = openCredentials, unchecked_return_type = "OpenedCredentials")]
pub fn open_credentials(
    #[wasm_bindgen(unchecked_param_type = "CredentialsFolder")] files: JsValue,
    passphrase: JsValue,
) -> Result<JsValue, Thrown> {
    const EXAMPLE: &str = "{ \"chain.pem\": text, \"signer.key\": text }";
    let folder = options_object(Some(files), &FOLDER_KEYS, EXAMPLE)?
        .ok_or_else(|| misuse(&format!("importCredentials needs the files {EXAMPLE}")))?;
    let file = |name: &str| -> Result<String, Thrown> {
        field::<String>(&folder, name, "the file's text")?.ok_or_else(|| {
            misuse(&format!(
                "importCredentials: {name} is missing: a credentials folder has chain.pem and signer.key"
            ))
        })
    };
    let chain_pem = file("chain.pem")?;
    let signer_key_pem = file("signer.key")?;
    let passphrase = passphrase
        .as_string()
        .filter(|p| !p.is_empty())
        .map(SecretString::from)
        .ok_or_else(|| misuse("importCredentials: the passphrase of signer.key is needed"))?;
    let credentials = SigningCredentials::from_pem(
        "chain.pem",
        &chain_pem,
        "signer.key",
        &signer_key_pem,
        Some(&passphrase),
    )?;
    let ca = last_certificate(&chain_pem);
    let name = signer_name(&credentials);
    opened(&credentials, &chain_pem, &ca, &name)
}

/// What issuing or opening gives the package.
fn opened(
    credentials: &SigningCredentials,
    chain_pem: &str,
    ca_pem: &str,
    name: &str,
) -> Result<JsValue, Thrown> {
    let key = credentials.private_key_pkcs8_v1_der()?;
    let bytes = Uint8Array::from(&key[..]);
    Ok(object_of(&[
        ("certificateChainPem", JsValue::from_str(chain_pem)),
        ("caCertificatePem", JsValue::from_str(ca_pem)),
        ("name", JsValue::from_str(name)),
        ("signerPkcs8", bytes.into()),
    ]))
}

/// The last certificate of a PEM chain (the CA, in hallmark's chains), as PEM.
fn last_certificate(chain_pem: &str) -> String {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    chain_pem
        .rfind(BEGIN)
        .map(|at| chain_pem[at..].trim_end().to_owned() + "\n")
        .unwrap_or_default()
}

/// The name the signer certificate gives (its common name, else its
/// organisation), as reports show it.
fn signer_name(credentials: &SigningCredentials) -> String {
    let signer = credentials.signer();
    signer
        .common_name
        .or(signer.organization)
        .unwrap_or_default()
}

/// One signing that waits for its signature: [`SigningStep::to_be_signed`]
/// goes to `crypto.subtle.sign`, the signature to [`SigningStep::finish`].
#[wasm_bindgen]
pub struct SigningStep {
    pending: Option<PendingSignature>,
}

#[wasm_bindgen]
impl SigningStep {
    /// The bytes to sign with the credentials' key (Ed25519).
    #[wasm_bindgen(getter, js_name = toBeSigned)]
    pub fn to_be_signed(&self) -> Uint8Array {
        self.pending.as_ref().map_or_else(
            || Uint8Array::new_with_length(0),
            |p| Uint8Array::from(p.to_be_signed()),
        )
    }

    /// Complete the file with the signature: the signed file's bytes.
    pub fn finish(&mut self, signature: Uint8Array) -> Result<Uint8Array, Thrown> {
        let pending = self
            .pending
            .take()
            .ok_or_else(|| misuse("this signing is finished already"))?;
        let done = pending.finish(&signature.to_vec())?;
        Ok(Uint8Array::from(&done.bytes[..]))
    }
}

/// How a use is given: `"allowed"`, `"notAllowed"`, or `{constrained: TERMS}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum UseSpec {
    Plain(String),
    Constrained { constrained: Option<String> },
}

/// Start signing `bytes` (what `mimeType` says; the content decides) with
/// the chain `chainPem`, as `hallmark sign` would with `options`: policy
/// (every use not allowed unless given), title, author, source type, IPTC
/// mirror, soft binding.
#[wasm_bindgen(js_name = signStart)]
pub fn sign_start(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    #[wasm_bindgen(js_name = mimeType)] mime_type: String,
    #[wasm_bindgen(js_name = chainPem)] chain_pem: String,
    options: JsValue,
) -> Result<SigningStep, Thrown> {
    let object = options_object(
        Some(options),
        &SIGN_OPTION_KEYS,
        "{ policy: { data_mining: \"allowed\" }, title: \"Sunset\" }",
    )?;
    let name: Option<String> = match &object {
        Some(object) => field(object, "name", "a string")?,
        None => None,
    };
    let label = name.clone().unwrap_or_else(|| UNNAMED.to_owned());
    let bytes = byte_view(&bytes, &label)?.to_vec();
    let options = match &object {
        Some(object) => sign_options(object)?,
        None => SignOptions::default(),
    };
    let claimed = name
        .as_deref()
        .and_then(|n| MediaFormat::from_path(std::path::Path::new(n)))
        .or_else(|| MediaFormat::from_mime_type(&mime_type));
    let pending = deferred::start(&chain_pem, &label, claimed, bytes, options)?;
    Ok(SigningStep {
        pending: Some(pending),
    })
}

/// The signing options of the package's `sign`.
fn sign_options(object: &Object) -> Result<SignOptions, Thrown> {
    let mut options = SignOptions {
        title: field(object, "title", "a string")?,
        author: field(object, "author", "a string")?,
        iptc: field(object, "iptc", "a boolean")?.unwrap_or(true),
        soft_binding: field(object, "softBinding", "a boolean")?.unwrap_or(true),
        ..SignOptions::default()
    };
    if let Some(term) = field::<String>(object, "sourceType", "a string")? {
        options.source_type = term
            .parse::<SourceType>()
            .map_err(|e| misuse(&format!("options.sourceType: {e}")))?;
    }
    if let Some(policy) = field::<serde_json::Map<String, serde_json::Value>>(
        object,
        "policy",
        "an object such as { data_mining: \"allowed\" }",
    )? {
        options.policy = policy_of(&policy)?;
    }
    Ok(options)
}

/// The policy the options describe: every kind not allowed unless given.
fn policy_of(given: &serde_json::Map<String, serde_json::Value>) -> Result<TrainingPolicy, Thrown> {
    let mut policy = TrainingPolicy::deny_all();
    for (key, value) in given {
        let kind: Kind = key
            .parse()
            .map_err(|e: hallmark::policy::UnknownKind| misuse(&format!("options.policy: {e}")))?;
        let spec: UseSpec = serde_json::from_value(value.clone()).map_err(|_| {
            misuse(&format!(
                "options.policy.{key} must be \"allowed\", \"notAllowed\" or {{constrained: \"terms\"}}"
            ))
        })?;
        let use_ = match spec {
            UseSpec::Plain(text) if text == "allowed" => Use::Allowed,
            UseSpec::Plain(text) if text == "notAllowed" => Use::NotAllowed,
            UseSpec::Plain(text) => {
                return Err(misuse(&format!(
                    "options.policy.{key}: {text:?} is not a use: \"allowed\", \"notAllowed\" or {{constrained: \"terms\"}}"
                )));
            }
            UseSpec::Constrained { constrained } => Use::Constrained(
                constrained
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty()),
            ),
        };
        policy.set(kind, use_);
    }
    Ok(policy)
}

/// One file for `nginxSnippet`: where it is served, and its report.
#[derive(Deserialize)]
struct ServedFile {
    uri: String,
    report: Report,
}

/// The nginx configuration `hallmark headers --nginx` prints for these
/// files (`[{uri, report}]`): the `map` blocks and the `add_header` lines.
#[wasm_bindgen(js_name = nginxSnippet)]
pub fn nginx_snippet(
    #[wasm_bindgen(unchecked_param_type = "{ uri: string; report: Report }[]")] files: JsValue,
) -> Result<String, Thrown> {
    let files: Vec<ServedFile> = serde_wasm_bindgen::from_value(files)
        .map_err(|e| misuse(&format!("nginxSnippet: expected [{{uri, report}}]: {e}")))?;
    let served: Vec<Served> = files
        .into_iter()
        .map(|file| Served {
            headers: web::headers(&file.report),
            uri: file.uri,
        })
        .filter(|served| !served.headers.is_empty())
        .collect();
    Ok(web::nginx_snippet(&served).to_text())
}

/// Where to publish a file to the repository at `repository`
/// (`POST {url}`, the file as the body, its media type as `Content-Type`).
#[wasm_bindgen(js_name = publishUrl)]
pub fn publish_url(repository: String) -> Result<String, Thrown> {
    recover::check_repository_url(&repository)?;
    Ok(recover::api_url(&repository, "/manifests"))
}

/// What the repository's answer to a publishing says: `{manifestId,
/// created}`, or the error, as `hallmark publish` reads it.
#[wasm_bindgen(js_name = publishAnswer)]
pub fn publish_answer(
    repository: String,
    name: String,
    status: u16,
    body: String,
) -> Result<JsValue, Thrown> {
    if !matches!(status, 200 | 201) {
        return Err(recover::refused(&repository, &name, status, body.as_bytes()).into());
    }
    let answer: recover::Published = serde_json::from_str(&body).map_err(|e| {
        Thrown::from(recover::unavailable(
            &repository,
            format!("not the API's answer: {e}"),
        ))
    })?;
    to_js(&answer)
}

/// An error for a step the browser could not take (WebCrypto missing or
/// refusing): the environment's problem, said plainly.
#[wasm_bindgen(js_name = environmentError)]
pub fn environment_error(message: String) -> js_sys::Error {
    thrown(hallmark::ErrorKind::Environment, &message).into_error()
}
