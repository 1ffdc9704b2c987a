//! `hallmark verify`: check files' Content Credentials.

use std::io::{IsTerminal, Write};
use std::path::Path;

use hallmark::exit::ExitStatus;
use hallmark::{Report, TrustAnchors, Verifier};
use serde::Serialize;

use crate::args::{ColorChoice, VerifyArgs};
use crate::failure::Failure;
use crate::render::{self, Style};

/// One line of `--json` output: the library's report plus the file, or an error.
#[derive(Serialize)]
#[serde(untagged)]
enum JsonLine<'a> {
    Report {
        file: &'a str,
        #[serde(flatten)]
        report: &'a Report,
    },
    Error {
        file: &'a str,
        state: &'static str,
        error: String,
    },
}

/// Verify every file, print a report for each, and return the batch's exit status.
pub fn run(args: &VerifyArgs) -> Result<ExitStatus, Failure> {
    let verifier = Verifier::new(&load_anchors(&args.trust)?).map_err(|e| Failure::setup(&e))?;
    let style = Style {
        color: use_color(args.color),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut outcomes = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let file = path.display().to_string();
        let result = verifier.verify_file(path);
        outcomes.push(result.as_ref().ok().map(|r| r.state));
        let text = match (&result, args.json) {
            (Ok(report), true) => json_line(&JsonLine::Report {
                file: &file,
                report,
            }),
            (Err(err), true) => json_line(&JsonLine::Error {
                file: &file,
                state: "error",
                error: err.to_string(),
            }),
            (Ok(report), false) => render::report(&file, report, style),
            (Err(err), false) => render::error(&err.to_string(), style),
        };
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Failure::usage(format!("cannot write the report: {e}")))?;
    }
    Ok(ExitStatus::for_batch(outcomes))
}

fn json_line(line: &JsonLine<'_>) -> String {
    // Serialising these plain structures cannot fail; an empty object is a safe fallback.
    let mut text = serde_json::to_string(line).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// Read and merge every `--trust` PEM file.
pub fn load_anchors(paths: &[impl AsRef<Path>]) -> Result<TrustAnchors, Failure> {
    let mut anchors = TrustAnchors::none();
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::usage(format!("{name}: cannot read the trust list: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Failure::usage(format!(
                "{name}: not a trust list: expected PEM text (-----BEGIN CERTIFICATE-----), found binary data"
            ))
        })?;
        anchors
            .add_pem(&name, &text)
            .map_err(|e| Failure::setup(&e))?;
    }
    Ok(anchors)
}

/// Colour on a terminal unless `NO_COLOR` is set, or as forced.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
