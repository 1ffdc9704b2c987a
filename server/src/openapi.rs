//! The OpenAPI 3 document, generated from the handlers and their types.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::OpenApi;

/// The service's API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "hallmark verification service",
        description = "Verify the Content Credentials (C2PA) of uploads and read the creator's training-and-data-mining policy. With a repository (--repository), also a C2PA manifest repository speaking the Soft Binding Resolution API 1.x under /v1, and publishing."
    ),
    paths(
        crate::routes::verify::verify_one,
        crate::routes::verify::verify_batch,
        crate::routes::health::healthz,
        crate::routes::health::readyz,
        crate::routes::health::metrics,
        crate::routes::repository::matches_by_binding_query,
        crate::routes::repository::matches_by_binding_body,
        crate::routes::repository::matches_by_content,
        crate::routes::repository::manifest,
        crate::routes::repository::supported_algorithms,
        crate::routes::repository::publish,
        crate::routes::derive::derive,
        openapi_json
    ),
    modifiers(&BearerTokens)
)]
pub struct ApiDoc;

/// The `bearer` security scheme: the tokens `hallmark token add` makes, which
/// publishing requires when the service runs with `--tokens`.
struct BearerTokens;

impl utoipa::Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token with the publish scope (hallmark token add), when the service runs with --tokens",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as JSON, built once.
pub(crate) fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut doc = ApiDoc::openapi();
        doc.info.version = hallmark::VERSION.into();
        doc.to_pretty_json().unwrap_or_else(|_| "{}".into())
    })
}

/// A self-contained page listing the API from `/openapi.json`.
pub(crate) const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hallmark verification service</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code,pre{background:#f4f4f4;padding:.1rem .3rem}pre{padding:1rem;overflow:auto}h2{margin-top:2rem}</style></head>
<body><h1>hallmark verification service</h1><p>The full document: <a href="openapi.json">openapi.json</a>.</p>
<div id="api">Loading…</div>
<script>
fetch("openapi.json").then(r => r.json()).then(doc => {
  const out = document.getElementById("api");
  out.textContent = "";
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const h = document.createElement("h2");
      h.textContent = method.toUpperCase() + " " + path;
      const p = document.createElement("p");
      p.textContent = op.description || op.summary || "";
      const ul = document.createElement("ul");
      for (const [status, r] of Object.entries(op.responses || {})) {
        const li = document.createElement("li");
        li.textContent = status + ": " + (r.description || "");
        ul.appendChild(li);
      }
      out.append(h, p, ul);
    }
  }
  const pre = document.createElement("pre");
  pre.textContent = JSON.stringify(doc.components, null, 2);
  const h = document.createElement("h2");
  h.textContent = "Schemas";
  out.append(h, pre);
});
</script></body></html>
"#;

/// This document.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, content_type = "application/json", body = Object)))]
pub(crate) async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
}

/// A page that shows this document (no scripts from elsewhere).
pub(crate) async fn docs() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        DOCS_PAGE,
    )
}
