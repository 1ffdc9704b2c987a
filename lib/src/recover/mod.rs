//! Finding the manifest of a copy that lost it: fingerprint the copy, ask a
//! manifest repository that speaks the C2PA Soft Binding Resolution API,
//! fetch the candidates' manifest stores and check each here.
//!
//! The transport is the caller's ([`Resolver`]): [`http::HttpResolver`]
//! (feature `http`) for the command line and the dataset tools, the
//! browser's `fetch` for the browser package. Nothing the repository says
//! is taken on trust: every candidate's store is verified here
//! ([`Verifier::verify_detached_store`]), and its distance to the copy is
//! computed from the soft binding signed inside it, not from the
//! repository's similarity score. A recovered manifest can only restrict
//! what the copy may be used for ([`crate::Report::decide`]).

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod http;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::soft_binding::{ISCC_ALGORITHM, ISCC_IMAGE_256_HEADER};
use crate::verify::recovered::similarity;
use crate::verify::{Recovered, Report, State, Verifier};

/// Where the API lives under a repository's base URL.
pub const API_PREFIX: &str = "/v1";

/// The largest 256-bit distance at which a candidate counts as the same
/// image. Measured on natural photographs: re-encoding, resizing and format
/// conversion stay within 16 bits for all but degenerate images; the two
/// closest distinct photographs (a stereo pair) are 62 bits apart, distinct
/// photographs 108 or more. See bench/README.md.
pub const MATCH_DISTANCE: u32 = 53;

/// How many candidates are fetched and checked at most.
pub const MAX_CANDIDATES: usize = 5;

/// One candidate of a repository's answer (`matches[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    /// The manifest's identifier (its label).
    pub manifest_id: String,
    /// Another repository that holds it, when not this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The repository's similarity score, 0–100 (informative only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity_score: Option<u8>,
}

/// A repository's answer to a match query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matches {
    /// The candidates, best first.
    pub matches: Vec<Match>,
}

/// A manifest repository, as a client sees it: the two calls recovery
/// makes (Soft Binding Resolution API 1.x).
pub trait Resolver {
    /// The repository's base URL, as reports name it.
    fn repository(&self) -> &str;

    /// `POST /v1/matches/byBinding`: candidates for a soft-binding value.
    fn matches_by_binding(&self, alg: &str, value: &[u8], max_results: usize)
    -> Result<Vec<Match>>;

    /// `GET /v1/manifests/{manifestId}`: a candidate's manifest store.
    fn manifest(&self, manifest_id: &str) -> Result<Vec<u8>>;
}

/// The soft-binding value a 256-bit ISCC Image-Code body is queried by:
/// its ISCC unit bytes.
pub fn query_value(body256: &[u8; 32]) -> Vec<u8> {
    let mut unit = ISCC_IMAGE_256_HEADER.to_vec();
    unit.extend_from_slice(body256);
    unit
}

/// Check one candidate: verify its store (apart from its content binding),
/// find the ISCC soft binding signed in it, and its distance to `body256`.
/// `None` when it holds no such binding or is farther than
/// [`MATCH_DISTANCE`]: then it is not this image's manifest, whatever the
/// repository said.
pub fn check_candidate(
    verifier: &Verifier,
    repository: &str,
    manifest_id: &str,
    store: &[u8],
    body256: &[u8; 32],
) -> Result<Option<Recovered>> {
    let name = format!("{manifest_id} (from {repository})");
    let report = verifier.verify_detached_store(&name, store)?;
    let nearest = report
        .soft_bindings
        .iter()
        .filter(|b| b.alg == ISCC_ALGORITHM)
        .filter_map(|b| Some((b, distance(&b.value_bytes()?, body256)?)))
        .min_by_key(|(_, distance)| *distance);
    let Some((binding, distance)) = nearest else {
        return Ok(None);
    };
    if distance > MATCH_DISTANCE {
        return Ok(None);
    }
    let soft_binding = binding.clone();
    Ok(Some(recovered_from(
        report,
        repository,
        manifest_id,
        distance,
        soft_binding,
    )))
}

