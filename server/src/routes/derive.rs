//! `POST /v1/derive`: a platform's rendition signed with the creator's
//! original as its parent (`hallmark derive`, as a service), with the
//! service's credentials (`--derive-credentials`), for holders of a token
//! with the `derive` scope.

use std::io::Cursor;

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallmark::MediaFormat;
use hallmark::sign::{DeriveOptions, Original, Rendition, derive_stream};
use hallmark::tokens::Scope;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::middleware::multipart_error;
use crate::routes::shared::{declared_format, run_limited};
use crate::state::AppState;

/// The two parts of a derive request.
#[derive(Deserialize, ToSchema)]
#[allow(
    dead_code,
    reason = "the request body's shape, for the OpenAPI document"
)]
pub(crate) struct DeriveUpload {
    /// The original, with its Content Credentials, as a part with its content type.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    original: String,
    /// The rendition the platform's pipeline made of it, with its content type.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    rendition: String,
}

/// One part: its bytes and the format its content type declares.
struct Part {
    name: String,
    format: MediaFormat,
    bytes: axum::body::Bytes,
}

/// Sign a rendition with its original as its parent ingredient: the
/// original's effective policy copied, `c2pa.opened` and
/// `c2pa.transcoded`, the IPTC mirror and a fresh soft binding. The answer
/// is the signed rendition (its media type; `X-Hallmark-Parent`: the
/// original's manifest).
#[utoipa::path(
    post,
    path = "/v1/derive",
    request_body(content = DeriveUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The signed rendition", content_type = "application/octet-stream"),
        (status = 400, description = "Not valid multipart, or a part missing", body = ErrorBody),
        (status = 401, description = "No token, or one the service does not know", body = ErrorBody),
        (status = 403, description = "The token lacks the derive scope", body = ErrorBody),
        (status = 404, description = "The service runs without --derive-credentials", body = ErrorBody),
        (status = 413, description = "The body is larger than max-body-bytes", body = ErrorBody),
        (status = 415, description = "A part without a supported media type", body = ErrorBody),
        (status = 422, description = "The original cannot carry a chain (no credentials, or credentials that do not hold up), or a rendition that cannot be signed", body = ErrorBody),
        (status = 503, description = "The deadline passed", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn derive(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let Some(credentials) = state.derive_credentials.clone() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_derive",
            "this service does not derive: start it with --derive-credentials DIR (and --tokens FILE)",
        ));
    };
    let tokens = state.tokens.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "misconfigured",
            "deriving needs --tokens",
        )
    })?;
    let caller = tokens.authorize(&headers, Scope::Derive)?;
    let mut multipart = multipart
        .map_err(|r| ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", r.body_text()))?;
    let (mut original, mut rendition) = (None, None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e, state.max_body_bytes)),
        };
        let role = field.name().unwrap_or_default().to_owned();
        let name = field
            .file_name()
            .map_or_else(|| role.clone(), str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_error(&e, state.max_body_bytes))?;
        let format = declared_format(content_type.as_deref(), None)?;
        let part = Part {
            name,
            format,
            bytes,
        };
        match role.as_str() {
            "original" => original = Some(part),
            "rendition" => rendition = Some(part),
            other => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_multipart",
                    format!("unknown part {other:?}: send `original` and `rendition`"),
                ));
            }
        }
    }
    let (Some(original), Some(rendition)) = (original, rendition) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_multipart",
            "send two parts, `original` and `rendition`, each with its content type",
        ));
    };
    let mime = rendition.format.mime_type();
    let (signed, parent) = run_limited(&state, "the work", move |verifier| {
        let mut output = Cursor::new(Vec::new());
        let derived = derive_stream(
            &credentials,
            verifier,
            Original {
                name: &original.name,
                bytes: &original.bytes,
                claimed: Some(original.format),
            },
            Rendition {
                name: &rendition.name,
                claimed: Some(rendition.format),
                input: &mut Cursor::new(&rendition.bytes[..]),
            },
            &mut output,
            &DeriveOptions::default(),
        )?;
        Ok((output.into_inner(), derived.original_manifest))
    })
    .await?;
    tracing::info!(target: "hallmark::audit", caller = %crate::access::Caller::Token(caller), parent = %parent, "derived");
    let mut response = (StatusCode::OK, signed).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(value) = HeaderValue::from_str(&parent) {
        response.headers_mut().insert("x-hallmark-parent", value);
    }
    Ok(response)
}
