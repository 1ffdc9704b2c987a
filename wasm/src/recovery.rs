//! Recovery in the browser: the library's `recover` flow with the browser's
//! `fetch` as transport. The package's JavaScript (`recoverFingerprint` in
//! `js/hallmark_wasm.js`) asks these functions what to fetch, fetches it,
//! and hands the answers back; every decision — the URLs, what an answer
//! means, which candidates count, the checks of each manifest, the best
//! one — is the library's, made here, so that the result is the `recovered`
//! object `hallmark verify --recover` puts in its report.

use hallmark::recover::{
    self, MAX_ANSWER_BYTES, MAX_CANDIDATES, Match, Resolver, binding_query, check_repository_url,
    manifest_url, matches_url, parse_matches,
};
use hallmark::soft_binding::{ISCC_ALGORITHM, ISCC_IMAGE_256_HEADER, SoftBinding};
use hallmark::{TrustAnchors, Verifier};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::js::{Thrown, field, kind_of, misuse, object, options_object, to_js};

#[wasm_bindgen]
extern "C" {
    /// The `options` argument of `recoverFingerprint`, typed for TypeScript.
    #[wasm_bindgen(typescript_type = "RecoverOptions")]
    pub type RecoverOptionsArg;
}

/// The option keys of a lookup.
pub(crate) const LOOKUP_KEYS: [&str; 2] = ["repository", "trustAnchors"];

/// What a lookup needs: the repository and the trust anchors its manifests
/// are checked against.
pub(crate) struct Lookup {
    /// The repository's base URL, without a trailing slash (as reports name it).
    repository: String,
    /// PEM texts of the CA certificates the caller trusts.
    trust_anchors: Vec<String>,
}

impl Lookup {
    /// Read `repository` and `trustAnchors` from an options object whose keys
    /// were checked; the URL and the anchors are checked too, so that a bad
    /// one fails before anything is fetched.
    pub(crate) fn from_object(object: Option<&Object>) -> Result<Self, Thrown> {
        let repository: Option<String> = match object {
            Some(object) => field(
                object,
                "repository",
                "a string (an http:// or https:// URL)",
            )?,
            None => None,
        };
        let Some(repository) = repository else {
            return Err(misuse(
                "options.repository is required: the base URL of a manifest repository \
                 (e.g. \"https://repository.example\")",
            ));
        };
        check_repository_url(&repository)?;
        let trust_anchors: Vec<String> = match object {
            Some(object) => {
                field(object, "trustAnchors", "an array of PEM strings")?.unwrap_or_default()
            }
            None => Vec::new(),
        };
        let lookup = Lookup {
            repository: repository.trim_end_matches('/').to_owned(),
            trust_anchors,
        };
        lookup.verifier()?;
        Ok(lookup)
    }

    /// The lookup's options as `recoverFingerprint` takes them.
    pub(crate) fn to_js(&self) -> JsValue {
        let anchors: Array = self
            .trust_anchors
            .iter()
            .map(|pem| JsValue::from_str(pem))
            .collect();
        object(&[
            ("repository", JsValue::from_str(&self.repository)),
            ("trustAnchors", anchors.into()),
        ])
    }

    /// The verifier the candidates are checked with.
    fn verifier(&self) -> Result<Verifier, Thrown> {
        let mut anchors = TrustAnchors::none();
        for (i, pem) in self.trust_anchors.iter().enumerate() {
            anchors.add_pem(&format!("trust anchor {}", i + 1), pem)?;
        }
        Ok(Verifier::new(&anchors)?)
    }
}

/// Check a lookup and say what to ask first: the match query for this
/// fingerprint (`POST /v1/matches/byBinding?maxResults=5`, as the CLI
/// asks): `{repository, url, body, maxAnswerBytes}`, `POST` the JSON `body`
/// to `url` and read at most `maxAnswerBytes` of the answer. Throws for bad
/// options, a repository that is no http(s) URL, a trust anchor that cannot
/// be used, or a fingerprint that is not one.
#[wasm_bindgen(js_name = recoveryRequest)]
pub fn recovery_request(
    #[wasm_bindgen(unchecked_param_type = "Fingerprint")] fingerprint: JsValue,
    options: Option<RecoverOptionsArg>,
) -> Result<JsValue, Thrown> {
    let body256 = body_of(&fingerprint)?;
    let options = options_object(
        options.map(JsValue::from),
        &LOOKUP_KEYS,
        "{ repository: \"https://repository.example\", trustAnchors: [pem] }",
    )?;
    let lookup = Lookup::from_object(options.as_ref())?;
    let body = binding_query(ISCC_ALGORITHM, &recover::query_value(&body256));
    Ok(object(&[
        ("repository", JsValue::from_str(&lookup.repository)),
        (
            "url",
            JsValue::from_str(&matches_url(&lookup.repository, MAX_CANDIDATES)),
        ),
        ("body", JsValue::from_str(&body)),
        // A size, well within what a JavaScript number holds exactly.
        ("maxAnswerBytes", JsValue::from_f64(MAX_ANSWER_BYTES as f64)),
    ]))
}

/// The candidates of the repository's answer to the match query that the
/// library's `recover` checks: those the repository holds itself, at most
/// five, in its order. `answer` is what the package got: `{status, body}`,
/// or `{error}` when there was no answer. Throws what the CLI would say of
/// a refusal, an error or an answer that is not the API's.
#[wasm_bindgen(js_name = recoveryCandidates, unchecked_return_type = "{manifestId: string, url: string}[]")]
pub fn recovery_candidates(repository: String, answer: JsValue) -> Result<JsValue, Thrown> {
    let matches = matches_of(&repository, &answer)?;
    let candidates: Array = wanted(&matches)
        .map(|m| {
            object(&[
                ("manifestId", JsValue::from_str(&m.manifest_id)),
                (
                    "url",
                    JsValue::from_str(&manifest_url(&repository, &m.manifest_id)),
                ),
            ])
        })
        .collect();
    Ok(candidates.into())
}