/// The better of two recovered manifests: an intact one over a broken one,
/// then the nearer.
pub fn better(a: Recovered, b: Recovered) -> Recovered {
    let key = |r: &Recovered| (!r.state.is_intact(), r.distance);
    if key(&b) < key(&a) { b } else { a }
}

/// Ask `resolver` for the manifest of the image whose fingerprint body is
/// `body256`, check up to [`MAX_CANDIDATES`] candidates and return the best
/// ([`better`]); `None` when nothing matches.
pub fn recover(
    verifier: &Verifier,
    resolver: &dyn Resolver,
    body256: &[u8; 32],
) -> Result<Option<Recovered>> {
    let value = query_value(body256);
    let matches = resolver.matches_by_binding(ISCC_ALGORITHM, &value, MAX_CANDIDATES)?;
    let mut best: Option<Recovered> = None;
    for candidate in matches.iter().take(MAX_CANDIDATES) {
        if candidate.endpoint.is_some() {
            // Held by another repository: not followed (the caller chose this one).
            continue;
        }
        let store = resolver.manifest(&candidate.manifest_id)?;
        let checked = match check_candidate(
            verifier,
            resolver.repository(),
            &candidate.manifest_id,
            &store,
            body256,
        ) {
            Ok(checked) => checked,
            // A store that cannot be read at all is no candidate.
            Err(error) if error.kind() == crate::ErrorKind::BadInput => None,
            Err(error) => return Err(error),
        };
        best = match (best, checked) {
            (Some(a), Some(b)) => Some(better(a, b)),
            (a, b) => a.or(b),
        };
    }
    Ok(best)
}

/// Look up the manifest of the file whose bytes are `bytes` (named `name`)
/// and whose report is `report`, when its own credentials are absent or
/// broken and it is an image hallmark fingerprints; the result goes into
/// `report.recovered`. Nothing happens for a file with intact credentials
/// or one of a format that gets no fingerprint.
#[cfg(feature = "fingerprint")]
pub fn recover_into(
    verifier: &Verifier,
    resolver: &dyn Resolver,
    name: &str,
    bytes: &[u8],
    report: &mut Report,
) -> Result<()> {
    use crate::fingerprint::Fingerprint;

    if !wanted(report) {
        return Ok(());
    }
    let fingerprintable = crate::MediaFormat::from_mime_type(&report.format)
        .is_some_and(|format| format.fingerprint_refusal().is_none());
    if !fingerprintable {
        return Ok(());
    }
    let fingerprint = Fingerprint::of_bytes(name, bytes)?;
    report.recovered = recover(verifier, resolver, &fingerprint.body256())?;
    Ok(())
}

/// [`recover_into`] for a file on disk (images of up to 512 MiB).
#[cfg(feature = "fingerprint")]
pub fn recover_file(
    verifier: &Verifier,
    resolver: &dyn Resolver,
    path: &std::path::Path,
    report: &mut Report,
) -> Result<()> {
    use std::io::Read;

    if !wanted(report) {
        return Ok(());
    }
    let name = path.display().to_string();
    let len = crate::input::regular_file_len(path, &name)?;
    if len > MAX_RECOVER_BYTES {
        return Err(Error::TooLarge {
            file: name,
            detail: format!("hallmark fingerprints images of at most {MAX_RECOVER_BYTES} bytes"),
        });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_RECOVER_BYTES).read_to_end(&mut bytes))
        .map_err(|e| Error::io(&name, "cannot read", e))?;
    recover_into(verifier, resolver, &name, &bytes, report)
}

/// The largest file read to be fingerprinted for a lookup.
#[cfg(feature = "fingerprint")]
const MAX_RECOVER_BYTES: u64 = 512 * 1024 * 1024;

/// Whether a report's file should be looked up: its own credentials are
/// absent or broken.
pub fn wanted(report: &Report) -> bool {
    !report.state.is_intact()
}

/// A recovered manifest's summary, from its report.
fn recovered_from(
    report: Report,
    repository: &str,
    manifest_id: &str,
    distance: u32,
    soft_binding: crate::soft_binding::SoftBinding,
) -> Recovered {
    Recovered {
        repository: repository.to_owned(),
        manifest_id: report
            .active_manifest
            .clone()
            .unwrap_or_else(|| manifest_id.to_owned()),
        distance,
        similarity: similarity(distance),
        state: match report.state {
            State::None => State::Invalid,
            state => state,
        },
        title: report.title,
        signer: report.signer,
        policy: report.policy,
        policy_label: report.policy_label,
        soft_binding,
        statuses: report.statuses,
    }
}

