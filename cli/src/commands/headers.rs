//! `hallmark headers`: the HTTP response headers a web server should send
//! with signed files (`X-Robots-Tag: noai, noimageai`, TDMRep), derived from
//! their intact credentials only; or an nginx snippet that sends them for a
//! whole portfolio.

use std::path::Path;

use hallmark::Verifier;
use hallmark::web::{self, Header, Served};
use serde::Serialize;

use crate::args::HeadersArgs;
use crate::common::verifying::load_anchors;
use crate::exit::ExitStatus;
use crate::failure::Failure;
use crate::inputs::{self, Input};
use crate::output::Output;
use crate::render::sanitize;

/// One `--json` line.
#[derive(Serialize)]
struct JsonLine<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'static str>,
    headers: std::collections::BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Print each file's headers (or the snippet); the batch's exit status, as
/// `verify` would give it.
pub(crate) fn run(args: &HeadersArgs) -> Result<ExitStatus, Failure> {
    let verifier = Verifier::new(&load_anchors(&args.trust)?)?;
    let expanded = inputs::expand(&args.paths, args.recursive, |format| format.can_verify())?;
    let prefix = uri_prefix(&args.prefix)?;
    let mut out = Output::stdout();
    let mut outcomes = Vec::with_capacity(expanded.files.len());
    let mut served = Vec::new();
    let several = expanded.files.len() > 1;
    for input in &expanded.files {
        let file = input.path.display().to_string();
        let uri = uri_of(&prefix, input);
        let result = verifier.verify_file(&input.path);
        outcomes.push(result.as_ref().ok().map(|r| r.state));
        let headers = result.as_ref().map(web::headers).unwrap_or_default();
        if args.json {
            out.write(&json_line(&file, &uri, &result, &headers));
        } else if !args.nginx {
            match &result {
                Ok(_) => {
                    if several {
                        out.write(&format!("# {}\n", sanitize(&file)));
                    }
                    for header in &headers {
                        out.write(&format!("{}: {}\n", header.name, sanitize(&header.value)));
                    }
                    if several {
                        out.write("\n");
                    }
                }
                Err(error) => eprintln!("hallmark: {}", sanitize(&error.to_string())),
            }
        }
        if let (Some(uri), false) = (uri, headers.is_empty()) {
            served.push(Served { uri, headers });
        }
        if out.is_closed() {
            break;
        }
    }
    if args.nginx {
        out.write(&web::nginx_snippet(&served).to_text());
    }
    out.finish()?;
    Ok(ExitStatus::for_batch(outcomes))
}

/// The URI path prefix: `/` by default, always starting and ending with `/`.
fn uri_prefix(prefix: &str) -> Result<String, Failure> {
    if prefix.chars().any(char::is_control) || prefix.contains(char::is_whitespace) {
        return Err(Failure::usage(format!(
            "--prefix {prefix:?}: a URI path has no spaces or control characters"
        )));
    }
    let trimmed = prefix.trim_matches('/');
    Ok(if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    })
}

/// The file's URI path on the web server: the prefix, then its path below
/// the folder it was found in (its name when given directly).
fn uri_of(prefix: &str, input: &Input) -> Option<String> {
    let parts: Option<Vec<&str>> = input
        .relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    let relative = parts?.join("/");
    (!relative.is_empty() && !Path::new(&relative).is_absolute())
        .then(|| format!("{prefix}{relative}"))
}

fn json_line(
    file: &str,
    uri: &Option<String>,
    result: &hallmark::Result<hallmark::Report>,
    headers: &[Header],
) -> String {
    let line = JsonLine {
        file,
        uri: uri.as_deref(),
        state: result.as_ref().ok().map(|r| r.state.as_str()),
        headers: headers.iter().map(|h| (h.name, h.value.as_str())).collect(),
        error: result.as_ref().err().map(ToString::to_string),
    };
    let mut text = serde_json::to_string(&line).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
