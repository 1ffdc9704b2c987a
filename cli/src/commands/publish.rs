//! `hallmark publish`: send signed manifests to a manifest repository.

use std::path::Path;

use hallmark::format::read_head;
use hallmark::recover::http::{HttpResolver, Published};
use hallmark::verify::BARE_STORE_MEDIA_TYPE;
use hallmark::{Error, MediaFormat};
use serde::Serialize;

use crate::args::PublishArgs;
use crate::exit::ExitStatus;
use crate::failure::Failure;
use crate::inputs;
use crate::output::Output;
use crate::render::sanitize;

/// The largest file uploaded (the service's default body limit).
const MAX_UPLOAD_BYTES: u64 = 256 * 1024 * 1024;

/// One `--json` line.
#[derive(Serialize)]
struct JsonLine<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    manifest_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Publish every file named or found; the batch's exit status.
pub(crate) fn run(args: &PublishArgs) -> Result<ExitStatus, Failure> {
    let repository = HttpResolver::new(&args.to)?;
    let expanded = inputs::expand(&args.paths, args.recursive, |format| format.can_verify())?;
    let mut out = Output::stdout();
    let mut status = ExitStatus::Ok;
    for input in &expanded.files {
        let file = input.path.display().to_string();
        let result = publish_one(&repository, &input.path);
        let text = match (&result, args.json) {
            (Ok(published), true) => json(&JsonLine {
                file: &file,
                manifest_id: Some(&published.manifest_id),
                created: Some(published.created),
                error: None,
            }),
            (Err(error), true) => json(&JsonLine {
                file: &file,
                manifest_id: None,
                created: None,
                error: Some(error.to_string()),
            }),
            (Ok(published), false) => format!(
                "{} {} -> {} ({})\n",
                if published.created {
                    "published"
                } else {
                    "already published"
                },
                sanitize(&file),
                sanitize(&published.manifest_id),
                sanitize(&args.to)
            ),
            (Err(error), false) => {
                eprintln!("hallmark: {}", sanitize(&error.to_string()));
                String::new()
            }
        };
        if let Err(error) = &result {
            status = status.max(ExitStatus::for_error(error.kind()));
        }
        out.write(&text);
        if out.is_closed() {
            break;
        }
    }
    out.finish()?;
    Ok(status)
}

/// Upload one file (a signed file, or a `.c2pa` store) as its media type.
pub(crate) fn publish_one(repository: &HttpResolver, path: &Path) -> hallmark::Result<Published> {
    let name = path.display().to_string();
    let len = hallmark::input::regular_file_len(path, &name)?;
    if len > MAX_UPLOAD_BYTES {
        return Err(Error::TooLarge {
            file: name,
            detail: format!("hallmark publishes files of at most {MAX_UPLOAD_BYTES} bytes"),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        file: name.clone(),
        action: "cannot read",
        source: e,
    })?;
    let mime = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("c2pa"))
    {
        BARE_STORE_MEDIA_TYPE
    } else {
        let head = read_head(&mut &bytes[..]).unwrap_or_default();
        MediaFormat::identify(&name, MediaFormat::from_path(path), &head, false)?.mime_type()
    };
    repository.publish(&name, mime, &bytes)
}

fn json(line: &JsonLine<'_>) -> String {
    let mut text = serde_json::to_string(line).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
