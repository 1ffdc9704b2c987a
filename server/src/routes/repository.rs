//! The manifest repository: the C2PA Soft Binding Resolution API 1.x under
//! `/v1` (`matches/byBinding`, `matches/byContent`, `manifests/{id}`,
//! `services/supportedAlgorithms`), and publishing (`POST /v1/manifests`).
//!
//! A match is a published manifest whose soft binding lies within the
//! repository's thresholds of the query (64-bit radius for the candidate
//! search, 256-bit distance for the match); `manifestId` is the manifest's
//! own label, `similarityScore` the share of equal bits of the 256-bit
//! codes. Without `--repository` these routes answer 404 `no_repository`.

use std::net::SocketAddr;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use base64::Engine;
use hallmark::repository::{MAX_RESULTS_LIMIT, Repository, Upload};
use hallmark::verify::BARE_STORE_MEDIA_TYPE;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::routes::shared::{Upload as Body, declared_format, run_limited};
use crate::state::AppState;
use hallmark::tokens::Scope;

/// The soft-binding algorithm hallmark indexes.
const ISCC: &str = hallmark::soft_binding::ISCC_ALGORITHM;

/// Results when `maxResults` is not given (the API's default).
const DEFAULT_MAX_RESULTS: usize = 10;

/// The answer of every match query.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchAnswer {
    /// The matches, best first; empty when nothing is within the thresholds.
    pub matches: Vec<MatchItem>,
}

/// One match.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MatchItem {
    /// The manifest's identifier (its label, `urn:c2pa:…`): fetch it from
    /// `/v1/manifests/{manifestId}`.
    pub manifest_id: String,
    /// How alike the query and the manifest's soft binding are, 0–100 (the
    /// share of equal bits of the 256-bit ISCC Image-Codes).
    pub similarity_score: u8,
}

/// `maxResults` (all match queries).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MaxResults {
    /// How many matches at most (1–1000, default 10).
    #[param(minimum = 1, maximum = 1000)]
    max_results: Option<usize>,
}

/// `GET /v1/matches/byBinding`: the binding in the query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BindingQuery {
    /// The soft-binding algorithm (`io.iscc.v0`).
    alg: String,
    /// The soft-binding value, base64 (for `io.iscc.v0`: the 34-byte ISCC unit).
    value: String,
    /// How many matches at most (1–1000, default 10).
    #[param(minimum = 1, maximum = 1000)]
    max_results: Option<usize>,
}

/// `POST /v1/matches/byBinding`: the binding in the body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BindingBody {
    /// The soft-binding algorithm (`io.iscc.v0`).
    pub alg: String,
    /// The soft-binding value, base64.
    pub value: String,
}

/// `POST /v1/matches/byContent`: what the body is matched by.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContentQuery {
    /// The algorithm to match by (`io.iscc.v0`, the default).
    alg: Option<String>,
    /// How many matches at most (1–1000, default 10).
    #[param(minimum = 1, maximum = 1000)]
    max_results: Option<usize>,
    /// A soft binding the caller already computed for the body (algorithm).
    hint_alg: Option<String>,
    /// … and its base64 value: used instead of computing the fingerprint.
    hint_value: Option<String>,
}

/// `returnActiveManifest`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ManifestQuery {
    /// Accepted for the API's sake: the repository keeps each manifest in
    /// the store it was published in, where it is the active manifest.
    return_active_manifest: Option<bool>,
}

/// The algorithms this repository matches by.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SupportedAlgorithms {
    /// Watermark algorithms (none).
    pub watermarks: Vec<Algorithm>,
    /// Fingerprint algorithms (`io.iscc.v0`).
    pub fingerprints: Vec<Algorithm>,
}

/// One algorithm.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Algorithm {
    /// Its name in the C2PA soft-binding algorithm list.
    pub alg: String,
}

/// The answer of `POST /v1/manifests`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublishAnswer {
    /// The manifest's identifier (its label).
    pub manifest_id: String,
    /// Whether it was stored now (`false`: it was already there).
    pub created: bool,
    /// The soft bindings it is found by.
    pub soft_bindings: Vec<hallmark::soft_binding::SoftBinding>,
}

/// The repository, or 404 when the service runs without one.
fn repository(state: &AppState) -> Result<&Repository, ApiError> {
    state.repository.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_repository",
            "this service runs without a manifest repository (start it with --repository)",
        )
    })
}

/// A query string that does not fit the operation's parameters.
fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_query", rejection.body_text())
}

fn max_results(asked: Option<usize>) -> Result<usize, ApiError> {
    let n = asked.unwrap_or(DEFAULT_MAX_RESULTS);
    if (1..=MAX_RESULTS_LIMIT).contains(&n) {
        Ok(n)
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("maxResults must be between 1 and {MAX_RESULTS_LIMIT}"),
        ))
    }
}

fn decode_value(value: &str) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_value",
                format!("value is not base64: {e}"),
            )
        })
}

