//! The routes and their handlers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, MatchedPath, Multipart, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use hallmark::Answer;
use hallmark::{Kind, MediaFormat, Report, Verifier};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::metrics::Metrics;

/// The answer of `POST /v1/verify`: the report, and `may_use` when `?for=` asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyAnswer {
    /// The report, exactly as `hallmark verify --json` prints it (without `file`).
    #[serde(flatten)]
    pub report: Report,
    /// May the file be used for the kind `?for=` named?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub may_use: Option<Answer>,
}

/// One part's answer in a batch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum BatchItem {
    /// The part was verified.
    Verified {
        /// The part's file name (or `part N`).
        file: String,
        /// Its report.
        #[serde(flatten)]
        answer: Box<VerifyAnswer>,
    },
    /// The part could not be verified.
    Failed {
        /// The part's file name (or `part N`).
        file: String,
        /// Always `error`.
        state: String,
        /// Why.
        error: ErrorDetail,
    },
}

/// The answer of `POST /v1/verify/batch`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchAnswer {
    /// One answer per part, in the order of the parts.
    pub reports: Vec<BatchItem>,
}

/// The body of `/healthz` and `/readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` (alive) or `ready` (trust list loaded).
    pub status: String,
    /// How many trust anchors are loaded (`/readyz` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_anchors: Option<usize>,
}

/// A file, as the request body.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Upload(pub Vec<u8>);

/// Files as multipart form parts (any field name; each part's
/// `Content-Type` or file name extension gives its format).
#[derive(ToSchema)]
pub struct BatchUpload {
    /// The files.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub file: Vec<Vec<u8>>,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The verifier, with the trust list loaded once.
    pub verifier: Arc<Verifier>,
    /// How many trust anchors were loaded (for `/readyz`).
    pub trust_anchors: usize,
    /// Caps the verifications running at once.
    pub pool: Arc<Semaphore>,
    /// Longest a verification may take.
    pub timeout: Duration,
    /// Largest body accepted.
    pub max_body_bytes: usize,
    /// Metrics.
    pub metrics: Metrics,
    /// Numbers requests for the logs.
    pub next_id: Arc<AtomicU64>,
}

/// The service's routes.
pub fn router(state: AppState) -> Router {
    let limit = state.max_body_bytes;
    Router::new()
        .route("/v1/verify", post(verify_one))
        .route("/v1/verify/batch", post(verify_batch))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_oversized,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// The state of the file a response is about, for logs and metrics.
#[derive(Clone, Copy)]
struct Verified(&'static str);

/// One log line and the metrics for every request; never the body.
async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = state.next_id.fetch_add(1, Ordering::Relaxed);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| match p.as_str() {
            "/v1/verify" => "/v1/verify",
            "/v1/verify/batch" => "/v1/verify/batch",
            "/healthz" => "/healthz",
            "/readyz" => "/readyz",
            "/metrics" => "/metrics",
            "/openapi.json" => "/openapi.json",
            "/docs" => "/docs",
            _ => "other",
        });
    let method = request.method().clone();
    let bytes = declared_length(request.headers());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    state
        .metrics
        .requests
        .with_label_values(&[route, &status.to_string()])
        .inc();
    state
        .metrics
        .latency
        .with_label_values(&[route])
        .observe(seconds);
    let verified = response.extensions().get::<Verified>().map(|v| v.0);
    tracing::info!(
        id,
        method = %method,
        route,
        status,
        bytes,
        state = verified,
        duration_ms = seconds * 1000.0,
        "request"
    );
    response
}

/// A request whose declared body is over the limit is answered 413 at once,
/// before any of the body is read: the extractors would otherwise read up
/// to the limit first (or wait for a body the client holds back).
async fn refuse_oversized(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match refuse_declared_too_large(request.headers(), state.max_body_bytes) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// `?for=` and `?format=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// Also answer whether the file may be used for this kind:
    /// `ai_training`, `ai_generative_training`, `ai_inference` or `data_mining`.
    #[serde(rename = "for")]
    #[param(rename = "for")]
    for_kind: Option<String>,
    /// The format, by extension (`jpg`, `png`, `wav`, …), when the body is
    /// sent as `application/octet-stream`.
    format: Option<String>,
}

