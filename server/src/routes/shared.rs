//! What more than one handler uses: the request body's schema, the format
//! a request declares, and running CPU-bound work within the service's
//! limits.

use std::sync::Arc;

use axum::http::StatusCode;
use hallmark::{MediaFormat, Verifier};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// A file, as the request body.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Upload(pub Vec<u8>);

/// The format a request declares, from its content type or `?format=`.
pub(crate) fn declared_format(
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

/// Run CPU-bound work on the blocking pool, within the verification pool's
/// limit and the request timeout; `what` names the work in the errors
/// ("verification failed unexpectedly"). The permit is held until the work
/// ends, even after a timeout answered the client: the pool never runs more
/// than its size.
pub(crate) async fn run_limited<T: Send + 'static>(
    state: &AppState,
    what: &str,
    work: impl FnOnce(&Verifier) -> hallmark::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let permit = Arc::clone(&state.pool).acquire_owned().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "the service is stopping",
        )
    })?;
    let verifier = Arc::clone(&state.verifier);
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work(&verifier)
    });
    match tokio::time::timeout(state.timeout, job).await {
        Ok(Ok(result)) => result.map_err(|e| ApiError::from_library(&e)),
        Ok(Err(_panicked)) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("{what} failed unexpectedly"),
        )),
        Err(_elapsed) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("{what} took longer than {} s", state.timeout.as_secs()),
        )),
    }
}