/// Bits between an ISCC unit value and a 256-bit body; `None` when the
/// value is not a 256-bit Image-Code.
fn distance(unit: &[u8], body256: &[u8; 32]) -> Option<u32> {
    let body = unit.strip_prefix(&ISCC_IMAGE_256_HEADER[..])?;
    if body.len() != 32 {
        return None;
    }
    Some(
        body.iter()
            .zip(body256)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum(),
    )
}

/// A repository's URL for an API path: `base` without a trailing slash,
/// then [`API_PREFIX`] and `path`.
pub fn api_url(base: &str, path: &str) -> String {
    format!("{}{API_PREFIX}{path}", base.trim_end_matches('/'))
}

/// The URL of `POST /v1/matches/byBinding` asking for at most
/// `max_results` candidates; its body is [`binding_query`].
pub fn matches_url(base: &str, max_results: usize) -> String {
    format!(
        "{}?maxResults={max_results}",
        api_url(base, "/matches/byBinding")
    )
}

/// The JSON body of `POST /v1/matches/byBinding`: `{"alg", "value"}`, the
/// value in base64.
pub fn binding_query(alg: &str, value: &[u8]) -> String {
    use base64::Engine;
    let value = base64::engine::general_purpose::STANDARD.encode(value);
    serde_json::json!({ "alg": alg, "value": value }).to_string()
}

/// The URL of `GET /v1/manifests/{manifestId}`: the id percent-encoded
/// into one path segment.
pub fn manifest_url(base: &str, manifest_id: &str) -> String {
    api_url(base, &format!("/manifests/{}", percent_encode(manifest_id)))
}

/// The largest answer read from a repository: a manifest store is at most
/// this big (the same bound as sidecar manifests).
pub const MAX_ANSWER_BYTES: u64 = crate::verify::MAX_SIDECAR_BYTES;

/// The candidates of a repository's answer to a match query (`200`, a
/// JSON `{"matches": [...]}`).
///
/// Read through [`serde_json::Value`] rather than derived deserializers, so
/// that the browser build, which already parses JSON values, gains no new
/// parser code for it.
pub fn parse_matches(repository: &str, body: &[u8]) -> Result<Vec<Match>> {
    let wrong = |why: String| unavailable(repository, format!("not the API's answer: {why}"));
    let answer: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| wrong(e.to_string()))?;
    let matches = answer
        .get("matches")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| wrong("no \"matches\" array".into()))?;
    matches
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let text = |key: &str| match m.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(text)) => Ok(Some(text.clone())),
                Some(_) => Err(wrong(format!("matches[{i}].{key} is not a string"))),
            };
            let manifest_id = text("manifestId")?
                .ok_or_else(|| wrong(format!("matches[{i}] has no manifestId")))?;
            let similarity_score = match m.get("similarityScore") {
                None | Some(serde_json::Value::Null) => None,
                Some(score) => Some(
                    score
                        .as_u64()
                        .and_then(|n| u8::try_from(n).ok())
                        .ok_or_else(|| {
                            wrong(format!("matches[{i}].similarityScore is not 0-255"))
                        })?,
                ),
            };
            Ok(Match {
                manifest_id,
                endpoint: text("endpoint")?,
                similarity_score,
            })
        })
        .collect()
}

/// What publishing a manifest did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Published {
    /// The manifest's identifier, as the repository stores it.
    pub manifest_id: String,
    /// Whether it was new (`false`: the repository already held it).
    pub created: bool,
}

/// The error for a repository that cannot be reached or does not answer as
/// the API says.
pub fn unavailable(repository: &str, detail: String) -> Error {
    Error::RepositoryUnavailable {
        repository: repository.to_owned(),
        detail,
    }
}

