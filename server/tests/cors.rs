//! CORS on the repository's API, over real HTTP: preflights and simple
//! requests from allowed and refused origins, `*`, the default (no origin
//! allowed); publishing, which answers only the origins of its own list
//! (`publish-cors-origins`), with `Authorization` for the page's token.

use hallmark_server::Config;
use ureq::http::Response;

use crate::common::*;

/// A service with a repository, allowing `origins`.
fn repository(dir: &tempfile::TempDir, origins: &[&str]) -> Running {
    let config = Config {
        repository: Some(format!(
            "sqlite:{}",
            dir.path().join("repository.db").display()
        )),
        cors_origins: origins.iter().map(|o| o.to_string()).collect(),
        ..config(dir, 64 << 20)
    };
    Running::start(config, None)
}

/// One request with these headers: its status and response headers.
fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Response<ureq::Body> {
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    agent().run(builder.body(body.to_vec()).unwrap()).unwrap()
}

/// A response header as text.
fn header<'a>(response: &'a Response<ureq::Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

/// A browser's preflight for `method` `path` from `origin`.
fn preflight(base: &str, path: &str, origin: &str, method: &str) -> Response<ureq::Body> {
    request(
        "OPTIONS",
        &format!("{base}{path}"),
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", method),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    )
}

const PAGE: &str = "http://127.0.0.1:8000";
const OTHER: &str = "https://elsewhere.example";

/// The read-only routes a page may call, with the method of each.
fn read_only(manifest_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("POST", "/v1/matches/byBinding".to_owned()),
        (
            "GET",
            "/v1/matches/byBinding?alg=io.iscc.v0&value=AAAA".to_owned(),
        ),
        ("POST", "/v1/matches/byContent".to_owned()),
        ("GET", format!("/v1/manifests/{manifest_id}")),
        ("GET", "/v1/services/supportedAlgorithms".to_owned()),
    ]
}