/// The matches for a binding value.
async fn matches(
    state: &AppState,
    alg: &str,
    value: &[u8],
    max: usize,
) -> Result<Json<MatchAnswer>, ApiError> {
    if alg == ISCC && hallmark::soft_binding::iscc_string(value).is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_value",
            format!(
                "an {ISCC} value is a 256-bit ISCC Image-Code unit: 34 bytes starting 0x21 0x07, \
                 base64 (got {} bytes)",
                value.len()
            ),
        ));
    }
    let found = repository(state)?
        .matches_by_value(alg, value, max)
        .await
        .map_err(|e| ApiError::from_library(&e.into()))?;
    Ok(Json(MatchAnswer {
        matches: found
            .iter()
            .map(|m| MatchItem {
                manifest_id: m.manifest_id.clone(),
                similarity_score: m.similarity_score(),
            })
            .collect(),
    }))
}

/// Manifests whose soft binding is near a value given in the query.
#[utoipa::path(
    get,
    path = "/v1/matches/byBinding",
    params(BindingQuery),
    responses(
        (status = 200, description = "The matches, best first (empty when none is near)", body = MatchAnswer),
        (status = 400, description = "An unknown algorithm, a malformed value or maxResults", body = ErrorBody),
        (status = 404, description = "The service runs without a repository", body = ErrorBody),
    )
)]
pub(crate) async fn matches_by_binding_query(
    State(state): State<AppState>,
    query: Result<Query<BindingQuery>, QueryRejection>,
) -> Result<Json<MatchAnswer>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let max = max_results(query.max_results)?;
    let value = decode_value(&query.value)?;
    matches(&state, &query.alg, &value, max).await
}

/// Manifests whose soft binding is near a value given in the body.
#[utoipa::path(
    post,
    path = "/v1/matches/byBinding",
    params(MaxResults),
    request_body(content = BindingBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The matches, best first (empty when none is near)", body = MatchAnswer),
        (status = 400, description = "An unknown algorithm, a malformed value or maxResults", body = ErrorBody),
        (status = 404, description = "The service runs without a repository", body = ErrorBody),
    )
)]
pub(crate) async fn matches_by_binding_body(
    State(state): State<AppState>,
    query: Result<Query<MaxResults>, QueryRejection>,
    body: Result<Json<BindingBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<MatchAnswer>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let max = max_results(query.max_results)?;
    let Json(body) =
        body.map_err(|r| ApiError::new(StatusCode::BAD_REQUEST, "bad_body", r.body_text()))?;
    let value = decode_value(&body.value)?;
    matches(&state, &body.alg, &value, max).await
}

/// Manifests whose soft binding is near the fingerprint of the image in the body.
#[utoipa::path(
    post,
    path = "/v1/matches/byContent",
    params(ContentQuery),
    request_body(content = Body, content_type = "application/octet-stream",
        description = "The image (JPEG, PNG, WebP, TIFF, GIF), sent with its media type"),
    responses(
        (status = 200, description = "The matches, best first (empty when none is near)", body = MatchAnswer),
        (status = 400, description = "An unknown algorithm, an empty body or a bad maxResults", body = ErrorBody),
        (status = 404, description = "The service runs without a repository", body = ErrorBody),
        (status = 413, description = "The body is larger than max-body-bytes", body = ErrorBody),
        (status = 415, description = "Not an image hallmark fingerprints", body = ErrorBody),
        (status = 422, description = "The image is damaged or too large to decode", body = ErrorBody),
    )
)]
pub(crate) async fn matches_by_content(
    State(state): State<AppState>,
    query: Result<Query<ContentQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<MatchAnswer>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    repository(&state)?;
    let max = max_results(query.max_results)?;
    let alg = query.alg.as_deref().unwrap_or(ISCC);
    if let (Some(hint_alg), Some(hint_value)) = (&query.hint_alg, &query.hint_value)
        && hint_alg == alg
    {
        let value = decode_value(hint_value)?;
        return matches(&state, alg, &value, max).await;
    }
    if body.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "empty_body",
            "the body is empty: send the image",
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let format = declared_format(content_type, None)?;
    if let Some(reason) = format.fingerprint_refusal() {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("no fingerprint of {}: {reason}", format.name()),
        ));
    }
    let value = run_limited(&state, "the work", move |_verifier| {
        hallmark::fingerprint::Fingerprint::of_bytes("upload", &body)
            .map(|f| f.unit_bytes().to_vec())
            .map_err(hallmark::Error::from)
    })
    .await?;
    matches(&state, alg, &value, max).await
}

/// A published manifest store.
#[utoipa::path(
    get,
    path = "/v1/manifests/{manifestId}",
    params(
        ("manifestId" = String, Path, description = "The manifest's identifier, as a match gave it"),
        ManifestQuery
    ),
    responses(
        (status = 200, description = "The manifest store", content_type = "application/c2pa", body = Vec<u8>),
        (status = 400, description = "A malformed manifest id", body = ErrorBody),
        (status = 404, description = "No such manifest, or no repository", body = ErrorBody),
    )
)]
pub(crate) async fn manifest(
    State(state): State<AppState>,
    Path(manifest_id): Path<String>,
    query: Result<Query<ManifestQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    // Every stored manifest is the active one of the store it was published in.
    tracing::debug!(return_active_manifest = ?query.return_active_manifest, "manifest");
    let store = repository(&state)?
        .manifest(&manifest_id)
        .await
        .map_err(|e| ApiError::from_library(&e.into()))?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no_such_manifest",
                format!("no manifest {manifest_id} is published here"),
            )
        })?;
    Ok(([(header::CONTENT_TYPE, BARE_STORE_MEDIA_TYPE)], store).into_response())
}