/// The format a request declares, from its content type or `?format=`.
fn declared_format(
    content_type: Option<&str>,
    format: Option<&str>,
) -> Result<MediaFormat, ApiError> {
    let unsupported = |what: String| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            what,
        )
    };
    if let Some(ext) = format {
        return MediaFormat::from_extension(ext)
            .ok_or_else(|| unsupported(format!("unknown format \"{ext}\"")));
    }
    let mime = content_type
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase())
        .ok_or_else(|| {
            unsupported(
                "a Content-Type is required (or application/octet-stream with ?format=)".into(),
            )
        })?;
    if mime == "application/octet-stream" {
        return Err(unsupported(
            "application/octet-stream needs ?format=EXTENSION, e.g. ?format=jpg".into(),
        ));
    }
    MediaFormat::from_mime_type(&mime)
        .ok_or_else(|| unsupported(format!("hallmark does not verify {mime}")))
}

fn parse_kind(kind: Option<&str>) -> Result<Option<Kind>, ApiError> {
    kind.map(|k| {
        k.parse::<Kind>()
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "unknown_kind", e.to_string()))
    })
    .transpose()
}

/// Verify `bytes` on the blocking pool, within the timeout.
async fn verify_bytes(
    state: &AppState,
    name: String,
    format: MediaFormat,
    bytes: Bytes,
) -> Result<Report, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "empty_body",
            format!("{name}: the body is empty"),
        ));
    }
    // The declared format must be what the bytes are (a DNG may be sent as
    // TIFF, a MOV as MP4: the same container).
    let format = MediaFormat::identify(&name, Some(format), &bytes, true)
        .map_err(|e| ApiError::from_library(&e))?;
    let permit = Arc::clone(&state.pool).acquire_owned().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "the service is stopping",
        )
    })?;
    let verifier = Arc::clone(&state.verifier);
    let metrics = state.metrics.clone();
    let size = bytes.len() as u64;
    let work = tokio::task::spawn_blocking(move || {
        // The permit is held until the verification ends, even after a
        // timeout answered the client: the pool never runs more than its size.
        let _permit = permit;
        metrics.in_flight.inc();
        let result = verifier.verify_bytes(&name, Some(format), &bytes);
        metrics.in_flight.dec();
        metrics.bytes.inc_by(size);
        result
    });
    let result = match tokio::time::timeout(state.timeout, work).await {
        Ok(Ok(result)) => result,
        Ok(Err(_panicked)) => {
            state.metrics.results.with_label_values(&["error"]).inc();
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "verification failed unexpectedly",
            ));
        }
        Err(_elapsed) => {
            state.metrics.results.with_label_values(&["error"]).inc();
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!(
                    "verification took longer than {} s",
                    state.timeout.as_secs()
                ),
            ));
        }
    };
    match result {
        Ok(report) => {
            state
                .metrics
                .results
                .with_label_values(&[report.state.as_str()])
                .inc();
            Ok(report)
        }
        Err(err) => {
            state.metrics.results.with_label_values(&["error"]).inc();
            Err(ApiError::from_library(&err))
        }
    }
}

/// The answer for a report, with `may_use` when asked.
fn answer(report: Report, kind: Option<Kind>) -> VerifyAnswer {
    let may_use = kind.map(|kind| report.may_use(kind));
    VerifyAnswer { report, may_use }
}

