//! Errors as the client sees them: a status and `{"error": {"code", "message"}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An answer other than a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code, e.g. `unsupported_media_type`.
    pub code: &'static str,
    /// Words for people.
    pub message: String,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// The file could not be verified: what the library said about it.
    pub fn from_library(err: &hallmark::Error) -> Self {
        use hallmark::Error as E;
        let (status, code) = match err {
            E::EmptyFile { .. } => (StatusCode::BAD_REQUEST, "empty_body"),
            E::WrongFormat { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "wrong_format"),
            E::UnsupportedFormat { .. } => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            E::DamagedMedia { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "damaged_media"),
            E::UnreadableCredentials { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unreadable_credentials")
            }
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        ApiError::new(status, code, err.to_string())
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
