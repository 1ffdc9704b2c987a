//! The Soft Binding Resolution API over HTTP(S), blocking: what the command
//! line and the dataset tools use to recover and publish manifests.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Match, Matches, Resolver, api_url, check_repository_url};
use crate::error::{Error, Result};

/// The largest answer read from a repository: a manifest store is at most
/// this big (the same bound as sidecar manifests).
const MAX_ANSWER_BYTES: u64 = crate::verify::MAX_SIDECAR_BYTES;

/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A manifest repository at a base URL (`https://repo.example`; the API is
/// under its `/v1`).
#[derive(Debug, Clone)]
pub struct HttpResolver {
    base: String,
    agent: ureq::Agent,
}

/// What publishing a manifest did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Published {
    /// The manifest's identifier, as the repository stores it.
    pub manifest_id: String,
    /// Whether it was new (`false`: the repository already held it).
    pub created: bool,
}

/// The body of `POST /v1/matches/byBinding`.
#[derive(Serialize)]
struct BindingQuery<'a> {
    alg: &'a str,
    value: String,
}

/// An error answer: `{"error": {"code", "message"}}`.
#[derive(Deserialize)]
struct ErrorAnswer {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: String,
}

impl HttpResolver {
    /// A client of the repository at `base`.
    pub fn new(base: &str) -> Result<Self> {
        check_repository_url(base)?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .user_agent(concat!("hallmark/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(HttpResolver {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        })
    }

    /// `POST /v1/manifests`: publish the manifest of `bytes` (a signed file
    /// of media type `mime`, or a `.c2pa` manifest store as
    /// `application/c2pa`). `file` names it in errors.
    pub fn publish(&self, file: &str, mime: &str, bytes: &[u8]) -> Result<Published> {
        let url = api_url(&self.base, "/manifests");
        let answer = self
            .agent
            .post(&url)
            .header("Content-Type", mime)
            .send(bytes);
        let (status, body) = self.read(answer)?;
        match status {
            200 | 201 => self.json(&body),
            _ => Err(self.refused(file, status, &body)),
        }
    }

    /// Read an answer's status and body, bounded.
    fn read(
        &self,
        answer: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(u16, Vec<u8>)> {
        let mut answer = answer.map_err(|e| self.unavailable(e.to_string()))?;
        let status = answer.status().as_u16();
        let body = answer
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| self.unavailable(format!("cannot read the answer: {e}")))?;
        Ok((status, body))
    }

    fn json<T: for<'de> Deserialize<'de>>(&self, body: &[u8]) -> Result<T> {
        serde_json::from_slice(body)
            .map_err(|e| self.unavailable(format!("not the API's answer: {e}")))
    }

    fn unavailable(&self, detail: String) -> Error {
        Error::RepositoryUnavailable {
            repository: self.base.clone(),
            detail,
        }
    }

    fn refused(&self, file: &str, status: u16, body: &[u8]) -> Error {
        let message = serde_json::from_slice::<ErrorAnswer>(body)
            .map(|answer| answer.error.message)
            .unwrap_or_else(|_| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
        if (400..500).contains(&status) {
            Error::RepositoryRefused {
                file: file.to_owned(),
                repository: self.base.clone(),
                status,
                message,
            }
        } else {
            self.unavailable(format!("HTTP {status}: {message}"))
        }
    }
}

impl Resolver for HttpResolver {
    fn repository(&self) -> &str {
        &self.base
    }

    fn matches_by_binding(
        &self,
        alg: &str,
        value: &[u8],
        max_results: usize,
    ) -> Result<Vec<Match>> {
        use base64::Engine;
        let url = format!(
            "{}?maxResults={max_results}",
            api_url(&self.base, "/matches/byBinding")
        );
        let query = BindingQuery {
            alg,
            value: base64::engine::general_purpose::STANDARD.encode(value),
        };
        let body = serde_json::to_vec(&query)
            .map_err(|e| self.unavailable(format!("cannot write the query: {e}")))?;
        let answer = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(&body[..]);
        let (status, body) = self.read(answer)?;
        match status {
            200 => Ok(self.json::<Matches>(&body)?.matches),
            _ => Err(self.refused("the match query", status, &body)),
        }
    }

    fn manifest(&self, manifest_id: &str) -> Result<Vec<u8>> {
        let url = api_url(
            &self.base,
            &format!("/manifests/{}", percent_encode(manifest_id)),
        );
        let (status, body) = self.read(self.agent.get(&url).call())?;
        match status {
            200 => Ok(body),
            _ => Err(self.refused(manifest_id, status, &body)),
        }
    }
}

/// `text` with every byte outside the URL-safe set percent-encoded, for a
/// path segment (a manifest id holds `:`).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_ids_stay_one_path_segment() {
        assert_eq!(
            percent_encode("urn:c2pa:3fa85f64-5717/x y"),
            "urn:c2pa:3fa85f64-5717%2Fx%20y"
        );
    }

    #[test]
    fn only_http_urls_are_repositories() {
        assert!(HttpResolver::new("file:///etc").is_err());
        assert!(HttpResolver::new("http://127.0.0.1:9/").is_ok());
    }
}
