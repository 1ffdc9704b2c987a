//! The Soft Binding Resolution API over HTTP(S), blocking: what the command
//! line and the dataset tools use to recover and publish manifests.

use std::time::Duration;

use serde::Deserialize;

use super::{
    MAX_ANSWER_BYTES, Match, Resolver, api_url, binding_query, check_repository_url, manifest_url,
    matches_url, parse_matches,
};
use crate::error::{Error, Result};

/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A manifest repository at a base URL (`https://repo.example`; the API is
/// under its `/v1`).
#[derive(Debug, Clone)]
pub struct HttpResolver {
    base: String,
    agent: ureq::Agent,
    /// Sent as `Authorization: Bearer TOKEN` when publishing.
    token: Option<secrecy::SecretString>,
}

pub use super::Published;

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
            token: None,
        })
    }

    /// The same client, publishing with `token` (a repository's token with
    /// the `publish` scope, `hallmark token add`), sent as
    /// `Authorization: Bearer TOKEN`. Lookups never send it.
    pub fn with_token(mut self, token: secrecy::SecretString) -> Self {
        self.token = Some(token);
        self
    }

    /// `POST /v1/manifests`: publish the manifest of `bytes` (a signed file
    /// of media type `mime`, or a `.c2pa` manifest store as
    /// `application/c2pa`). `file` names it in errors.
    pub fn publish(&self, file: &str, mime: &str, bytes: &[u8]) -> Result<Published> {
        use secrecy::ExposeSecret;
        let url = api_url(&self.base, "/manifests");
        let mut request = self.agent.post(&url).header("Content-Type", mime);
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {}", token.expose_secret()));
        }
        let answer = request.send(bytes);
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
        super::unavailable(&self.base, detail)
    }

    fn refused(&self, file: &str, status: u16, body: &[u8]) -> Error {
        super::refused(&self.base, file, status, body)
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
        let url = matches_url(&self.base, max_results);
        let answer = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(binding_query(alg, value).as_bytes());
        let (status, body) = self.read(answer)?;
        match status {
            200 => parse_matches(&self.base, &body),
            _ => Err(self.refused("the match query", status, &body)),
        }
    }

    fn manifest(&self, manifest_id: &str) -> Result<Vec<u8>> {
        let url = manifest_url(&self.base, manifest_id);
        let (status, body) = self.read(self.agent.get(&url).call())?;
        match status {
            200 => Ok(body),
            _ => Err(self.refused(manifest_id, status, &body)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_repositories() {
        assert!(HttpResolver::new("file:///etc").is_err());
        assert!(HttpResolver::new("http://127.0.0.1:9/").is_ok());
    }
}