/// Publish a signed sample; its manifest id and its fingerprint value.
fn publish_sample(server: &Running) -> (String, String) {
    let (status, published) = post(
        &server.url("/v1/manifests"),
        "image/jpeg",
        &signed("sample.jpg"),
    );
    assert_eq!(status, 201, "{published}");
    (
        published["manifestId"].as_str().unwrap().to_owned(),
        published["softBindings"][0]["value"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

#[test]
fn the_read_only_api_answers_cors_for_the_allowed_origins_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = repository(&dir, &[PAGE]);
    let (manifest_id, value) = publish_sample(&server);

    for (method, path) in read_only(&manifest_id) {
        let path_only = path.split('?').next().unwrap().to_owned();
        // The preflight of an allowed origin is answered, for exactly it.
        let answer = preflight(&server.base, &path_only, PAGE, method);
        assert!(
            answer.status().is_success(),
            "{method} {path}: {}",
            answer.status()
        );
        assert_eq!(
            header(&answer, "access-control-allow-origin"),
            Some(PAGE),
            "{method} {path}"
        );
        let methods = header(&answer, "access-control-allow-methods").unwrap_or_default();
        assert!(methods.contains(method), "{method} {path}: {methods}");
        let headers = header(&answer, "access-control-allow-headers").unwrap_or_default();
        assert!(
            headers.to_ascii_lowercase().contains("content-type"),
            "{headers}"
        );
        assert_eq!(
            header(&answer, "access-control-allow-credentials"),
            None,
            "credentials are never allowed"
        );
        // Another origin's preflight gets no permission.
        let refused = preflight(&server.base, &path_only, OTHER, method);
        assert_eq!(
            header(&refused, "access-control-allow-origin"),
            None,
            "{method} {path}"
        );
    }

    // Real requests: the allowed origin reads the answer, another does not.
    let query = serde_json::json!({"alg": "io.iscc.v0", "value": value}).to_string();
    for (origin, allowed) in [(PAGE, true), (OTHER, false)] {
        let mut answer = request(
            "POST",
            &server.url("/v1/matches/byBinding"),
            &[("Origin", origin), ("Content-Type", "application/json")],
            query.as_bytes(),
        );
        assert_eq!(answer.status(), 200);
        assert_eq!(
            header(&answer, "access-control-allow-origin"),
            allowed.then_some(origin),
            "{origin}"
        );
        assert_eq!(header(&answer, "access-control-allow-credentials"), None);
        let text = answer.body_mut().read_to_string().unwrap();
        assert!(text.contains(&manifest_id), "{text}");
        let answer = request(
            "GET",
            &server.url(&format!("/v1/manifests/{manifest_id}")),
            &[("Origin", origin)],
            b"",
        );
        assert_eq!(answer.status(), 200);
        assert_eq!(
            header(&answer, "content-type"),
            Some("application/c2pa"),
            "{origin}"
        );
        assert_eq!(
            header(&answer, "access-control-allow-origin"),
            allowed.then_some(origin),
            "{origin}"
        );
    }

    // Publishing and verifying do not answer CORS to an origin allowed to read only.
    for path in ["/v1/manifests", "/v1/verify", "/v1/verify/batch"] {
        let answer = preflight(&server.base, path, PAGE, "POST");
        assert_eq!(
            header(&answer, "access-control-allow-origin"),
            None,
            "{path}"
        );
        assert!(!answer.status().is_success(), "{path}: {}", answer.status());
    }
    let answer = request(
        "POST",
        &server.url("/v1/manifests"),
        &[("Origin", PAGE), ("Content-Type", "image/jpeg")],
        &signed("sample.png"),
    );
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
}

#[test]
fn publishing_answers_cors_for_its_own_origins_with_the_token_header() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        repository: Some(format!(
            "sqlite:{}",
            dir.path().join("repository.db").display()
        )),
        publish_cors_origins: vec![PAGE.to_owned()],
        ..config(&dir, 64 << 20)
    };
    let server = Running::start(config, None);
    let answer = request(
        "OPTIONS",
        &server.url("/v1/manifests"),
        &[
            ("Origin", PAGE),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
        b"",
    );
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(header(&answer, "access-control-allow-origin"), Some(PAGE));
    let headers = header(&answer, "access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert_eq!(header(&answer, "access-control-allow-credentials"), None);
    // The publishing itself: the page reads its answer.
    let mut answer = request(
        "POST",
        &server.url("/v1/manifests"),
        &[
            ("Origin", PAGE),
            ("Content-Type", "image/jpeg"),
            ("Authorization", "Bearer a-token"),
        ],
        &signed("sample.jpg"),
    );
    assert_eq!(answer.status(), 201);
    assert_eq!(header(&answer, "access-control-allow-origin"), Some(PAGE));
    let text = answer.body_mut().read_to_string().unwrap();
    assert!(text.contains("manifestId"), "{text}");
    // Another origin may not publish; a publishing origin may not read, nor verify.
    let refused = preflight(&server.base, "/v1/manifests", OTHER, "POST");
    assert_eq!(header(&refused, "access-control-allow-origin"), None);
    for path in ["/v1/matches/byBinding", "/v1/verify"] {
        let answer = preflight(&server.base, path, PAGE, "POST");
        assert_eq!(
            header(&answer, "access-control-allow-origin"),
            None,
            "{path}"
        );
    }
}

#[test]
fn any_origin_is_allowed_with_a_star_but_never_with_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let server = repository(&dir, &["*"]);
    let answer = preflight(
        &server.base,
        "/v1/matches/byBinding",
        "https://anywhere.example",
        "POST",
    );
    assert!(answer.status().is_success());
    assert_eq!(header(&answer, "access-control-allow-origin"), Some("*"));
    assert_eq!(header(&answer, "access-control-allow-credentials"), None);
    let answer = request(
        "GET",
        &server.url("/v1/services/supportedAlgorithms"),
        &[("Origin", "https://anywhere.example")],
        b"",
    );
    assert_eq!(answer.status(), 200);
    assert_eq!(header(&answer, "access-control-allow-origin"), Some("*"));
    let answer = preflight(
        &server.base,
        "/v1/manifests",
        "https://anywhere.example",
        "POST",
    );
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
}

#[test]
fn no_origin_is_allowed_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let server = repository(&dir, &[]);
    let answer = preflight(&server.base, "/v1/matches/byBinding", PAGE, "POST");
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
    let answer = request(
        "GET",
        &server.url("/v1/services/supportedAlgorithms"),
        &[("Origin", PAGE)],
        b"",
    );
    assert_eq!(answer.status(), 200);
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
}

#[test]
fn origins_that_are_not_origins_are_refused_at_start() {
    for bad in [
        "https://gallery.example/",
        "gallery.example",
        "https://Gallery.example",
    ] {
        let config = Config {
            cors_origins: vec![bad.to_owned()],
            ..Config::default()
        };
        let error = config.check().unwrap_err().to_string();
        assert!(
            error.starts_with("cors-origins:") && error.contains("is not an origin"),
            "{bad}: {error}"
        );
        let config = Config {
            publish_cors_origins: vec![bad.to_owned()],
            ..Config::default()
        };
        let error = config.check().unwrap_err().to_string();
        assert!(
            error.starts_with("publish-cors-origins:") && error.contains("is not an origin"),
            "{bad}: {error}"
        );
    }
    let config: Config =
        toml::from_str("cors-origins = [\"https://gallery.example\", \"*\"]\n").unwrap();
    assert_eq!(config.cors_origins, ["https://gallery.example", "*"]);
    config.check().unwrap();
}