/// The error for a repository's answer of HTTP `status` (not a success) to
/// a request about `what` (a file, a manifest id, "the match query"): a
/// refusal for a 4xx, with the repository's own message when its body is
/// the API's error (`{"error": {"message"}}`); unavailable otherwise.
pub fn refused(repository: &str, what: &str, status: u16, body: &[u8]) -> Error {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|answer| {
            answer
                .pointer("/error/message")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
    if (400..500).contains(&status) {
        Error::RepositoryRefused {
            file: what.to_owned(),
            repository: repository.to_owned(),
            status,
            message,
        }
    } else {
        unavailable(repository, format!("HTTP {status}: {message}"))
    }
}

/// `text` with every byte outside the URL-safe set percent-encoded, for a
/// path segment (a manifest id holds `:`).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Refuse a repository URL that is not `http://` or `https://`.
pub fn check_repository_url(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://")) && url.len() > 8 {
        Ok(())
    } else {
        Err(Error::InvalidOption(format!(
            "{url}: a repository is an http:// or https:// URL (its API lives under {API_PREFIX})"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_bits_of_the_body() {
        let body = [0u8; 32];
        let mut other = query_value(&body);
        other[2] = 0b1011_0000;
        assert_eq!(distance(&other, &body), Some(3));
        assert_eq!(distance(&[0x21, 0x01, 0, 0], &body), None);
        assert_eq!(distance(&other[..20], &body), None);
    }

    #[test]
    fn urls_are_built_under_the_api_prefix() {
        assert_eq!(
            api_url("http://127.0.0.1:8080/", "/matches/byBinding"),
            "http://127.0.0.1:8080/v1/matches/byBinding"
        );
        assert!(check_repository_url("https://repo.example").is_ok());
        assert!(check_repository_url("ftp://repo.example").is_err());
        assert!(check_repository_url("http://").is_err());
    }

    #[test]
    fn manifest_ids_stay_one_path_segment() {
        assert_eq!(
            percent_encode("urn:c2pa:3fa85f64-5717/x y"),
            "urn:c2pa:3fa85f64-5717%2Fx%20y"
        );
        assert_eq!(
            manifest_url("http://h/", "urn:c2pa:a b"),
            "http://h/v1/manifests/urn:c2pa:a%20b"
        );
        assert_eq!(
            matches_url("http://h", 5),
            "http://h/v1/matches/byBinding?maxResults=5"
        );
    }

    #[test]
    fn answers_become_errors_of_the_right_kind() {
        let body = br#"{"error": {"code": "bad_value", "message": "not base64"}}"#;
        let error = refused("http://h", "the match query", 400, body);
        assert_eq!(error.kind(), crate::ErrorKind::BadInput);
        assert!(error.to_string().contains("not base64"), "{error}");
        let error = refused("http://h", "the match query", 503, b"busy");
        assert_eq!(error.kind(), crate::ErrorKind::Environment);
        assert!(parse_matches("http://h", b"[]").is_err());
        assert!(parse_matches("http://h", br#"{"matches": [{"endpoint": "x"}]}"#).is_err());
        assert!(
            parse_matches("http://h", br#"{"matches": [{"manifestId": 1}]}"#).is_err_and(|e| e
                .to_string()
                .contains("matches[0].manifestId is not a string"))
        );
        assert_eq!(
            parse_matches(
                "http://h",
                br#"{"matches": [{"manifestId": "urn:c2pa:y", "endpoint": "https://other.example", "similarityScore": null}]}"#
            )
            .unwrap(),
            [Match {
                manifest_id: "urn:c2pa:y".into(),
                endpoint: Some("https://other.example".into()),
                similarity_score: None,
            }]
        );
        let matches = parse_matches(
            "http://h",
            br#"{"matches": [{"manifestId": "urn:c2pa:x", "similarityScore": 99}]}"#,
        )
        .unwrap();
        assert_eq!(matches[0].manifest_id, "urn:c2pa:x");
        assert_eq!(
            binding_query("io.iscc.v0", &[0, 1]),
            r#"{"alg":"io.iscc.v0","value":"AAE="}"#
        );
    }

    #[test]
    fn similarity_runs_from_0_to_100() {
        assert_eq!(similarity(0), 100);
        assert_eq!(similarity(256), 0);
        assert_eq!(similarity(53), 79);
        assert_eq!(similarity(1000), 0);
    }
}
