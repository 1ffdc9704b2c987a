//! Cross-origin access for web pages (CORS). Two lists, each empty by
//! default:
//!
//! - the repository's read-only API (`matches/*`, `manifests/{manifestId}`,
//!   `services/*`), so that a page (the browser package's `recover`) can look
//!   a fingerprint up and fetch the manifests it finds: `--cors-origin`,
//!   `cors-origins`;
//! - publishing (`POST /v1/manifests`), so that a signing page (the browser
//!   package's `publish`, the studio) can publish what it signed, its token
//!   in `Authorization`: `--publish-cors-origin`, `publish-cors-origins`.
//!   A separate list, because letting pages read is not letting them write.
//!
//! Only the listed origins get the `Access-Control-Allow-Origin` header, `*`
//! any origin; credentials (cookies) are never allowed, and verification
//! never answers CORS at all.

use std::time::Duration;

use axum::http::{HeaderValue, Method, header};
use axum::routing::MethodRouter;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What stands for any origin.
pub(crate) const ANY_ORIGIN: &str = "*";

/// How long a browser may keep a preflight's answer.
const MAX_AGE: Duration = Duration::from_secs(600);

/// The origins each group of routes answers CORS for.
#[derive(Clone, Debug, Default)]
pub(crate) struct CorsOrigins {
    /// For the repository's read-only API.
    pub(crate) read_only: Vec<String>,
    /// For publishing.
    pub(crate) publishing: Vec<String>,
}

/// CORS for a group of routes, as configured: nothing when no origin is allowed.
#[derive(Clone, Default)]
pub(crate) struct RouteCors(Option<CorsLayer>);

impl RouteCors {
    /// CORS for the read-only routes, for `origins` (each checked by
    /// [`check_origin`]; `*` among them allows any origin): GET and POST
    /// (a match query is a POST), with `Content-Type` (the query is JSON;
    /// `byContent` sends the image's type).
    pub(crate) fn read_only(origins: &[String]) -> Self {
        Self::new(
            origins,
            &[Method::GET, Method::POST],
            &[header::CONTENT_TYPE],
        )
    }

    /// CORS for publishing, for `origins`: POST with `Content-Type` (the
    /// signed file's type) and `Authorization` (the page's bearer token).
    pub(crate) fn publishing(origins: &[String]) -> Self {
        Self::new(
            origins,
            &[Method::POST],
            &[header::CONTENT_TYPE, header::AUTHORIZATION],
        )
    }

    fn new(origins: &[String], methods: &[Method], headers: &[header::HeaderName]) -> Self {
        if origins.is_empty() {
            return RouteCors(None);
        }
        let allow = if origins.iter().any(|o| o == ANY_ORIGIN) {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
        };
        let layer = CorsLayer::new()
            .allow_origin(allow)
            .allow_methods(methods.to_vec())
            .allow_headers(headers.to_vec())
            .allow_credentials(false)
            .max_age(MAX_AGE);
        RouteCors(Some(layer))
    }

    /// `route` answering CORS (preflight included), when any origin is allowed.
    pub(crate) fn apply<S>(&self, route: MethodRouter<S>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        match &self.0 {
            Some(layer) => route.layer(layer.clone()),
            None => route,
        }
    }
}

/// Why `origin` (an entry of the setting `setting`) cannot be allowed, or
/// `None` when it can: `*`, or `http(s)://host[:port]` exactly as a browser
/// sends it in `Origin` — a lower-case scheme and host, no path, no trailing
/// slash.
pub(crate) fn check_origin(setting: &str, origin: &str) -> Option<String> {
    if origin == ANY_ORIGIN {
        return None;
    }
    let wrong = |why: &str| {
        Some(format!(
            "{setting}: {origin:?} is not an origin ({why}): write scheme://host[:port] \
             as a browser sends it, e.g. https://gallery.example or http://127.0.0.1:8000, or * for any"
        ))
    };
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return wrong("it must start with http:// or https://");
    };
    let (host, port) = match rest.strip_prefix('[') {
        // An IPv6 address: [::1]:8080.
        Some(v6) => match v6.split_once(']') {
            Some((address, port)) if !address.is_empty() => {
                if !address
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
                {
                    return wrong("the IPv6 address is not one");
                }
                (address, port)
            }
            _ => return wrong("the IPv6 address is not closed by ]"),
        },
        None => match rest.find(':') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        },
    };
    if host.is_empty() {
        return wrong("it has no host");
    }
    if !rest.starts_with('[')
        && !host
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        return wrong("a host has only lower-case letters, digits, dots and hyphens, and no path");
    }
    if !port.is_empty() {
        let digits = port.strip_prefix(':').unwrap_or(port);
        let valid = !digits.is_empty()
            && digits.len() <= 5
            && digits.chars().all(|c| c.is_ascii_digit())
            && digits
                .parse::<u32>()
                .is_ok_and(|p| (1..=65_535).contains(&p));
        if !valid {
            return wrong("the port is not a number from 1 to 65535, or a path follows");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_as_browsers_send_them() {
        for good in [
            "*",
            "http://127.0.0.1:8000",
            "https://gallery.example",
            "http://localhost:3000",
            "http://[::1]:8080",
            "https://a-b.example.org:443",
        ] {
            assert_eq!(check_origin("cors-origins", good), None, "{good}");
        }
        for bad in [
            "gallery.example",
            "https://gallery.example/",
            "https://gallery.example/path",
            "https://Gallery.example",
            "ftp://gallery.example",
            "https://",
            "http://host:0",
            "http://host:99999",
            "http://host:80/x",
            "http://[::1",
            "null",
            "**",
        ] {
            assert!(check_origin("cors-origins", bad).is_some(), "{bad}");
        }
    }
}