/// Verify one file: the body is the file.
#[utoipa::path(
    post,
    path = "/v1/verify",
    params(VerifyQuery),
    request_body(content = Upload, content_type = "application/octet-stream",
        description = "The file. Send it with its media type (image/jpeg, image/png, audio/wav, video/mp4, application/pdf, …) or as application/octet-stream with ?format="),
    responses(
        (status = 200, description = "The file's Content Credentials report", body = VerifyAnswer),
        (status = 400, description = "No body, or an unknown ?for= kind", body = ErrorBody),
        (status = 413, description = "The body is larger than max-body-bytes", body = ErrorBody),
        (status = 415, description = "No or an unsupported media type", body = ErrorBody),
        (status = 422, description = "The bytes are not the declared format, or are damaged", body = ErrorBody),
        (status = 503, description = "The verification exceeded the deadline", body = ErrorBody),
    )
)]
pub async fn verify_one(
    State(state): State<AppState>,
    Query(query): Query<VerifyQuery>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let kind = parse_kind(query.for_kind.as_deref())?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let format = declared_format(content_type, query.format.as_deref())?;
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(state.max_body_bytes),
        status => ApiError::new(status, "bad_body", rejection.body_text()),
    })?;
    let report = verify_bytes(&state, "upload".into(), format, body).await?;
    let verified = Verified(report.state.as_str());
    let mut response = Json(answer(report, kind)).into_response();
    response.extensions_mut().insert(verified);
    Ok(response)
}

/// The body length a request declares (`Content-Length`), if any.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// A body whose declared length is over the limit is refused before any of
/// it is read.
fn refuse_declared_too_large(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    match declared_length(headers) {
        Some(len) if len > limit as u64 => Err(too_large(limit)),
        _ => Ok(()),
    }
}

/// A multipart stream that cannot be read: too large, or malformed.
fn multipart_error(e: &axum::extract::multipart::MultipartError, limit: usize) -> ApiError {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
        _ => ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", e.body_text()),
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("the body is larger than the {limit} bytes this service accepts"),
    )
}

/// Verify many files: multipart, one answer per part, in order.
#[utoipa::path(
    post,
    path = "/v1/verify/batch",
    params(VerifyQuery),
    request_body(content = BatchUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "One answer per part, in order", body = BatchAnswer),
        (status = 400, description = "Not valid multipart, or an unknown ?for= kind", body = ErrorBody),
        (status = 413, description = "The body is larger than max-body-bytes", body = ErrorBody),
    )
)]
pub async fn verify_batch(
    State(state): State<AppState>,
    Query(query): Query<VerifyQuery>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<BatchAnswer>, ApiError> {
    let kind = parse_kind(query.for_kind.as_deref())?;
    let mut multipart = multipart
        .map_err(|r| ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", r.body_text()))?;
    let mut reports = Vec::new();
    let mut index = 0usize;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e, state.max_body_bytes)),
        };
        index += 1;
        let name = field
            .file_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("part {index}"));
        let by_extension = std::path::Path::new(&name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return Err(multipart_error(&e, state.max_body_bytes)),
        };
        let format = match content_type.as_deref() {
            Some("application/octet-stream") | None => {
                declared_format(None, by_extension.as_deref())
            }
            declared => declared_format(declared, None),
        };
        let verdict = match format {
            Ok(format) => verify_bytes(&state, name.clone(), format, bytes).await,
            Err(err) => Err(err),
        };
        reports.push(match verdict {
            Ok(report) => BatchItem::Verified {
                file: name,
                answer: Box::new(answer(report, kind)),
            },
            Err(err) => BatchItem::Failed {
                file: name,
                state: "error".into(),
                error: err.detail(),
            },
        });
    }
    Ok(Json(BatchAnswer { reports }))
}

/// Alive.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        trust_anchors: None,
    })
}

/// Ready: the trust list is loaded and the verifier built.
#[utoipa::path(get, path = "/readyz", responses((status = 200, body = Health)))]
pub async fn readyz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ready".into(),
        trust_anchors: Some(state.trust_anchors),
    })
}

/// Prometheus metrics (text exposition format); every name starts `hallmark_`.
#[utoipa::path(get, path = "/metrics", responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, content_type = "application/json", body = Object)))]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document_json(),
    )
}

/// A page that shows this document (no scripts from elsewhere).
pub async fn docs() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        crate::openapi::DOCS_PAGE,
    )
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}
