//! `hallmark publish`: send signed manifests to a manifest repository.

use serde::Serialize;

use crate::args::PublishArgs;
use crate::common::publishing::{publish_one, repository_client};
use crate::exit::ExitStatus;
use crate::failure::Failure;
use crate::inputs;
use crate::output::Output;
use crate::render::sanitize;

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
    let repository = repository_client(&args.to, &args.token)?;
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

fn json(line: &JsonLine<'_>) -> String {
    let mut text = serde_json::to_string(line).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
