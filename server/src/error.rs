//! Errors as the client sees them: a status and `{"error": {"code", "message"}}`.

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallmark::ErrorKind;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, for machines and for people.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `empty_body`, `unknown_kind`, `bad_body`, `bad_multipart`,
    /// `body_too_large`, `unsupported_media_type`, `wrong_format`, `damaged_media`,
    /// `unreadable_credentials`, `not_publishable`, `too_large`, `bad_request`, `bad_query`,
    /// `bad_value`, `conflict`, `no_repository`, `no_such_manifest`, `timeout`, `shutting_down`,
    /// `not_found`, `no_derive`, `not_derivable`, `unauthorized`, `forbidden`, `too_many_requests`, `signer_quota`,
    /// `misconfigured`, `repository_unavailable`, `repository_full`, `io_error`, `internal`.
    pub code: String,
    /// Words for people.
    pub message: String,
}

/// An answer other than a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code, e.g. `unsupported_media_type`.
    pub code: &'static str,
    /// Words for people.
    pub message: String,
    /// Headers the answer carries besides its body (`Retry-After`,
    /// `WWW-Authenticate`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// The same error, its answer carrying the header `name: value`.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// What the library said about a request, as an answer: the one place
    /// the service maps the library's [`ErrorKind`]s to HTTP statuses.
    ///
    /// The kind decides the family (the client's fault, or the service's);
    /// within the client's family a few errors have a more precise status
    /// and code of their own.
    pub fn from_library(err: &hallmark::Error) -> Self {
        let (status, code) = match err.kind() {
            ErrorKind::BadInput => Self::bad_input(err),
            ErrorKind::BadRequest => match err {
                hallmark::Error::PublishedDifferently { .. } => (StatusCode::CONFLICT, "conflict"),
                hallmark::Error::SignerQuota { .. } => (StatusCode::FORBIDDEN, "signer_quota"),
                _ => (StatusCode::BAD_REQUEST, "bad_request"),
            },
            ErrorKind::BadSetup => (StatusCode::INTERNAL_SERVER_ERROR, "misconfigured"),
            ErrorKind::Environment => match err {
                hallmark::Error::RepositoryUnavailable { .. } => {
                    (StatusCode::SERVICE_UNAVAILABLE, "repository_unavailable")
                }
                hallmark::Error::RepositoryFull { .. } => {
                    (StatusCode::SERVICE_UNAVAILABLE, "repository_full")
                }
                _ => (StatusCode::INTERNAL_SERVER_ERROR, "io_error"),
            },
            ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        ApiError::new(status, code, err.to_string())
    }

    /// The status and code of a file the client sent that cannot be used.
    fn bad_input(err: &hallmark::Error) -> (StatusCode, &'static str) {
        use hallmark::Error as E;
        match err {
            E::EmptyFile { .. } => (StatusCode::BAD_REQUEST, "empty_body"),
            E::UnsupportedFormat { .. } => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            E::WrongFormat { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "wrong_format"),
            E::UnreadableCredentials { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unreadable_credentials")
            }
            E::NotPublishable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "not_publishable"),
            E::NotDerivable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "not_derivable"),
            E::TooLarge { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "too_large"),
            // Damaged media, and any other file the library cannot use.
            _ => (StatusCode::UNPROCESSABLE_ENTITY, "damaged_media"),
        }
    }

    /// What went wrong, as it appears in bodies.
    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.code.into(),
            message: self.message.clone(),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.detail(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}