/// The candidates `recover` fetches: no `endpoint` (held by another
/// repository: not followed), at most [`MAX_CANDIDATES`].
fn wanted(matches: &[Match]) -> impl Iterator<Item = &Match> {
    matches
        .iter()
        .take(MAX_CANDIDATES)
        .filter(|m| m.endpoint.is_none())
}

/// The library's `recover` over what the package fetched: the answer to
/// the match query and, for each candidate `recoveryCandidates` named,
/// `{manifestId, answer}`. The `recovered` object of the CLI's report, or
/// `null` when nothing matches.
#[wasm_bindgen(js_name = recoverFrom, unchecked_return_type = "Recovered | null")]
pub fn recover_from(
    #[wasm_bindgen(unchecked_param_type = "Fingerprint")] fingerprint: JsValue,
    matches: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{manifestId: string, answer: object}[]")]
    manifests: JsValue,
    options: Option<RecoverOptionsArg>,
) -> Result<JsValue, Thrown> {
    let body256 = body_of(&fingerprint)?;
    let object = options_object(options.map(JsValue::from), &LOOKUP_KEYS, "")?;
    let lookup = Lookup::from_object(object.as_ref())?;
    let verifier = lookup.verifier()?;
    let mut stores = Vec::new();
    for item in Array::from(&manifests).iter() {
        let id = Reflect::get(&item, &JsValue::from_str("manifestId"))
            .ok()
            .and_then(|id| id.as_string())
            .ok_or_else(|| misuse("each manifest needs its manifestId"))?;
        let answer =
            Reflect::get(&item, &JsValue::from_str("answer")).unwrap_or(JsValue::UNDEFINED);
        stores.push((id, answer));
    }
    let resolver = Fetched {
        matches: matches_of(&lookup.repository, &matches)?,
        repository: lookup.repository,
        stores,
    };
    let recovered = recover::recover(&verifier, &resolver, &body256)?;
    match recovered {
        Some(recovered) => to_js(&recovered),
        None => Ok(JsValue::NULL),
    }
}

/// A repository as far as the package has fetched it.
struct Fetched {
    repository: String,
    matches: Vec<Match>,
    /// Each candidate's id and the answer to its `GET`.
    stores: Vec<(String, JsValue)>,
}

impl Resolver for Fetched {
    fn repository(&self) -> &str {
        &self.repository
    }

    fn matches_by_binding(
        &self,
        _alg: &str,
        _value: &[u8],
        _max_results: usize,
    ) -> hallmark::Result<Vec<Match>> {
        Ok(self.matches.clone())
    }

    fn manifest(&self, manifest_id: &str) -> hallmark::Result<Vec<u8>> {
        let answer = self
            .stores
            .iter()
            .find(|(id, _)| id == manifest_id)
            .map(|(_, answer)| answer)
            .ok_or_else(|| {
                recover::unavailable(&self.repository, format!("{manifest_id} was not fetched"))
            })?;
        body_of_answer(&self.repository, manifest_id, answer)
    }
}

/// The candidates of a match query's answer.
fn matches_of(repository: &str, answer: &JsValue) -> Result<Vec<Match>, Thrown> {
    let body = body_of_answer(repository, "the match query", answer)?;
    Ok(parse_matches(repository, &body)?)
}

/// The body of a `200` answer about `what`; the library's error for any
/// other (`{status, body}`) and for none (`{error}`: the request failed, or
/// the answer was too large).
fn body_of_answer(repository: &str, what: &str, answer: &JsValue) -> hallmark::Result<Vec<u8>> {
    let get = |key: &str| Reflect::get(answer, &JsValue::from_str(key)).unwrap_or_default();
    if let Some(error) = get("error").as_string() {
        return Err(recover::unavailable(repository, error));
    }
    let body = get("body")
        .dyn_into::<Uint8Array>()
        .map(|body| body.to_vec())
        .unwrap_or_default();
    let status = get("status")
        .as_f64()
        .filter(|status| (100.0..=599.0).contains(status) && status.fract() == 0.0)
        .map(|status| status as u16);
    match status {
        Some(200) => Ok(body),
        Some(status) => Err(recover::refused(repository, what, status, &body)),
        None => Err(recover::unavailable(repository, "no answer".into())),
    }
}

/// The 256-bit body of a fingerprint as `fingerprint()` gives it.
fn body_of(fingerprint: &JsValue) -> Result<[u8; 32], Thrown> {
    let wrong = |why: &str| {
        misuse(&format!(
            "not a fingerprint ({why}): give what fingerprint() returns, \
             {{alg: \"io.iscc.v0\", value, iscc}}"
        ))
    };
    let binding: SoftBinding = serde_wasm_bindgen::from_value(fingerprint.clone())
        .map_err(|_| wrong(&kind_of(fingerprint)))?;
    if binding.alg != ISCC_ALGORITHM {
        return Err(wrong(&format!("its alg is {:?}", binding.alg)));
    }
    let unit = binding
        .value_bytes()
        .ok_or_else(|| wrong("its value is not base64"))?;
    // The core module has no ISCC code of its own (it is in the fingerprint
    // module): the unit is the 256-bit Image-Code's header and its body.
    match unit.split_first_chunk::<2>() {
        Some((header, body)) if *header == ISCC_IMAGE_256_HEADER => <[u8; 32]>::try_from(body)
            .map_err(|_| wrong(&format!("its body is {} bytes, not 32", body.len()))),
        _ => Err(wrong("its value is not a 256-bit ISCC Image-Code")),
    }
}