/// The soft-binding algorithms this repository matches by.
#[utoipa::path(
    get,
    path = "/v1/services/supportedAlgorithms",
    responses(
        (status = 200, description = "The algorithms", body = SupportedAlgorithms),
        (status = 404, description = "The service runs without a repository", body = ErrorBody),
    )
)]
pub(crate) async fn supported_algorithms(
    State(state): State<AppState>,
) -> Result<Json<SupportedAlgorithms>, ApiError> {
    let supported = repository(&state)?.supported_algorithms();
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|alg| Algorithm {
                alg: (*alg).to_owned(),
            })
            .collect()
    };
    Ok(Json(SupportedAlgorithms {
        watermarks: list(supported.watermarks),
        fingerprints: list(supported.fingerprints),
    }))
}

/// Publish a manifest: the body is a signed file (sent with its media type)
/// or a manifest store (`application/c2pa`). Only intact credentials that
/// record an `io.iscc.v0` soft binding are stored; publishing the same
/// manifest again changes nothing (200 instead of 201).
#[utoipa::path(
    post,
    path = "/v1/manifests",
    request_body(content = Body, content_type = "application/octet-stream",
        description = "A signed file with its media type, or a manifest store as application/c2pa"),
    responses(
        (status = 201, description = "Published", body = PublishAnswer),
        (status = 200, description = "Already published: nothing changed", body = PublishAnswer),
        (status = 400, description = "An empty body", body = ErrorBody),
        (status = 404, description = "The service runs without a repository", body = ErrorBody),
        (status = 409, description = "The manifest id is published with another store", body = ErrorBody),
        (status = 413, description = "The body is larger than max-body-bytes", body = ErrorBody),
        (status = 415, description = "No or an unsupported media type", body = ErrorBody),
        (status = 422, description = "Not publishable: no intact credentials, no soft binding, or one that does not match the image", body = ErrorBody),
        (status = 401, description = "The service requires a token (--tokens) and none, or an unknown one, was sent", body = ErrorBody),
        (status = 403, description = "The token lacks the publish scope, or the signer has stored as many manifests as one may (signer_quota)", body = ErrorBody),
        (status = 429, description = "Open mode: too many publishings from this address; Retry-After says when to try again", body = ErrorBody),
        (status = 503, description = "The repository's disk is nearly full (repository_full), or its database does not answer", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub(crate) async fn publish(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let repository = repository(&state)?.clone();
    let address = client.map(|Extension(ConnectInfo(address))| address.ip());
    let caller = match &state.tokens {
        Some(tokens) => Caller::Token(tokens.authorize(&headers, Scope::Publish)?),
        None => {
            if let (Some(limiter), Some(address)) = (&state.publish_limiter, address) {
                limiter.admit(address)?;
            }
            Caller::Address(address.map_or_else(|| "unknown".to_owned(), |a| a.to_string()))
        }
    };
    if body.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "empty_body",
            "the body is empty: send a signed file or a manifest store",
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let is_store = content_type
        .and_then(|c| c.split(';').next())
        .is_some_and(|c| c.trim().eq_ignore_ascii_case(BARE_STORE_MEDIA_TYPE));
    let format = if is_store {
        None
    } else {
        Some(declared_format(content_type, None)?)
    };
    let entry = run_limited(&state, "the work", move |verifier| {
        let upload = match format {
            Some(format) => Upload::Media {
                format,
                bytes: &body,
            },
            None => Upload::Store(&body),
        };
        hallmark::repository::entry_for(verifier, "upload", upload)
    })
    .await?;
    repository
        .check_room(&entry, &state.limits)
        .await
        .map_err(|e| ApiError::from_library(&e.into()))?;
    let published = repository
        .publish(&entry)
        .await
        .map_err(|e| ApiError::from_library(&e.into()))?;
    let answer = PublishAnswer {
        manifest_id: entry.manifest_id.clone(),
        created: published.created,
        soft_bindings: entry
            .bindings
            .iter()
            .map(|b| hallmark::soft_binding::SoftBinding::new(&b.alg, &b.value))
            .collect(),
    };
    let status = if published.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    // The audit line: who published what, signed by whom. Written once the
    // manifest is committed.
    tracing::info!(
        target: "hallmark::audit",
        caller = %caller,
        manifest = %answer.manifest_id,
        signer = entry.signer.as_deref().unwrap_or("-"),
        certificate = entry.signer_certificate.as_deref().unwrap_or("-"),
        created = published.created,
        "published"
    );
    Ok((status, Json(answer)).into_response())
}
