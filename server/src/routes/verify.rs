//! `POST /v1/verify` and `POST /v1/verify/batch`: a file's report.

use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use hallmark::{Answer, Kind, MediaFormat, Report};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::middleware::{Verified, multipart_error, too_large};
use crate::routes::shared::{Upload, declared_format, run_limited};
use crate::state::AppState;

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

/// Files as multipart form parts (any field name; each part's
/// `Content-Type` or file name extension gives its format).
#[derive(ToSchema)]
pub struct BatchUpload {
    /// The files.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub file: Vec<Vec<u8>>,
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
    let metrics = state.metrics.clone();
    let size = bytes.len() as u64;
    let result = run_limited(state, "verification", move |verifier| {
        metrics.in_flight.inc();
        let result = verifier.verify_bytes(&name, Some(format), &bytes);
        metrics.in_flight.dec();
        metrics.bytes.inc_by(size);
        result
    })
    .await;
    let outcome = match &result {
        Ok(report) => report.state.as_str(),
        Err(_) => "error",
    };
    state.metrics.results.with_label_values(&[outcome]).inc();
    result
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
        (status = 200, description = "The file's Content Credentials report; with ?for=, also the headers a web server should send with the file (X-Robots-Tag, tdm-reservation, tdm-policy), from intact credentials only", body = VerifyAnswer,
            headers(
                ("X-Robots-Tag" = String, description = "noai, noimageai when AI training or generative AI training is not allowed or only on terms (with ?for=)"),
                ("tdm-reservation" = String, description = "1 when a use is not allowed or only on terms, 0 when every use is allowed (with ?for=)"),
                ("tdm-policy" = String, description = "the terms' https address, when they are one (with ?for=)"),
            )),
        (status = 400, description = "No body, or an unknown ?for= kind", body = ErrorBody),
        (status = 413, description = "The body is larger than max-body-bytes", body = ErrorBody),
        (status = 415, description = "No or an unsupported media type", body = ErrorBody),
        (status = 422, description = "The bytes are not the declared format, or are damaged", body = ErrorBody),
        (status = 503, description = "The verification exceeded the deadline", body = ErrorBody),
    )
)]
pub(crate) async fn verify_one(
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
    // With ?for=, also the headers a web server should send with this file.
    let signals = kind
        .map(|_| hallmark::web::headers(&report))
        .unwrap_or_default();
    let mut response = Json(answer(report, kind)).into_response();
    for header in signals {
        let name = axum::http::HeaderName::from_bytes(header.name.as_bytes());
        let value = axum::http::HeaderValue::from_str(&header.value);
        if let (Ok(name), Ok(value)) = (name, value) {
            response.headers_mut().insert(name, value);
        }
    }
    response.extensions_mut().insert(verified);
    Ok(response)
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
pub(crate) async fn verify_batch(
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
