//! What runs around every handler: one log line and the metrics per
//! request, and the refusal of bodies declared too large before any of them
//! is read.

use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// The state of the file a response is about, for logs and metrics.
#[derive(Clone, Copy)]
pub(crate) struct Verified(pub(crate) &'static str);

/// One log line and the metrics for every request; never the body.
pub(crate) async fn observe(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = state.next_id.fetch_add(1, Ordering::Relaxed);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| match p.as_str() {
            "/v1/verify" => "/v1/verify",
            "/v1/verify/batch" => "/v1/verify/batch",
            "/v1/matches/byBinding" => "/v1/matches/byBinding",
            "/v1/matches/byContent" => "/v1/matches/byContent",
            "/v1/manifests" => "/v1/manifests",
            "/v1/manifests/{manifest_id}" => "/v1/manifests/{manifest_id}",
            "/v1/services/supportedAlgorithms" => "/v1/services/supportedAlgorithms",
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
pub(crate) async fn refuse_oversized(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match refuse_declared_too_large(request.headers(), state.max_body_bytes) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
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
pub(crate) fn multipart_error(
    e: &axum::extract::multipart::MultipartError,
    limit: usize,
) -> ApiError {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
        _ => ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", e.body_text()),
    }
}

pub(crate) fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("the body is larger than the {limit} bytes this service accepts"),
    )
}
