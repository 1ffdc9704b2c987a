//! Liveness, readiness and metrics.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// The body of `/healthz` and `/readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` (alive) or `ready` (trust list loaded).
    pub status: String,
    /// How many trust anchors are loaded (`/readyz` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_anchors: Option<usize>,
}

/// Alive.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        trust_anchors: None,
    })
}

/// Ready: the trust list is loaded and the verifier built.
#[utoipa::path(get, path = "/readyz", responses((status = 200, body = Health)))]
pub(crate) async fn readyz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ready".into(),
        trust_anchors: Some(state.trust_anchors),
    })
}

/// Prometheus metrics (text exposition format); every name starts `hallmark_`.
#[utoipa::path(get, path = "/metrics", responses((status = 200, content_type = "text/plain", body = String)))]
pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
