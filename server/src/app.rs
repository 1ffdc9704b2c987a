//! The router: every route, its handler, and what runs around them.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};

use crate::cors::{CorsOrigins, RouteCors};
use crate::error::ApiError;
use crate::middleware::{observe, refuse_oversized};
use crate::openapi::{docs, openapi_json};
use crate::routes::health::{healthz, metrics, readyz};
use crate::routes::repository::{
    manifest, matches_by_binding_body, matches_by_binding_query, matches_by_content, publish,
    supported_algorithms,
};
use crate::routes::verify::{verify_batch, verify_one};
use crate::state::AppState;

/// The service's routes; the repository's read-only ones answer CORS for
/// `cors.read_only`, publishing for `cors.publishing`.
pub(crate) fn router(state: AppState, origins: &CorsOrigins) -> Router {
    let limit = state.max_body_bytes;
    let cors = RouteCors::read_only(&origins.read_only);
    let publishing = RouteCors::publishing(&origins.publishing);
    Router::new()
        .route("/v1/verify", post(verify_one))
        .route("/v1/verify/batch", post(verify_batch))
        .route(
            "/v1/matches/byBinding",
            cors.apply(get(matches_by_binding_query).post(matches_by_binding_body)),
        )
        .route(
            "/v1/matches/byContent",
            cors.apply(post(matches_by_content)),
        )
        .route("/v1/manifests", publishing.apply(post(publish)))
        .route("/v1/derive", post(crate::routes::derive::derive))
        .route("/v1/manifests/{manifest_id}", cors.apply(get(manifest)))
        .route(
            "/v1/services/supportedAlgorithms",
            cors.apply(get(supported_algorithms)),
        )
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

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}
